import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from eoms.audit import chain, services
from eoms.audit.models import AuditEntry
from eoms.masterdata.models import Customer


@pytest.fixture
def entries(ctx):
    for i in range(5):
        Customer.objects.create(code=f"C{i}", name=f"客户{i}")
    assert AuditEntry.objects.count() == 5
    return list(AuditEntry.objects.order_by("seq"))


def test_it_verifies_an_intact_chain(entries):
    result = chain.verify()
    assert result.ok, result.problem
    assert result.checked == 5
    call_command("audit", "verify")  # exits 0


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_detects_an_edited_row(entries):
    _raw("UPDATE audit_auditentry SET actor_label = %s WHERE seq = %s", ["mallory", entries[2].seq])
    result = chain.verify()
    assert not result.ok and result.first_bad_seq == entries[2].seq
    with pytest.raises(CommandError, match=f"#{entries[2].seq}"):
        call_command("audit", "verify")


def test_it_detects_an_edited_change_set(entries):
    _raw("UPDATE audit_auditentry SET changes = %s WHERE seq = %s",
         ['{"name": [null, "forged"]}', entries[1].seq])
    assert chain.verify().first_bad_seq == entries[1].seq


def test_it_detects_a_deleted_row(entries):
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[3].seq])
    result = chain.verify()
    assert not result.ok and result.first_bad_seq == entries[3].seq


def test_it_detects_deleting_the_newest_row(entries):
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    assert not chain.verify().ok


def test_it_detects_an_inserted_row(entries):
    last = entries[-1]
    _raw("INSERT INTO audit_auditentry (seq, timestamp, actor_label, channel, request_id, job_id,"
         " object_id, object_repr, action, event, reason, changes, prev_hash, hash)"
         " VALUES (%s, %s, 'x', 'web', '', '', '', 'forged', 'event', '', '', '{}', %s, %s)",
         [last.seq + 1, last.timestamp, last.hash, "f" * 64])
    assert not chain.verify().ok


def test_it_detects_a_reforged_hash_that_breaks_the_next_link(entries):
    e = entries[1]
    e.actor_label = "mallory"
    e.hash = chain.entry_hash(e)  # attacker recomputes this row's hash ...
    _raw("UPDATE audit_auditentry SET actor_label=%s, hash=%s WHERE seq=%s",
         [e.actor_label, e.hash, e.seq])
    result = chain.verify()  # ... but the next entry still links to the old one
    assert result.first_bad_seq == entries[2].seq


def test_purge_never_deletes_young_entries_and_keeps_the_chain_valid(entries):
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(days=400)
    # Age the first two entries (re-hash them as if written then) to simulate history.
    for e in entries[:2]:
        e.timestamp = old
    prev = "0" * 64
    for e in entries:
        e.prev_hash = prev
        e.hash = chain.entry_hash(e)
        prev = e.hash
        _raw("UPDATE audit_auditentry SET timestamp=%s, prev_hash=%s, hash=%s WHERE seq=%s",
             [e.timestamp, e.prev_hash, e.hash, e.seq])
    _raw("UPDATE audit_auditchainhead SET last_hash=%s WHERE id=1", [prev])
    assert chain.verify().ok

    result = services.purge(days=365)
    assert result.deleted == 2
    remaining = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert entries[2].seq in remaining and entries[0].seq not in remaining
    purge_entry = AuditEntry.objects.order_by("-seq").first()
    assert purge_entry.event == "audit.purged"
    assert purge_entry.changes["deleted"] == 2
    assert chain.verify().ok


def test_purge_refuses_a_retention_below_six_months(entries):
    with pytest.raises(ValueError):
        services.purge(days=100)
    with pytest.raises(CommandError):
        call_command("audit", "purge", "--days", "30")
    assert AuditEntry.objects.count() == 5
