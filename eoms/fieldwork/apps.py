from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "eoms.fieldwork"
    label = "fieldwork"
    verbose_name = _("现场作业")

    def ready(self) -> None:
        from eoms.fieldwork import policies, registry  # noqa: F401
