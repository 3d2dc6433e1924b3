"""What the two Primavera P6 readers (XER and P6 XML) share: code tables and the
calendar text (``clndr_data``) of XER files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from eoms.scheduling.engine.model import Constraint, LinkType

from .common import clock_minutes
from .document import DayHours

SERIAL_EPOCH = date(1899, 12, 30)  # XER exception dates count days from here (Excel style)

XER_CONSTRAINTS = {
    "CS_MSOA": Constraint.SNET, "CS_MSOB": Constraint.SNLT, "CS_MEOA": Constraint.FNET,
    "CS_MEOB": Constraint.FNLT, "CS_MSO": Constraint.MSO, "CS_MEO": Constraint.MFO,
    "CS_MANDSTART": Constraint.MSO, "CS_MANDFIN": Constraint.MFO, "CS_ALAP": Constraint.ALAP,
}
XML_CONSTRAINTS = {
    "Start On or After": Constraint.SNET, "Start On or Before": Constraint.SNLT,
    "Finish On or After": Constraint.FNET, "Finish On or Before": Constraint.FNLT,
    "Start On": Constraint.MSO, "Finish On": Constraint.MFO,
    "Mandatory Start": Constraint.MSO, "Mandatory Finish": Constraint.MFO,
    "As Late As Possible": Constraint.ALAP,
}
# P6's mandatory constraints override logic; the engine's MSO/MFO do not, so say so.
MANDATORY = {"CS_MANDSTART", "CS_MANDFIN", "Mandatory Start", "Mandatory Finish"}

XER_LINKS = {"PR_FS": LinkType.FS, "PR_SS": LinkType.SS, "PR_FF": LinkType.FF,
             "PR_SF": LinkType.SF}
XML_LINKS = {"Finish to Start": LinkType.FS, "Start to Start": LinkType.SS,
             "Finish to Finish": LinkType.FF, "Start to Finish": LinkType.SF}

XER_LAG_CALENDAR = {"rcal_Predecessor": "predecessor", "rcal_Successor": "successor",
                    "rcal_24Hour": "24h", "rcal_ProjDefault": "project"}
XML_LAG_CALENDAR = {"Predecessor Activity Calendar": "predecessor",
                    "Successor Activity Calendar": "successor",
                    "24 Hour Calendar": "24h", "Project Default Calendar": "project"}

XER_MILESTONES = {"TT_Mile", "TT_FinMile"}
XML_MILESTONES = {"Start Milestone", "Finish Milestone"}


def serial_to_date(serial: int) -> date:
    return SERIAL_EPOCH + timedelta(days=serial)


def interval(start: str | None, finish: str | None) -> tuple[int, int] | None:
    """P6 working time; a finish at or before the start (00:00) means midnight."""
    s, f = clock_minutes(start), clock_minutes(finish)
    if s is None or f is None:
        return None
    if f <= s:
        f = 1440
    return (s, f)


def p6xml_interval(start: str | None, finish: str | None) -> tuple[int, int] | None:
    """P6 XML gives the last working minute (11:59 for noon): add the minute back."""
    s, f = clock_minutes(start), clock_minutes(finish)
    if s is None or f is None:
        return None
    if f % 60 == 59 or f % 30 == 29:
        f += 1
    if f <= s:
        f = 1440
    return (s, f)


@dataclass
class ClndrNode:
    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[ClndrNode] = field(default_factory=list)

    def find(self, name: str) -> ClndrNode | None:
        return next((c for c in self.children if c.name == name), None)


_NODE_HEAD = re.compile(r"\(\s*\d+\|\|([^()]*)\(([^()]*)\)")


class ClndrSyntaxError(ValueError):
    pass


def parse_clndr_data(text: str) -> ClndrNode:
    """Parse '(0||CalendarData()((0||DaysOfWeek()(...))(0||Exceptions()(...))))'."""
    cleaned = text.replace("\x7f", " ")
    node, end = _parse_node(cleaned, _skip(cleaned, 0))
    return node


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _parse_node(text: str, pos: int) -> tuple[ClndrNode, int]:
    match = _NODE_HEAD.match(text, pos)
    if not match:
        raise ClndrSyntaxError(f"node expected at {pos}")
    parts = match.group(2).split("|") if match.group(2) else []
    attrs = {parts[i].strip(): parts[i + 1].strip() for i in range(0, len(parts) - 1, 2)}
    node = ClndrNode(match.group(1).strip(), attrs)
    pos = _skip(text, match.end())
    if pos >= len(text) or text[pos] != "(":
        raise ClndrSyntaxError(f"children expected at {pos}")
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] == "(":
        kid, pos = _parse_node(text, pos)
        node.children.append(kid)
        pos = _skip(text, pos)
    if text[pos:pos + 2] != "))":
        raise ClndrSyntaxError(f"')' expected at {pos}")
    return node, pos + 2


def node_hours(node: ClndrNode) -> DayHours:
    hours = [interval(k.attrs.get("s"), k.attrs.get("f")) for k in node.children]
    return tuple(sorted(h for h in hours if h is not None))


def read_clndr_data(text: str) -> tuple[dict[int, DayHours], dict[date, DayHours]]:
    """Weekday hours (Monday = 0) and exception hours by date from an XER clndr_data."""
    root = parse_clndr_data(text)
    week: dict[int, DayHours] = {}
    days = root.find("DaysOfWeek")
    for day in days.children if days else []:
        if day.name.isdigit() and 1 <= int(day.name) <= 7:  # 1 = Sunday
            week[(int(day.name) + 5) % 7] = node_hours(day)
    exceptions: dict[date, DayHours] = {}
    block = root.find("Exceptions")
    for ex in block.children if block else []:
        serial = ex.attrs.get("d", "")
        if serial.strip().isdigit():
            exceptions[serial_to_date(int(serial))] = node_hours(ex)
    return week, exceptions
