"""The route walker's view of the site photo files (eoms/fieldwork/urls_photos.py), read by
eoms/testing/routes_fieldwork.py: each route serves one photo of field.checkin (world.worker
at world.site), added through the services with a small generated JPEG."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import models

from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.models import Photo
from eoms.testing.photo_samples import jpeg_upload

_serial = itertools.count(1)


def _photo(w: Any) -> Photo:
    from eoms.testing.routes_fieldwork import world_fieldwork  # that module imports this one

    field = world_fieldwork(w)
    with acting(Channel.TEST):
        [photo] = services.add_photos(field.checkin, actor=w.worker, files=[
            jpeg_upload(f"巡检照片{next(_serial):05d}.jpg", width=96, height=64)])
    return photo


def targets(target: Any) -> list[tuple[str, Any]]:
    return [(name, target(model=Photo, obj=_photo))
            for name in ("fieldwork:photo_image", "fieldwork:photo_original",
                         "fieldwork:photo_thumb")]


MAKERS: dict[type[models.Model], Any] = {}
