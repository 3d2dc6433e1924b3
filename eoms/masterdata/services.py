"""Every change to master data: create, update, delete — with codes, duplicates, versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.audit.models import AuditEntry
from eoms.core import codes
from eoms.core.access import (
    ADD,
    ADMIN,
    CHANGE,
    DELETE,
    MANAGER,
    PROJECT_MANAGER,
    can,
    roles_of,
)
from eoms.core.context import business_event
from eoms.lib.text import normalize_name
from eoms.masterdata.models import (
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    NamedMaster,
    Project,
    ProjectMember,
    Site,
    Supplier,
)

CODE_KINDS: dict[type[models.Model], str] = {
    Customer: "customer", Supplier: "supplier", Material: "material", Project: "project",
    Site: "site",
}
# Models whose code is typed by a person (short, meaningful): category GJ, cost code 02-01.
MANUAL_CODES = (MaterialCategory, CostCode)


class StaleVersion(ValidationError):
    """The record changed since the editor loaded it (code "stale")."""


class DuplicateWarning(ValidationError):
    """Names that look like an existing record's; the caller may confirm and save anyway.

    `matches` holds the records (only those the actor may see), for links and API answers.
    """

    def __init__(self, matches: list[NamedMaster]) -> None:
        self.matches = matches
        names = "、".join(f"{m.code} {m.name}" for m in matches[:5])
        super().__init__({"name": _("可能与已有记录重复：%(n)s") % {"n": names}},
                         code="duplicate")


def event_name(model: type[models.Model], verb: str) -> str:
    return f"{model._meta.model_name}.{verb}"


def may(actor: Any, action: str, obj_or_model: Any) -> bool:
    """Whether the actor may do this: his roles allow it and, for a saved object, the
    object lies in the rows the policy gives him for that action (a project manager
    changes his own projects only)."""
    if not can(actor, action, obj_or_model):
        return False
    if isinstance(obj_or_model, type) or obj_or_model.pk is None:
        return True
    model = type(obj_or_model)
    return model.objects.for_user(actor, action).filter(pk=obj_or_model.pk).exists()


def _require(actor: Any, action: str, obj_or_model: Any) -> None:
    if not may(actor, action, obj_or_model):
        raise PermissionDenied(action)


def find_duplicates(model: type[NamedMaster], name: str, exclude_pk: int | None = None,
                    queryset: models.QuerySet | None = None) -> list[NamedMaster]:
    key = normalize_name(name or "")
    if not key:
        return []
    qs = (queryset if queryset is not None else model.objects.all()).filter(name_key=key)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("code")[:10])


def _warn_duplicates(actor: Any, obj: NamedMaster) -> None:
    """Raise DuplicateWarning when the name looks like another record's that the actor
    sees. A site is compared only with the sites of its own project."""
    model = type(obj)
    qs = model.objects.for_user(actor)
    if isinstance(obj, Site):
        qs = qs.filter(project_id=obj.project_id)
    matches = find_duplicates(model, obj.name, exclude_pk=obj.pk, queryset=qs)
    if matches:
        raise DuplicateWarning(matches)


def _code_for(model: type[NamedMaster], data: dict[str, Any]) -> str:
    code = (data.get("code") or "").strip()
    kind = CODE_KINDS.get(model)
    if code:
        if model.objects.filter(code=code).exists():
            raise ValidationError({"code": _("编码 %(c)s 已被使用。") % {"c": code}})
        if kind:
            try:
                codes.reserve(kind, code)
            except ValueError:
                raise ValidationError({"code": _("编码 %(c)s 曾被使用过，编码不可重复使用。")
                                       % {"c": code}})
        return code
    if kind is None:
        raise ValidationError({"code": _("请填写编码。")})
    fields = {}
    if model is Material:
        category = data.get("category")
        if category is None:
            raise ValidationError({"category": _("请选择物料分类。")})
        fields["category"] = category.code
    return codes.next_code(kind, **fields)


def _assign(obj: NamedMaster, data: dict[str, Any]) -> list[Any]:
    """Set plain fields; return many-to-many values to set after saving."""
    m2m = []
    for name, value in data.items():
        if name in ("code", "version"):
            continue
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m.append((name, value))
        else:
            setattr(obj, name, value)
    return m2m


def _check_links(obj: NamedMaster) -> None:
    """Rules across records that the model's own validation cannot see."""
    manager = obj.manager if isinstance(obj, Project) else None
    if manager is not None and not (manager.is_active and manager.has_role(PROJECT_MANAGER)):
        raise ValidationError({"manager": _("%(u)s 不是在职的项目经理。") % {"u": manager}})
    # Walk the parent chain as the database has it (not as possibly stale instances do).
    parent_id = getattr(obj, "parent_id", None)
    seen: set[Any] = set()
    while parent_id is not None and obj.pk is not None:
        if parent_id == obj.pk or parent_id in seen:
            raise ValidationError({"parent": _("上级不能是自己或自己的下级。")})
        seen.add(parent_id)
        parent_id = (type(obj)._base_manager.filter(pk=parent_id)  # type: ignore[misc]
                     .values_list("parent_id", flat=True).first())


def _clean(obj: NamedMaster) -> None:
    obj.full_clean(exclude=["name_key"])
    _check_links(obj)


def _save_with_m2m(obj: NamedMaster, m2m: list[Any]) -> None:
    obj.save()
    for name, value in m2m:
        getattr(obj, name).set(value)


def _pks(values: Any) -> set[Any]:
    return {getattr(v, "pk", v) for v in values}


def _unchanged(obj: NamedMaster, m2m: list[Any]) -> bool:
    """True when the assigned values equal what was loaded (nothing to save)."""
    loaded = getattr(obj, "_loaded_values", None)
    if loaded is None:
        return False
    for field in obj._meta.concrete_fields:
        if field.attname in loaded and loaded[field.attname] != getattr(obj, field.attname):
            return False
    return all(_pks(getattr(obj, name).all()) == _pks(value) for name, value in m2m)


@transaction.atomic
def create_record(model: type[NamedMaster], *, actor: Any, data: dict[str, Any],
                  allow_duplicate: bool = False) -> NamedMaster:
    _require(actor, ADD, model)
    obj = model(created_by=actor if getattr(actor, "pk", None) else None)
    m2m = _assign(obj, data)
    _check_scope(actor, obj)
    if not allow_duplicate:
        _warn_duplicates(actor, obj)
    obj.code = _code_for(model, data)
    _clean(obj)
    with business_event(event_name(model, "created"), actor=actor):
        _save_with_m2m(obj, m2m)
    return obj


def _check_scope(actor: Any, obj: NamedMaster) -> None:
    """A project manager adds sites only to his own projects."""
    if isinstance(obj, Site) and obj.project_id:
        _require(actor, ADD, obj)


def last_change_by(obj: models.Model) -> str:
    entry = AuditEntry.objects.for_object(obj).order_by("-seq").first()
    if entry is None:
        return ""
    when = timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M")
    return _("%(who)s 于 %(when)s") % {"who": entry.actor_label, "when": when}


def _check_project_links(actor: Any, obj: NamedMaster, data: dict[str, Any]) -> None:
    """A project manager edits his project, but its customer and manager only management."""
    if not isinstance(obj, Project) or roles_of(actor) & {MANAGER, ADMIN}:
        return
    for name in ("customer", "manager"):
        if name in data and getattr(data[name], "pk", data[name]) != getattr(obj, f"{name}_id"):
            raise ValidationError({name: _("只有管理层可以更换项目的客户或项目经理。")})


@transaction.atomic
def update_record(obj: NamedMaster, *, actor: Any, data: dict[str, Any],
                  expected_version: int | None, allow_duplicate: bool = False) -> NamedMaster:
    """Change a record. Saving values equal to the stored ones writes nothing: the
    version stays and no audit entry is made (so a repeated sync is a no-op)."""
    _require(actor, CHANGE, obj)
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该记录已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    if "code" in data and data["code"] and data["code"] != locked.code:
        raise ValidationError({"code": _("编码创建后不可修改。")})
    _check_project_links(actor, locked, data)
    old_key = locked.name_key
    m2m = _assign(locked, data)
    if isinstance(locked, Site) and "project" in data:
        _require(actor, CHANGE, locked)  # moved only into a project of his own
    if not allow_duplicate and normalize_name(locked.name or "") != old_key:
        _warn_duplicates(actor, locked)
    _clean(locked)
    if _unchanged(locked, m2m):
        return locked
    locked.version += 1
    with business_event(event_name(type(obj), "updated"), actor=actor):
        _save_with_m2m(locked, m2m)
    return locked


@transaction.atomic
def delete_record(obj: NamedMaster, *, actor: Any) -> None:
    _require(actor, DELETE, obj)
    try:
        with transaction.atomic(), business_event(event_name(type(obj), "deleted"),
                                                  actor=actor):
            obj.delete()
    except ProtectedError as exc:
        used = {str(o._meta.verbose_name) for o in exc.protected_objects}
        raise ValidationError(_("%(obj)s 正被 %(used)s 使用，不能删除；可改为停用。")
                              % {"obj": obj, "used": "、".join(sorted(used))},
                              code="protected")


@transaction.atomic
def upsert_customer_by_crm_id(crm_id: str, *, actor: Any, data: dict[str, Any],
                              allow_duplicate: bool = False) -> tuple[Customer, bool]:
    """Create or update the customer a CRM knows as `crm_id`; returns (customer, created).

    Sending the same data again changes nothing (same version, no audit entry).
    """
    crm_id = (crm_id or "").strip()
    if not crm_id or len(crm_id) > 80:
        raise ValidationError({"crm_id": _("CRM 编号不能为空，且最多 80 个字符。")})
    data = {**data, "crm_id": crm_id}
    existing = Customer.objects.filter(crm_id=crm_id).first()
    if existing is None:
        created = create_record(Customer, actor=actor, data=data,
                                allow_duplicate=allow_duplicate)
        return created, True  # type: ignore[return-value]
    updated = update_record(existing, actor=actor, data=data, expected_version=None,
                            allow_duplicate=allow_duplicate)
    return updated, False  # type: ignore[return-value]


@transaction.atomic
def add_project_member(project: Project, user: Any, *, actor: Any) -> ProjectMember:
    member = ProjectMember(project=project, user=user)
    _require(actor, ADD, member)
    if ProjectMember.objects.filter(project=project, user=user).exists():
        raise ValidationError({"user": _("%(u)s 已是项目成员。") % {"u": user}})
    with business_event("project.member_added", actor=actor):
        member.save()
    return member


@transaction.atomic
def remove_project_member(member: ProjectMember, *, actor: Any) -> None:
    _require(actor, DELETE, member)
    with business_event("project.member_removed", actor=actor):
        member.delete()
