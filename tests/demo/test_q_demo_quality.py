"""The demo's quality work: passed rebar inspections with photos taken on site during the
work, one accepted concealed task, one failed inspection with its NCR and rework task, an
open inspection waiting for demo_qc1; nothing added when loaded again."""

import pytest
from django.db import transaction

from eoms.demo import loader
from eoms.quality import gates
from eoms.quality.choices import InspectionStatus, NcrStatus
from eoms.quality.models import Inspection, InspectionPhoto, NonConformance, TaskAcceptance


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, str(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def demo(module_demo, db):
    return module_demo


def test_it_passes_and_accepts_a_concealed_task_with_its_photos(demo):
    accepted = TaskAcceptance.objects.select_related("task", "accepted_by").get()
    assert accepted.task.is_concealed and accepted.accepted_by.username == "demo_pm1"
    inspection = Inspection.objects.get(task=accepted.task)
    assert inspection.status == InspectionStatus.PASSED
    photos = InspectionPhoto.objects.filter(inspection=inspection)
    assert photos.count() == 3 and all(p.taken_at and p.gps_latitude for p in photos)
    window = gates.task_window(accepted.task)
    assert all(window.holds(p.taken_at) for p in photos)
    assert Inspection.objects.filter(status=InspectionStatus.PASSED).count() == 2


def test_it_fails_one_inspection_with_its_ncr_and_rework_task(demo):
    failed = Inspection.objects.get(status=InspectionStatus.FAILED)
    ncr = NonConformance.objects.get()
    assert ncr.inspection == failed and ncr.status == NcrStatus.OPEN
    assert "受力钢筋间距" in ncr.cause and ncr.rework_task.name.startswith("返工：")
    assert gates.acceptance_refusals(failed.task)


def test_it_leaves_an_open_inspection_for_demo_qc1(demo):
    waiting = Inspection.objects.get(status=InspectionStatus.OPEN)
    assert waiting.inspector.username == "demo_qc1" and waiting.task.is_concealed
    assert demo.created["inspections"] == Inspection.objects.count() == 4


def test_it_adds_no_quality_work_when_run_again(demo):
    before = (Inspection.objects.count(), InspectionPhoto.objects.count(),
              NonConformance.objects.count(), TaskAcceptance.objects.count())
    again = loader.run()
    assert (Inspection.objects.count(), InspectionPhoto.objects.count(),
            NonConformance.objects.count(), TaskAcceptance.objects.count()) == before
    assert again.existing["inspections"] == before[0] and not again.created["inspections"]
