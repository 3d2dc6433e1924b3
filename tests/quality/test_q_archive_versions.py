"""A correction is a new version: a new row and a new file, the earlier file untouched.
A new version needs a reason and a delivered order; a refused one writes nothing. An
archive is never changed and never deleted."""

import hashlib
import os

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.orders.choices import OrderStatus
from eoms.quality import services_archive
from eoms.quality.models import QualityArchive
from eoms.testing.archive_world import build_delivered
from eoms.testing.orders_world import draft_order


def _read(archive) -> bytes:
    with default_storage.open(archive.file.name, "rb") as stored:
        return stored.read()


def _files() -> set[str]:
    found = set()
    for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
        found |= {os.path.join(folder, n) for n in names}
    return found


def _state() -> tuple:
    return (AuditEntry.objects.count(), QualityArchive.objects.count(), _files())


def test_it_adds_a_version_with_its_reason_and_leaves_the_first_file_alone(world, login):
    a = build_delivered(world)
    first, first_bytes = a.archive, _read(a.archive)
    response = login(world.qc).post(f"/quality/orders/{a.order.pk}/archives/new/",
                                    {"reason": "更正竣工验收的检验意见"})
    assert response.status_code == 302
    second = QualityArchive.objects.get(order=a.order, version=2)
    assert second.file.name != first.file.name and second.created_by == world.qc
    assert second.reason == "更正竣工验收的检验意见"
    assert second.sha256 == hashlib.sha256(_read(second)).hexdigest()
    again = QualityArchive.objects.get(pk=first.pk)
    assert (again.file.name, again.sha256) == (first.file.name, first.sha256)
    assert _read(again) == first_bytes
    entry = AuditEntry.objects.for_object(second).get(event="quality_archive.created")
    assert entry.changes["sha256"][1] == second.sha256 and entry.reason == second.reason


@pytest.mark.parametrize("reason, message", [
    ("", "请填写生成新版本的原因"), ("   ", "请填写生成新版本的原因"),
    ("改" * 301, "生成原因不能超过 300 个字符"),
])
def test_it_refuses_a_new_version_without_a_proper_reason(world, login, reason, message):
    a = build_delivered(world)
    client = login(world.manager)
    before = _state()
    response = client.post(f"/quality/orders/{a.order.pk}/archives/new/",
                                         {"reason": reason})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


def test_it_refuses_to_archive_an_order_not_yet_delivered(world):
    with acting(Channel.TEST):
        order = draft_order(world)
    before = _state()
    with pytest.raises(ValidationError) as caught, acting(Channel.TEST):
        services_archive.archive_report(order, actor=world.manager, reason="提前归档")
    assert f"订单 {order.code} 尚未交付" in caught.value.message_dict["order"][0]
    assert order.status != OrderStatus.DELIVERED and _state() == before


def test_it_refuses_a_new_version_to_roles_that_may_not_make_one(world, login):
    a = build_delivered(world)
    pm, client = login(world.pm), login(world.client)
    before = _state()
    with pytest.raises(PermissionDenied), acting(Channel.TEST):
        services_archive.archive_report(a.order, actor=world.pm, reason="项目经理重做")
    assert pm.post(f"/quality/orders/{a.order.pk}/archives/new/",
                   {"reason": "项目经理重做"}).status_code == 403
    assert client.post(f"/quality/orders/{a.order.pk}/archives/new/",
                                    {"reason": "客户重做"}).status_code == 403
    assert _state() == before


def test_it_never_changes_or_deletes_an_archive(world):
    a = build_delivered(world)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services_archive.delete_archive(a.archive, actor=world.manager)
    assert "已归档，不能删除" in caught.value.messages[0]
    archive = QualityArchive.objects.get(pk=a.archive.pk)
    archive.reason = "改写"
    with pytest.raises(ValueError), acting(Channel.TEST):
        archive.save()
    with pytest.raises(ValueError), acting(Channel.TEST):
        archive.delete()
    assert _state() == before
