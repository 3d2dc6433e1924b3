"""Lists that people search, filter, sort, page through and export: one mechanism for all.

Declare a list once, next to its views:

    customers = Listing(
        Customer,
        columns=("code", "name", "contact_name", "phone", "active"),
        search=("code", "name", "short_name", "contact_name"),
        filters=("active",),
        sorts=("code", "name"),
        detail_url_name="masterdata:customer_detail",
        export_url_name="masterdata:customer_export",
    )

then `customers.context(request)` gives a list page everything it shows (rows of the
current page, filters, sort links, pagination, export link) and `customers.export(request)`
answers the same filtered, sorted rows, all of them, as an .xlsx file. Rows always come
from `Model.objects.for_user(user, action)`; FKs shown in `columns` are select_related and
many-to-many ones prefetched, so a page of 100 costs the same queries as a page of 10.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from eoms.core.access import EXPORT, VIEW, can
from eoms.lib.text import to_halfwidth
from eoms.lib.xlsx import write_rows

PAGE_SIZE = 25
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100
MAX_FILTER_OPTIONS = 500
# How a yes/no filter reads: the `active` flag every master record has is a 状态.
BOOLEAN_FILTERS = {"active": (_lazy("状态"), _lazy("启用"), _lazy("停用"))}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def resolve_field(model: Any, path: str) -> Any:
    """The model field at the end of `customer__name`, or None for a property."""
    field_obj = None
    for part in path.split("__"):
        try:
            field_obj = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field_obj.is_relation and field_obj.related_model is not None:
            model = field_obj.related_model
    return field_obj


def label_of(model: type[models.Model], path: str) -> str:
    field_obj = resolve_field(model, path)
    return capfirst(str(getattr(field_obj, "verbose_name", path)))


def raw_value(obj: Any, path: str) -> Any:
    """The value at `customer__name`, with choices as their label, M2M as a list."""
    value: Any = obj
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        if display is not None and i == len(parts) - 1:
            return display()
        value = getattr(value, part)
        if isinstance(value, models.Manager):
            return list(value.all())
    return value


def display_value(obj: Any, path: str) -> str:
    """The text a page shows for one field of one row."""
    value = raw_value(obj, path)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_value(obj: Any, path: str) -> Any:
    """The cell value in an export: numbers and dates stay typed, the rest is text."""
    value = raw_value(obj, path)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | Decimal | dt.date | str):
        return value
    return str(value)


@dataclass
class FilterSpec:
    """One select above a list (the shape includes/list_toolbar.html reads)."""

    name: str
    label: str
    choices: list[tuple[str, str]]
    value: str = ""
    lookup: str = ""
    distinct: bool = False
    boolean: bool = False


def page_size_hidden(params: QueryDict) -> list[tuple[str, str]]:
    """The other query parameters of a list, for the page-size form to carry along."""
    return [(k, v) for k, values in params.lists() if k not in ("page", "page_size")
            for v in values if v]


def _querystring(params: QueryDict, *drop: str) -> str:
    query = params.copy()
    for name in drop:
        query.pop(name, None)
    for name in [k for k, v in query.lists() if not any(v)]:
        query.pop(name)  # leave out empty form fields (q=&active=)
    return query.urlencode()


@dataclass(frozen=True)
class Listing:
    model: type[models.Model]
    columns: tuple[str, ...]
    search: tuple[str, ...] = ("code", "name")
    filters: tuple[str, ...] = ()
    sorts: tuple[str, ...] = ()
    default_sort: str = "code"
    export_columns: tuple[str, ...] = ()
    detail_url_name: str = ""
    export_url_name: str = ""
    # filter name -> function(user) giving the choices of a related-record filter, when
    # they are not simply every related record the user may see
    filter_options: dict[str, Callable[[Any], models.QuerySet]] = field(default_factory=dict)

    # --- rows -------------------------------------------------------------------------

    def base_queryset(self, user: Any, action: str = VIEW,
                      columns: tuple[str, ...] = ()) -> models.QuerySet:
        qs = self.model.objects.for_user(user, action)  # type: ignore[attr-defined]
        related, prefetch = set(), set()
        for path in columns or self.columns:
            parts = path.split("__")
            for depth in range(1, len(parts) + 1):
                field_obj = resolve_field(self.model, "__".join(parts[:depth]))
                prefix = "__".join(parts[:depth])
                if field_obj is None or not field_obj.is_relation:
                    break
                if field_obj.many_to_many or field_obj.one_to_many:
                    prefetch.add(prefix)
                    break
                related.add(prefix)
        return qs.select_related(*sorted(related)).prefetch_related(*sorted(prefetch))

    def search_condition(self, text: str) -> Q | None:
        words = to_halfwidth(text).split()
        if not words or not self.search:
            return None
        return reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in self.search))
                             for w in words[:8]))

    def filter_specs(self, user: Any, params: QueryDict) -> list[FilterSpec]:
        specs = []
        for name in self.filters:
            field_obj = resolve_field(self.model, name)
            assert field_obj is not None, f"{self.model.__name__} has no field {name}"
            spec = FilterSpec(name=name, label=label_of(self.model, name), choices=[],
                              value=params.get(name, ""), lookup=name)
            if field_obj.choices:
                spec.choices = [(str(v), str(label)) for v, label in field_obj.flatchoices]
            elif isinstance(field_obj, models.BooleanField):
                label, yes, no = BOOLEAN_FILTERS.get(name, (spec.label, _("是"), _("否")))
                spec.label, spec.choices, spec.boolean = str(label), [("1", str(yes)),
                                                                      ("0", str(no))], True
            elif field_obj.is_relation:
                rows = self._related_options(user, name, field_obj)
                spec.choices = [(str(o.pk), str(o)) for o in rows]
                spec.lookup = f"{name}__pk"
                spec.distinct = bool(field_obj.many_to_many)
            if spec.value not in {v for v, _label in spec.choices}:
                spec.value = ""
            specs.append(spec)
        return specs

    def _related_options(self, user: Any, name: str, field_obj: Any) -> models.QuerySet:
        if name in self.filter_options:
            qs = self.filter_options[name](user)
        else:
            qs = field_obj.related_model.objects.for_user(user)
        return qs[:MAX_FILTER_OPTIONS]

    def sort_of(self, params: QueryDict) -> str:
        sort = params.get("sort", "")
        return sort if sort.removeprefix("-") in self.sorts else self.default_sort

    def rows(self, user: Any, params: QueryDict, action: str = VIEW,
             columns: tuple[str, ...] = (),
             specs: list[FilterSpec] | None = None) -> models.QuerySet:
        """The user's rows after search, filters and sort (not yet paged)."""
        qs = self.base_queryset(user, action, columns)
        condition = self.search_condition(params.get("q", ""))
        if condition is not None:
            qs = qs.filter(condition)
        distinct = False
        for spec in specs if specs is not None else self.filter_specs(user, params):
            if spec.value:
                value: Any = spec.value == "1" if spec.boolean else spec.value
                qs = qs.filter(**{spec.lookup: value})
                distinct = distinct or spec.distinct
        if distinct or condition is not None and any("__" in f for f in self.search):
            qs = qs.distinct()
        return qs.order_by(self.sort_of(params), "pk")

    # --- the page -----------------------------------------------------------------------

    @staticmethod
    def page_size(params: QueryDict) -> int:
        try:
            size = int(params.get("page_size", PAGE_SIZE))
        except ValueError:
            return PAGE_SIZE
        return max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, size))

    def column_heads(self) -> list[dict[str, Any]]:
        return [{"field": c, "label": label_of(self.model, c), "sortable": c in self.sorts}
                for c in self.columns]

    def page_rows(self, page: Page) -> list[dict[str, Any]]:
        rows = []
        labels = [label_of(self.model, c) for c in self.columns[2:]]
        for obj in page.object_list:
            url = reverse(self.detail_url_name, args=[obj.pk]) if self.detail_url_name else ""
            cells = [display_value(obj, c) for c in self.columns]
            # `details`: the columns after code and name, labelled, for the phone layout
            details = [{"label": label, "value": v}
                       for label, v in zip(labels, cells[2:], strict=True)]
            rows.append({"obj": obj, "url": url, "cells": cells, "details": details})
        return rows

    def context(self, request: HttpRequest) -> dict[str, Any]:
        user, params = request.user, request.GET
        specs = self.filter_specs(user, params)
        qs = self.rows(user, params, specs=specs)
        page = Paginator(qs, self.page_size(params)).get_page(params.get("page"))
        q = params.get("q", "").strip()
        export_url = ""  # the toolbar appends the current query string itself
        if self.export_url_name and can(user, EXPORT, self.model):
            export_url = reverse(self.export_url_name)
        return {
            "page_obj": page,
            "rows": self.page_rows(page),
            "columns": self.column_heads(),
            "filters": specs,
            "q": q,
            "is_filtered": bool(q or any(s.value for s in specs)),
            "current_sort": self.sort_of(params),
            "querystring_without_page": _querystring(params, "page"),
            "querystring_without_sort": _querystring(params, "page", "sort"),
            "export_url": export_url,
            "page_size": self.page_size(params),
        }

    # --- export -------------------------------------------------------------------------

    def export(self, request: HttpRequest) -> HttpResponse:
        """Every row of the filtered, sorted list as .xlsx; 403 without the export right."""
        user = request.user
        if not can(user, EXPORT, self.model):
            raise PermissionDenied(EXPORT)
        columns = self.export_columns or self.columns
        qs = self.rows(user, request.GET, action=EXPORT, columns=columns)
        headers = [label_of(self.model, c) for c in columns]
        rows = ([export_value(obj, c) for c in columns] for obj in qs.iterator(chunk_size=2000))
        title = str(self.model._meta.verbose_name_plural)
        content = write_rows(headers, rows, sheet_title=title)
        response = HttpResponse(content, content_type=XLSX)
        filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = str(content_disposition_header(True, filename))
        return response
