from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "eoms.scheduling"
    label = "scheduling"
    verbose_name = _("进度计划")

    def ready(self) -> None:
        from eoms.scheduling import policies, registry, reminders, services_feed  # noqa: F401
