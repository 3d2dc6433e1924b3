"""The fixed test world: two customers, two projects, one named user per role, and an
outsider who belongs to the other customer and must never see the first one's data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eoms.accounts import services as accounts
from eoms.accounts.models import Crew, CrewMembership, Role, User
from eoms.core.context import Channel, acting
from eoms.masterdata.models import (
    CostCategory,
    CostCode,
    Customer,
    CustomerUser,
    Material,
    MaterialCategory,
    Project,
    ProjectMember,
    Site,
    Supplier,
)

PASSWORD = "world-password-2026"
ROLE_USERS = {
    "admin": Role.ADMIN, "manager": Role.MANAGER, "pm": Role.PROJECT_MANAGER,
    "buyer": Role.PROCUREMENT, "qc": Role.QC_INSPECTOR, "worker": Role.SITE_WORKER,
    "finance": Role.FINANCE, "client": Role.CUSTOMER, "auditor": Role.AUDITOR,
}


@dataclass
class World:
    users: dict[str, User]
    customer: Customer
    other_customer: Customer
    project: Project
    other_project: Project
    site: Site
    other_site: Site
    category: MaterialCategory
    material: Material
    supplier: Supplier
    cost_code: CostCode
    crew: Crew

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    @property
    def outsider(self) -> User:
        return self.users["outsider"]


def _user(username: str, role: str, name: str) -> User:
    return accounts.create_user(actor=None, check_permission=False, username=username,
                                password=PASSWORD, roles=[role], email=f"{username}@example.com",
                                last_name=name[:1], first_name=name[1:])


def build_world() -> World:
    names = {"admin": "管理员", "manager": "王总", "pm": "李项目", "buyer": "赵采购",
             "qc": "钱质检", "worker": "孙施工", "finance": "周财务", "client": "吴客户",
             "auditor": "郑审计", "outsider": "冯外人", "other_pm": "陈经理"}
    with acting(Channel.TEST):
        users = {key: _user(key, role, names[key]) for key, role in ROLE_USERS.items()}
        users["outsider"] = _user("outsider", Role.CUSTOMER, names["outsider"])
        users["other_pm"] = _user("other_pm", Role.PROJECT_MANAGER, names["other_pm"])
        customer = Customer.objects.create(code="CUS-T0001", name="上海申达建设有限公司")
        other = Customer.objects.create(code="CUS-T0002", name="杭州远景机电有限公司")
        CustomerUser.objects.create(customer=customer, user=users["client"])
        CustomerUser.objects.create(customer=other, user=users["outsider"])
        project = Project.objects.create(code="PRJ-T001", name="浦东厂房扩建", customer=customer,
                                         manager=users["pm"], city="上海")
        other_project = Project.objects.create(code="PRJ-T002", name="杭州机电安装",
                                               customer=other, manager=users["other_pm"],
                                               city="杭州")
        for key in ("buyer", "qc", "worker"):
            ProjectMember.objects.create(project=project, user=users[key])
        site = Site.objects.create(code="SITE-T01", name="浦东一号工地", project=project,
                                   latitude=Decimal("31.230400"), longitude=Decimal("121.473700"))
        other_site = Site.objects.create(code="SITE-T02", name="杭州工地", project=other_project,
                                         latitude=Decimal("30.274100"),
                                         longitude=Decimal("120.155100"))
        category = MaterialCategory.objects.create(code="GJ", name="钢筋")
        material = Material.objects.create(code="MAT-GJ-T001", name="HRB400 螺纹钢",
                                           specification="Φ16", unit="吨", category=category,
                                           standard_price=Decimal("4200.00"))
        supplier = Supplier.objects.create(code="SUP-T0001", name="宝武钢铁贸易有限公司")
        supplier.categories.add(category)
        cost_code = CostCode.objects.create(code="02-01", name="主材",
                                            category=CostCategory.MATERIAL)
        crew = Crew.objects.create(code="BZ-T01", name="钢筋一班", leader=users["worker"])
        CrewMembership.objects.create(crew=crew, user=users["worker"])
    return World(users=users, customer=customer, other_customer=other, project=project,
                 other_project=other_project, site=site, other_site=other_site,
                 category=category, material=material, supplier=supplier,
                 cost_code=cost_code, crew=crew)
