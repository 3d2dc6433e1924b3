"""The vocabulary of Excel imports: columns, cell parsers, row errors and the run's report.

A parser raises `CellError` with a message fit to show the user. `prepare()` runs once per
file with every value of its column (a reference looks all codes up in one query);
`parse()` then gets what `prepare()` returned. `describe()` and `allowed()` write the
template's 说明 sheet; `export()` turns a stored value back into a cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from eoms.core.access import VIEW
from eoms.lib.dates import parse_date
from eoms.lib.text import parse_decimal, to_halfwidth
from eoms.lib.xlsx import write_rows

__all__ = ["SYSTEM", "Bool", "CellError", "Choice", "Column", "Date", "ImportFileError",
           "ImportReport", "Integer", "Number", "Parser", "Pending", "Ref", "RowError",
           "SystemActor", "Text", "error_report", "file_message", "header_key", "in_chunks",
           "shown"]

MAX_KEPT_ERRORS = 10_000


class CellError(ValueError):
    """A cell's value cannot be used; the message is shown to the user."""


class SystemActor:
    """The actor of a command-line import run without --user: permission checks pass.

    It is not a user and has no primary key: records get no creator, and audit entries
    name the channel ("import") as the actor.
    """

    pk = id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    username = "system"
    language = ""
    role_codes: frozenset[str] = frozenset()

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return _("系统")


SYSTEM = SystemActor()


@dataclass(frozen=True)
class Pending:
    """A reference to a record that an earlier row of the same file creates."""

    key: str


def in_chunks(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """Values in lists of `size`, for `field__in` queries that stay within database limits."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fold(text: str) -> str:
    return to_halfwidth(unicodedata.normalize("NFKC", text)).strip()


def match_key(text: str) -> str:
    """Loose key to compare a typed choice or header with ours: width, case, spaces."""
    return re.sub(r"\s+", "", _fold(text)).casefold()


def header_key(text: str) -> str:
    """A header's key: also ignores the template's required mark (*, 必填)."""
    key = match_key(text)
    for mark in ("(必填)", "*"):
        key = key.removesuffix(mark).removeprefix(mark)
    return key


def as_text(value: object) -> str:
    """A cell as text: 13800000000.0 (a phone typed as a number) → "13800000000"."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def shown(value: object) -> str:
    """A value as the error report shows it."""
    if value is None:
        return ""
    if isinstance(value, Pending):
        return value.key
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    return as_text(value)[:200]


def _all_languages(text: Any) -> set[str]:
    """A lazily translated text in every configured language (for matching headers)."""
    found = {str(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return found


class Parser:
    def prepare(self, actor: Any, values: list[object]) -> Any:
        return None

    def parse(self, value: object, state: Any) -> Any:
        return value

    def describe(self) -> str:
        return ""

    def allowed(self, actor: Any) -> list[str]:
        return []

    def export(self, value: Any) -> object:
        return value


class Text(Parser):
    def __init__(self, max_length: int | None = None, *, halfwidth: bool = False) -> None:
        self.max_length, self.halfwidth = max_length, halfwidth

    def parse(self, value: object, state: Any) -> str:
        text = as_text(value)
        if self.halfwidth:
            text = _fold(text)
        if self.max_length and len(text) > self.max_length:
            raise CellError(_("太长：%(n)s 个字，最多 %(max)s 个。")
                            % {"n": len(text), "max": self.max_length})
        return text

    def describe(self) -> str:
        if self.max_length:
            return _("文本，最多 %(max)s 个字") % {"max": self.max_length}
        return _("文本")


class Number(Parser):
    def __init__(self, *, decimal_places: int | None = None, max_digits: int | None = None,
                 min_value: Decimal | int | None = None,
                 max_value: Decimal | int | None = None) -> None:
        self.decimal_places, self.max_digits = decimal_places, max_digits
        self.min_value, self.max_value = min_value, max_value

    def _number(self, value: object) -> Decimal:
        try:
            number = parse_decimal(value)
        except ValueError:
            raise CellError(_("不是数字：请填写数字，如 1234.5。"))
        places = self.decimal_places
        if isinstance(value, float) and places is not None:
            rounded = number.quantize(Decimal(1).scaleb(-places))
            if abs(rounded - number) < Decimal("1e-9"):  # binary noise from Excel arithmetic
                number = rounded
        return number

    def parse(self, value: object, state: Any) -> Decimal:
        number = self._number(value)
        exponent = number.as_tuple().exponent
        places = self.decimal_places
        if places is not None and isinstance(exponent, int) and -exponent > places:
            raise CellError(_("小数位太多：最多 %(n)s 位小数。") % {"n": places})
        if self.max_digits is not None and abs(number) >= Decimal(10) ** (
                self.max_digits - (places or 0)):
            raise CellError(_("数值太大。"))
        if self.min_value is not None and number < self.min_value:
            raise CellError(_("不能小于 %(v)s。") % {"v": self.min_value})
        if self.max_value is not None and number > self.max_value:
            raise CellError(_("不能大于 %(v)s。") % {"v": self.max_value})
        return number

    def describe(self) -> str:
        parts = [_("数字")]
        if self.decimal_places == 0:
            parts = [_("整数")]
        elif self.decimal_places is not None:
            parts.append(_("最多 %(n)s 位小数") % {"n": self.decimal_places})
        if self.min_value is not None:
            parts.append(_("不小于 %(v)s") % {"v": self.min_value})
        if self.max_value is not None:
            parts.append(_("不大于 %(v)s") % {"v": self.max_value})
        return "，".join(parts)


class Integer(Number):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None) -> None:
        super().__init__(decimal_places=0, min_value=min_value, max_value=max_value)

    def parse(self, value: object, state: Any) -> int:  # type: ignore[override]
        number = self._number(value)
        if number != number.to_integral_value():
            raise CellError(_("请填写整数。"))
        return int(super().parse(number.to_integral_value(), state))


class Date(Parser):
    def parse(self, value: object, state: Any) -> dt.date:
        try:
            return parse_date(value)
        except ValueError:
            raise CellError(_("不是有效日期：请写成 2026-12-01、2026/12/1 或 2026年12月1日。"))

    def describe(self) -> str:
        return _("日期，如 2026-12-01、2026/12/1、2026年12月1日，或 Excel 日期单元格")


_TRUE = {"是", "true", "1", "yes", "y", "对", "√", "启用"}
_FALSE = {"否", "false", "0", "no", "n", "错", "×", "停用"}


class Bool(Parser):
    def parse(self, value: object, state: Any) -> bool:
        if isinstance(value, bool):
            return value
        key = match_key(as_text(value))
        if key in _TRUE or key == match_key(_("是")):
            return True
        if key in _FALSE or key == match_key(_("否")):
            return False
        raise CellError(_("请填写“是”或“否”。"))

    def describe(self) -> str:
        return _("填“是”或“否”")

    def export(self, value: Any) -> object:
        return None if value is None else (_("是") if value else _("否"))


class Choice(Parser):
    """One of fixed choices, given by its label (in any language) or its stored value."""

    def __init__(self, choices: Any) -> None:
        self.choices = list(getattr(choices, "choices", choices))

    def prepare(self, actor: Any, values: list[object]) -> dict[str, str]:
        table: dict[str, str] = {}
        for value, label in self.choices:
            table[match_key(str(value))] = value
            for text in _all_languages(label):
                table.setdefault(match_key(text), value)
        return table

    def parse(self, value: object, state: Any) -> str:
        table = state if state is not None else self.prepare(None, [])
        found = table.get(match_key(as_text(value)))
        if found is None:
            raise CellError(_("不是可选的值；可选：%(labels)s。") % {"labels": self._labels()})
        return found

    def _labels(self) -> str:
        return "、".join(str(label) for _v, label in self.choices)

    def describe(self) -> str:
        return _("可选：%(labels)s") % {"labels": self._labels()}

    def export(self, value: Any) -> object:
        return next((str(label) for v, label in self.choices if v == value), value)


class Ref(Parser):
    """A record named by its code (`to_field`) among those the importing user may see.

    `many=True` takes several codes separated by commas, 、 or spaces. `in_file=True` also
    accepts a code that an earlier row of the same file creates (a parent in a tree).
    The template's 说明 sheet lists up to `limit_allowed` codes (0: none, for long lists).
    """

    SEPARATORS = re.compile(r"[,;、\s]+")

    def __init__(self, model: type[models.Model], *, to_field: str = "code",
                 queryset: Callable[[Any], models.QuerySet] | None = None,
                 many: bool = False, in_file: bool = False, limit_allowed: int = 100) -> None:
        self.model, self.to_field, self.queryset = model, to_field, queryset
        self.many, self.in_file, self.limit_allowed = many, in_file, limit_allowed

    def _qs(self, actor: Any) -> models.QuerySet:
        if self.queryset is not None:
            return self.queryset(actor)
        return self.model._default_manager.for_user(actor, VIEW)  # type: ignore[attr-defined]

    def _split(self, value: object) -> list[str]:
        text = _fold(as_text(value))
        parts = self.SEPARATORS.split(text) if self.many else [text]
        return [p for p in parts if p]

    def prepare(self, actor: Any, values: list[object]) -> dict[str, Any]:
        keys: set[str] = set()
        for value in values:
            if value is not None:
                for part in self._split(value):
                    keys |= {part, part.upper()}
        lookup: dict[str, Any] = {}
        qs = self._qs(actor)
        for chunk in in_chunks(sorted(keys)):
            for obj in qs.filter(**{f"{self.to_field}__in": chunk}):
                lookup[getattr(obj, self.to_field)] = obj
        return {"lookup": lookup, "in_file": set()}

    def parse(self, value: object, state: Any) -> Any:
        found: list[Any] = []
        missing: list[str] = []
        for part in self._split(value):
            obj = state["lookup"].get(part) or state["lookup"].get(part.upper())
            if obj is None and self.in_file and part in state["in_file"]:
                obj = Pending(part)
            if obj is None:
                missing.append(part)
            else:
                found.append(obj)
        if missing:
            raise CellError(_("找不到%(what)s“%(codes)s”，或您无权使用。")
                            % {"what": self.model._meta.verbose_name, "codes": "、".join(missing)})
        if self.many:
            return found
        if not found:
            raise CellError(_("不能为空。"))
        return found[0]

    def describe(self) -> str:
        what = self.model._meta.verbose_name
        if self.many:
            return _("填写%(what)s的编码，多个用逗号或顿号分隔") % {"what": what}
        if self.in_file:
            return _("填写已有%(what)s的编码，或本文件中更早的行里的编码") % {"what": what}
        return _("填写已有%(what)s的编码") % {"what": what}

    def allowed(self, actor: Any) -> list[str]:
        if self.limit_allowed <= 0:
            return []
        qs = self._qs(actor).order_by(self.to_field)[: self.limit_allowed + 1]
        lines = []
        for obj in qs:
            key = getattr(obj, self.to_field)
            label = getattr(obj, "name", None) or str(obj)
            lines.append(f"{key}  {label}")
        if len(lines) > self.limit_allowed:
            lines[-1] = _("……（只列出前 %(n)s 个）") % {"n": self.limit_allowed}
        return lines

    def export(self, value: Any) -> object:
        if value is None:
            return None
        if isinstance(value, Iterable) and not isinstance(value, models.Model | str):
            return "、".join(str(getattr(v, self.to_field)) for v in value)
        return getattr(value, self.to_field)


@dataclass(frozen=True)
class Column:
    """One column of an import: the model field (or data key) it fills and its header.

    `header` is the Chinese header (translated lazily); the field name and `aliases` are
    accepted too, and so is the header in any configured language.
    """

    field: str
    header: Any
    parser: Parser = dc_field(default_factory=Text)
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""
    example: object = None

    def header_keys(self) -> set[str]:
        names = {self.field, *self.aliases, *_all_languages(self.header)}
        return {header_key(n) for n in names}


class ImportFileError(Exception):
    """The upload cannot be read as a table; the message is fit to show the user."""


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number (None: the header row), column header, value, reason."""

    row: int | None
    column: str
    value: str
    message: str

    @property
    def row_label(self) -> str:
        return str(self.row) if self.row else _("表头")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RowError:
        return cls(row=data.get("row"), column=str(data.get("column", "")),
                   value=str(data.get("value", "")), message=str(data.get("message", "")))


@dataclass
class ImportReport:
    """What a run found (and, unless a dry run, did). Serialisable for jobs and pages."""

    total: int = 0
    creates: int = 0
    updates: int = 0  # including `unchanged`: rows naming a record whose values are the same
    unchanged: int = 0
    errors: list[RowError] = dc_field(default_factory=list)
    error_count: int = 0
    file_error: str = ""
    preview: list[dict[str, Any]] = dc_field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def summary(self) -> str:
        counts = {"total": self.total, "creates": self.creates, "updates": self.updates,
                  "unchanged": self.unchanged, "errors": self.error_count}
        if self.file_error:
            return self.file_error
        if not self.ok:
            return _("共 %(total)s 行，发现 %(errors)s 个问题，没有导入任何数据。") % counts
        if self.written:
            return _("导入完成：新建 %(creates)s 条，更新 %(updates)s 条。") % counts
        if self.unchanged:
            return _("检查通过：共 %(total)s 行，将新建 %(creates)s 条，更新 %(updates)s 条"
                     "（其中 %(unchanged)s 条没有变化）。") % counts
        return _("检查通过：共 %(total)s 行，将新建 %(creates)s 条，更新 %(updates)s 条。") % counts

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [e.to_dict() for e in self.errors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["errors"] = [RowError.from_dict(e) for e in data.get("errors", [])]
        return cls(**fields)


def error_report(errors: Iterable[RowError]) -> bytes:
    """The problems of a run as an .xlsx: row, column, value, reason."""
    return write_rows([_("行号"), _("列"), _("值"), _("原因")],
                      ([e.row_label, e.column, e.value, e.message] for e in errors),
                      sheet_title=_("导入问题"))


def file_message(text: str, max_rows: int) -> str:
    """The xlsx reader's (English, library) message as a localized one."""
    if text.startswith("the file is too large"):
        return _("文件太大（解压后超过上限），请拆分成多个文件。")
    if "old .xls" in text:
        return _("这是旧版 .xls 文件或加密的工作簿："
                 "请在 Excel 中另存为 .xlsx（不设密码）后再上传。")
    if "(the file is empty)" in text:
        return _("文件是空的。")
    if text.startswith(("the first worksheet is empty", "the workbook has no worksheet")):
        return _("第一个工作表是空的：没有找到表头行。")
    if text.startswith("the sheet has more than"):
        return _("数据超过 %(n)s 行，请拆分成多个文件后分别导入。") % {"n": f"{max_rows:,}"}
    if text.startswith("column header"):
        name = text.split(" appears twice")[0].removeprefix("column header ").strip("'\"")
        return _("表头“%(h)s”出现了两次，请删除重复的列。") % {"h": name}
    if "damaged" in text:
        return _("文件已损坏，无法打开。")
    return _("这不是 Excel .xlsx 文件（可能是其他文件改了扩展名）。"
             "请在 Excel 中另存为 .xlsx 后再上传。")
