"""Check-ins posted by a site's devices (attendance terminals, turnstiles, IoT gateways).

A device authenticates with its own key, `Authorization: Bearer eomsdev_…` (the key is
shown once when the device is registered on the device page). The standard bearer scheme
is used, not a scheme of our own, so that the Idempotency-Key middleware (which keys the
remembered answers by the bearer credential) covers device posts as it covers every other
API POST: a terminal that retries with the same key checks the worker in once.

A device is bound to one site: it checks in and out the workers of that site's project
(or with tasks there). A person's API token or session is refused here (401), as a device
key is refused everywhere else.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Status
from ninja.security import HttpBearer

from eoms.accounts.models import User
from eoms.fieldwork import services, services_devices
from eoms.fieldwork.api_checkins import (
    CheckInOut,
    In,
    answer,
    call,
    read_body,
    validated,
)
from eoms.fieldwork.models import DeviceToken
from eoms.scheduling.api_common import invalid_field

router = Router()


class DeviceAuth(HttpBearer):
    """`Authorization: Bearer <device key>`: the device, or None (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> DeviceToken | None:
        device = services_devices.device_for_key(token)
        if device is not None:
            request.device = device  # type: ignore[attr-defined]
        return device


class DeviceEventIn(In):
    worker: int | str = Field(..., description="施工人员用户名或 id")
    direction: Literal["in", "out"] = Field(..., description="in：签到；out：签退")
    at: dt.datetime | None = Field(None, description="刷卡时间（ISO 8601）；留空为现在")


def _worker(value: int | str) -> User:
    text = str(value).strip()
    qs = User.objects.filter(is_active=True)
    found = (qs.filter(pk=int(text)) if text.isdigit() else qs.filter(username=text)).first()
    if found is None:
        raise invalid_field("worker", _("找不到在职人员“%(v)s”。") % {"v": text})
    return found


@router.post("/device/checkins", response={200: CheckInOut, 201: CheckInOut},
             auth=DeviceAuth(), operation_id="fieldwork_device_checkin",
             summary="考勤设备签到/签退（Authorization: Bearer <设备密钥>）",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": DeviceEventIn.model_json_schema()}}}})
def device_checkin(request: HttpRequest, response: HttpResponse) -> Any:
    device: DeviceToken = request.auth  # type: ignore[attr-defined]
    payload = validated(DeviceEventIn, read_body(request)[0])
    worker = _worker(payload.worker)

    def record() -> Any:
        try:
            return services.device_event(device, worker=worker, direction=payload.direction,
                                         at=payload.at)
        except PermissionDenied:  # a person who does not check in on sites (finance…)
            raise invalid_field("worker", _("%(name)s 不能在工地签到。")
                                % {"name": worker.get_full_name() or worker.username})

    checkin = call(record)
    if payload.direction == "in":
        return Status(201, answer(checkin, response, created=True))
    return answer(checkin, response)
