"""A user's saved order-list filters ("常用筛选"): save the current query string under a
name, delete it. Each user sees and changes only his own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core.access import ADD, DELETE, require
from eoms.core.context import business_event
from eoms.orders.models import SavedFilter

NAME_MAX = 60
QUERY_MAX = 500


@transaction.atomic
def save_filter(*, actor: Any, name: str, query: str) -> SavedFilter:
    name = (name or "").strip()
    query = (query or "").strip().lstrip("?")
    saved = SavedFilter(user=actor, name=name, query=query, created_by=actor)
    require(actor, ADD, saved)
    if not name:
        raise ValidationError({"name": _("请给这个筛选起个名称。")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("名称不能超过 %(n)s 个字符。") % {"n": NAME_MAX}})
    if len(query) > QUERY_MAX:
        raise ValidationError({"query": _("筛选条件太长，无法保存。")})
    if SavedFilter.objects.filter(user=actor, name=name).exists():
        raise ValidationError({"name": _("已有名为“%(n)s”的常用筛选，请换一个名称。")
                               % {"n": name}})
    with business_event("order.filter_saved", actor=actor):
        saved.save()
    return saved


@transaction.atomic
def delete_filter(saved: SavedFilter, *, actor: Any) -> None:
    require(actor, DELETE, saved)
    with business_event("order.filter_deleted", actor=actor):
        saved.delete()
