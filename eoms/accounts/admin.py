from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import ApiToken, Crew, CrewMembership, RoleAssignment, User
from eoms.core.admin import AdminOnly


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    verbose_name = _("角色")
    verbose_name_plural = _("角色")


@admin.register(User)
class UserAdmin(AdminOnly, DjangoUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "last_name", "first_name", "email", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email", "phone", "language")}),
        (_("状态"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


class MembershipInline(admin.TabularInline):
    model = CrewMembership
    extra = 1


@admin.register(Crew)
class CrewAdmin(AdminOnly):
    inlines = [MembershipInline]
    list_display = ["code", "name", "trade", "leader", "active"]
    search_fields = ["code", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(AdminOnly):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "digest"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
