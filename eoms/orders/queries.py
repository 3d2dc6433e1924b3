"""Reads of orders that need care: overdue as a database condition (so lists filter, sort
and count it without a query per row), an order's timeline across its lines, comments and
attachments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order, OrderAttachment, OrderComment, OrderLine

# An order past its promised date is overdue until it is delivered, closed or cancelled
# (the same rule as services.is_overdue, for querysets).
DONE_STATUSES = (OrderStatus.DELIVERED, OrderStatus.CLOSED, OrderStatus.CANCELLED)
TIMELINE_LIMIT = 200


def overdue_q(today: date | None = None, prefix: str = "") -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}promised_date__lt": today}) & ~Q(**{f"{prefix}status__in":
                                                              DONE_STATUSES})


def with_overdue(qs: models.QuerySet, today: date | None = None) -> models.QuerySet:
    """Annotate `is_overdue` on every row."""
    return qs.annotate(is_overdue=ExpressionWrapper(overdue_q(today),
                                                    output_field=BooleanField()))


def timeline_entries(order: Order) -> Any:
    """Audit entries of the order, of its lines (also those replaced since: matched by the
    requests that changed the order and by the line's name, which starts with the order's
    code), of its comments and attachments; newest first."""
    from eoms.audit.models import AuditEntry

    types = ContentType.objects.get_for_models(Order, OrderLine, OrderComment, OrderAttachment)
    own = AuditEntry.objects.filter(content_type=types[Order], object_id=str(order.pk))
    comment_ids = [str(pk) for pk in order.comments.values_list("pk", flat=True)]
    attachment_ids = [str(pk) for pk in order.attachments.values_list("pk", flat=True)]
    condition = (
        Q(content_type=types[Order], object_id=str(order.pk))
        | Q(content_type=types[OrderLine], request_id__in=own.values("request_id"),
            object_repr__startswith=f"{order.code}#")
        | Q(content_type=types[OrderComment], object_id__in=comment_ids)
        | Q(content_type=types[OrderAttachment], object_id__in=attachment_ids)
    )
    return (AuditEntry.objects.filter(condition).select_related("content_type")
            .order_by("-seq")[:TIMELINE_LIMIT])
