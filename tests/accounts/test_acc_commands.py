"""`eoms createuser` with a password file."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from eoms.accounts.models import User
from eoms.audit.models import AuditEntry


def test_it_creates_a_user_with_roles_from_a_password_file(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("梧桐-river-lantern-77\n")
    call_command("createuser", "zhangwei", "--role", "project_manager", "--role", "qc_inspector",
                 "--email", "zw@example.com", "--name", "张伟", "--password-file", str(secret))
    user = User.objects.get(username="zhangwei")
    assert user.check_password("梧桐-river-lantern-77")
    assert user.role_codes == frozenset({"project_manager", "qc_inspector"})
    assert user.get_full_name() == "张伟"
    assert AuditEntry.objects.filter(event="user.created", channel="command").exists()


def test_it_refuses_a_weak_password_from_the_file_and_creates_nothing(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("short")
    with pytest.raises(CommandError, match="password"):
        call_command("createuser", "zhangwei", "--password-file", str(secret))
    assert not User.objects.filter(username="zhangwei").exists()
