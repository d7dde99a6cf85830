"""The JSON API at /api/v1/: one NinjaAPI, session or bearer-token auth, one error envelope.

Every error body is ``{"code", "message", "fields"}`` with a Chinese message: DomainError and validation
errors → 422, missing or out of scope → 404 (the same for both), missing permission → 403.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from yanglao.assessment.api import router as assessment_router
from yanglao.core import apidocs, services
from yanglao.core.api import public_router as public_core_router
from yanglao.core.api import router as core_router
from yanglao.core.errors import DomainError
from yanglao.facilities.api import public_router as public_facilities_router
from yanglao.facilities.api import router as facilities_router
from yanglao.people.api import router as people_router

log = logging.getLogger("yanglao.api")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = services.api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key)


api = NinjaAPI(
    title="养老服务综合平台 API",
    version="1",
    urls_namespace="api",
    auth=[django_auth, TokenAuth(), TokenHeaderAuth()],
    docs_url="/docs",
    docs=apidocs.LocalSwagger(),
)

FIELD_MESSAGES = {
    "missing": "必填",
    "string_too_short": "长度不足",
    "string_too_long": "过长",
    "enum": "取值无效",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "JSON 格式错误",
}


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    log.info("domain error %s on %s: %s", exc.code, request.path, exc)
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        name = ".".join(loc) or "请求"
        fields[name] = FIELD_MESSAGES.get(err.get("type", ""), "格式错误") + f"（{err.get('msg', '')}）"
    summary = "；".join(f"{k}：{v}" for k, v in fields.items())
    return _error(request, 422, "api.invalid_input", f"输入有误：{summary}", fields)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja could not parse the body
        return _error(request, 422, "api.invalid_body", "请求体不是有效的 JSON", {"请求": "无法解析"})
    return _error(request, exc.status_code, f"api.http_{exc.status_code}", "请求无法处理")


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    fields = {k: "；".join(v) for k, v in getattr(exc, "message_dict", {"请求": exc.messages}).items()}
    return _error(request, 422, "api.invalid_input", "；".join(fields.values()), fields)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "api.not_found", "记录不存在或不在您的权限范围内")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, "api.forbidden", "您没有执行此操作的权限")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "api.unauthenticated", "请先登录或提供有效的 API 令牌")


api.add_router("/", core_router)
api.add_router("/", people_router)
api.add_router("/", assessment_router)
api.add_router("/", facilities_router)
api.add_router("/public", public_facilities_router)
api.add_router("/public", public_core_router)
