"""Background jobs of field work, found by the worker (`eoms worker` autodiscovers them):
thumbnails of new site photos, and the daily removal of orphan photo files."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from eoms.core.context import Channel, acting, business_event
from eoms.core.stored_files import delete_on_rollback
from eoms.fieldwork.choices import PhotoState
from eoms.fieldwork.models import Photo
from eoms.fieldwork.orphans import sweep_orphan_photos
from eoms.lib import images

log = logging.getLogger(__name__)


def _render(photo: Photo) -> bytes:
    with default_storage.open(photo.original.name, "rb") as stored:
        return images.thumbnail_jpeg(stored.read())


def _finish(pk: int, *, thumbnail: bytes | None) -> None:
    """Record the outcome, once: READY with the thumbnail, or FAILED."""
    written: list[str] = []
    with transaction.atomic(), business_event("photo.processed"):
        photo = Photo.objects.select_for_update().filter(
            pk=pk, state=PhotoState.PROCESSING).first()
        if photo is None:  # done meanwhile, or deleted
            return
        fields = ["state", "version", "updated_at"]
        if thumbnail is not None:
            delete_on_rollback(written)
            photo.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
            written.append(photo.thumbnail.name)
            fields.append("thumbnail")
        photo.state = PhotoState.READY if thumbnail is not None else PhotoState.FAILED
        photo.version += 1
        photo.save(update_fields=fields)


def process_photo(pk: int, *, final: bool = True) -> bool:
    """Make the thumbnail of one photo; False when it failed (and FAILED when `final`)."""
    photo = Photo.objects.filter(pk=pk, state=PhotoState.PROCESSING).first()
    if photo is None:
        return True
    try:
        thumbnail = _render(photo)
    except Exception:
        log.exception("thumbnail of photo %s failed%s", pk, "" if final else ", will retry")
        if final:
            _finish(pk, thumbnail=None)
        return False
    _finish(pk, thumbnail=thumbnail)
    return True


@db_task(retries=2, retry_delay=30, context=True, name="eoms.fieldwork.tasks.make_thumbnails")
def make_thumbnails(photo_ids: list[int], task: Any = None) -> int:
    """Thumbnails of new photos (queued by photos.save once the photos are committed)."""
    final = task is None or task.retries == 0
    with acting(Channel.JOB):
        failed = [pk for pk in photo_ids if not process_photo(pk, final=final)]
    if failed and not final:
        raise RuntimeError(f"thumbnails failed for photos {failed}; retrying")
    return len(photo_ids) - len(failed)


@db_periodic_task(crontab(hour="4", minute="23"))
def remove_orphan_photo_files() -> int:
    """Daily: photo files a crashed check-in left behind (eoms.fieldwork.orphans)."""
    return len(sweep_orphan_photos())
