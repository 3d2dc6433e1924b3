"""Baseline variance on a schedule that slipped: exact working-day numbers per task and
milestone, added and deleted tasks, two baselines compared, and the Excel export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eoms.core.context import Channel, acting
from eoms.scheduling import services, services_plan, variance
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _save(world, plan, name):
    with acting(Channel.TEST):
        return services_plan.save_baseline(plan.order, actor=world.manager, name=name)


def _slip(world, plan):
    """Design takes 5 days instead of 3; the pour is pushed to Wednesday 11 March."""
    with acting(Channel.TEST):
        services.update_task(plan.design, actor=world.manager, data={"duration_days": 5})
        plan.pour.refresh_from_db()
        services.move_task(plan.pour, actor=world.manager, start=date(2026, 3, 11))


def _by_name(report):
    return {row.name: row for row in report.rows}


def test_it_counts_the_slip_in_working_days_per_task_and_milestone(world, plan):
    baseline = _save(world, plan, "合同基线")
    _slip(world, plan)
    rows = _by_name(variance.load_report(baseline))
    design, drawings, pour = rows["深化设计"], rows["图纸审批完成"], rows["底板浇筑"]
    cure, handover, summary = rows["养护"], rows["移交验收"], rows["主体施工"]
    assert (design.start_variance, design.finish_variance) == (0, 2)
    assert (design.baseline_days, design.current_days, design.duration_variance) == (
        Decimal(3), Decimal(5), Decimal(2))
    assert drawings.is_milestone and drawings.milestone == "图纸审批完成"
    assert (drawings.start_variance, drawings.finish_variance) == (2, 2)
    # 5 Mar → 11 Mar: Fri 6, Mon 9, Tue 10, Wed 11 (the weekend is not counted)
    assert (pour.baseline.start, pour.current.start) == (date(2026, 3, 5), date(2026, 3, 11))
    assert (pour.start_variance, pour.finish_variance) == (4, 4)
    assert (cure.start_variance, cure.finish_variance) == (4, 4)
    assert (handover.finish_variance, summary.start_variance, summary.finish_variance) == (
        4, 0, 4)
    assert summary.baseline_days == Decimal(9) and summary.current_days == Decimal(13)
    report = variance.load_report(baseline)
    assert (report.summary.finish_variance, report.summary.slipped,
            report.summary.slipped_milestones, report.summary.worst) == (4, 6, 1, 4)
    assert [r.wbs for r in report.rows] == ["1", "1.1", "1.2", "1.3", "2", "3"]


def test_an_actual_finish_counts_instead_of_the_plan(world, plan):
    baseline = _save(world, plan, "合同基线")
    with acting(Channel.TEST):
        services.report_progress(plan.design, actor=world.manager,
                                 actual_start=date(2026, 3, 2), actual_finish=date(2026, 3, 9))
    design = _by_name(variance.load_report(baseline))["深化设计"]
    assert design.actual_finish == date(2026, 3, 9)
    assert design.finish_variance == 3  # 4 Mar → 9 Mar: Thu 5, Fri 6, Mon 9


def test_a_holiday_on_the_calendar_counts_as_no_working_day(world, plan):
    baseline = _save(world, plan, "合同基线")
    with acting(Channel.TEST):
        services_plan.set_exception(plan.calendar, actor=world.manager, day=date(2026, 3, 3),
                                    kind="holiday", name="停电")
    rows = _by_name(variance.load_report(baseline))
    # design ran 2–4 March, now 2–5 March around the holiday: one working day late
    assert rows["深化设计"].finish_variance == 1
    assert rows["深化设计"].current_days == Decimal(3)
    assert rows["主体施工"].current_days == Decimal(9)  # the holiday is not a working day


def test_it_shows_added_and_deleted_tasks(world, plan, login):
    baseline = _save(world, plan, "合同基线")
    with acting(Channel.TEST):
        services.create_task(plan.order, actor=world.manager, data={
            "name": "临时排水", "duration_days": 2})
        services.delete_task(plan.handover, actor=world.manager)
    rows = _by_name(variance.load_report(baseline))
    assert rows["临时排水"].state == variance.ADDED and rows["临时排水"].baseline is None
    gone = rows["移交验收"]
    assert gone.state == variance.DELETED and gone.key is None and gone.current is None
    assert gone.baseline.finish == date(2026, 3, 12)
    page = login(world.pm).get(f"/schedule/baselines/{baseline.pk}/").content.decode()
    assert "基线中无此任务" in page and "任务已删除" in page and "移交验收" in page


def test_it_compares_two_baselines(world, plan, login):
    first = _save(world, plan, "合同基线")
    _slip(world, plan)
    second = _save(world, plan, "调整基线")
    with acting(Channel.TEST):
        services.update_task(plan.design, actor=world.manager, data={"duration_days": 1})
    rows = _by_name(variance.load_report(first, second))
    assert rows["底板浇筑"].finish_variance == 4  # the second baseline, not today's plan
    assert rows["底板浇筑"].actual_start is None
    client = login(world.pm)
    page = client.get(f"/schedule/baselines/{first.pk}/?against={second.pk}").content.decode()
    assert "与基线“调整基线”对比" in page and "“调整基线”完工" in page
    page = client.get(f"/schedule/baselines/{first.pk}/?against=99999").content.decode()
    assert "当前预计完工" in page  # an unknown baseline: compared with the current plan


def test_the_page_filters_slipped_tasks_and_puts_milestones_first(world, plan, login):
    baseline = _save(world, plan, "合同基线")
    with acting(Channel.TEST):
        plan.pour.refresh_from_db()
        services.move_task(plan.pour, actor=world.manager, start=date(2026, 3, 9))
    client = login(world.manager)
    url = f"/schedule/baselines/{baseline.pk}/"
    page = client.get(url + "?slipped=1").content.decode()
    assert "底板浇筑" in page and "养护" in page
    assert "深化设计" not in page and "图纸审批完成" not in page
    page = client.get(url + "?milestones=first").content.decode()
    assert page.index("图纸审批完成") < page.index("深化设计")
    page = client.get(url).content.decode()
    assert page.index("深化设计") < page.index("图纸审批完成")


def test_it_exports_the_variance_table(world, plan, login):
    baseline = _save(world, plan, "合同基线")
    _slip(world, plan)
    response = login(world.pm).get(f"/schedule/baselines/{baseline.pk}/export/?slipped=1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("WBS", "任务", "里程碑", "基线开始")
    pour = next(r for r in rows if r[1] == "底板浇筑")
    assert pour[3].date() == date(2026, 3, 5) and pour[6].date() == date(2026, 3, 11)
    assert (pour[11], pour[12]) == (4, 4)
    assert len(rows) == 1 + 6  # every task slipped but design's start


@pytest.mark.parametrize("who", ["buyer", "qc"])
def test_readers_who_may_not_export_get_no_link_and_403(world, plan, login, who):
    baseline = _save(world, plan, "合同基线")
    client = login(getattr(world, who))
    page = client.get(f"/schedule/baselines/{baseline.pk}/").content.decode()
    assert "导出 Excel" not in page
    assert client.get(f"/schedule/baselines/{baseline.pk}/export/").status_code == 403


def test_the_variance_page_costs_the_same_queries_for_more_tasks(world, plan, login):
    baseline = _save(world, plan, "合同基线")
    client = login(world.pm)
    url = f"/schedule/baselines/{baseline.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with acting(Channel.TEST):
        for i in range(12):
            services.create_task(plan.order, actor=world.manager, data={
                "name": f"附加任务{i}", "duration_days": 1, "crew": world.crew})
    bigger = _save(world, plan, "扩充基线")
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/schedule/baselines/{bigger.pk}/")
    assert "附加任务11" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        q["sql"][:200] for q in many.captured_queries)
