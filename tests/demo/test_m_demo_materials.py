"""The demo's material receiving: rebar (two heats), membrane and concrete received with
certificates, and part of each batch used on a task of its order (when it has one)."""

import pytest
from django.db import transaction

from eoms.demo import loader
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))), \
            django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


def test_it_receives_rebar_membrane_and_concrete_with_their_usages(module_demo, db):
    materials = set(ReceivedBatch.objects.values_list("material__category__code", flat=True))
    assert materials == {"GJ", "FS", "HNT"}
    assert Delivery.objects.count() == 3 == module_demo.created["deliveries"]
    assert ReceivedBatch.objects.filter(batch_number__startswith="24B1-").count() == 2  # heats
    assert BatchUsage.objects.exists()  # on the orders that have a schedule
