"""Human labels of business event names (`order.assigned` → 订单已分派), for timelines."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_labels: dict[str, Promise | str] = {
    "user.logged_in": pgettext_lazy("event", "登录"),
    "user.created": _("创建用户"),
    "user.roles_changed": _("修改角色"),
    "user.language_changed": _("切换语言"),
    "token.created": _("创建 API 令牌"),
    "token.revoked": _("撤销 API 令牌"),
    "crew.created": _("创建班组"),
    "audit.purged": _("清理过期审计记录"),
}


def register(name: str, label: Promise | str) -> None:
    _labels[name] = label


def label(name: str) -> str:
    return str(_labels.get(name, name))
