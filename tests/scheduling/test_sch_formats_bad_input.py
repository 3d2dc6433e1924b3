"""Bad schedule files give a FormatError with a stable code, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from eoms.scheduling.formats import FormatError, read_schedule, sniff_format
from eoms.scheduling.formats.common import MAX_BYTES

CORPUS = Path("/work/shared/corpus/schedules")
MSPDI_HEAD = b'<Project xmlns="http://schemas.microsoft.com/project">'

BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
        + MSPDI_HEAD + b"<Name>&lol2;</Name></Project>")
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + MSPDI_HEAD + b"<Name>&x;</Name></Project>")


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"  \r\n\t ", "empty"),
    (b"\x00\x01\x02 not a schedule", "unknown_format"),
    (b"%PDF-1.7 binary", "unknown_format"),
    ((CORPUS / "sample.xml").read_bytes()[:5000], "xml_invalid"),
    (MSPDI_HEAD + b"<Tasks><Task><UID>1</UID></Task>", "xml_invalid"),
    (BOMB, "xml_unsafe"),
    (EXTERNAL, "xml_unsafe"),
    (b"<html><body>hello</body></html>", "unknown_format"),
    (MSPDI_HEAD + b"<Name>x</Name><Tasks/></Project>", "no_tasks"),
    (b"<APIBusinessObjects><Project><Id>P</Id></Project></APIBusinessObjects>", "no_tasks"),
    (b"<APIBusinessObjects></APIBusinessObjects>", "no_tasks"),
    (b"ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\tproj_short_name\n%R\t1\tX\n%E\n", "no_tasks"),
    (b"ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\n%R\t1\n%T\tTASK\n%F\ttask_id\tproj_id\n%R\t5\t2\n",
     "no_tasks"),
    (b"ERMHDR\t8.0\n%R\t1\t2\n", "xer_invalid"),
    (b"ERMHDR\t8.0\n%T\tTASK\n%F\ttask_id\n%R\t1\n", "xer_invalid"),
])
def test_bad_input_gives_a_clear_error(data, code):
    with pytest.raises(FormatError) as caught:
        read_schedule(data, "upload.bin")
    assert caught.value.code == code
    assert str(caught.value).startswith(code)


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(FormatError) as caught:
        read_schedule(b"<" + b" " * MAX_BYTES, "big.xml")
    assert caught.value.code == "too_large"


def test_a_truncated_xer_is_read_as_far_as_it_goes_or_refused():
    data = (CORPUS / "test.xer").read_bytes()
    head = data[: data.index(b"%T\tTASKPRED")]
    doc = read_schedule(head, "test.xer")
    assert len(doc.links) == 0 and len(doc.tasks) > 600
    with pytest.raises(FormatError) as caught:
        read_schedule(data[: data.index(b"%T\tTASK\n")], "test.xer")
    assert caught.value.code == "no_tasks"


def test_the_format_is_sniffed_from_the_content_not_the_name():
    assert sniff_format((CORPUS / "test.xer").read_bytes()) == "xer"
    assert sniff_format((CORPUS / "sample.xml").read_bytes()) == "mspdi"
    assert sniff_format((CORPUS / "primavera.xml").read_bytes()) == "p6xml"  # after a BOM
    doc = read_schedule((CORPUS / "sample.xml").read_bytes(), "misnamed.xer")
    assert doc.project.source_format == "mspdi"
