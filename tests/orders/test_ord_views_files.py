"""Order attachments: checked by content, size-limited, stored under a random name with
their SHA-256, refused ones leave nothing behind, and served only to who sees the order."""

import hashlib
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.orders.models import OrderAttachment
from eoms.testing.orders_world import build_orders

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _upload(client, order, name, content, **extra):
    return client.post(reverse("orders:attach", args=[order.pk]),
                       {"file": SimpleUploadedFile(name, content), **extra}, follow=True)


def _stored(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def _xlsx():
    book = openpyxl.Workbook()
    book.active.append(["物料", "数量"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_stores_a_pdf_under_a_random_name_with_its_hash(world, orders, login, media):
    response = _upload(login(world.pm), orders.order, "施工图.pdf", PDF)
    attachment = OrderAttachment.objects.get(order=orders.order)
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "施工图.pdf", "application/pdf", len(PDF))
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.created_by == world.pm
    assert _stored(media) == [attachment.file.name]
    assert "施工图" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert (media / attachment.file.name).read_bytes() == PDF
    assert "已上传附件 施工图.pdf。" in response.content.decode()
    assert AuditEntry.objects.filter(event="order.attachment_added").exists()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("表格.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("照片.png", PNG, "image/png"),
    ("说明.txt", "现场情况说明\n第二行".encode(), "text/plain; charset=utf-8"),
    ("扫描件.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
], ids=["xlsx", "png", "text", "jpeg"])
def test_it_accepts_the_listed_kinds_by_content(world, orders, login, media, name, content,
                                                kind):
    _upload(login(world.pm), orders.order, name, content or _xlsx())
    assert OrderAttachment.objects.get(order=orders.order).content_type == kind


REFUSED = [
    ("图纸.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "不允许上传网页（HTML）、SVG 或 XML 文件"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
     "不允许上传网页（HTML）、SVG 或 XML 文件"),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "不允许上传可执行程序或脚本"),
    ("data.bin", bytes(range(256)) * 4, "不支持的文件类型"),
    ("archive.xlsx", None, "不支持压缩包"),
    ("empty.pdf", b"", "文件是空的"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED,
                         ids=["html-as-pdf", "svg", "exe", "binary", "plain-zip", "empty"])
def test_it_refuses_other_content_and_stores_nothing(world, orders, login, media, name,
                                                     content, message):
    if content is None:
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "not an office file")
        content = buffer.getvalue()
    client = login(world.pm)
    before = AuditEntry.objects.count()
    response = _upload(client, orders.order, name, content)
    assert message in response.content.decode()
    assert not OrderAttachment.objects.exists()
    assert _stored(media) == []
    assert AuditEntry.objects.count() == before


def test_it_refuses_a_file_over_the_size_limit(world, orders, login, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client = login(world.pm)
    before = AuditEntry.objects.count()
    response = _upload(client, orders.order, "大文件.pdf", PDF + b"0" * 2048)
    assert "文件太大（2.1 KB），上限为 1.0 KB。" in response.content.decode()
    assert not OrderAttachment.objects.exists() and _stored(media) == []
    assert AuditEntry.objects.count() == before


def test_it_names_the_file_for_what_it_is(world, orders, login, media):
    _upload(login(world.pm), orders.order, "../../报告.txt", PDF)
    assert OrderAttachment.objects.get().name == "报告.pdf"


def test_it_serves_the_file_to_who_sees_the_order_only(world, orders, login, media):
    _upload(login(world.pm), orders.order, "施工图.pdf", PDF)
    attachment = OrderAttachment.objects.get()
    url = reverse("orders:attachment", args=[attachment.pk])
    response = login(world.client).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.worker).get(url).status_code == 404
    assert login(world.other_pm).get(url).status_code == 404


def test_it_offers_no_public_url_for_the_stored_file(world, orders, login, media):
    client = login(world.pm)
    _upload(client, orders.order, "施工图.pdf", PDF)
    attachment = OrderAttachment.objects.get()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    page = client.get(reverse("orders:detail", args=[orders.order.pk])).content.decode()
    assert f'href="{reverse("orders:attachment", args=[attachment.pk])}"' in page
    assert f'href="/media/{attachment.file.name}"' not in page


def test_it_refuses_uploads_to_read_only_roles_and_outsiders(world, orders, login, media):
    url = reverse("orders:attach", args=[orders.order.pk])
    auditor, outsider = login(world.auditor), login(world.outsider)
    assert auditor.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    assert outsider.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    assert not OrderAttachment.objects.exists() and _stored(media) == []


def test_an_attachment_rolled_back_by_its_caller_leaves_no_file(world, orders, media):
    from django.db import transaction

    from eoms.core.context import Channel, acting
    from eoms.orders.attachments import add_attachment

    order = orders.order
    with pytest.raises(RuntimeError), transaction.atomic(), acting(Channel.TEST):
        add_attachment(order, actor=world.pm, uploaded_file=SimpleUploadedFile("图纸.pdf", PDF))
        assert len(_stored(media)) == 1
        raise RuntimeError("the request failed after the file was attached")
    assert _stored(media) == []
    assert not OrderAttachment.objects.filter(order=order).exists()
