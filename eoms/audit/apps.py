from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "eoms.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from eoms.audit import capture, policies, registry  # noqa: F401

        capture.connect()
