"""Reads that need care: what is still outstanding on an order, what is left of a batch,
and the trace of a batch or a task."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from eoms.materials.models import BatchUsage, ReceivedBatch
from eoms.orders.models import Order, OrderLine
from eoms.scheduling.models import Task

ZERO = Decimal("0")


@dataclass(frozen=True)
class LineBalance:
    line: OrderLine
    received: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.line.quantity - self.received, ZERO)


def received_on(line_ids: list[int]) -> dict[int, Decimal]:
    rows = (ReceivedBatch.objects.filter(order_line_id__in=line_ids)
            .values("order_line_id").annotate(total=Sum("quantity")))
    return {row["order_line_id"]: row["total"] or ZERO for row in rows}


def balances(order: Order) -> list[LineBalance]:
    """Each line of the order with what was received on it so far."""
    lines = list(order.lines.select_related("material__category").order_by("line_no"))
    received = received_on([line.pk for line in lines])
    return [LineBalance(line, received.get(line.pk, ZERO)) for line in lines]


def used_of(batch_ids: list[int]) -> dict[int, Decimal]:
    rows = (BatchUsage.objects.filter(batch_id__in=batch_ids)
            .values("batch_id").annotate(total=Sum("quantity")))
    return {row["batch_id"]: row["total"] or ZERO for row in rows}


def remaining(batch: ReceivedBatch) -> Decimal:
    return batch.quantity - used_of([batch.pk]).get(batch.pk, ZERO)


def trace_of_batch(batch: ReceivedBatch) -> QuerySet[BatchUsage]:
    """Every task and location the batch went into (a bad batch → where to look)."""
    return (batch.usages.select_related("task__order", "recorded_by")
            .order_by("used_on", "pk"))


def batches_of_task(task: Task) -> QuerySet[BatchUsage]:
    """Every batch built into a task, with its certificate and supplier."""
    return (task.batch_usages.select_related("batch__material", "batch__supplier",
                                             "batch__delivery", "recorded_by")
            .order_by("used_on", "pk"))
