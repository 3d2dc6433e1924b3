"""Material receiving (材料进场): deliveries against an order, the batches they brought
with their certificates, and where each batch was used (traceability)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from eoms.core.models import BusinessModel
from eoms.masterdata.models import Material, Supplier
from eoms.orders.models import Order, OrderLine
from eoms.scheduling.models import Task


class Delivery(BusinessModel):
    """One arrival of material on site for an order (one delivery note)."""

    code = models.CharField(_("进场编号"), max_length=40, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="deliveries")
    supplier = models.ForeignKey(Supplier, verbose_name=_("供应商"), on_delete=models.PROTECT,
                                 related_name="deliveries")
    delivered_on = models.DateField(_("进场日期"), db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"),
                                    on_delete=models.PROTECT, related_name="received_deliveries")
    delivery_note = models.CharField(_("送货单号"), max_length=60, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("材料进场")
        verbose_name_plural = _("材料进场")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return self.code


class ReceivedBatch(BusinessModel):
    """A batch (炉批号, 批次号) received on an order line, with its certificate of
    conformity (合格证) and optional test report (检测报告), labelled with a QR code."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("进场记录"), on_delete=models.PROTECT,
                                 related_name="batches")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("订单行"),
                                   on_delete=models.PROTECT, related_name="received_batches")
    material = models.ForeignKey(Material, verbose_name=_("物料"), on_delete=models.PROTECT,
                                 related_name="received_batches")
    supplier = models.ForeignKey(Supplier, verbose_name=_("供应商"), on_delete=models.PROTECT,
                                 related_name="received_batches")
    batch_number = models.CharField(_("批号"), max_length=80)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit = models.CharField(_("单位"), max_length=20)
    certificate_number = models.CharField(_("合格证编号"), max_length=80)
    certificate_file = models.FileField(_("合格证文件"), max_length=200)
    certificate_type = models.CharField(_("合格证文件类型"), max_length=40)
    test_report_file = models.FileField(_("检测报告"), max_length=200, blank=True)
    test_report_type = models.CharField(_("检测报告文件类型"), max_length=40, blank=True)
    label_code = models.CharField(_("标签编号"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("进场批次")
        verbose_name_plural = _("进场批次")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(
            fields=["supplier", "material", "batch_number"], name="batch_received_once")]

    def __str__(self) -> str:
        return f"{self.material.name} {self.batch_number}"


class BatchUsage(BusinessModel):
    """Part of a batch built into a task at a location (部位), for tracing a bad batch."""

    batch = models.ForeignKey(ReceivedBatch, verbose_name=_("批次"), on_delete=models.PROTECT,
                              related_name="usages")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT,
                             related_name="batch_usages")
    location = models.CharField(_("使用部位"), max_length=200)
    quantity = models.DecimalField(_("用量"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    used_on = models.DateField(_("使用日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    on_delete=models.PROTECT, related_name="batch_usages")

    class Meta:
        verbose_name = _("批次使用记录")
        verbose_name_plural = _("批次使用记录")
        ordering = ["-used_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.batch} → {self.location}"
