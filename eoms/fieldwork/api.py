"""The field-work API: /api/v1/fieldwork/ (check-ins, photos, timesheet, device posts,
daily logs).

Check-ins (api_checkins; session or `Authorization: Bearer <token>`):
    GET  /checkins                   list, scoped by role (own; a crew leader his crew's;
                                     project staff their projects' sites; office all);
                                     ?site= (id or code) &worker= (username, id or me)
                                     &date= &flagged= &state= &page= &page_size=
    GET  /checkins/{id}              one check-in with its location status and photos (ETag)
    POST /checkins                   check in: application/json, or multipart/form-data
                                     with several `photos` files (the phone page and its
                                     offline queue); `at` is the phone's time when queued
                                     offline. Outside the geofence or without a location
                                     the check-in is kept and flagged.
    POST /checkins/{id}/checkout     check out with hours worked → a timesheet entry
                                     (If-Match optional)
    POST /checkins/{id}/photos       more photos (multipart/form-data, `photos`)
    GET  /timesheet                  timesheet entries, scoped as check-ins;
                                     ?worker= &site= &date_from= &date_to=
Devices (api_devices; `Authorization: Bearer <device key>`, a key shown once on the
device page):
    POST /device/checkins            {worker, direction: in|out, at} for a worker of the
                                     device's site
Daily site logs: see api_logs.

Every POST honours `Idempotency-Key` (eoms.core.idempotency): a retry with the same key
replays the first answer and writes nothing. Errors are problem+json naming the field.
"""

from ninja import Router

from eoms.fieldwork import api_checkins, api_devices, api_logs

router = Router(tags=["fieldwork"])
for _module in (api_checkins, api_devices, api_logs):
    router.add_router("", _module.router)
