from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eoms.lib.text import normalize_name, parse_decimal, to_halfwidth

ascii_printable = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E))


def test_it_folds_fullwidth_ascii_and_ideographic_space():
    assert to_halfwidth("ＡＢＣ１２３！～") == "ABC123!~"
    assert to_halfwidth("上海\u3000建工") == "上海 建工"


def test_it_leaves_chinese_and_halfwidth_text_alone():
    assert to_halfwidth("上海建工集团，。") == "上海建工集团,。"
    assert to_halfwidth("plain text 1.5") == "plain text 1.5"


@given(ascii_printable)
def test_it_round_trips_ascii_through_fullwidth(s):
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in s)
    assert to_halfwidth(fullwidth) == s
    assert to_halfwidth(s) == s


@given(st.text())
def test_it_halfwidth_is_idempotent_and_keeps_length(s):
    once = to_halfwidth(s)
    assert to_halfwidth(once) == once
    assert len(once) == len(s)


@pytest.mark.parametrize(
    "name",
    [
        "ABC Co., Ltd.",
        "abc",
        "ＡＢＣ　Co.,Ltd",
        "ABC Limited",
        "abc inc.",
        "A.B.C. LLC",
        "ABC GmbH",
    ],
)
def test_it_normalizes_english_company_forms_to_one_key(name):
    assert normalize_name(name) == "abc"


def test_it_drops_the_legal_form_but_keeps_group():
    key = normalize_name("上海建工集团")
    assert key == "上海建工集团"
    assert normalize_name("上海建工集团股份有限公司") == key
    assert normalize_name("上海建工集团有限公司") == key
    assert normalize_name("上海 建工 集团 公司") == key
    assert normalize_name("上海建工有限责任公司") == "上海建工"


def test_it_keeps_bracketed_region_text_without_brackets():
    assert normalize_name("华为技术（上海）有限公司") == "华为技术上海"
    assert normalize_name("华为技术(上海)有限公司") == "华为技术上海"
    assert normalize_name("华为技术有限公司") == "华为技术"


def test_it_drops_whitespace_and_punctuation():
    assert normalize_name(" 约翰·史密斯 ") == "约翰史密斯"
    assert normalize_name("A&B_C-D，。") == "abcd"
    assert normalize_name("Tab\tNew\nLine") == "tabnewline"


def test_it_does_not_strip_suffix_letters_inside_a_word():
    assert normalize_name("Zinc") == "zinc"
    assert normalize_name("Acorp") == "acorp"
    assert normalize_name("Tesco") == "tesco"


def test_it_strips_english_form_glued_to_chinese():
    assert normalize_name("华为Co.,Ltd") == normalize_name("华为 Co., Ltd.") == "华为"


def test_it_keeps_branches_apart_from_the_parent():
    assert normalize_name("中建三局上海分公司") == "中建三局上海分公司"
    assert normalize_name("中建三局上海分公司") != normalize_name("中建三局")


def test_it_keeps_separators_that_matter_between_digits():
    assert normalize_name("钢板 2.5mm") != normalize_name("钢板 25mm")
    assert normalize_name("钢板 2．5mm") == normalize_name("钢板 2.5MM") == "钢板2.5mm"
    assert normalize_name("2×3 m") == normalize_name("2*3M") == "2x3m"


def test_it_keeps_a_name_that_is_only_a_legal_form():
    assert normalize_name("有限公司") == "有限公司"
    assert normalize_name("Ltd.") == "ltd"
    assert normalize_name("  ") == ""


@given(st.text())
def test_it_gives_a_stable_key_without_spaces(s):
    key = normalize_name(s)
    assert normalize_name(key) == key
    assert not any(c.isspace() for c in key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", Decimal("1234.5")),
        (" 1,234.50 ", Decimal("1234.50")),
        ("１２３４．５", Decimal("1234.5")),
        ("１，２３４", Decimal("1234")),
        ("1，234", Decimal("1234")),
        ("¥1,000", Decimal("1000")),
        ("￥ 1,000.5", Decimal("1000.5")),
        ("-¥5", Decimal("-5")),
        ("¥-5", Decimal("-5")),
        ("+3", Decimal("3")),
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("12,345,678", Decimal("12345678")),
    ],
)
def test_it_parses_decimals_people_type(text, expected):
    result = parse_decimal(text)
    assert result == expected
    assert result.as_tuple() == expected.as_tuple()


def test_it_passes_numbers_through_without_float_noise():
    assert parse_decimal(3) == Decimal(3)
    assert parse_decimal(1.1) == Decimal("1.1")
    assert parse_decimal(Decimal("2.50")) == Decimal("2.50")


@pytest.mark.parametrize(
    "bad", ["abc", "1,5", "1,23,456", "1 000", "1.2.3", "¥", "--5", "1e5", "NaN", "五"]
)
def test_it_rejects_malformed_numbers_naming_them(bad):
    with pytest.raises(ValueError, match=r"^not a number: ") as info:
        parse_decimal(bad)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("bad", ["", "   ", "\u3000"])
def test_it_rejects_empty_numbers(bad):
    with pytest.raises(ValueError, match=r"is empty$"):
        parse_decimal(bad)


@pytest.mark.parametrize("bad", [None, True, [1], float("nan"), float("inf"), Decimal("NaN")])
def test_it_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match="not a (finite )?number"):
        parse_decimal(bad)
