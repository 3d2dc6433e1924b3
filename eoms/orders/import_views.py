"""Orders in and out of Excel on the web: the import flow (the platform's `ImportPages`:
template → upload → check → confirm → result, large files as jobs with a progress bar) and
the export of a filtered order list with its lines.

Names: orders:order_import (upload), orders:order_import_template, _import_preview,
_import_confirm, _import_cancel, _import_errors; orders:export_lines.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.access import ADD, EXPORT, can
from eoms.core.import_pages import ImportPages, xlsx_response
from eoms.orders.filtering import filter_orders, filters_from_query
from eoms.orders.imports import OrderImporter
from eoms.orders.models import Order

IMPORTERS = {"order": OrderImporter}

pages = ImportPages("orders", IMPORTERS, list_url_name=lambda kind: "orders:list",
                    upload_template="orders/import_upload.html",
                    preview_template="orders/import_preview.html", actions=(ADD,))


@login_required
def export_lines(request: HttpRequest) -> HttpResponse:
    """The orders the user may export, filtered as the query string says (the names of the
    API list: status, type, priority, owner, customer, project, overdue, q), with lines."""
    if not can(request.user, EXPORT, Order):
        raise PermissionDenied(EXPORT)
    qs = filter_orders(Order.objects.for_user(request.user, EXPORT),
                       **filters_from_query(request.GET)).order_by("-id")
    name = _("订单明细-%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")}
    return xlsx_response(OrderImporter(request.user).export(qs), name)
