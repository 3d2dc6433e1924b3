"""What orders add to the platform: navigation, global search, event labels; and the
hook through which higher apps add actions to the order page."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eoms.core import events, navigation, search
from eoms.orders.models import AssignmentRule, Order
from eoms.orders.views_portal import is_portal_user

# A customer's own user follows his orders in the portal; the staff list is for staff.
navigation.register(_("订单"), _("我的订单"), "orders:portal", icon="clipboard-check", order=95,
                    allowed=is_portal_user)
navigation.register(_("订单"), _("订单"), "orders:list", icon="clipboard-check", order=100,
                    model=Order, allowed=lambda user: not is_portal_user(user))
navigation.register(_("订单"), _("分派规则"), "orders:rules", icon="settings", order=110,
                    model=AssignmentRule)

search.register(search.Searchable(
    model=Order, label=_("订单"), fields=("code", "title", "crm_id"),
    url=lambda obj: reverse("orders:detail", args=[obj.pk]), title_field="title",
    subtitle=lambda obj: obj.get_status_display(),
))

for name, label in {
    "order.created": _("创建订单"), "order.updated": _("修改订单"),
    "order.submitted": _("提交订单"), "order.assigned": _("按规则分派"),
    "order.reassigned": _("人工分派"), "order.unassigned": _("等待人工分派"),
    "order.in_progress": _("开始实施"), "order.inspection": _("提交验收"),
    "order.delivered": _("交付"), "order.closed": _("关闭"), "order.on_hold": _("暂停"),
    "order.cancelled": _("取消"), "order.resumed": _("恢复"), "order.commented": _("添加备注"),
    "order.extension_approved": _("批准延期"), "order.extension_rejected": _("驳回延期"),
    "order.attachment_added": _("上传附件"), "order.filter_saved": _("保存常用筛选"),
    "order.filter_deleted": _("删除常用筛选"),
    "assignment_rule.created": _("创建分派规则"), "assignment_rule.updated": _("修改分派规则"),
    "assignment_rule.deleted": _("删除分派规则"), "assignment_rule.moved": _("调整规则顺序"),
    "assignment_group.created": _("创建分派组"), "assignment_group.updated": _("修改分派组"),
}.items():
    events.register(name, label)

# Higher apps (scheduling, quality, costs) add buttons to the order page: a provider gets
# (order, user) and returns (label, url, icon) triples the user may follow.
DetailAction = tuple[str, str, str]
_detail_actions: list[Callable[[Order, Any], list[DetailAction]]] = []


def register_detail_actions(provider: Callable[[Order, Any], list[DetailAction]]) -> None:
    if provider not in _detail_actions:
        _detail_actions.append(provider)


def detail_actions(order: Order, user: Any) -> list[DetailAction]:
    return [action for provider in _detail_actions for action in provider(order, user)]
