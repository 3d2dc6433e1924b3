import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eoms.lib.codes import (
    MissingFieldError,
    clean_field_value,
    render,
    required_fields,
    scope_key,
    validate_pattern,
)

TODAY = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("pattern", "seq", "fields", "expected"),
    [
        ("CUS-{seq:05}", 42, {}, "CUS-00042"),
        ("MAT-{category}-{seq:04}", 7, {"category": "st"}, "MAT-ST-0007"),
        ("ORD-{year}-{seq:06}", 123, {}, "ORD-2026-000123"),
        ("{yy}{month:02}{seq:03}", 1, {}, "2603001"),
        ("D{year}{month:02}{day:02}-{seq}", 9, {}, "D20260305-9"),
        ("{month}/{day}#{seq}", 10, {}, "3/5#10"),
        ("CUS-{seq:03}", 12345, {}, "CUS-12345"),
        ("{seq}", 0, {}, "0"),
    ],
)
def test_it_renders_codes(pattern, seq, fields, expected):
    assert render(pattern, seq=seq, fields=fields, today=TODAY) == expected


def test_it_cleans_field_values():
    fields = {"category": " ｓｔ-钢 筋!/", "site": "a_b.c"}
    code = render("{category}-{site}-{seq:02}", seq=3, fields=fields, today=TODAY)
    assert code == "ST-钢筋-ABC-03"
    assert clean_field_value("{x}") == "X"
    assert clean_field_value(7) == "7"


def test_it_builds_scope_keys_that_restart_per_year_and_field():
    assert scope_key("ORD-{year}-{seq:06}", fields={}, today=TODAY) == "ORD-2026-{seq}"
    next_year = scope_key("ORD-{year}-{seq:06}", fields={}, today=dt.date(2027, 1, 1))
    assert next_year == "ORD-2027-{seq}"
    pattern = "MAT-{category}-{seq:04}"
    assert scope_key(pattern, fields={"category": "a"}, today=TODAY) == "MAT-A-{seq}"
    assert scope_key(pattern, fields={"category": "b"}, today=TODAY) == "MAT-B-{seq}"


def test_it_keeps_one_scope_when_only_the_width_changes():
    narrow = scope_key("CUS-{seq:04}", fields={}, today=TODAY)
    assert narrow == scope_key("CUS-{seq:06}", fields={}, today=TODAY) == "CUS-{seq}"


def test_it_reports_a_missing_field_as_key_and_value_error():
    with pytest.raises(MissingFieldError) as info:
        render("MAT-{category}-{seq}", seq=1, fields={"other": "x"}, today=TODAY)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)
    assert info.value.field == "category"
    assert str(info.value) == (
        "code pattern 'MAT-{category}-{seq}' needs the field 'category', which is missing"
    )
    with pytest.raises(ValueError, match="needs the field 'category'"):
        scope_key("MAT-{category}-{seq}", fields={}, today=TODAY)


def test_it_rejects_field_values_that_clean_to_nothing():
    with pytest.raises(ValueError, match=r"code field 'category' is empty .* \(was '!!'\)"):
        render("{category}{seq}", seq=1, fields={"category": "!!"}, today=TODAY)


def test_it_rejects_fields_that_shadow_built_ins():
    with pytest.raises(ValueError, match=r"\['year'\] are built in"):
        render("{year}{seq}", seq=1, fields={"year": "1999"}, today=TODAY)


@pytest.mark.parametrize("seq", [-1, True, 1.0, "1", None])
def test_it_rejects_bad_sequences(seq):
    with pytest.raises(ValueError, match="must be a non-negative integer"):
        render("{seq}", seq=seq, fields={}, today=TODAY)


def test_it_lists_required_fields():
    assert required_fields("{category}-{site}-{year}-{seq}") == {"category", "site"}
    assert required_fields("ORD-{seq}") == frozenset()


@pytest.mark.parametrize(
    "pattern",
    ["CUS-{seq:05}", "MAT-{category}-{seq:04}", "ORD-{year}-{seq:06}", "{yy}{month:02}{seq}"],
)
def test_it_accepts_valid_patterns(pattern):
    assert validate_pattern(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("CUS-{seq", "unknown brace syntax in code pattern 'CUS-{seq' at position 4"),
        ("CUS-}{seq}", "unmatched '}' at position 4"),
        ("{SEQ}", "unknown brace syntax"),
        ("{ seq }", "unknown brace syntax"),
        ("{{seq}}", "unknown brace syntax"),
        ("{seq!r}", "unknown brace syntax"),
        ("{}{seq}", "unknown brace syntax"),
        ("CUS-", "code pattern 'CUS-' has no {seq} placeholder"),
        ("", "has no {seq} placeholder"),
        ("{seq}-{seq:02}", "has {seq} 2 times; it must appear exactly once"),
        ("{seq:5}", "bad width '5' in {seq:5}"),
        ("{seq:0}", "bad width '0'"),
        ("{seq:}", "bad width ''"),
        ("{seq:021}", "bad width '021'"),
        ("{seq:05d}", "bad width '05d'"),
        ("{month:x}{seq}", "bad width 'x' in {month:x}"),
    ],
)
def test_it_explains_bad_patterns(pattern, message):
    with pytest.raises(ValueError) as info:
        validate_pattern(pattern)
    assert message in str(info.value)


literals = st.text(alphabet=st.characters(exclude_characters="{}"), max_size=5)
widths = st.sampled_from(["", ":01", ":02", ":05"])
others = st.builds(
    lambda name, width: "{" + name + width + "}",
    st.sampled_from(["year", "yy", "month", "day", "category", "site"]),
    widths,
)


@st.composite
def patterns(draw):
    parts = draw(st.lists(st.one_of(literals, others), max_size=6))
    parts.insert(draw(st.integers(0, len(parts))), "{seq" + draw(widths) + "}")
    return "".join(parts)


field_values = st.text(max_size=10).map(lambda v: v + "a")


@given(patterns(), st.integers(0, 10**12), field_values, field_values, st.dates())
def test_it_never_renders_braces(pattern, seq, category, site, today):
    fields = {"category": category, "site": site}
    code = render(pattern, seq=seq, fields=fields, today=today)
    assert "{" not in code and "}" not in code
    assert str(seq) in code
    key = scope_key(pattern, fields=fields, today=today)
    assert key.count("{") == key.count("}") == key.count("{seq}") == 1


@given(patterns(), st.integers(0, 10**6), st.integers(0, 10**6), st.dates())
def test_it_gives_distinct_sequences_distinct_codes(pattern, a, b, today):
    fields = {"category": "C", "site": "S"}
    same = render(pattern, seq=a, fields=fields, today=today) == render(
        pattern, seq=b, fields=fields, today=today
    )
    assert same == (a == b)
