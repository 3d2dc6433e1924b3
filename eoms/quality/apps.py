from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "eoms.quality"
    label = "quality"
    verbose_name = _("质量管理")

    def ready(self) -> None:
        from eoms.orders import gates as order_gates
        from eoms.orders.choices import OrderStatus
        from eoms.orders.signals import order_status_changed
        from eoms.quality import (  # noqa: F401
            archive_hooks,
            gates,
            policies,
            policies_archive,
            registry,
            triggers,
        )
        from eoms.scheduling import gates as schedule_gates
        from eoms.scheduling.signals import task_completed

        task_completed.connect(triggers.on_task_completed, dispatch_uid="quality.task_done")
        order_status_changed.connect(triggers.on_order_status_changed,
                                     dispatch_uid="quality.order_status")
        order_status_changed.connect(archive_hooks.on_order_status_changed,
                                     dispatch_uid="quality.archive_on_delivery")
        order_gates.register(OrderStatus.DELIVERED, gates.delivery_refusals)
        schedule_gates.register_start_check(gates.start_refusals)
