"""What master data adds to the platform: code patterns, navigation, global search."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eoms.core import codes, navigation, search
from eoms.masterdata.models import (
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    Project,
    Site,
    Supplier,
)

codes.register_default("customer", "CUS-{seq:05}")
codes.register_default("supplier", "SUP-{seq:05}")
codes.register_default("material", "MAT-{category}-{seq:04}")
codes.register_default("project", "PRJ-{year}-{seq:03}")
codes.register_default("site", "SITE-{seq:04}")

SECTION = _("主数据")
for order, (model, label, url_name, icon) in enumerate([
    (Customer, _("客户"), "masterdata:customer_list", "users"),
    (Supplier, _("供应商/分包商"), "masterdata:supplier_list", "truck"),
    (MaterialCategory, _("物料分类"), "masterdata:materialcategory_list", "list"),
    (Material, _("物料"), "masterdata:material_list", "box"),
    (Project, _("项目"), "masterdata:project_list", "building"),
    (Site, _("工地"), "masterdata:site_list", "map-pin"),
    (CostCode, _("成本科目"), "masterdata:costcode_list", "file"),
]):
    navigation.register(SECTION, label, url_name, icon=icon, order=500 + order, model=model)

for model, label in [(Customer, _("客户")), (Supplier, _("供应商/分包商")), (Material, _("物料")),
                     (Project, _("项目")), (Site, _("工地"))]:
    search.register(search.Searchable(
        model=model, label=label, fields=("code", "name"),
        url=lambda obj, m=model: reverse(  # type: ignore[misc]
            f"masterdata:{m._meta.model_name}_detail", args=[obj.pk]),
    ))
