"""What quality adds to the platform: event labels, navigation and the task page's
acceptance panel."""

from django.utils.translation import gettext_lazy as _

from eoms.core import events, navigation
from eoms.quality.models import Inspection, InspectionTemplate, NonConformance
from eoms.quality.views_accept import task_panel
from eoms.scheduling import registry as scheduling_registry

for name, label in {
    "inspection.created": _("创建质量检验"), "inspection.recorded": _("填写检验结果"),
    "inspection.passed": _("检验合格"), "inspection.failed": _("检验不合格"),
    "inspection.reinspection": _("安排复检"), "inspection.cancelled": _("取消检验"),
    "ncr.opened": _("开具不合格项"), "ncr.updated": _("修改不合格项"),
    "ncr.closed": _("关闭不合格项"), "task.accepted": _("任务验收"),
    "quality.seeded": _("初始化检验模板"),
    "quality.template_created": _("新建检验模板"), "quality.template_updated": _("修改检验模板"),
    "quality.template_copied": _("复制检验模板"), "quality.template_deleted": _("删除检验模板"),
    "quality.checkpoint_created": _("新建检验点"),
    "quality.checkpoint_updated": _("修改检验点"),
}.items():
    events.register(name, label)

navigation.register(_("质量管理"), _("我的检验"), "quality:inspection_list",
                    icon="clipboard-check", order=400, model=Inspection)
navigation.register(_("质量管理"), _("不合格项"), "quality:ncr_list", icon="alert",
                    order=410, model=NonConformance)
navigation.register(_("质量管理"), _("检验模板"), "quality:template_list", icon="checklist",
                    order=420, model=InspectionTemplate)

scheduling_registry.register_task_panel(task_panel)
