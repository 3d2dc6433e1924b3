"""Password rules on account creation: a rejected password writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from eoms.accounts import services
from eoms.accounts.models import User


def _create(password: str, username: str = "newbie") -> User:
    return services.create_user(actor=None, check_permission=False, username=username,
                                password=password, roles=["site_worker"])


@pytest.mark.parametrize(("password", "says"), [
    ("Ab3$short", "12"),  # shorter than 12 characters: the message names the minimum
    ("password1234", "常见"),  # in the common-password list
    ("384920175638", "数字"),  # digits only
])
def test_it_rejects_a_weak_password_with_a_field_error(ctx, password, says):
    with pytest.raises(ValidationError) as caught:
        _create(password)
    errors = caught.value.message_dict
    assert list(errors) == ["password"]
    assert any(says in message for message in errors["password"]), errors
    assert not User.objects.filter(username="newbie").exists()


def test_it_accepts_a_long_uncommon_password(ctx):
    user = _create("梧桐-river-lantern-77")
    assert user.check_password("梧桐-river-lantern-77")
    assert user.role_codes == frozenset({"site_worker"})


def test_it_rejects_a_password_like_the_username(ctx):
    with pytest.raises(ValidationError) as caught:
        _create("zhangwei-zhangwei", username="zhangwei-zhangwei")
    assert "password" in caught.value.message_dict
