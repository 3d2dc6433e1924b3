"""Files written through Django's storage inside a database transaction.

Files and the database are not one transaction, and Django calls nothing on rollback. So
`delete_on_rollback(names)` ties the written files to an on-commit callback that only the
connection's pending-callback list holds: when the transaction (or a savepoint open now)
rolls back, Django drops that list, the callback is freed at once and its finalizer
deletes the files. On commit the callback runs and the files stay. An upload refused
after its files were written — by the service or by any caller around it — leaves no
file behind.
"""

from __future__ import annotations

import logging
import weakref

from django.core.files.storage import default_storage
from django.db import transaction

log = logging.getLogger(__name__)


class _CommitMark:
    def __init__(self, state: dict[str, bool]) -> None:
        self.state = state

    def confirm(self) -> None:
        self.state["committed"] = True


def _forget_unless_committed(names: list[str], state: dict[str, bool]) -> None:
    if state["committed"]:
        return
    connection = transaction.get_connection()
    if not (connection.in_atomic_block or not connection.autocommit):
        # Freed outside a rollback: an earlier on-commit callback raised after the commit,
        # so the rows may exist. Keep the files (an orphan is better than a lost file).
        log.warning("files kept, commit not confirmed: %s", names)
        return
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the finalizer must not raise; the file stays an orphan
            log.exception("could not delete file %s after a rollback", name)


def delete_on_rollback(names: list[str]) -> None:
    """Delete the files named in `names` (the list may still grow) if the current
    transaction, or a savepoint open now, rolls back (see the module docstring)."""
    state = {"committed": False}
    mark = _CommitMark(state)
    weakref.finalize(mark, _forget_unless_committed, names, state)
    transaction.on_commit(mark.confirm, robust=True)
