"""What field work adds to the platform: navigation and event labels."""

from django.utils.translation import gettext_lazy as _

from eoms.core import events, navigation
from eoms.core.access import can
from eoms.fieldwork.models import CheckIn, DailyLog
from eoms.fieldwork.policies import SUPERVISE

for name, label in {
    "checkin.created": _("现场签到"), "checkin.closed": _("现场签退"),
    "checkin.photos_added": _("补充现场照片"), "photo.processed": _("生成照片缩略图"),
    "device.created": _("登记考勤设备"), "device.revoked": _("停用考勤设备"),
    "dailylog.created": _("创建施工日志"), "dailylog.updated": _("修改施工日志"),
    "dailylog.signed": _("签署施工日志"),
}.items():
    events.register(name, label)

navigation.register(_("现场作业"), _("现场签到"), "fieldwork:today", icon="map-pin",
                    order=300, model=CheckIn)
navigation.register(_("现场作业"), _("签到记录"), "fieldwork:checkin_list", icon="clock",
                    order=310, model=CheckIn)
navigation.register(_("现场作业"), _("今日现场"), "fieldwork:supervisor", icon="users",
                    order=320, model=CheckIn,
                    allowed=lambda user: can(user, SUPERVISE, CheckIn))
navigation.register(_("现场作业"), _("施工日志"), "fieldwork:log_list", icon="file",
                    order=330, model=DailyLog)
