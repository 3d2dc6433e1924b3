"""Demo users log in with the demo password, and the login page tells visitors how."""

import pytest
from django.db import transaction
from django.test import Client

from eoms.accounts.demo_hint import DEMO_PASSWORD
from eoms.accounts.models import Role, User
from eoms.demo import data, loader


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo, db):
    return module_demo


@pytest.mark.parametrize("username", [u[0] for u in data.USERS])
def test_it_lets_each_demo_user_log_in(demo, username):
    client = Client()
    response = client.post("/accounts/login/", {"username": username,
                                                "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    assert client.session["_auth_user_id"] == str(demo.user(username).pk)


def test_it_shows_the_demo_logins_for_every_role_on_the_login_page(demo):
    response = Client().get("/accounts/login/")
    page = response.content.decode()
    assert DEMO_PASSWORD in page
    for role in Role:
        assert str(role.label) in page, role
    for username in ("demo_admin", "demo_manager", "demo_pm1", "demo_buyer", "demo_qc1",
                     "demo_worker1", "demo_finance", "demo_client1", "demo_auditor"):
        assert f"<code>{username}</code>" in page


def test_it_hides_the_demo_hint_once_the_demo_users_are_deactivated(demo):
    User.objects.filter(username__startswith="demo_").update(is_active=False)
    page = Client().get("/accounts/login/").content.decode()
    assert DEMO_PASSWORD not in page
    assert "<code>demo_admin</code>" not in page


def test_it_refuses_a_demo_user_with_a_wrong_password(demo):
    client = Client()
    response = client.post("/accounts/login/", {"username": "demo_pm1",
                                                "password": "eoms-demo-2025"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
