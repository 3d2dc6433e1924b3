from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from eoms.audit import services
from eoms.core.context import Channel, acting


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_old_audit_entries() -> int:
    """Daily: remove entries older than the retention (never younger); records that it ran."""
    with acting(Channel.JOB):
        return services.purge().deleted
