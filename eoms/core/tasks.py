"""Background tasks of the platform, imported by the worker (`eoms worker` autodiscovers
every app's tasks module) so that it knows them."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoms.core.import_store import process_stored_import
from eoms.core.models import IdempotencyRecord

__all__ = ["forget_old_idempotency_keys", "process_stored_import"]


@db_periodic_task(crontab(minute="41"))
def forget_old_idempotency_keys() -> int:
    """Hourly: an Idempotency-Key is honoured for EOMS_IDEMPOTENCY_TTL_HOURS, then dropped."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
