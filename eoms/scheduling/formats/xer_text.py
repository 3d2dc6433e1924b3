"""XER text: deciding the encoding and splitting the %T/%F/%R tables.

XER files carry no encoding declaration (the ERMHDR line holds version, date, user,
database and currency only): P6 writes them in the Windows code page of the exporting PC.
The decision, in order:

1. a byte-order mark, then strict UTF-8 (P6 15+ can export UTF-8);
2. GBK/GB18030 (Chinese Windows) when the bytes decode strictly as such, the decoded
   non-ASCII text is CJK, and the high bytes are not mostly Cyrillic letter bytes;
3. Windows-1251 (Cyrillic) when most high bytes are letter bytes (0xC0-0xFF, Ё/ё) and
   most of those stand in runs of three or more, as words do;
4. Windows-1252 (Western) otherwise: its accented letters come alone, between ASCII.

A caller who knows better passes ``encoding=``.
"""

from __future__ import annotations

import codecs

from .errors import FormatError

Table = list[dict[str, str]]


def decode_xer(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used)."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise FormatError("encoding", f"not {encoding}: {exc}")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = guess_legacy_encoding(data)
    return data.decode(guess, errors="replace"), guess


def guess_legacy_encoding(data: bytes) -> str:
    high = [b for b in data if b >= 0x80]
    letters = sum(1 for b in high if _cyrillic_letter(b))
    letter_share = letters / len(high) if high else 0.0
    if letter_share < 0.8 and _is_chinese(data):
        return "gb18030"
    if letters and letter_share >= 0.8 and _letters_in_runs(data) / letters >= 0.5:
        return "cp1251"
    return "cp1252"


def _cyrillic_letter(byte: int) -> bool:
    return byte >= 0xC0 or byte in (0xA8, 0xB8)


def _letters_in_runs(data: bytes, run: int = 3) -> int:
    total = length = 0
    for byte in data + b"\x00":
        if _cyrillic_letter(byte):
            length += 1
            continue
        if length >= run:
            total += length
        length = 0
    return total


def _is_chinese(data: bytes) -> bool:
    for codec in ("gb18030", "gbk"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        wide = [c for c in text if ord(c) >= 0x80]
        cjk = sum(1 for c in wide if 0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF)
        return bool(wide) and cjk / len(wide) >= 0.8
    return False


def split_tables(text: str) -> tuple[list[str], dict[str, Table]]:
    """(ERMHDR fields, table name -> rows as dicts)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].startswith("ERMHDR"):
        raise FormatError("xer_invalid", "the first line is not an ERMHDR header")
    header = lines[0].split("\t")[1:]
    tables: dict[str, Table] = {}
    name: str | None = None
    fields: list[str] | None = None
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        marker = parts[0].strip()
        if marker == "%T":
            name, fields = (parts[1].strip() if len(parts) > 1 else ""), None
            tables.setdefault(name, [])
        elif marker == "%F":
            fields = [f.strip() for f in parts[1:]]
        elif marker == "%R":
            if name is None or fields is None:
                raise FormatError("xer_invalid", f"line {number}: a row before its table/fields")
            values = parts[1:] + [""] * (len(fields) - len(parts) + 1)
            tables[name].append(dict(zip(fields, values, strict=False)))
        elif marker == "%E":
            break
    return header, tables
