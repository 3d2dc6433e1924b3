"""The daily site log (施工日志): pre-filled from a day's check-ins, completed, signed and
frozen; through the services, the pages and the API."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from eoms.accounts import services as accounts
from eoms.accounts.models import Role
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork import services, services_log
from eoms.fieldwork.choices import DailyLogState
from eoms.fieldwork.models import DailyLog
from eoms.masterdata.models import ProjectMember
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.world import PASSWORD

YESTERDAY = timezone.localdate() - timedelta(days=1)


def _at(hour: int, minute: int = 0, day=YESTERDAY) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _loner(world):
    with acting(Channel.TEST):
        user = accounts.create_user(actor=None, check_permission=False, username="loner",
                                    password=PASSWORD, roles=[Role.SITE_WORKER],
                                    last_name="周", first_name="杂工")
        ProjectMember.objects.create(project=world.project, user=user)
    return user


@pytest.fixture
def day(world):
    """Yesterday at world.site: world.worker (crew 钢筋一班) poured 12.5 m³ for 8 hours,
    field.mate (same crew) cured without location for 3.5 hours, a worker of no crew
    cleaned up and never checked out."""
    field = build_fieldwork(world)
    loner = _loner(world)
    with acting(Channel.TEST):
        pour = services.check_in(world.site, actor=world.worker, task=field.plan.pour,
                                 at=_at(8), note="底板钢筋绑扎", quantity_done="12.5",
                                 quantity_unit="m³", **at_site(world.site))
        services.check_out(pour, actor=world.worker, at=_at(17), hours_worked="8")
        cure = services.check_in(world.site, actor=field.mate, task=field.plan.cure,
                                 at=_at(8, 30), flag_reason="手机定位打不开")
        services.check_out(cure, actor=field.mate, at=_at(12), hours_worked="3.5")
        services.check_in(world.site, actor=loner, at=_at(9), note="清理现场",
                          **at_site(world.site))
    field.loner = loner
    return field


def _prefill(world, actor=None, on=YESTERDAY):
    with acting(Channel.TEST):
        return services_log.prefill_log(world.site, on, actor=actor or world.pm)


def _crews(log):
    return {(row.crew_name, row.headcount, Decimal(row.hours)) for row in log.crews.all()}


def test_it_prefills_headcount_hours_and_work_from_the_days_checkins(world, day):
    log = _prefill(world)
    assert _crews(log) == {("钢筋一班", 2, Decimal("11.50")), ("未分班组", 1, Decimal("0.00"))}
    lines = log.work_done.splitlines()
    assert len(lines) == 3
    assert "底板浇筑（孙施工）：完成 12.5 m³；底板钢筋绑扎" in log.work_done
    assert "养护（刘钢筋）" in log.work_done
    assert "未关联任务（周杂工）：清理现场" in log.work_done
    assert log.state == DailyLogState.DRAFT and log.created_by == world.pm
    assert AuditEntry.objects.filter(event="dailylog.created").exists()
    # Today's check-ins (the world's) are not yesterday's.
    assert _prefill(world, on=timezone.localdate()).crews.get().headcount == 2


def test_it_keeps_what_the_site_manager_typed_on_a_new_prefill(world, day):
    log = _prefill(world)
    with acting(Channel.TEST):
        log = services_log.save_log(log, actor=world.pm, expected_version=log.version, data={
            "work_done": "一层底板浇筑完成", "issues": "泵车迟到一小时", "weather": "sunny"})
        other = services.check_in(world.site, actor=world.qc, at=_at(10), note="验收钢筋",
                                  **at_site(world.site))
        services.check_out(other, actor=world.qc, at=_at(11), hours_worked="1")
    again = _prefill(world)
    assert again.work_done == "一层底板浇筑完成"
    assert again.issues == "泵车迟到一小时" and again.weather == "sunny"
    assert ("未分班组", 2, Decimal("1.00")) in _crews(again)  # the QC inspector came
    assert again.version == log.version + 1
    # An emptied work-done is filled again from the check-ins.
    with acting(Channel.TEST):
        services_log.save_log(again, actor=world.pm, data={"work_done": ""})
    assert "验收钢筋" in _prefill(world).work_done


def test_it_refuses_bad_input_and_writes_nothing(world, day):
    log = _prefill(world)
    before = (AuditEntry.objects.count(), log.version)
    bad = [({"temperature_low": -61}, "temperature_low"),
           ({"temperature_high": "70"}, "temperature_high"),
           ({"temperature_low": "冷"}, "temperature_low"),
           ({"temperature_low": "3.5"}, "temperature_low"),
           ({"temperature_low": 20, "temperature_high": 10}, "temperature_low"),
           ({"weather": "hail"}, "weather"),
           ({"safety": "安" * 5001}, "safety"),
           ({"signed_by": world.pm.pk}, "signed_by")]
    for data, field in bad:
        with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
            services_log.save_log(log, actor=world.pm, data=data)
        assert field in caught.value.message_dict, (data, caught.value)
    log.refresh_from_db()
    assert (AuditEntry.objects.count(), log.version) == before
    assert log.temperature_low is None and log.weather == ""


def test_it_shows_form_errors_on_the_page_and_the_api_and_writes_nothing(world, day, login):
    log = _prefill(world)
    client = login(world.pm)
    before = AuditEntry.objects.count()
    page = client.post(reverse("fieldwork:log_edit", args=[log.pk]), {
        "version": log.version, "temperature_low": "30", "temperature_high": "20",
        "weather": "sunny", "work_done": "改过的内容"})
    assert page.status_code == 200
    assert "最低气温不能高于最高气温" in page.content.decode()
    api = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                       json.dumps({"temperature_high": 99}), content_type="application/json",
                       headers={"If-Match": f'"{log.version}"'})
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "temperature_high"
    api = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                       json.dumps({"weather": "hail"}), content_type="application/json",
                       headers={"If-Match": f'"{log.version}"'})
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "weather"
    assert AuditEntry.objects.count() == before
    log.refresh_from_db()
    assert "改过的内容" not in log.work_done


def test_it_saves_through_the_form_and_the_api(world, day, login):
    log = _prefill(world)
    client = login(world.pm)
    form = client.get(reverse("fieldwork:log_edit", args=[log.pk]))
    assert form.status_code == 200 and "从签到汇总" in form.content.decode()
    saved = client.post(reverse("fieldwork:log_edit", args=[log.pk]), {
        "version": log.version, "weather": "light_rain", "temperature_low": "-3",
        "temperature_high": "5", "work_done": log.work_done, "equipment": "汽车泵 1 台"})
    assert saved.status_code == 302
    log.refresh_from_db()
    assert (log.weather, log.temperature_low, log.temperature_high) == ("light_rain", -3, 5)
    api = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                       json.dumps({"deliveries": "钢筋 20 吨"}), content_type="application/json",
                       headers={"If-Match": f'"{log.version}"'})
    assert api.status_code == 200, api.content
    assert api.json()["deliveries"] == "钢筋 20 吨" and api["ETag"] == f'"{log.version + 1}"'
    assert AuditEntry.objects.filter(event="dailylog.updated").count() == 2


def test_it_refuses_a_stale_save(world, day, login):
    log = _prefill(world)
    old = log.version
    with acting(Channel.TEST):
        services_log.save_log(log, actor=world.manager, data={"issues": "王总补充"})
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services_log.save_log(log, actor=world.pm, data={"issues": "旧版本"},
                              expected_version=old)
    assert caught.value.code == "stale"
    client = login(world.pm)
    page = client.post(reverse("fieldwork:log_edit", args=[log.pk]), {
        "version": old, "issues": "旧版本", "work_done": log.work_done})
    assert page.status_code == 200 and "已被" in page.content.decode()
    api = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                       json.dumps({"issues": "旧版本"}), content_type="application/json",
                       headers={"If-Match": f'"{old}"'})
    assert api.status_code == 412
    missing = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                           json.dumps({"issues": "旧版本"}), content_type="application/json")
    assert missing.status_code == 428
    log.refresh_from_db()
    assert log.issues == "王总补充"


def test_it_locks_a_signed_log_with_the_hash_of_its_content(world, day, login):
    log = _prefill(world)
    with acting(Channel.TEST):
        with pytest.raises(ValidationError) as empty:
            services_log.sign_log(log, actor=world.pm, signature_name="  ")
        assert "signature_name" in empty.value.message_dict
        signed = services_log.sign_log(log, actor=world.pm, signature_name="李项目")
    assert signed.state == DailyLogState.SIGNED and signed.signed_by == world.pm
    assert signed.signed_at is not None and signed.signature_name == "李项目"
    canonical = json.dumps(services_log.canonical_content(signed), ensure_ascii=False,
                           sort_keys=True, separators=(",", ":"))
    assert signed.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert services_log.hash_matches(DailyLog.objects.get(pk=log.pk))
    client = login(world.pm)
    before = AuditEntry.objects.count()
    for attempt in (lambda: services_log.save_log(signed, actor=world.pm, data={"issues": "x"}),
                    lambda: services_log.prefill_log(world.site, YESTERDAY, actor=world.pm),
                    lambda: services_log.sign_log(signed, actor=world.pm, signature_name="李")):
        with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.code == "signed" and "不能再修改" in caught.value.messages[0]
    edit = client.get(reverse("fieldwork:log_edit", args=[log.pk]))
    assert edit.status_code == 302
    api = client.patch(reverse("api:fieldwork_log_detail", args=[log.pk]),
                       json.dumps({"issues": "x"}), content_type="application/json",
                       headers={"If-Match": f'"{signed.version}"'})
    assert api.status_code == 409 and "不能再修改" in api.json()["detail"]
    assert AuditEntry.objects.count() == before
    # Tampering shows: the stored hash no longer matches the content.
    DailyLog.objects.filter(pk=log.pk).update(issues="事后改动")
    assert not services_log.hash_matches(DailyLog.objects.get(pk=log.pk))
    assert "不一致" in client.get(reverse("fieldwork:log_detail", args=[log.pk])).content.decode()


def test_it_signs_through_the_page_with_a_typed_name_and_a_confirmation(world, day, login):
    log = _prefill(world)
    client = login(world.pm)
    url = reverse("fieldwork:log_sign", args=[log.pk])
    refused = client.post(url, {"signature_name": "李项目"})
    assert refused.status_code == 200 and "请勾选确认后再签署" in refused.content.decode()
    assert DailyLog.objects.get(pk=log.pk).state == DailyLogState.DRAFT
    assert client.post(url, {"signature_name": "李项目", "confirm": "on"}).status_code == 302
    log.refresh_from_db()
    assert log.state == DailyLogState.SIGNED
    assert AuditEntry.objects.filter(event="dailylog.signed").count() == 1


def test_it_lets_only_the_projects_manager_and_management_keep_and_sign(world, day, login):
    log = _prefill(world)
    with acting(Channel.TEST):
        for user in (world.qc, world.buyer, world.other_pm, world.worker):
            with pytest.raises(PermissionDenied):
                services_log.save_log(log, actor=user, data={"issues": "x"})
            with pytest.raises(PermissionDenied):
                services_log.sign_log(log, actor=user, signature_name="某人")
        with pytest.raises(PermissionDenied):
            services_log.prefill_log(world.site, YESTERDAY - timedelta(days=1),
                                     actor=world.other_pm)
    qc = login(world.qc)
    assert qc.get(reverse("fieldwork:log_detail", args=[log.pk])).status_code == 200
    assert qc.get(reverse("fieldwork:log_edit", args=[log.pk])).status_code == 403
    assert qc.post(reverse("fieldwork:log_sign", args=[log.pk]),
                   {"signature_name": "钱", "confirm": "on"}).status_code == 403
    with acting(Channel.TEST):
        assert services_log.sign_log(log, actor=world.manager, signature_name="王总").state \
            == DailyLogState.SIGNED


def test_it_shows_each_user_the_logs_of_his_projects_only(world, day, login):
    mine = _prefill(world)
    with acting(Channel.TEST):
        theirs = services_log.prefill_log(world.other_site, YESTERDAY, actor=world.other_pm)
    pm = login(world.pm)
    page = pm.get(reverse("fieldwork:log_list")).content.decode()
    assert reverse("fieldwork:log_detail", args=[mine.pk]) in page
    assert reverse("fieldwork:log_detail", args=[theirs.pk]) not in page
    assert pm.get(reverse("fieldwork:log_detail", args=[theirs.pk])).status_code == 404
    assert pm.get(reverse("fieldwork:log_pdf", args=[theirs.pk])).status_code == 404
    api = pm.get(reverse("api:fieldwork_logs")).json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
    assert pm.get(reverse("api:fieldwork_log_detail", args=[theirs.pk])).status_code == 404
    assert login(world.worker).get(reverse("fieldwork:log_list")).status_code == 403
    assert login(world.client).get(reverse("fieldwork:log_list")).status_code == 403
    finance = login(world.finance).get(reverse("fieldwork:log_list")).content.decode()
    assert reverse("fieldwork:log_detail", args=[theirs.pk]) in finance
    month = pm.get(reverse("fieldwork:log_list"), {"month": "2001-01"}).content.decode()
    assert reverse("fieldwork:log_detail", args=[mine.pk]) not in month


def test_it_opens_todays_log_from_the_list_and_refuses_bad_days_and_sites(world, day, login):
    pm = login(world.pm)
    page = pm.get(reverse("fieldwork:log_list")).content.decode()
    assert "打开今日日志" in page and world.site.name in page
    today = timezone.localdate()
    opened = pm.post(reverse("fieldwork:log_prefill"),
                     {"site": world.site.pk, "log_date": today.isoformat()})
    log = DailyLog.objects.get(site=world.site, log_date=today)
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "fieldwork:log_detail", args=[log.pk])
    qc = login(world.qc)
    before = (AuditEntry.objects.count(), DailyLog.objects.count())
    future = pm.post(reverse("fieldwork:log_prefill"), {
        "site": world.site.pk, "log_date": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 200 and "不能为将来的日期" in future.content.decode()
    garbled = pm.post(reverse("fieldwork:log_prefill"), {"site": world.site.pk,
                                                         "log_date": "昨天"})
    assert "日期格式应为 YYYY-MM-DD" in garbled.content.decode()
    assert pm.post(reverse("fieldwork:log_prefill"), {
        "site": world.other_site.pk, "log_date": today.isoformat()}).status_code == 404
    assert qc.post(reverse("fieldwork:log_prefill"), {
        "site": world.site.pk, "log_date": today.isoformat()}).status_code == 403
    api = pm.post(reverse("api:fieldwork_logs"), json.dumps({
        "site": world.other_site.code, "date": today.isoformat()}),
        content_type="application/json")
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "site"
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services_log.prefill_log(world.site, today + timedelta(days=2), actor=world.pm)
    assert "log_date" in caught.value.message_dict
    assert (AuditEntry.objects.count(), DailyLog.objects.count()) == before


def test_it_opens_and_refreshes_a_log_through_the_api(world, day, login):
    pm = login(world.pm)
    body = json.dumps({"site": world.site.code, "date": YESTERDAY.isoformat()})
    made = pm.post(reverse("api:fieldwork_logs"), body, content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert {c["crew_name"]: c["headcount"] for c in data["crews"]} == {"钢筋一班": 2,
                                                                      "未分班组": 1}
    again = pm.post(reverse("api:fieldwork_logs"), body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    signed = pm.post(reverse("api:fieldwork_log_detail", args=[data["id"]]) + "/sign",
                     json.dumps({"signature_name": "李项目"}), content_type="application/json")
    assert signed.status_code == 200, signed.content
    assert signed.json()["state"] == "signed" and len(signed.json()["content_hash"]) == 64
