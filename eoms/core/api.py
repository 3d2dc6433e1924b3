"""API conventions every router follows: RFC 9457 errors, ETag / If-Match, pagination."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase

PROBLEM = "application/problem+json"


class ApiError(Exception):
    """An answer other than success, rendered as problem+json."""

    def __init__(self, status: int, title: str, detail: str = "",
                 errors: list[dict[str, str]] | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []
        self.extra = extra


def problem_response(status: int, title: str, detail: str = "",
                     errors: list[dict[str, str]] | None = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = [{k: str(v) for k, v in e.items()} for e in errors]
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type=PROBLEM)


# Every other failure of these kinds reads as "should be a number / date / date-time".
PARSED_KINDS = ("int", "float", "decimal", "datetime", "date")


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    messages = {
        "missing": _("此项为必填项。"),
        "string_too_long": _("不能超过 %(n)s 个字符。") % {"n": ctx.get("max_length")},
        "string_too_short": _("至少需要 %(n)s 个字符。") % {"n": ctx.get("min_length")},
        "string_type": _("应为文本。"),
        "int_parsing": _("应为整数。"),
        "int_type": _("应为整数。"),
        "decimal_parsing": _("应为数字。"),
        "float_parsing": _("应为数字。"),
        "bool_parsing": _("应为 true 或 false。"),
        "date_from_datetime_parsing": _("应为日期，格式 YYYY-MM-DD。"),
        "date_parsing": _("应为日期，格式 YYYY-MM-DD。"),
        "datetime_parsing": _("应为日期时间（ISO 8601）。"),
        "greater_than_equal": _("不能小于 %(n)s。") % {"n": ctx.get("ge")},
        "less_than_equal": _("不能大于 %(n)s。") % {"n": ctx.get("le")},
        "greater_than": _("必须大于 %(n)s。") % {"n": ctx.get("gt")},
        "enum": _("取值无效，可选：%(n)s。") % {"n": ctx.get("expected")},
        "literal_error": _("取值无效，可选：%(n)s。") % {"n": ctx.get("expected")},
        "extra_forbidden": _("不允许此字段。"),
        "json_invalid": _("请求体不是有效的 JSON。"),
        "model_attributes_type": _("请求体应为 JSON 对象。"),
        "dict_type": _("应为 JSON 对象。"),
        "list_type": _("应为列表。"),
        "value_error": str(ctx.get("error", err.get("msg", ""))),
    }
    if kind not in messages:  # int_from_float, decimal_max_places, datetime_from_date_parsing…
        kind = next((f"{prefix}_parsing" for prefix in PARSED_KINDS
                     if kind.startswith(prefix + "_")), kind)
    return messages.get(kind) or str(err.get("msg", _("取值无效。")))


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "body"


def pydantic_errors(errors: list[Any]) -> list[dict[str, str]]:
    """Pydantic's errors (`exc.errors()`) as problem+json `errors`: field and message."""
    return [{"field": _field_of(e.get("loc", ())), "message": _pydantic_message(e)}
            for e in errors]


def django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": str(m)}
                for field, errs in exc.message_dict.items() for m in errs]
    return [{"field": "body", "message": str(m)} for m in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return problem_response(exc.status, exc.title, exc.detail, exc.errors, **exc.extra)

    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = pydantic_errors(exc.errors)
        return problem_response(422, _("输入有误"), _("请求中有字段未通过校验。"), errors)

    @api.exception_handler(DjangoValidationError)
    def model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem_response(422, _("输入有误"), _("请求中有字段未通过校验。"),
                                django_errors(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(404, _("未找到"), _("该对象不存在或您无权查看。"))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(403, _("无权操作"), _("您的角色不允许执行此操作。"))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(401, _("未登录"),
                                    _("请登录，或使用 Authorization: Bearer <令牌>。"))
        response["WWW-Authenticate"] = 'Bearer realm="eoms"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if str(exc.message).startswith("Cannot parse request body"):  # ninja's own wording
            return problem_response(400, _("请求体无法解析"),
                                    _("请求体不是有效的 JSON 或表单数据。"),
                                    [{"field": "body", "message": _("请求体不是有效的 JSON。")}])
        return problem_response(exc.status_code, str(exc.message))


# --- Optimistic concurrency -------------------------------------------------------------

def etag_of(obj: Any) -> str:
    return f'"{obj.version}"'


def require_if_match(request: HttpRequest, obj: Any) -> int:
    """The version the client last saw; 428 when it did not say, 412 when it is stale."""
    header = request.headers.get("If-Match")
    if not header:
        raise ApiError(428, _("缺少 If-Match"),
                       _("修改需要携带 If-Match 请求头（该对象的 ETag）。"))
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if "*" in tags or etag_of(obj) in tags:
        return int(obj.version)
    raise ApiError(412, _("数据已被修改"),
                   _("该对象已被他人修改（当前版本 %(v)s），请重新读取后再提交。")
                   % {"v": obj.version}, current_etag=etag_of(obj))


# --- Pagination -------------------------------------------------------------------------

class LinkPagination(PaginationBase):
    """`?page=&page_size=`; answers count, next and previous links, and the results."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset: models.QuerySet, pagination: Any,
                          request: HttpRequest, **params: Any) -> dict[str, Any]:
        size, page = pagination.page_size, pagination.page
        offset = (page - 1) * size
        results = list(queryset[offset: offset + size])
        count = self._items_count(queryset) if (results or page > 1) else 0
        if results and len(results) < size and page == 1:
            count = len(results)

        def link(p: int) -> str:
            query = request.GET.copy()
            query["page"] = str(p)
            query["page_size"] = str(size)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "next": link(page + 1) if offset + size < count else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": results,
        }


def ordered(qs: models.QuerySet, ordering: str | None, allowed: set[str],
            default: str) -> models.QuerySet:
    """Apply `?ordering=-name` when the field is one of the indexed, allowed ones."""
    if not ordering:
        return qs.order_by(default, "pk")
    field = ordering.removeprefix("-")
    if field not in allowed:
        raise ApiError(422, _("输入有误"), errors=[{
            "field": "ordering",
            "message": _("不能按 %(f)s 排序，可选：%(a)s。") % {
                "f": field, "a": ", ".join(sorted(allowed))},
        }])
    return qs.order_by(ordering, "pk")
