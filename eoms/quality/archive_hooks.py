"""How the quality archive hooks into orders: the job queued when an order is delivered
(connected in apps.ready), the button on the order page and the link in the customer's
portal, the audit label of its creation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.core import events
from eoms.core.access import VIEW, can
from eoms.orders import portal_links
from eoms.orders import registry as orders_registry
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.quality.models import QualityArchive
from eoms.quality.policies_archive import RELEASED

events.register("quality_archive.created", gettext_lazy("生成质量档案"))


def on_order_status_changed(sender: Any, order: Order, new: str, **kwargs: Any) -> None:
    """An order became delivered: archive its quality report in the background, once the
    delivery is committed."""
    if new != OrderStatus.DELIVERED:
        return
    from eoms.quality.tasks import archive_delivered_order  # tasks → services → here

    since = timezone.now().isoformat()
    transaction.on_commit(lambda: archive_delivered_order(order.pk, since))


def _visible(order: Order, user: Any) -> Any:
    return QualityArchive.objects.for_user(user).filter(order=order)


def order_actions(order: Order, user: Any) -> list[tuple[str, str, str]]:
    """The order page's button to its archive (staff who may see archives)."""
    if not can(user, VIEW, QualityArchive):
        return []
    if order.status not in RELEASED and not _visible(order, user).exists():
        return []
    return [(str(_("质量档案")), reverse("quality:archive_list", args=[order.pk]), "lock")]


def portal_actions(order: Order, user: Any) -> list[tuple[str, str, str]]:
    """The customer's link to the archived report of his delivered order."""
    if order.status not in RELEASED or not _visible(order, user).exists():
        return []
    return [(str(_("质量验收档案（PDF）")), reverse("quality:archive_list", args=[order.pk]),
             "file")]


orders_registry.register_detail_actions(order_actions)
portal_links.register_portal_links(portal_actions)
