import pytest

from eoms.core import codes
from eoms.core.models import CodePattern


@pytest.fixture(autouse=True)
def _patterns():
    codes.register_default("widget", "WGT-{seq:03}")
    codes.register_default("part", "P-{category}-{seq:02}")


def test_it_issues_sequential_codes(db):
    assert [codes.next_code("widget") for _ in range(3)] == ["WGT-001", "WGT-002", "WGT-003"]


def test_it_keeps_a_sequence_per_field_value(db):
    assert codes.next_code("part", category="GJ") == "P-GJ-01"
    assert codes.next_code("part", category="FS") == "P-FS-01"
    assert codes.next_code("part", category="GJ") == "P-GJ-02"


def test_it_never_reissues_a_code_reserved_by_hand(db):
    codes.reserve("widget", "WGT-002")
    assert [codes.next_code("widget") for _ in range(2)] == ["WGT-001", "WGT-003"]
    with pytest.raises(ValueError):
        codes.reserve("widget", "WGT-001")


def test_an_admin_pattern_overrides_the_default(db):
    CodePattern.objects.create(kind="widget", pattern="W{yy}-{seq:04}")
    code = codes.next_code("widget")
    assert code.startswith("W") and code.endswith("-0001") and len(code) == 8


def test_an_unknown_kind_is_an_error(db):
    with pytest.raises(LookupError):
        codes.next_code("nothing-registered")
