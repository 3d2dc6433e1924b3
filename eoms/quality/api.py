"""The quality API: /api/v1/quality/ (session or `Authorization: Bearer <token>`).

- Templates (api_templates): `GET /templates` (`active`), `GET /templates/{id}` (with
  items), `GET /checkpoints` (`template`, `trigger`, `active`).
- Keeping them (api_template_writes; management and QC): `POST /templates`,
  `PATCH /templates/{id}` (If-Match; `items` replaces the list), `POST /templates/{id}/copy`,
  `DELETE /templates/{id}` (409 with the count when used), `POST /checkpoints`,
  `PATCH /checkpoints/{id}` (If-Match).
- Inspections (api_inspections): `GET /inspections` (`status`, `mine`, `order`, `task`;
  paginated), `GET /inspections/{id}` (items, results, photos as URLs of the
  access-checked pages; ETag), `POST /inspections/{id}/results` `{values, note}`
  (If-Match required), `POST /inspections/{id}/photos` (multipart: `item`, `photos`),
  `POST /inspections/{id}/complete` `{note}` (If-Match required),
  `POST /inspections/{id}/reinspect`.
- Non-conformance (api_ncr): `GET /ncrs` (`status`, `severity`, `order`, `task`,
  `inspection`), `GET /ncrs/{id}`, `POST /ncrs/{id}/close` `{note}`.
- Archives (api_archives): `GET /archives` (`order`), `GET /archives/{id}`,
  `GET /archives/{id}/pdf` (SHA-256 re-checked: 409 when the file no longer matches).
- Acceptance (api_accept): `GET /tasks/{id}/acceptance` (accepted, or the reasons it
  cannot be), `POST /tasks/{id}/accept` `{note}`.

Objects the caller may not see answer 404, actions his role may not take 403; every bad
input answers problem+json naming the field (an item is `item_<id>`), and nothing is
written. POSTs honour `Idempotency-Key`.
"""

from ninja import Router

from eoms.quality import (
    api_accept,
    api_archives,
    api_inspections,
    api_ncr,
    api_template_writes,
    api_templates,
)

router = Router(tags=["quality"])
_ = api_template_writes  # its operations join api_templates.router
for _module in (api_templates, api_inspections, api_ncr, api_accept):
    router.add_router("", _module.router)
router.add_router("", api_archives.router)
