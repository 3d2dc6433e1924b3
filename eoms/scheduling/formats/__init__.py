"""Schedule file exchange: MS Project XML (MSPDI), Primavera P6 XER and P6 XML.

``read_schedule(data, filename)`` sniffs the format by content, not by name, and returns a
:class:`ScheduleDocument`; bad input raises :class:`FormatError` with a stable code.
``write_mspdi(document)`` writes MSPDI; ``to_spec`` / ``compare`` connect to the engine.
Pure Python: no Django here.
"""

from __future__ import annotations

from .common import check_size, local, parse_xml
from .document import (
    CalendarDoc,
    CalendarException,
    FormatWarning,
    LinkDoc,
    ProjectInfo,
    ResolvedCalendar,
    ScheduleDocument,
    TaskDoc,
)
from .errors import FormatError
from .mspdi import read_mspdi, write_mspdi
from .p6xml import read_p6xml
from .xer import read_xer

__all__ = [
    "CalendarDoc", "CalendarException", "FormatError", "FormatWarning", "LinkDoc",
    "ProjectInfo", "ResolvedCalendar", "ScheduleDocument", "TaskDoc", "read_mspdi",
    "read_p6xml", "read_schedule", "read_xer", "sniff_format", "write_mspdi",
]

MSPDI, XER, P6XML = "mspdi", "xer", "p6xml"


def sniff_format(data: bytes) -> str:
    """'xer', 'mspdi' or 'p6xml' from the first bytes; FormatError('unknown_format')."""
    check_size(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"ERMHDR"):
        return XER
    if head.startswith(b"<"):
        lowered = head.lower()
        if b"<project" in lowered and b"schemas.microsoft.com/project" in lowered:
            return MSPDI
        if b"apibusinessobjects" in lowered:
            return P6XML
        return "xml"
    raise FormatError("unknown_format", "neither XML nor an XER file (ERMHDR)")


def read_schedule(data: bytes, filename: str = "", *, project: str | None = None,
                  encoding: str | None = None) -> ScheduleDocument:
    """Read any supported schedule file. ``filename`` is only used in error details;
    ``project`` picks one project of a multi-project P6 file (id or short name);
    ``encoding`` overrides the XER encoding guess."""
    kind = sniff_format(data)
    if kind == XER:
        return read_xer(data, project, encoding=encoding)
    if kind == MSPDI:
        return read_mspdi(data)
    if kind == P6XML:
        return read_p6xml(data, project)
    root = parse_xml(data)  # raises xml_invalid / xml_unsafe for broken or hostile XML
    name = local(root.tag)
    if name == "Project":
        return read_mspdi(root)
    if name == "APIBusinessObjects":
        return read_p6xml(root, project)
    raise FormatError("unknown_format", f"{filename or 'file'}: XML root <{name}>")
