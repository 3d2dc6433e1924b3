from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "eoms.materials"
    label = "materials"
    verbose_name = _("材料进场")

    def ready(self) -> None:
        from eoms.materials import policies, registry  # noqa: F401
