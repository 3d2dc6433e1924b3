from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eoms.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from eoms.core import admin, jobs, policies, registry  # noqa: F401
