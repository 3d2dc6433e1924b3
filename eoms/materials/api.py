"""The materials API: /api/v1/materials/."""

from ninja import Router

router = Router(tags=["materials"])
