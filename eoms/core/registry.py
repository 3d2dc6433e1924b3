"""What the platform itself puts in the sidebar and on the dashboard."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from eoms.core import dashboard, navigation
from eoms.core.access import ADMIN, roles_of

navigation.register(_("工作台"), _("工作台"), "core:dashboard", icon="home", order=0,
                    allowed=lambda user: True)
navigation.register(_("系统"), _("后台任务"), "core:jobs", icon="clock", order=900,
                    allowed=lambda user: ADMIN in roles_of(user))


def _notification_card(user: Any) -> list[dict[str, Any]]:
    from django.urls import reverse

    from eoms.core.notifications import unread_count

    return [{"label": _("未读通知"), "value": unread_count(user),
             "url": reverse("core:notifications"), "icon": "bell"}]


dashboard.register_cards(_notification_card)
