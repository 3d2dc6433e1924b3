"""Excel imports: declare the columns once; check a whole file, then write all of it or nothing.

An app describes one importable model with an `Importer` subclass: its `columns` (the header
in Chinese, English aliases, required or not, and a parser from `eoms.core.import_spec`)
and two hooks that call the app's services (`create`, `update`). `Importer.run()` reads the
first sheet of an .xlsx, checks every row and collects every problem as a `RowError`; only
when there is none, and it is not a dry run, does it write all rows in one transaction on
the `import` audit channel. A rejected file writes nothing.

A row whose key (usually `code`) names an existing record updates it; any other row creates
one. `eoms.core.import_store` keeps an uploaded file between preview and confirmation and
runs the importer as a background job.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from eoms.core import context
from eoms.core.access import ADD, CHANGE, can
from eoms.core.import_spec import (
    SYSTEM,
    CellError,
    Column,
    ImportFileError,
    ImportReport,
    Pending,
    RowError,
    SystemActor,
    error_report,
    file_message,
    header_key,
    in_chunks,
    shown,
)
from eoms.lib.text import normalize_name
from eoms.lib.xlsx import XlsxError, read_rows, write_rows

__all__ = ["SYSTEM", "Column", "ImportFileError", "ImportReport", "Importer", "RowError",
           "error_report", "in_chunks"]

MAX_ROWS = 20_000
PROGRESS_EVERY = 100
PREVIEW_ROWS = 200

Progress = Callable[[int, str], None]
_EMPTY = object()  # a blank cell, before the importer decides what blank means for the field


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    obj: models.Model | None
    key: str


class _Ticker:
    """Calls `progress(percent, message)` every PROGRESS_EVERY rows within a span."""

    def __init__(self, progress: Progress | None, start: int, end: int, total: int,
                 message: str) -> None:
        self.progress, self.start, self.end = progress, start, end
        self.total, self.message = max(total, 1), message

    def __call__(self, done: int) -> None:
        if self.progress and (done % PROGRESS_EVERY == 0 or done == self.total):
            percent = self.start + (self.end - self.start) * done // self.total
            self.progress(percent, self.message % {"done": done, "total": self.total})


class Importer:
    """Subclass per model: set `model` and `columns`, implement `create` and `update`.

    `actor` is the user the rows are checked and written for; without one the run acts as
    the system (`SYSTEM`) and skips permission checks (command-line imports). An instance
    keeps the state of one run: make a new one for each file.
    """

    model: type[models.Model]
    columns: Sequence[Column] = ()
    key_field: str | None = "code"  # the column that names an existing record to update
    duplicate_fields: tuple[str, ...] = ()  # rows equal in these (names compared loosely)
    duplicate_lookup: str = ""  # indexed field holding normalize_name(duplicate_fields[0])
    max_rows: int = MAX_ROWS
    notes: Sequence[Any] = ()  # lines for the template's 说明 sheet

    def __init__(self, actor: Any = None, *, check_permission: bool | None = None) -> None:
        self.actor = SYSTEM if actor is None else actor
        self.check_permission = (not isinstance(self.actor, SystemActor)
                                 if check_permission is None else check_permission)

    # --- hooks -----------------------------------------------------------------------------
    def create(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(self, obj: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def check_row(self, data: dict[str, Any], obj: Any) -> list[tuple[str, str]]:
        """Rules across fields: (field, message) pairs."""
        return []

    def reserved_keys(self, keys: set[str]) -> set[str]:
        """Keys no new record may take (issued before, record since deleted)."""
        return set()

    def label_of(self, data: dict[str, Any], obj: Any) -> str:
        name = data.get("name")
        return str(name) if name else (str(obj) if obj is not None else "")

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name)

    # --- reading ---------------------------------------------------------------------------
    def read(self, source: bytes | IO[bytes]) -> tuple[list[str], list[tuple[int, dict]]]:
        limit = settings.UPLOAD_MAX_BYTES
        data = source if isinstance(source, bytes) else source.read(limit + 1)
        if len(data) > limit:
            raise ImportFileError(_("文件太大：上限为 %(limit)s。")
                                  % {"limit": filesizeformat(limit)})
        if not data:
            raise ImportFileError(_("文件是空的。"))
        try:
            headers, rows = read_rows(data, max_bytes=limit, max_rows=self.max_rows)
        except XlsxError as exc:
            raise ImportFileError(file_message(str(exc), self.max_rows))
        if not rows:
            raise ImportFileError(_("文件只有表头，没有数据行。"))
        return headers, rows

    # --- the run ---------------------------------------------------------------------------
    def run(self, source: bytes | IO[bytes], *, dry_run: bool = False,
            progress: Progress | None = None) -> ImportReport:
        report = ImportReport(dry_run=dry_run)
        try:
            headers, rows = self.read(source)
        except ImportFileError as exc:
            report.file_error = str(exc)
            return report
        report.total = len(rows)
        split = 100 if dry_run else 40
        checked = _Ticker(progress, 0, split, len(rows), _("已检查 %(done)s / %(total)s 行"))
        plan = self._validate(headers, rows, report, checked)
        actions = [self._action(r) for r in plan]
        report.creates = actions.count("create")
        report.updates = len(plan) - report.creates
        report.unchanged = actions.count("unchanged")
        report.preview = [{"row": r.number, "action": action, "key": r.key,
                           "label": self.label_of(r.data, r.obj)[:200]}
                          for r, action in zip(plan[:PREVIEW_ROWS], actions, strict=False)]
        if report.ok and not dry_run:
            written = _Ticker(progress, split, 100, len(plan), _("已导入 %(done)s / %(total)s 行"))
            self._write(plan, report, written)
        order = {str(c.header): i for i, c in enumerate(self.columns)}
        report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, len(order))))
        return report

    def _action(self, row: _Row) -> str:
        """create, update, or unchanged (an update whose values equal the stored ones)."""
        if row.obj is None:
            return "create"
        for name, value in row.data.items():
            field = self._model_field(name)
            if field is None or field.many_to_many:
                return "update"  # cannot tell without a query a row: assume it changes
            if field.is_relation:
                stored = getattr(row.obj, field.attname)
                value = getattr(value, "pk", value)
            else:
                stored = getattr(row.obj, name)
            if stored != value:
                return "update"
        return "unchanged"

    # --- headers ---------------------------------------------------------------------------
    def _map_headers(self, headers: list[str], report: ImportReport) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for column in self.columns:
            for key in column.header_keys():
                index.setdefault(key, column)
        mapping: dict[str, Column] = {}
        seen: dict[str, str] = {}
        for header in headers:
            found = index.get(header_key(header))
            if found is None:
                report.add(RowError(None, header, "",
                                    _("未知的列：模板中没有这一列，请核对列名或删除该列。")))
            elif found.field in seen:
                report.add(RowError(None, header, "", _("与“%(other)s”是同一列，请只保留一个。")
                                    % {"other": seen[found.field]}))
            else:
                mapping[header] = found
                seen[found.field] = header
        for column in self.columns:
            if column.required and column.field not in seen:
                report.add(RowError(None, str(column.header), "", _("缺少必填列。")))
        return mapping

    # --- validation ------------------------------------------------------------------------
    def _validate(self, headers: list[str], rows: list[tuple[int, dict]],
                  report: ImportReport, tick: _Ticker) -> list[_Row]:
        self._report = report
        self._mapping = self._map_headers(headers, report)
        self._headers = {c.field: h for h, c in self._mapping.items()}
        self._first_row = self._keys_in_file(rows)
        self._states = {}
        for header, column in self._mapping.items():
            state = column.parser.prepare(self.actor, [cells.get(header) for _n, cells in rows])
            if isinstance(state, dict) and "in_file" in state:
                state["in_file"] = set(self._first_row)
            self._states[column.field] = state
        self._load_existing(set(self._first_row))
        plan = []
        for done, (number, cells) in enumerate(rows, start=1):
            row = self._check_row(number, cells)
            if row is not None:
                plan.append(row)
            tick(done)
        return self._check_unique(plan)

    def _keys_in_file(self, rows: list[tuple[int, dict]]) -> dict[str, int]:
        header = next((h for h, c in self._mapping.items() if c.field == self.key_field), None)
        first: dict[str, int] = {}
        if header is None:
            return first
        parser = self._mapping[header].parser
        for number, cells in rows:
            if cells.get(header) is not None:
                try:
                    first.setdefault(parser.parse(cells[header], None), number)
                except CellError:
                    pass
        return first

    def _load_existing(self, keys: set[str]) -> None:
        self._existing: dict[str, models.Model] = {}
        self._changeable: set[Any] = set()
        if not self.key_field:
            self._reserved: set[str] = set()
            return
        manager = self.model._default_manager
        for chunk in in_chunks(sorted(keys)):
            for obj in manager.filter(**{f"{self.key_field}__in": chunk}):
                self._existing[getattr(obj, self.key_field)] = obj
            if self.check_permission and self._existing:
                scoped = manager.for_user(self.actor, CHANGE)  # type: ignore[attr-defined]
                self._changeable.update(scoped.filter(**{f"{self.key_field}__in": chunk})
                                        .values_list("pk", flat=True))
        self._reserved = self.reserved_keys(keys - set(self._existing))

    def _check_row(self, number: int, cells: dict[str, object]) -> _Row | None:
        errors: list[RowError] = []
        data: dict[str, Any] = {}
        for header, column in self._mapping.items():
            raw = cells.get(header)
            if raw is None:
                if column.required:
                    errors.append(RowError(number, header, "", _("必填，不能为空。")))
                else:
                    data[column.field] = _EMPTY
                continue
            try:
                data[column.field] = column.parser.parse(raw, self._states[column.field])
            except CellError as exc:
                errors.append(RowError(number, header, shown(raw), str(exc)))
        key = data.get(self.key_field) if self.key_field else None
        key = key if isinstance(key, str) else ""
        obj = self._existing.get(key) if key else None
        errors += self._key_errors(number, key, obj)
        data = self._resolve_empty(data, creating=obj is None)
        errors += self._pending_errors(number, data)
        if not errors:
            errors += self._model_errors(number, data, obj)
        if not errors:
            errors += [self._error(number, f, data.get(f), m) for f, m in self.check_row(data, obj)]
        for error in errors:
            self._report.add(error)
        return None if errors else _Row(number, data, obj, key)

    def _key_errors(self, number: int, key: str, obj: Any) -> list[RowError]:
        if not key:
            return []
        header, k = self._headers[self.key_field], {"k": key}  # type: ignore[index]
        first = self._first_row.get(key, number)
        if first != number:
            return [RowError(number, header, key,
                             _("编码 %(k)s 在文件中重复（第 %(r)s 行已出现）。")
                             % {**k, "r": first})]
        if obj is not None and self.check_permission and obj.pk not in self._changeable:
            return [RowError(number, header, key, _("您无权修改编码为 %(k)s 的记录。") % k)]
        if obj is None and key in self._reserved:
            return [RowError(number, header, key,
                             _("编码 %(k)s 曾被使用过（原记录已删除），编码不可重复使用。") % k)]
        return []

    def _pending_errors(self, number: int, data: dict[str, Any]) -> list[RowError]:
        errors = []
        for name, value in data.items():
            for pending in _pendings(value):
                if self._first_row.get(pending.key, number) >= number:
                    errors.append(self._error(number, name, pending.key,
                                              _("%(k)s 要在本文件中更早的行里先出现。")
                                              % {"k": pending.key}))
        return errors

    def _model_field(self, name: str) -> Any:
        try:
            return self.model._meta.get_field(name)
        except Exception:
            return None

    def _resolve_empty(self, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """A blank cell: a new record takes the default; an update clears what can be
        cleared and keeps fields that cannot be blank (flags, choices with a default)."""
        resolved = {}
        for name, value in data.items():
            if value is not _EMPTY:
                resolved[name] = value
                continue
            field = self._model_field(name)
            if field is None:
                resolved[name] = None
            elif field.many_to_many:
                resolved[name] = []
            elif creating:
                continue
            elif field.null:
                resolved[name] = None
            elif field.blank and isinstance(field, models.CharField | models.TextField):
                resolved[name] = ""
        return resolved

    def _model_errors(self, number: int, data: dict[str, Any], obj: Any) -> list[RowError]:
        instance = copy.copy(obj) if obj is not None else self.model()
        checked = []
        for name, value in data.items():
            field = self._model_field(name)
            if field is None or field.many_to_many or _pendings(value):
                continue
            setattr(instance, name, value)
            if not field.is_relation:  # references were looked up already; skip a query a row
                checked.append(field.name)
        exclude = [f.name for f in self.model._meta.fields if f.name not in checked]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            return self._validation_errors(number, exc, data)
        if self.check_permission:
            try:
                allowed = can(self.actor, CHANGE if obj is not None else ADD, instance)
            except Exception:
                allowed = False
            if not allowed:
                return [RowError(number, "", "", _denied(obj is not None))]
        return []

    def _error(self, number: int, field: str, value: Any, message: str) -> RowError:
        header = self._headers.get(field)
        if header is None:
            model_field = self._model_field(field)
            header = str(model_field.verbose_name) if model_field is not None else ""
        return RowError(number, header, shown(value), str(message))

    def _validation_errors(self, number: int, exc: ValidationError,
                           data: dict[str, Any]) -> list[RowError]:
        if not hasattr(exc, "error_dict"):
            return [RowError(number, "", "", m) for m in exc.messages]
        return [self._error(number, "" if f == "__all__" else f, data.get(f), m)
                for f, messages in exc.message_dict.items() for m in messages]

    # --- uniqueness across rows and against the database -------------------------------------
    def _check_unique(self, plan: list[_Row]) -> list[_Row]:
        bad: set[int] = set()
        for name in self._unique_fields():
            bad |= self._check_unique_field(plan, name)
        if self.duplicate_fields:
            bad |= self._check_duplicates(plan)
        return [row for row in plan if row.number not in bad]

    def _unique_fields(self) -> list[str]:
        names = []
        for column in self.columns:
            field = self._model_field(column.field)
            if (column.field in self._headers and column.field != self.key_field
                    and field is not None and field.unique and not field.is_relation):
                names.append(column.field)
        return names

    def _check_unique_field(self, plan: list[_Row], name: str) -> set[int]:
        values = {row.data[name] for row in plan if row.data.get(name) not in (None, "")}
        owners: dict[Any, Any] = {}
        for chunk in in_chunks(sorted(values, key=str)):
            owners.update(self.model._default_manager.filter(**{f"{name}__in": chunk})
                          .values_list(name, "pk"))
        seen: dict[Any, int] = {}
        bad = set()
        for row in plan:
            value = row.data.get(name)
            if value in (None, ""):
                continue
            own_pk = row.obj.pk if row.obj is not None else None
            if value in seen:
                message = _("与第 %(r)s 行重复。") % {"r": seen[value]}
            elif owners.get(value, own_pk) != own_pk:
                message = _("已被其他记录使用。")
            else:
                seen[value] = row.number
                continue
            self._report.add(self._error(row.number, name, value, message))
            bad.add(row.number)
        return bad

    def _dup_value(self, value: Any) -> Any:
        if isinstance(value, models.Model):
            return ("pk", value.pk)
        if isinstance(value, Pending):
            return ("key", value.key)
        return normalize_name(str(value)) if value not in (None, "") else ""

    def _row_dup_key(self, row: _Row) -> tuple[Any, ...]:
        values = []
        for name in self.duplicate_fields:
            if name in row.data:
                values.append(self._dup_value(row.data[name]))
            else:
                values.append(self._obj_dup_value(row.obj, name) if row.obj is not None else "")
        return tuple(values)

    def _obj_dup_value(self, obj: Any, name: str) -> Any:
        field = self._model_field(name)
        if field is not None and field.is_relation:
            return ("pk", getattr(obj, field.attname))
        return self._dup_value(getattr(obj, name))

    def _obj_dup_key(self, obj: Any) -> tuple[Any, ...]:
        return tuple(self._obj_dup_value(obj, name) for name in self.duplicate_fields)

    def _check_duplicates(self, plan: list[_Row]) -> set[int]:
        keyed = []
        for row in plan:
            key = self._row_dup_key(row)
            if key[0] and (row.obj is None or key != self._obj_dup_key(row.obj)):
                keyed.append((row, key))
        in_db: dict[tuple[Any, ...], list[Any]] = {}
        lookup = self.duplicate_lookup or self.duplicate_fields[0]
        for chunk in in_chunks(sorted({key[0] for _r, key in keyed})):
            for obj in self.model._default_manager.filter(**{f"{lookup}__in": chunk}):
                in_db.setdefault(self._obj_dup_key(obj), []).append(obj)
        seen: dict[tuple[Any, ...], int] = {}
        bad = set()
        header = self.duplicate_fields[0]
        for row, key in keyed:
            matches = [o for o in in_db.get(key, []) if row.obj is None or o.pk != row.obj.pk]
            if key in seen:
                message = _("与第 %(r)s 行重复。") % {"r": seen[key]}
            elif matches:
                message = _("与已有记录“%(obj)s”重复；如要修改它，请在编码列填写它的编码。") % {
                    "obj": matches[0]}
            else:
                seen[key] = row.number
                continue
            self._report.add(self._error(row.number, header, row.data.get(header), message))
            bad.add(row.number)
        return bad

    # --- writing ---------------------------------------------------------------------------
    def _context_kwargs(self) -> dict[str, Any]:
        outer = context.current()
        kwargs: dict[str, Any] = {"request_id": outer.request_id if outer else uuid.uuid4().hex}
        if outer is not None:
            kwargs.update(ip=outer.ip, job_id=outer.job_id, token_id=outer.token_id)
        return kwargs

    def _write(self, plan: list[_Row], report: ImportReport, tick: _Ticker) -> None:
        user = None if isinstance(self.actor, SystemActor) else self.actor
        with context.acting(context.Channel.IMPORT, user=user, **self._context_kwargs()), \
                transaction.atomic():
            written: dict[str, models.Model] = {}
            for done, row in enumerate(plan, start=1):
                data = {name: self._resolve_pending(value, written)
                        for name, value in row.data.items()}
                try:
                    with transaction.atomic():
                        obj = (self.update(row.obj, data) if row.obj is not None
                               else self.create(data))
                except ValidationError as exc:
                    for error in self._validation_errors(row.number, exc, data):
                        report.add(error)
                except PermissionDenied:
                    report.add(RowError(row.number, "", "", _denied(row.obj is not None)))
                else:
                    if self.key_field:
                        written[getattr(obj, self.key_field)] = obj
                tick(done)
            if report.error_count:
                transaction.set_rollback(True)
            else:
                report.written = True

    def _resolve_pending(self, value: Any, written: dict[str, models.Model]) -> Any:
        """A reference to a record of this file: the record as written (or as it is now).

        A reference to a record of the importing model is read again too: an earlier row
        may have changed it (its parent, say), and the service must check the current one.
        """
        if isinstance(value, list):
            return [self._resolve_pending(v, written) for v in value]
        manager = self.model._default_manager
        if isinstance(value, Pending):
            return written.get(value.key) or manager.get(**{str(self.key_field): value.key})
        if isinstance(value, self.model) and value.pk is not None:
            return manager.get(pk=value.pk)
        return value

    # --- template and export ---------------------------------------------------------------
    def template(self) -> bytes:
        """An .xlsx with the header row (* marks required columns), one example row and a
        说明 sheet describing every column."""
        headers = [f"{c.header}*" if c.required else str(c.header) for c in self.columns]
        example = [c.example for c in self.columns]
        return write_rows(headers, [example], sheet_title=self.title, notes=self.notes_lines())

    def notes_lines(self) -> list[str]:
        lines = [
            _("%(model)s导入模板说明") % {"model": self.title}, "",
            _("1. 第一行是表头，请勿修改列名；列的顺序可以调整，不需要的选填列可以删除。"),
            _("2. 带 * 的列必填。第二行是示例，导入前请删除或改成您的数据。"),
            _("3. 每个文件最多 %(rows)s 行数据，文件不超过 %(size)s。")
            % {"rows": f"{self.max_rows:,}", "size": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            _("4. 导入前会先检查整个文件；只要有一行有问题，就不会导入任何数据。"),
            *[str(note) for note in self.notes], "", _("各列说明："),
        ]
        for column in self.columns:
            parts = [_("必填") if column.required else _("选填"), column.parser.describe(),
                     str(column.help)]
            lines.append(f"{column.header}：" + "；".join(p for p in parts if p))
            lines += [f"    {value}" for value in column.parser.allowed(self.actor)]
        return lines

    def export(self, queryset: models.QuerySet) -> bytes:
        """Records as an .xlsx in the import format (so an export can be edited and imported)."""
        related, many = [], []
        for column in self.columns:
            field = self._model_field(column.field)
            if field is not None and field.many_to_many:
                many.append(column.field)
            elif field is not None and field.is_relation:
                related.append(column.field)
        qs = queryset.select_related(*related).prefetch_related(*many)
        headers = [str(c.header) for c in self.columns]
        rows = ([c.parser.export(self._export_value(obj, c.field, many)) for c in self.columns]
                for obj in qs.iterator(chunk_size=2000))
        return write_rows(headers, rows, sheet_title=self.title)

    @staticmethod
    def _export_value(obj: Any, name: str, many: list[str]) -> Any:
        value = getattr(obj, name, None)
        return list(value.all()) if name in many and value is not None else value


def _denied(updating: bool) -> str:
    return _("您无权修改这条记录。") if updating else _("您无权新建这条记录。")


def _pendings(value: Any) -> list[Pending]:
    if isinstance(value, Pending):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Pending)]
    return []
