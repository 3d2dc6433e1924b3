"""The template and checkpoint pages: QC creates a template with items (a formset), a
refused item comes back on its row with nothing written, a copy, a checkpoint; buttons
only for those allowed; others get 403 (staff) or 404 (customers)."""

from eoms.audit.models import AuditEntry
from eoms.quality.models import Checkpoint, InspectionTemplate, TemplateItem


def _post_template(client, url, items, **fields):
    data = {"code": "QT-PG", "name": "页面模板", "standard_kind": "company", "active": "on",
            "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"} | fields
    for i, item in enumerate(items):
        data |= {f"items-{i}-{k}": v for k, v in item.items()}
    return client.post(url, data)


def _state():
    return (InspectionTemplate.objects.count(), TemplateItem.objects.count(),
            AuditEntry.objects.count())


def test_it_creates_a_template_with_items_from_the_page(world, login):
    client = login(world.qc)
    page = client.get("/quality/templates/new/")
    assert page.status_code == 200 and b"js-item-template" in page.content
    response = _post_template(client, "/quality/templates/new/", [
        {"kind": "measurement", "label": "墙面平整度", "unit": "mm", "nominal": "0",
         "tolerance_plus": "4", "required": "on"},
        {"kind": "photo", "label": "完成面照片", "min_photos": "1", "required": "on"}])
    made = InspectionTemplate.objects.get(code="QT-PG")
    assert response.status_code == 302 and response.url == f"/quality/templates/{made.pk}/"
    assert list(made.items.values_list("kind", flat=True)) == ["measurement", "photo"]


def test_it_shows_an_item_refusal_on_its_row_writing_nothing(world, login):
    client, before = login(world.qc), _state()
    response = _post_template(client, "/quality/templates/new/", [
        {"kind": "text", "label": "说明"},
        {"kind": "measurement", "label": "标高", "nominal": "10"}])
    assert response.status_code == 200 and _state() == before
    row = response.context["formset"].forms[1]
    assert "请填写单位" in row.errors["unit"][0]


def test_it_edits_copies_and_keeps_a_checkpoint_from_the_pages(world, login):
    client = login(world.manager)
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    response = client.post(f"/quality/templates/{seeded.pk}/copy/", {"code": "QT-PC"})
    copy = InspectionTemplate.objects.get(code="QT-PC")
    assert response.url == f"/quality/templates/{copy.pk}/edit/"
    page = client.get(response.url)
    assert page.status_code == 200 and page.context["formset"].total_form_count() > 0
    response = client.post("/quality/checkpoints/new/", {
        "name": "页面检验点", "template": copy.pk, "trigger": "milestone",
        "milestone": "custom", "active": "on"})
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(name="页面检验点")
    response = client.post(f"/quality/checkpoints/{checkpoint.pk}/edit/", {
        "name": "页面检验点", "template": copy.pk, "trigger": "milestone", "milestone": "",
        "version": checkpoint.version})
    assert response.status_code == 200
    assert "请选择里程碑" in response.context["form"].errors["milestone"][0]


def test_it_offers_the_buttons_only_to_those_who_keep_templates(world, login):
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    for user, shown in ((world.qc, True), (world.worker, False), (world.pm, False)):
        client = login(user)
        assert (b"/quality/templates/new/" in client.get("/quality/templates/").content) is shown
        detail = client.get(f"/quality/templates/{seeded.pk}/").content
        assert (f"/quality/templates/{seeded.pk}/edit/".encode() in detail) is shown


def test_it_refuses_the_pages_to_others(world, login):
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    checkpoint = Checkpoint.objects.first()
    urls = ["/quality/templates/new/", f"/quality/templates/{seeded.pk}/edit/",
            f"/quality/templates/{seeded.pk}/copy/", "/quality/checkpoints/new/",
            f"/quality/checkpoints/{checkpoint.pk}/edit/"]
    worker = login(world.worker)
    assert [worker.get(u).status_code for u in urls] == [403] * 5
    customer = login(world.client)
    assert [customer.get(u).status_code for u in urls[1:3] + urls[4:]] == [404] * 3
