from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from eoms.accounts.models import Crew, User
from eoms.core.access import VIEW, require, roles_of
from eoms.core.api import LinkPagination

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[str]
    language: str


class UserOut(Schema):
    id: int
    username: str
    name: str
    is_active: bool

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name()


class CrewOut(Schema):
    id: int
    code: str
    name: str
    trade: str
    leader_id: int | None
    version: int


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    user = request.user
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name(),  # type: ignore[union-attr]
            "email": user.email, "roles": sorted(roles_of(user)),  # type: ignore[union-attr]
            "language": user.language}  # type: ignore[union-attr]


@router.get("/users", response=list[UserOut])
@paginate(LinkPagination)
def list_users(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request.user, VIEW, User)
    return User.objects.for_user(request.user).order_by("username")


@router.get("/crews", response=list[CrewOut])
@paginate(LinkPagination)
def list_crews(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request.user, VIEW, Crew)
    return Crew.objects.for_user(request.user).order_by("code")
