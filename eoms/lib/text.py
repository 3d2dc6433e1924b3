"""Text clean-up for Chinese and mixed-width input: half-width folding, name keys, numbers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["normalize_name", "parse_decimal", "plain_decimal", "to_halfwidth"]

_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20


def to_halfwidth(s: str) -> str:
    return s.translate(_HALFWIDTH)


# Legal-form words that may end an English name, compared per token (so "Zinc" keeps its "inc").
_EN_SUFFIXES = frozenset(
    {"co", "ltd", "limited", "inc", "corp", "corporation", "llc", "gmbh", "company", "plc"}
)
# Longest first. 集团 is deliberately not stripped: "X集团" and "X有限公司" are usually different
# legal entities (a group and one of its members), while "X集团有限公司" == "X集团".
_CN_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


# Between two digits these carry meaning ("2.5mm" is not "25mm", "Φ12-16" is not "Φ1216").
_DIGIT_JOINERS = {".": ".", "/": "/", "-": "-", ":": ":", "×": "x", "*": "x"}


def _tokens(s: str) -> list[str]:
    """Split on whitespace, punctuation, symbols and CJK/non-CJK boundaries; drop the separators.

    The script boundary lets "华为Co.,Ltd" lose its suffix like "华为 Co., Ltd" does.
    """
    tokens: list[str] = []
    current: list[str] = []
    current_cjk = False
    for i, ch in enumerate(s):
        joiner = _DIGIT_JOINERS.get(ch)
        if joiner and current and current[-1].isdigit() and s[i + 1 : i + 2].isdigit():
            current.append(joiner)
            continue
        if ch.isspace() or unicodedata.category(ch)[0] in "PSZC":
            if current:
                tokens.append("".join(current))
                current = []
            continue
        cjk = _is_cjk(ch)
        if current and cjk != current_cjk:
            tokens.append("".join(current))
            current = []
        current.append(ch)
        current_cjk = cjk
    if current:
        tokens.append("".join(current))
    return tokens


def _strip_cn_suffix(token: str) -> str:
    if token.endswith("分公司"):  # a branch is a different entity from its parent
        return token
    for suffix in _CN_SUFFIXES:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def normalize_name(s: str) -> str:
    """Key for spotting duplicate company / person / material names.

    Equal keys mean "probably the same name": width, case, spacing, punctuation and a trailing
    legal form (有限公司, Co., Ltd. …) are ignored. Text inside brackets is kept. A name that is
    nothing but a legal form keeps it rather than collapsing to an empty key.
    """
    tokens = _tokens(to_halfwidth(unicodedata.normalize("NFKC", s)).casefold())
    full = "".join(tokens)
    while tokens:
        last = tokens[-1]
        if last in _EN_SUFFIXES:
            tokens.pop()
            continue
        stripped = _strip_cn_suffix(last)
        if stripped == last:
            break
        if stripped:
            tokens[-1] = stripped
        else:
            tokens.pop()
    # Recompose: dropping a separator can leave a combining mark next to a letter ("A´").
    return unicodedata.normalize("NFC", "".join(tokens) or full)


_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")
_CURRENCY = "¥"  # NFKC folds both ¥ and ￥ to U+00A5


def parse_decimal(s: object) -> Decimal:
    """Parse a number typed by a person, e.g. "￥１，２３４．５" → Decimal("1234.5").

    Thousands separators must group by three: "1,5" is rejected rather than read as 15,
    because it is far more likely a European decimal comma.
    """
    if isinstance(s, bool):
        raise ValueError(f"not a number: {s!r}")
    if isinstance(s, Decimal | int):
        value = Decimal(s)
    elif isinstance(s, float):
        value = Decimal(repr(s))
    elif isinstance(s, str):
        value = _parse_decimal_text(s)
    else:
        raise ValueError(f"not a number: {s!r}")
    if not value.is_finite():
        raise ValueError(f"not a finite number: {s!r}")
    return value


def _parse_decimal_text(s: str) -> Decimal:
    text = unicodedata.normalize("NFKC", s).strip()
    if not text:
        raise ValueError(f"not a number: {s!r} is empty")
    sign = ""
    if text[0] in "+-" and text[1:2] == _CURRENCY:
        sign, text = text[0], text[2:].lstrip()
    elif text[0] == _CURRENCY:
        text = text[1:].lstrip()
    text = sign + text
    if not _NUMBER_RE.fullmatch(text):
        raise ValueError(
            f"not a number: {s!r} (expected digits with an optional ¥, "
            "thousands separators in groups of three and a decimal point)"
        )
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        raise ValueError(f"not a number: {s!r}")


def plain_decimal(value: Decimal | int | None) -> str:
    """A quantity as people write it: exact, no trailing zeros, never an exponent
    (Decimal("200.000") → "200", where normalize() would give "2E+2")."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == 0:
        return "0"
    return format(number.normalize(), "f")
