"""Background jobs of quality, found by the worker (`eoms worker` autodiscovers them): the
quality archive of an order once it is delivered."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from eoms.core.context import Channel, acting
from eoms.orders.models import Order
from eoms.quality import services_archive
from eoms.quality.models import QualityArchive
from eoms.quality.policies_archive import RELEASED

log = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=60, name="eoms.quality.tasks.archive_delivered_order")
def archive_delivered_order(order_id: int, delivered_at: str) -> int | None:
    """Archive the quality report of a delivered order (queued when it became delivered,
    `delivered_at` telling that delivery apart from a later one). A retry after the
    archive was written does not write a second one."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status not in RELEASED:
        log.warning("order %s is no longer delivered; no quality archive made", order_id)
        return None
    done = QualityArchive.objects.filter(order=order, created_at__gte=delivered_at,
                                         created_by=None).first()
    if done is not None:
        return done.pk
    with acting(Channel.JOB):
        archive = services_archive.archive_report(order, actor=None, reason=_("订单交付归档"))
    log.info("quality archive %s of order %s: sha256 %s", archive, order.code, archive.sha256)
    return archive.pk
