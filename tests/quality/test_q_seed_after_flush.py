"""The standard templates survive the flush that ends every `transaction=True` test
(tests/conftest.py seeds them again on post_migrate, as a fresh installation has them):
a quality test that runs after a browser test on the same worker still finds them."""

import pytest
from django.core.management import call_command

from eoms.quality.models import Checkpoint, InspectionTemplate


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_standard_templates_and_checkpoints():
    call_command("flush", interactive=False, verbosity=0)
    assert InspectionTemplate.objects.count() == 6
    assert Checkpoint.objects.count() == 4
