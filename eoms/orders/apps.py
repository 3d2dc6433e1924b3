from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "eoms.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self) -> None:
        from eoms.orders import dashboard, policies, registry  # noqa: F401
