"""The inspector's phone page (390 px) in a real browser: pass/fail toggles, live
pass/fail of a measurement against its tolerance, camera photos with EXIF time and GPS
from the site, a signature drawn with the finger; completing it passes the inspection
and lets the concealed work be accepted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from eoms.quality.choices import InspectionStatus, ItemKind
from eoms.quality.gates import acceptance_refusals
from eoms.testing.photo_samples import sample_jpeg
from eoms.testing.quality_world import build_quality, finish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _site_photo(world, n: int) -> dict:
    jpeg = sample_jpeg(640, 480, taken_at=timezone.localtime().replace(tzinfo=None),
                       gps=(float(world.site.latitude), float(world.site.longitude)))
    return {"name": f"钢筋{n}.jpg", "mimeType": "image/jpeg", "buffer": jpeg}


def _sign(page, key: str) -> None:
    canvas = page.locator(f"canvas[data-signature-for={key}]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 18, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()


def test_an_inspector_fills_and_completes_an_inspection_on_a_phone(phone, world):
    q = build_quality(world)
    inspection = finish(q.rebar, world.worker)
    phone.login(world.qc)
    phone.open(f"/quality/inspections/{inspection.pk}/fill/")
    page = phone.page
    for item in inspection.template.items.order_by("position"):
        key = f"item_{item.pk}"
        if item.kind == ItemKind.PASS_FAIL:
            page.click(f"label[for={key}-pass]")
        elif item.kind == ItemKind.MEASUREMENT:
            over = item.nominal + item.tolerance_plus + 1
            page.fill(f"input[name={key}]", str(over))
            assert page.inner_text(f"[data-verdict-for={key}]") == "超差"
            page.fill(f"input[name={key}]", str(item.nominal + item.tolerance_plus))
            assert page.inner_text(f"[data-verdict-for={key}]") == "合格"  # the edge passes
        elif item.kind == ItemKind.PHOTO:
            needed = max(item.min_photos, 1)
            page.set_input_files(f"input[name={key}]",
                                 [_site_photo(world, n) for n in range(needed)])
        elif item.kind == ItemKind.SIGNATURE:
            _sign(page, key)
        elif item.kind == ItemKind.TEXT:
            page.fill(f"textarea[name={key}]", "符合设计要求")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    with page.expect_navigation(wait_until="load"):
        page.click("button[name=complete]")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PASSED, page.inner_text("main")[:800]
    signature = inspection.results.exclude(signature="").get().signature
    assert signature.read().startswith(b"\x89PNG")
    assert inspection.photos.count() >= 1
    q.rebar.refresh_from_db()
    assert acceptance_refusals(q.rebar) == []  # photos on site during the work count
    assert phone.console_errors == []
