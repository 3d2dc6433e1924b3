"""`eoms demo` prints what it loaded and the logins; a second run reports nothing new."""

from io import StringIO

from django.core.management import call_command

from eoms.accounts.demo_hint import DEMO_PASSWORD
from eoms.accounts.models import User


def _run() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_it_prints_a_summary_and_the_logins(db):
    text = _run()
    assert "projects                    3 new    0 existing" in text
    assert f"password: {DEMO_PASSWORD}" in text
    assert "demo_pm1" in text and "张伟" in text


def test_it_reports_nothing_new_the_second_time(db):
    _run()
    text = _run()
    assert " 0 new   20 existing" in text
    assert User.objects.filter(username__startswith="demo_").count() == 20
