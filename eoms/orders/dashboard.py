"""Order cards on the dashboard: open orders (his own, for a project manager), overdue
orders, and the unassigned queue for managers. One aggregate query, from the orders the
user may see; each card links to the list filtered the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eoms.core import dashboard
from eoms.core.access import CUSTOMER, PROJECT_MANAGER, STAFF_ROLES, VIEW, can, roles_of
from eoms.orders.choices import OrderStatus
from eoms.orders.models import OPEN_STATUSES, Order
from eoms.orders.policies import ASSIGN
from eoms.orders.queries import overdue_q


def order_cards(user: Any) -> list[dict[str, Any]]:
    if not can(user, VIEW, Order):
        return []
    roles = roles_of(user)
    mine = PROJECT_MANAGER in roles
    managing = can(user, ASSIGN, Order)
    unassigned = Q(status=OrderStatus.SUBMITTED, owner__isnull=True)
    counts = Order.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES), distinct=True),
        mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, owner=user), distinct=True),
        overdue=Count("pk", filter=overdue_q(), distinct=True),
        unassigned=Count("pk", filter=unassigned, distinct=True),
    )
    if CUSTOMER in roles and not roles & STAFF_ROLES:  # a customer follows them in the portal
        return [{"label": _("我的未结束订单"), "value": counts["open"], "icon": "clipboard-check",
                 "url": reverse("orders:portal")}]
    url = reverse("orders:list")
    cards = [
        {"label": _("我负责的未结束订单"), "value": counts["mine"], "icon": "clipboard-check",
         "url": f"{url}?owner=me&status=open"} if mine else
        {"label": _("未结束订单"), "value": counts["open"], "icon": "clipboard-check",
         "url": f"{url}?status=open"},
        {"label": _("逾期订单"), "value": counts["overdue"], "icon": "alert",
         "url": f"{url}?overdue=1"},
    ]
    if managing:
        cards.append({"label": _("待分派订单"), "value": counts["unassigned"], "icon": "users",
                      "url": f"{url}?status={OrderStatus.SUBMITTED}&owner=none"})
    return cards


dashboard.register_cards(order_cards)
