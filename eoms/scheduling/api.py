"""The scheduling API: /api/v1/scheduling/ (tasks, links, calendars, baselines, results).

- Tasks (api_tasks.py): `GET /tasks` (`order`, `owner` (`me`), `crew`, `status`,
  `critical`, `overdue`, `milestone`, `summary`, `q`, `ordering`; paginated),
  `POST /tasks`, `GET|PATCH|DELETE /tasks/{id}`, `POST /tasks/{id}/progress`
  `{percent, actual_start, actual_finish}`, `POST /tasks/{id}/move` `{start, finish}`.
- Links (api_links.py): `GET /tasks/{id}/links`, `POST /links`
  `{predecessor, successor, type, lag_days}`, `GET|PATCH|DELETE /links/{id}`.
- An order's schedule (api_orders.py; the order by code or id):
  `GET|PATCH /orders/{order}/schedule`, `POST /orders/{order}/schedule/recompute`,
  `GET /orders/{order}/critical-path`, `GET /orders/{order}/cpm`,
  `GET|POST /orders/{order}/baselines`, `GET|DELETE /baselines/{id}`.
- Calendars (api_calendars.py): `GET|POST /calendars`, `GET|PATCH|DELETE /calendars/{id}`,
  `GET /calendars/{id}/days?year=`, `PUT|DELETE /calendars/{id}/exceptions/{date}`.

Durations, lags and floats are working days of the task's calendar. Updates need
`If-Match` (428 without, 412 when stale); actions accept it; POSTs accept
`Idempotency-Key`. Objects the caller may not see answer 404, actions his role may not
take 403; every bad input answers problem+json naming the field, and nothing is written.
"""

from ninja import Router

from eoms.scheduling import api_calendars, api_links, api_orders, api_tasks

router = Router(tags=["scheduling"])
for _module in (api_tasks, api_links, api_orders, api_calendars):
    router.add_router("", _module.router)
