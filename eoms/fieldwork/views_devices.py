"""The attendance devices of the sites a person manages: list, register (the key is shown
once, on the list, right after), revoke.

Management sees every device; a project manager those of his projects' sites
(DeviceTokenPolicy). Changes go through eoms.fieldwork.services_devices.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.forms import ServiceFormMixin
from eoms.core.listing import Listing
from eoms.fieldwork import services_devices
from eoms.fieldwork.models import DeviceToken
from eoms.masterdata.models import Site

NEW_KEY = "eoms_new_device_key"  # session: the key made a moment ago, shown once


def managed_sites(user: Any) -> QuerySet[Site]:
    """The sites whose devices the user keeps: those he may change (his projects')."""
    return Site.objects.for_user(user, CHANGE).select_related("project").order_by("code")


device_listing = Listing(
    DeviceToken,
    columns=("name", "site", "prefix", "created_at", "last_used_at", "revoked_at"),
    search=("name", "prefix", "site__name", "site__code"),
    filters=("site",),
    sorts=("name", "created_at", "last_used_at"),
    default_sort="name",
    filter_options={"site": managed_sites},
)


class DeviceForm(ServiceFormMixin, forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_lazy("工地"),
                                  empty_label=None)
    name = forms.CharField(label=_lazy("设备名称"), max_length=services_devices.NAME_MAX,
                           help_text=_lazy("如：东门闸机、项目部考勤机"),
                           error_messages={"required": _lazy("请填写设备名称。")})

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = managed_sites(user)  # type: ignore[attr-defined]


@login_required
@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, DeviceToken):
        raise PermissionDenied(VIEW)
    context = device_listing.context(request)
    # Every device listed lies on a site the user keeps (the policy's scope is the same
    # for view and delete), so the model-level right decides the button.
    may_revoke = can(user, DELETE, DeviceToken)
    for row in context["rows"]:
        row["can_revoke"] = may_revoke and row["obj"].active
    context.update(can_add=can(user, ADD, DeviceToken), new_key=request.session.pop(NEW_KEY, None))
    return render(request, "fieldwork/device_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def device_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, DeviceToken):
        raise PermissionDenied(ADD)
    initial = {"site": request.GET.get("site")} if request.GET.get("site") else None
    form = DeviceForm(request.POST if request.method == "POST" else None, user=user,
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        made = form.submit(lambda _dup: services_devices.create_device(
            form.cleaned_data["site"], actor=user, name=form.cleaned_data["name"]))
        if made is not None:
            device, key = made
            request.session[NEW_KEY] = {"key": key, "name": device.name,
                                        "site": device.site.name}
            messages.success(request, _("设备已登记。请立即复制密钥，它只显示这一次。"))
            return redirect("fieldwork:device_list")
    return render(request, "fieldwork/device_form.html", {"form": form})


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(DeviceToken.objects.for_user(request.user)
                               .select_related("site__project"), pk=pk)
    try:
        services_devices.revoke_device(device, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("设备“%(name)s”已停用，它的密钥从现在起无法再签到。")
                         % {"name": device.name})
    return redirect("fieldwork:device_list")
