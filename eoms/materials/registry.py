"""What material receiving adds to the platform: navigation and event labels."""

from django.utils.translation import gettext_lazy as _

from eoms.core import events, navigation
from eoms.core.access import ADD, can
from eoms.materials.models import Delivery, ReceivedBatch

for name, label in {
    "delivery.received": _("材料进场验收"), "batch.used": _("记录材料批次使用"),
}.items():
    events.register(name, label)

navigation.register(_("材料"), _("材料进场"), "materials:receive", icon="truck", order=400,
                    model=Delivery, allowed=lambda user: can(user, ADD, Delivery))
navigation.register(_("材料"), _("进场记录"), "materials:delivery_list", icon="list",
                    order=410, model=Delivery)
navigation.register(_("材料"), _("材料批次"), "materials:batch_list", icon="box", order=420,
                    model=ReceivedBatch)
navigation.register(_("材料"), _("扫码查批次"), "materials:scan", icon="qrcode", order=430,
                    model=ReceivedBatch)
