"""The back office (/admin/) is for EOMS administrators: configuration and accounts.

Business records are changed through the EOMS pages and API (services), not here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ADMIN, roles_of
from eoms.core.models import CodePattern, Job
from eoms.lib import codes as patterns


def is_eoms_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and ADMIN in roles_of(user))


admin.site.has_permission = is_eoms_admin  # type: ignore[method-assign]
admin.site.site_header = _("EOMS 后台管理")
admin.site.site_title = _("EOMS 后台管理")
admin.site.index_title = _("配置与账号")


class AdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_eoms_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_eoms_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_eoms_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_eoms_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_eoms_admin(request)


class CodePatternForm(forms.ModelForm):
    class Meta:
        model = CodePattern
        fields = ["kind", "pattern"]

    def clean_pattern(self) -> str:
        value = self.cleaned_data["pattern"]
        try:
            patterns.validate_pattern(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))
        return value


@admin.register(CodePattern)
class CodePatternAdmin(AdminOnly):
    form = CodePatternForm
    list_display = ["kind", "pattern"]


@admin.register(Job)
class JobAdmin(AdminOnly):
    list_display = ["label", "kind", "state", "attempts", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
