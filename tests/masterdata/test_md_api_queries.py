"""API lists cost the same number of queries for a page of 10 and of 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eoms.masterdata.models import CostCode, Customer, Material, MaterialCategory, Project, Site

BASE = "/api/v1/masterdata"


def _fill(world, n):
    customers = Customer.objects.bulk_create(
        Customer(code=f"CUS-B{i:04}", name=f"客户{i}", name_key=f"客户{i}") for i in range(n))
    projects = Project.objects.bulk_create(
        Project(code=f"PRJ-B{i:04}", name=f"项目{i}", name_key=f"项目{i}",
                customer=customers[i], manager=world.pm) for i in range(n))
    Site.objects.bulk_create(Site(code=f"SITE-B{i:04}", name=f"工地{i}", name_key=f"工地{i}",
                                  project=projects[i]) for i in range(n))
    categories = MaterialCategory.objects.bulk_create(
        MaterialCategory(code=f"C{i:03}", name=f"分类{i}", name_key=f"分类{i}",
                         parent=world.category) for i in range(n))
    Material.objects.bulk_create(Material(code=f"MAT-B{i:04}", name=f"物料{i}",
                                          name_key=f"物料{i}", unit="个",
                                          category=categories[i]) for i in range(n))
    CostCode.objects.bulk_create(CostCode(code=f"09-{i:03}", name=f"科目{i}",
                                          name_key=f"科目{i}", category="other",
                                          parent=world.cost_code) for i in range(n))
    for i in range(n):
        supplier = world.supplier.__class__.objects.create(code=f"SUP-B{i:04}",
                                                           name=f"供应商{i}")
        supplier.categories.add(categories[i], world.category)


@pytest.mark.parametrize("path,user", [
    ("customers", "manager"), ("suppliers", "buyer"), ("material-categories", "buyer"),
    ("materials", "buyer"), ("projects", "pm"), ("sites", "pm"), ("cost-codes", "finance")])
def test_it_costs_the_same_queries_for_10_and_100_rows(world, login, ctx, path, user,
                                                       django_assert_num_queries):
    _fill(world, 105)
    client = login(getattr(world, user))
    url = f"{BASE}/{path}"
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url, {"page_size": 10}).json()["results"]) == 10
    assert len(small) <= 8, [q["sql"] for q in small.captured_queries]
    with django_assert_num_queries(len(small)):
        assert len(client.get(url, {"page_size": 100}).json()["results"]) == 100
