"""Error pages: problem+json under /api/, friendly pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from eoms.core.api import problem_response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(403, _("无权操作"), _("您的角色不允许执行此操作。"))
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(404, _("未找到"), _("该对象不存在或您无权查看。"))
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(500, _("服务器错误"), _("请稍后重试；问题已记录。"))
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
