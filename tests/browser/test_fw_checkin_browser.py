"""Checking in on a phone (390 px) in a real browser: with the location at the site and a
photo from the camera; without signal (queued on the phone, sent once when the signal
returns, never twice); with the server's answer lost on the way back; refused input shown
on the form; the app opening without signal; a large photo shrunk with its EXIF kept."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from PIL import Image

from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.choices import LocationStatus
from eoms.fieldwork.models import CheckIn, Photo
from eoms.testing.browser import PHONE, Web
from eoms.testing.fieldwork_world import build_fieldwork
from eoms.testing.photo_samples import make_exif, sample_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
API = "/api/v1/fieldwork/checkins"
SYNCED = "[data-outbox-item][data-state=synced]"
PENDING = "[data-outbox-item][data-state=pending]"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def field(world):
    """The field world with the worker's open check-in closed: his day starts afresh."""
    found = build_fieldwork(world)
    with acting(Channel.TEST):
        services.check_out(found.checkin, actor=world.worker)
    return found


@pytest.fixture
def phone_without_worker(chromium, live_server):
    """A phone page whose requests Playwright can intercept (service workers blocked)."""
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   service_workers="block")
    context.set_default_timeout(15_000)
    web = Web(context.new_page(), live_server.url)
    web.watch()
    yield web
    context.close()


def _at_the_gate(web, site):
    context = web.page.context
    context.grant_permissions(["geolocation"], origin=web.base_url)
    context.set_geolocation({"latitude": float(site.latitude),
                             "longitude": float(site.longitude), "accuracy": 12})


def _open_today(web, world):
    _at_the_gate(web, world.site)
    web.login(world.worker)
    web.open("/field/")
    web.page.wait_for_selector("[data-location=inside]")


def _take_photo(web, data=None, name="现场.jpg"):
    web.page.set_input_files("input[name=photos]", files=[{
        "name": name, "mimeType": "image/jpeg",
        "buffer": data or sample_jpeg(1200, 900, taken_at=datetime(2026, 11, 25, 8, 30))}])
    web.page.wait_for_selector(".fw-preview img")


def _new_checkins(world):
    return CheckIn.objects.filter(worker=world.worker, state="open")


def _offline_errors(web):
    # Requests the page makes while the phone has no signal fail by design.
    return [e for e in web.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]


def test_a_worker_checks_in_at_the_site_with_a_photo(phone, world, field):
    _open_today(phone, world)
    page = phone.page
    assert "在工地范围内" in page.inner_text("[data-location]")
    assert page.is_hidden("[data-reason]")
    _take_photo(phone)
    page.select_option("select[name=task]", str(field.plan.pour.pk))
    tapped = timezone.now()
    with page.expect_navigation(wait_until="load"):
        page.click("[data-submit]")
    row = page.locator(".fw-today-checkin").first
    row.locator("img").wait_for()
    assert row.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "围栏内" in row.inner_text()
    assert "已同步" in page.inner_text(SYNCED)
    checkin = _new_checkins(world).get()
    assert checkin.location_status == LocationStatus.INSIDE and not checkin.flagged
    assert checkin.task == field.plan.pour and checkin.photos.count() == 1
    assert abs(checkin.checked_in_at - tapped) < timedelta(seconds=20)
    assert page.locator(f"a[href='/field/checkins/{checkin.pk}/']").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    assert phone.console_errors == []


def test_a_check_in_made_without_signal_is_sent_once_when_it_returns(phone, world, field):
    _open_today(phone, world)
    page, context = phone.page, phone.page.context
    context.set_offline(True)
    _take_photo(phone)
    page.click(".fw-more-summary")
    page.fill("textarea[name=note]", "地下室没有信号")
    page.click("[data-submit]")
    page.wait_for_selector(PENDING)
    assert "待上传" in page.inner_text(PENDING)
    assert page.is_visible("[data-form-notice]") and page.locator(".fw-preview").count() == 0
    assert not _new_checkins(world).exists()
    page.evaluate("EomsOutbox.all().then(items => { window.kept = items[0]; })")
    made_offline = timezone.now()

    page.wait_for_timeout(1500)
    context.set_offline(False)
    page.wait_for_selector(SYNCED)
    checkin = _new_checkins(world).get()
    assert checkin.note == "地下室没有信号" and checkin.photos.count() == 1
    assert checkin.checked_in_at <= made_offline  # the time of the tap, not of the upload
    assert page.locator(f"{SYNCED} a[href='/field/checkins/{checkin.pk}/']").count() == 1

    # The same submission again (a retry whose first answer was lost): replayed, not redone.
    answer = page.evaluate("""async () => {
        const item = window.kept;
        const response = await fetch(%r, {method: "POST", body: item.body, headers: {
            "Content-Type": item.contentType, "Idempotency-Key": item.key,
            "X-CSRFToken": document.querySelector("meta[name=csrf-token]").content}});
        return [response.status, response.headers.get("Idempotent-Replayed")];
    }""" % API)
    assert answer == [201, "true"]
    assert _new_checkins(world).count() == 1
    assert Photo.objects.filter(checkin__worker=world.worker, checkin__state="open").count() == 1
    assert _offline_errors(phone) == []


def test_a_lost_answer_is_retried_with_the_same_key(phone_without_worker, world, field):
    web = phone_without_worker
    _open_today(web, world)
    page = web.page
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server records the check-in …
            route.abort("connectionreset")  # … and the phone never hears of it
        else:
            route.continue_()

    page.route(f"**{API}", lose_the_first_answer)
    _take_photo(web)
    page.click("[data-submit]")
    page.wait_for_selector(PENDING)
    assert _new_checkins(world).count() == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")  # or the retry timer
    page.wait_for_selector(SYNCED)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert _new_checkins(world).count() == 1
    assert Photo.objects.filter(checkin__worker=world.worker, checkin__state="open").count() == 1
    assert [e for e in web.console_errors if "ERR_CONNECTION_RESET" not in e] == []


def test_a_refused_check_in_comes_back_on_the_form(phone, world, field):
    _open_today(phone, world)
    page = phone.page
    page.click(".fw-more-summary")
    page.fill("input[name=progress_percent]", "150")
    page.click("[data-submit]")
    message = page.wait_for_selector("input[name=progress_percent] + [data-js-error]")
    assert "100" in message.inner_text()
    assert page.locator("input[name=progress_percent].is-invalid").count() == 1
    assert page.input_value("input[name=progress_percent]") == "150"  # kept for correction
    assert page.locator("[data-outbox-item]").count() == 0
    assert not _new_checkins(world).exists()
    assert [e for e in phone.console_errors if "status of 422" not in e] == []


def test_the_field_app_opens_without_signal(phone, world, field):
    _open_today(phone, world)
    page = phone.page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.open("/field/")  # the worker keeps this copy of the today page
    page.context.set_offline(True)
    page.reload(wait_until="load")
    page.wait_for_selector("#checkin-form")
    assert "浦东一号工地" in page.inner_text("select[name=site]")
    page.goto(phone.base_url + f"/field/checkins/{field.checkin.pk}/")
    assert "没有网络" in page.inner_text("h1")
    page.context.set_offline(False)
    assert _offline_errors(phone) == []


def _camera_jpeg(width, height, **exif):
    """A photo as a phone camera takes it: busy pixels (megabytes of JPEG) and EXIF."""
    picture = Image.merge("RGB", [Image.effect_noise((width // 4, height // 4), 60 + 10 * i)
                                  .resize((width, height), Image.Resampling.BICUBIC)
                                  for i in range(3)])
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92, exif=make_exif(**exif).tobytes())
    return buffer.getvalue()


def test_a_large_photo_is_shrunk_on_the_phone_keeping_its_exif(phone, world, field):
    taken = datetime(2026, 11, 25, 9, 15, 30)
    data = _camera_jpeg(3200, 2400, taken_at=taken, offset="+08:00", gps=(31.2304, 121.4737))
    assert len(data) > 3 * 1024 * 1024
    _open_today(phone, world)
    _take_photo(phone, data)
    with phone.page.expect_navigation(wait_until="load"):
        phone.page.click("[data-submit]")
    photo = Photo.objects.get(checkin__in=_new_checkins(world))
    assert (photo.width, photo.height) == (2560, 1920)
    assert photo.size_bytes < len(data)
    assert timezone.localtime(photo.taken_at).replace(tzinfo=None) == taken
    assert round(float(photo.gps_latitude), 4) == 31.2304
    assert phone.console_errors == []


OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth;
  const clipped = [...document.querySelectorAll('.badge, .navbar-brand a')]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1 && !e.closest('.navbar-brand'))
    .map(e => e.textContent.trim());
  return {page, clipped};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_field_page_fits_a_phone_in_either_language(phone, world, language):
    """Nothing wider than the phone: the English brand and badges are longer."""
    build_fieldwork(world)  # the worker is on site: the open check-in card with its badges
    with acting(Channel.TEST):
        world.worker.language = language
        world.worker.save(update_fields=["language"])
    phone.login(world.worker)
    phone.open("/field/")
    found = phone.page.evaluate(OVERFLOW)
    assert found == {"page": 390, "clipped": []}
    assert phone.console_errors == []
