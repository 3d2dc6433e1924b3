"""Domain events of orders, for the modules above (scheduling, quality, costs, reports)."""

from django.dispatch import Signal

# sender=Order, order=…, old=…, new=…, actor=…
order_status_changed = Signal()
# sender=Order, order=…, owner=…, rule=… (None for a manual assignment), actor=…
order_assigned = Signal()
