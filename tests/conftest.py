from __future__ import annotations

import pytest
from django.test import Client

from eoms.core.context import Channel, acting
from eoms.testing.browser import chromium, phone, web  # noqa: F401  (browser fixtures)
from eoms.testing.s3 import s3_bucket, s3_endpoint  # noqa: F401  (a real S3 server)
from eoms.testing.smtp import smtp_server  # noqa: F401  (a fixture: a real SMTP server)
from eoms.testing.world import PASSWORD, World, build_world


@pytest.fixture(scope="session", autouse=True)
def _reseed_after_flush():
    """A `transaction=True` test ends with a flush, which also empties the tables a data
    migration filled (the standard quality templates and checkpoints). Django sends
    post_migrate after that flush: put them back then, as a fresh installation has them."""
    from django.db.models.signals import post_migrate

    from eoms.quality.models import Checkpoint, InspectionTemplate, TemplateItem
    from eoms.quality.seed import seed

    def reseed(sender, **kwargs):
        if getattr(sender, "label", "") == "quality":
            with acting(Channel.COMMAND):
                seed(InspectionTemplate, TemplateItem, Checkpoint)

    post_migrate.connect(reseed, weak=False, dispatch_uid="eoms-tests-reseed")
    yield
    post_migrate.disconnect(dispatch_uid="eoms-tests-reseed")


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def ctx(db):
    """An action context for tests that write models directly (not through a request)."""
    with acting(Channel.TEST) as c:
        yield c


@pytest.fixture
def login():
    """login(user) -> a Client logged in as that user through the real login form."""

    def make(user) -> Client:
        client = Client()
        response = client.post("/accounts/login/", {"username": user.username,
                                                    "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return make


# --- one world for a whole module (route walker, query counts) ------------------------------

@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> World:
    """One world for a whole test module, built once inside a transaction that is rolled
    back when the module ends. Each test still runs in its own savepoint (request `db`),
    so what a test writes is undone after it. Not for `transaction=True` tests."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def walker(module_world, django_db_blocker, tmp_path_factory):
    """A route walker (eoms.testing.walker.Walker) with every world user logged in: pages
    through the real login form, the API with a bearer token of each user. Uploaded files
    go to a temporary MEDIA_ROOT."""
    from django.test import override_settings

    from eoms.testing.routes_fieldwork import world_fieldwork
    from eoms.testing.walker import Walker

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))), \
            django_db_blocker.unblock():
        # Orders, schedule and field work made once for the module (each test's savepoint
        # rolls back only what the test wrote), not again in every test.
        with acting(Channel.TEST):
            world_fieldwork(module_world)
        yield Walker.start(module_world)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as in production: threads of a
    `transaction=True` test then meet SQLite's real locking (WAL, busy timeout) instead of
    the table locks of a shared in-memory database, which fail at once."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        # A throw-away file: no fsync (keeps it nearly as fast as an in-memory one).
        options = db.setdefault("OPTIONS", {})
        options["init_command"] = options.get("init_command", "").replace(
            "synchronous=NORMAL", "synchronous=OFF")
