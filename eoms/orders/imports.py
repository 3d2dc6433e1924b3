"""Orders in and out of Excel: one row per order line, rows grouped into orders.

The rows of one order share its 外部编号 (the order number in the sender's system, kept as
the order's CRM 编号, so a file cannot be imported twice). The order's own columns (customer,
project, title, dates …) are read from its rows: each may repeat them or leave them blank,
but two rows of one order may not disagree. Every row is checked first (the platform's
`Importer`: codes looked up among what the importing user may see, dates as Excel dates or
text such as 2026-12-01, 2026/12/1, 2026年12月1日, full-width digits); then every order
(required columns, site in its project, duplicate lines, an already imported number,
permission). Only when nothing is wrong are the orders created, through the services, in
one transaction on the `import` channel, and submitted, so the assignment rules route them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.core import context
from eoms.core.access import ADD, VIEW, can
from eoms.core.import_spec import (
    CellError,
    Choice,
    Column,
    Date,
    ImportFileError,
    ImportReport,
    Number,
    Ref,
    RowError,
    SystemActor,
    Text,
    in_chunks,
    shown,
)
from eoms.core.imports import Importer, Progress, _Ticker
from eoms.lib.xlsx import write_rows
from eoms.masterdata.models import Customer, Material, Project, Site
from eoms.orders import intake, services
from eoms.orders.choices import OrderStatus, OrderType, Priority, Source
from eoms.orders.filtering import placeable_customers
from eoms.orders.models import Order

HEADER = ("customer", "project", "site", "title", "priority", "order_type", "requested_date",
          "promised_date", "budget_amount", "description", "parent")
ORDER_COLUMNS = ("project", "title")  # every order names them (in one of its rows)
LINE = ("material", "quantity", "unit", "needed_by", "line_notes")
# Service error keys → import columns.
_FIELD = {"parent_code": "parent", "notes": "line_notes", "crm_id": "external_ref"}


def _orders(actor: Any) -> models.QuerySet:
    return Order.objects.for_user(actor, VIEW)


@dataclass
class _Order:
    key: str
    first: int
    header: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # header field → row it came from
    lines: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    verdict: intake.Verdict | None = None


class OrderImporter(Importer):
    model = Order
    key_field = None
    submit = True  # created orders are submitted: the assignment rules route them
    columns = (
        Column("external_ref", gettext_lazy("外部编号"), Text(80, halfwidth=True), required=True,
               aliases=("订单号", "外部订单号", "订单号/外部编号"), example="PO-2026-001",
               help=gettext_lazy("同一编号的各行是同一订单的订单行；导入后作为订单的 CRM 编号，"
                                 "不能与已有订单重复")),
        Column("customer", gettext_lazy("客户编码"),
               Ref(Customer, queryset=placeable_customers, limit_allowed=0),
               aliases=("客户",), help=gettext_lazy("留空则取项目的客户"), example="CUS-00001"),
        Column("project", gettext_lazy("项目编码"), Ref(Project, limit_allowed=0),
               aliases=("项目",), example="PRJ-2026-001",
               help=gettext_lazy("每个订单必填（变更、延期订单可留空，沿用原订单的项目）")),
        Column("site", gettext_lazy("工地编码"), Ref(Site, limit_allowed=0), aliases=("工地",),
               help=gettext_lazy("须属于该项目")),
        Column("title", gettext_lazy("标题"), Text(200), aliases=("订单标题",),
               help=gettext_lazy("每个订单必填"), example="B1 地下室底板防水施工"),
        Column("priority", gettext_lazy("优先级"), Choice(Priority),
               help=gettext_lazy("留空为 P3"), example=Priority.P2.label),
        Column("order_type", gettext_lazy("订单类型"), Choice(OrderType),
               help=gettext_lazy("留空由系统判断：引用原订单的为变更，只改交付日期的为延期")),
        Column("requested_date", gettext_lazy("要求交付日期"), Date(),
               example=dt.date(2026, 12, 1)),
        Column("promised_date", gettext_lazy("承诺交付日期"), Date(),
               example=dt.date(2026, 12, 15)),
        Column("budget_amount", gettext_lazy("预算金额（元）"),
               Number(decimal_places=2, max_digits=14, min_value=Decimal("0")),
               aliases=("预算金额", "预算"), example=Decimal("86000.00")),
        Column("description", gettext_lazy("说明"), Text(10000)),
        Column("parent", gettext_lazy("原订单编号"), Ref(Order, queryset=_orders, limit_allowed=0),
               aliases=("原订单",), help=gettext_lazy("变更或延期订单填写所引用的订单编号")),
        Column("material", gettext_lazy("物料编码"), Ref(Material, limit_allowed=0),
               aliases=("物料",), example="MAT-GJ-0001"),
        Column("quantity", gettext_lazy("数量"),
               Number(decimal_places=3, max_digits=14, min_value=Decimal("0.001")),
               example=Decimal("12.5")),
        Column("unit", gettext_lazy("单位"), Text(20), help=gettext_lazy("留空则用物料的单位")),
        Column("needed_by", gettext_lazy("需用日期"), Date(), example=dt.date(2026, 11, 20)),
        Column("line_notes", gettext_lazy("行备注"), Text(300)),
    )
    notes = (
        gettext_lazy("每行是一条订单行；外部编号相同的行组成一个订单。订单的列（客户、项目、标题、"
                     "日期、预算等）可以只填在该订单的第一行，其他行留空或填相同的值。"),
        gettext_lazy("只有订单信息、没有物料的订单（例如延期申请）可以只写一行，物料和数量留空。"),
        gettext_lazy("导入的订单直接提交，由分派规则分派负责人。"),
    )

    def __init__(self, actor: Any = None, *, check_permission: bool | None = None) -> None:
        super().__init__(actor, check_permission=check_permission)
        # Rows are checked one by one without permission (a later row of an order has no
        # project of its own); the orders are checked as wholes (`_check_access`).
        self.check_access, self.check_permission = self.check_permission, False

    @property
    def title(self) -> str:
        return str(Order._meta.verbose_name)

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
        orders: list[_Order] = []
        if self._has_order_columns(report):
            rejected = {e.row for e in report.errors if e.row}
            orders = self._orders_of(plan, report, self._keys_of(rows, rejected))
        report.creates = len(orders)
        report.preview = [self._preview(o) for o in orders[:200]]
        if report.ok and not dry_run:
            written = _Ticker(progress, split, 100, len(orders),
                              _("已导入 %(done)s / %(total)s 个订单"))
            self._write_orders(orders, report, written)
        order = {str(c.header): i for i, c in enumerate(self.columns)}
        report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, len(order))))
        return report

    def _has_order_columns(self, report: ImportReport) -> bool:
        """The columns every order needs (外部编号 the platform checks, being required)."""
        for column in self.columns:
            if column.field in ORDER_COLUMNS and column.field not in self._headers:
                report.add(RowError(None, str(column.header), "", _("缺少必填列。")))
        return all(name in self._headers for name in ("external_ref", *ORDER_COLUMNS))

    def template(self) -> bytes:
        """The platform's template, with the columns each order needs marked * too."""
        headers = [f"{c.header}*" if c.required or c.field in ORDER_COLUMNS else str(c.header)
                   for c in self.columns]
        return write_rows(headers, [[c.example for c in self.columns]], sheet_title=self.title,
                          notes=self.notes_lines())

    def _keys_of(self, rows: list[tuple[int, dict]], rejected: set[int]) -> set[str]:
        """The order numbers of rejected rows: their orders are not checked as wholes."""
        header = self._headers.get("external_ref")
        if header is None:
            return set()
        parser = self._mapping[header].parser
        keys = set()
        for number, cells in rows:
            if number in rejected and cells.get(header) is not None:
                try:
                    keys.add(parser.parse(cells[header], None))
                except CellError:
                    continue
        return keys

    def _preview(self, order: _Order) -> dict[str, Any]:
        kind = OrderType(order.verdict.order_type).label if order.verdict else ""
        label = _("%(title)s（%(kind)s，%(n)s 行）") % {
            "title": order.header.get("title") or "", "kind": kind, "n": len(order.lines)}
        return {"row": order.first, "action": "create", "key": order.key, "label": label[:200]}

    # --- rows into orders ------------------------------------------------------------------
    def _orders_of(self, plan: list[Any], report: ImportReport,
                   incomplete: set[str]) -> list[_Order]:
        orders: dict[str, _Order] = {}
        for row in plan:
            key = row.data["external_ref"]
            order = orders.setdefault(key, _Order(key, row.number))
            self._merge(order, row, report)
        found = [o for o in orders.values() if o.key not in incomplete]
        self._check_imported(found, report)
        for order in found:
            for number, name, message in self._check_order(order):
                report.add(self._error(number, name, self._value(order, number, name),
                                       message))
        return list(orders.values())

    def _value(self, order: _Order, number: int, name: str) -> Any:
        if name in LINE:
            return next((line.get(name) for n, line in order.lines if n == number), None)
        return order.key if name == "external_ref" else order.header.get(name)

    def _merge(self, order: _Order, row: Any, report: ImportReport) -> None:
        firsts = order.rows
        for name in HEADER:
            value = row.data.get(name)
            if value in (None, ""):
                continue
            if name in order.header and _key(order.header[name]) != _key(value):
                report.add(self._error(row.number, name, value, _(
                    "与同一订单第 %(r)s 行的“%(v)s”不一致。") % {
                    "r": firsts[name], "v": shown(order.header[name])}))
                continue
            order.header.setdefault(name, value)
            firsts.setdefault(name, row.number)
        line = {name: row.data.get(name) for name in LINE}
        if line["material"] is None and line["quantity"] is None:
            if any(line[n] not in (None, "") for n in ("unit", "needed_by", "line_notes")):
                report.add(self._error(row.number, "material", None,
                                       _("这一行有订单行的内容，请填写物料编码和数量。")))
            return
        if line["material"] is None:
            report.add(self._error(row.number, "material", None,
                                   _("填写了数量，请同时填写物料编码。")))
        elif line["quantity"] is None:
            report.add(self._error(row.number, "quantity", None, _("请填写数量。")))
        else:
            order.lines.append((row.number, line))

    def _check_imported(self, orders: list[_Order], report: ImportReport) -> None:
        """An order number imported before (it is an order's CRM id) is a duplicate."""
        by_key = {o.key: o for o in orders}
        for chunk in in_chunks(sorted(by_key)):
            for crm_id, code in Order.objects.filter(crm_id__in=chunk).values_list(
                    "crm_id", "code"):
                order = by_key.pop(crm_id)
                report.add(self._error(order.first, "external_ref", crm_id, _(
                    "外部编号 %(k)s 已导入过（订单 %(c)s），不能重复导入。")
                    % {"k": crm_id, "c": code}))
        orders[:] = list(by_key.values())

    def _check_order(self, order: _Order) -> Iterator[tuple[int, str, str]]:
        head, rows, parent = order.header, order.rows, order.header.get("parent")
        if not head.get("title"):
            yield order.first, "title", _("订单 %(k)s 没有填写标题。") % {"k": order.key}
        if head.get("project") is None and parent is None:
            yield order.first, "project", _("订单 %(k)s 没有填写项目编码。") % {"k": order.key}
        if head.get("customer") is None and head.get("project") is not None:
            head["customer"] = head["project"].customer
        # A change or extension takes what it does not name from its parent (the service).
        project = head.get("project") or getattr(parent, "project", None)
        customer = head.get("customer") or getattr(parent, "customer", None)
        site = head.get("site")
        if project is not None and site is not None and site.project_id != project.pk:
            yield rows.get("site", order.first), "site", _("工地 %(s)s 不属于项目 %(p)s。") % {
                "s": site.code, "p": project.code}
        if project is not None and customer is not None and project.customer_id != customer.pk:
            yield rows.get("project", order.first), "project", _(
                "项目 %(p)s 不属于客户 %(c)s。") % {"p": project.code, "c": customer.code}
        seen: dict[tuple, int] = {}
        for number, line in order.lines:
            if not line["material"].active:
                yield number, "material", _("物料 %(m)s 已停用。") % {"m": line["material"].code}
            key = (line["material"].pk, line.get("needed_by"))
            if key in seen:
                yield number, "material", _(
                    "与第 %(r)s 行重复：同一订单中物料和需用日期都相同。") % {"r": seen[key]}
            seen.setdefault(key, number)
        if self.check_access and project is not None and customer is not None and not can(
                self.actor, ADD, Order(project=project, customer=customer)):
            yield order.first, "project", _("您无权在项目 %(p)s 中新建订单。") % {"p": project.code}
        if head.get("title"):
            order.verdict = intake.classify(self._service_data(order)[0] | {
                "lines": [line for _n, line in order.lines]})
        empty = not order.lines and not head.get("budget_amount")
        if self.submit and empty and order.verdict and order.verdict.order_type == OrderType.NEW:
            yield order.first, "budget_amount", _(
                "订单 %(k)s 既没有订单行也没有预算金额，不能提交。") % {"k": order.key}

    # --- writing ---------------------------------------------------------------------------
    def _service_data(self, order: _Order) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        head = order.header
        data = {name: head[name] for name in HEADER
                if name in head and name not in ("parent", "order_type")}
        data["crm_id"] = order.key
        if head.get("parent") is not None:
            data["parent_code"] = head["parent"].code
        lines = [{"material": line["material"], "quantity": line["quantity"],
                  "unit": line.get("unit") or "", "needed_by": line.get("needed_by"),
                  "notes": line.get("line_notes") or ""} for _n, line in order.lines]
        return data, lines

    def _write_orders(self, orders: list[_Order], report: ImportReport, tick: _Ticker) -> None:
        user = None if isinstance(self.actor, SystemActor) else self.actor
        with context.acting(context.Channel.IMPORT, user=user, **self._context_kwargs()), \
                transaction.atomic():
            for done, order in enumerate(orders, start=1):
                try:
                    with transaction.atomic():
                        self._create(order)
                except ValidationError as exc:
                    for error in self._service_errors(order, exc):
                        report.add(error)
                except PermissionDenied:
                    report.add(RowError(order.first, "", "", _("您无权新建这个订单。")))
                tick(done)
            if report.error_count:
                transaction.set_rollback(True)
            else:
                report.written = True

    def _create(self, order: _Order) -> Order:
        data, lines = self._service_data(order)
        created = services.create_order(actor=self.actor, data=data, lines=lines,
                                         source=Source.IMPORT,
                                         order_type=order.header.get("order_type") or None)
        if self.submit:
            created = services.transition(created, OrderStatus.SUBMITTED, actor=self.actor)
        return created

    def _service_errors(self, order: _Order, exc: ValidationError) -> list[RowError]:
        if not hasattr(exc, "error_dict"):
            return [RowError(order.first, "", order.key, m) for m in exc.messages]
        errors = []
        for key, messages in exc.message_dict.items():
            number, name = order.first, "" if key == "__all__" else key
            if key.startswith("lines."):
                _lines, index, name = key.split(".", 2)
                position = int(index) - 1
                if 0 <= position < len(order.lines):
                    number = order.lines[position][0]
            name = _FIELD.get(name, name)
            errors += [self._error(number, name, self._value(order, number, name), m)
                       for m in messages]
        return errors

    # --- export ----------------------------------------------------------------------------
    def export(self, queryset: models.QuerySet) -> bytes:
        """Orders with their lines, one row a line (an order without lines: one row)."""
        headers = [str(h) for h in EXPORT_HEADERS]
        qs = (queryset.select_related("customer", "project", "site", "parent", "owner")
              .prefetch_related("lines__material"))
        rows = (row for order in qs.iterator(chunk_size=500) for row in _export_rows(order))
        return write_rows(headers, rows, sheet_title=str(Order._meta.verbose_name_plural))


def _key(value: Any) -> Any:
    return ("pk", value.pk) if isinstance(value, models.Model) else value


EXPORT_HEADERS = (
    gettext_lazy("订单编号"), gettext_lazy("外部编号"), gettext_lazy("订单类型"),
    gettext_lazy("状态"), gettext_lazy("客户编码"), gettext_lazy("客户名称"),
    gettext_lazy("项目编码"), gettext_lazy("工地编码"), gettext_lazy("标题"),
    gettext_lazy("优先级"), gettext_lazy("要求交付日期"), gettext_lazy("承诺交付日期"),
    gettext_lazy("预算金额（元）"), gettext_lazy("原订单编号"), gettext_lazy("负责人"),
    gettext_lazy("行号"), gettext_lazy("物料编码"), gettext_lazy("物料名称"),
    gettext_lazy("数量"), gettext_lazy("单位"), gettext_lazy("需用日期"), gettext_lazy("行备注"),
)


def _export_rows(order: Order) -> Iterator[list[Any]]:
    head = [order.code, order.crm_id, order.get_order_type_display(),
            order.get_status_display(), order.customer.code, order.customer.name,
            order.project.code, order.site.code if order.site else None, order.title,
            order.priority, order.requested_date, order.promised_date, order.budget_amount,
            order.parent.code if order.parent else None,
            order.owner.username if order.owner else None]
    lines = list(order.lines.all())
    if not lines:
        yield head + [None] * 7
    for line in lines:
        yield head + [line.line_no, line.material.code, line.material.name, line.quantity,
                      line.unit, line.needed_by, line.notes]
