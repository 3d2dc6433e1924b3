"""The loader's steps: all or nothing, and a partly loaded demo is completed."""

import pytest

from eoms.accounts.models import User
from eoms.audit.models import AuditEntry
from eoms.demo import loader
from eoms.masterdata.models import Project


def test_it_writes_nothing_when_a_step_fails(db):
    def broken(demo):
        assert demo.projects  # earlier steps ran …
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        loader.run(steps=[*loader.STEPS, broken])
    assert not User.objects.exists()  # … and were rolled back with it
    assert not AuditEntry.objects.exists()


def test_it_completes_a_partly_loaded_demo(db):
    loader.run(steps=loader.STEPS[:3])
    assert not Project.objects.exists()
    demo = loader.run()
    assert demo.existing["users"] == 20 and demo.created["projects"] == 3
    assert loader.counts()["materials"] == 30
