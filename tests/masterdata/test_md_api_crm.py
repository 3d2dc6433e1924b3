"""PUT /customers/by-crm-id/{crm_id}: the CRM sync upserts customers, idempotently."""

import json

from eoms.audit.models import AuditEntry
from eoms.masterdata.models import Customer

URL = "/api/v1/masterdata/customers/by-crm-id/"
BODY = {"name": "宁波港建设有限公司", "contact_name": "林工", "phone": "0574-1"}


def _put(client, crm_id, body):
    return client.put(URL + crm_id, data=json.dumps(body), content_type="application/json")


def test_it_creates_a_customer_the_crm_sends_first(world, login):
    response = _put(login(world.manager), "CRM-1001", BODY)
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(crm_id="CRM-1001")
    assert customer.name == "宁波港建设有限公司" and customer.code.startswith("CUS-")
    assert response.json()["crm_id"] == "CRM-1001"


def test_it_changes_nothing_when_the_same_data_comes_again(world, login):
    client = login(world.manager)
    _put(client, "CRM-1001", BODY)
    entries = AuditEntry.objects.count()
    response = _put(client, "CRM-1001", BODY)
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert Customer.objects.get(crm_id="CRM-1001").version == 1
    assert AuditEntry.objects.count() == entries


def test_it_updates_the_customer_when_the_crm_data_changed(world, login):
    client = login(world.manager)
    _put(client, "CRM-1001", BODY)
    response = _put(client, "CRM-1001", {**BODY, "phone": "0574-2"})
    assert response.status_code == 200
    customer = Customer.objects.get(crm_id="CRM-1001")
    assert (customer.phone, customer.version) == ("0574-2", 2)
    assert Customer.objects.filter(crm_id="CRM-1001").count() == 1


def test_it_refuses_the_crm_id_in_the_body(world, login):
    response = _put(login(world.manager), "CRM-1001", {**BODY, "crm_id": "OTHER"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "crm_id"
    assert not Customer.objects.filter(name=BODY["name"]).exists()


def test_it_forbids_the_upsert_to_a_role_that_may_not_add_customers(world, login):
    response = _put(login(world.buyer), "CRM-1001", BODY)
    assert response.status_code == 403
    assert not Customer.objects.filter(crm_id="CRM-1001").exists()
