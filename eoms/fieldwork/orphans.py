"""Photo files no Photo row names: left when the process died between writing the files
and committing the check-in (a rollback deletes them itself, see photos.py). A daily job
removes those older than a day in the folders of this and last month (photo_path)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from eoms.fieldwork.models import Photo

log = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(days=1)
FILE_FIELDS = ("original", "image", "thumbnail")


def recent_folders(now: datetime) -> list[str]:
    last_month = now.replace(day=1) - timedelta(days=1)
    return sorted({f"photos/{day:%Y/%m}" for day in (now, last_month)})


def _known(folder: str) -> set[str]:
    prefix = f"{folder}/"
    rows = Photo.objects.filter(
        Q(original__startswith=prefix) | Q(image__startswith=prefix)
        | Q(thumbnail__startswith=prefix)).values_list(*FILE_FIELDS)
    return {name for row in rows.iterator() for name in row if name}


def _old(name: str, cutoff: datetime) -> bool:
    try:
        return default_storage.get_modified_time(name) < cutoff
    except (OSError, NotImplementedError):
        return False


def sweep_orphan_photos(now: datetime | None = None) -> list[str]:
    """Delete unreferenced photo files older than ORPHAN_AGE; the names deleted."""
    now = now or timezone.now()
    cutoff = now - ORPHAN_AGE
    removed: list[str] = []
    for folder in recent_folders(now):
        try:
            names = default_storage.listdir(folder)[1]
        except (FileNotFoundError, NotImplementedError):
            continue
        known = _known(folder)
        for name in (f"{folder}/{n}" for n in names):
            if name not in known and _old(name, cutoff):
                default_storage.delete(name)
                removed.append(name)
    if removed:
        log.warning("removed %d orphan photo files: %s", len(removed), removed[:20])
    return removed
