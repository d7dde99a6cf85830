"""The JSON API at /api/v1/: one NinjaAPI, bearer-token or session auth, one error envelope.

Every error body is ``{"code", "message", "fields"}`` with a Chinese message: DomainError and validation
errors → 422, missing or out of scope → 404 (the same for both), missing permission → 403, no credentials
→ 401, anything unexpected → 500 (logged with its traceback). The OpenAPI document declares these answers
on every operation.

Tokens are tried before the session: a token request is not a browser's, so it carries no CSRF token and
needs none (a page cannot make a browser attach an ``Authorization`` header cross-site). A request that is
authenticated by its session cookie must pass Django's CSRF check on writes.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from yanglao.alarms.api import router as alarms_router
from yanglao.assessment.api import router as assessment_router
from yanglao.benefits.api import router as benefits_router
from yanglao.core import apidocs, schemas, services
from yanglao.core.api import public_router as public_core_router
from yanglao.core.api import router as core_router
from yanglao.core.errors import DomainError
from yanglao.core.schemas import ErrorOut
from yanglao.dashboard.api import router as dashboard_router
from yanglao.facilities.api import public_router as public_facilities_router
from yanglao.facilities.api import router as facilities_router
from yanglao.ltc.api import router as ltc_router
from yanglao.people.api import router as people_router
from yanglao.services.api import router as services_router

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


class CsrfFailed(Exception):
    """A session-authenticated write without a valid CSRF token."""


class SessionAuth(APIKeyCookie):
    """The browser's login session; writes must carry the CSRF token (header ``X-CSRFToken``).

    Unlike ninja's ``django_auth`` the CSRF check runs only once the session is known to belong to a
    user, so a request with neither session nor token answers 401, not a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return request.user


ERROR_ANSWERS = {
    "401": "未登录或 API 令牌无效",
    "403": "没有权限，或会话请求缺少 CSRF 令牌",
    "404": "记录不存在或不在您的权限范围内",
    "422": "输入有误",
}


class YanglaoApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """ninja's document plus the error envelope on every operation, as the handlers below answer."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema()
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for path in schema["paths"].values():
            for operation in path.values():
                # ninja keys its own answers by int, ours are strings: one key per code, or the JSON holds
                # "422" twice and the docs page cannot parse it.
                answers = {str(code): answer for code, answer in operation.get("responses", {}).items()}
                operation["responses"] = answers
                codes = [*ERROR_ANSWERS] if operation.get("security") else ["404", "422"]
                for code in codes:
                    answers.setdefault(code, {"description": ERROR_ANSWERS[code], **ref})
        return schema


api = YanglaoApi(
    title="养老服务综合平台 API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeaderAuth(), SessionAuth()],
    docs_url="/docs",
    docs=apidocs.LocalSwagger(),
)


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
        fields[name] = schemas.field_message(err)
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


@api.exception_handler(CsrfFailed)
def on_csrf_failed(request, exc):
    return _error(request, 403, "api.csrf_failed", "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌")


@api.exception_handler(Exception)
def on_server_error(request, exc):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _error(request, 500, "api.server_error", "服务器内部错误，已记录，请稍后重试")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "api.unauthenticated", "请先登录或提供有效的 API 令牌")


@csrf_exempt  # it changes nothing; a POST to a path no converter matches must get this JSON, not the CSRF page
def not_found(request, path: str = ""):
    """Any /api/ address no operation answers: the same JSON 404, never Django's HTML page."""
    return _error(request, 404, "api.no_such_endpoint", "接口不存在，请查看 /api/v1/docs")


api.add_router("/", core_router)
api.add_router("/", people_router)
api.add_router("/", assessment_router)
api.add_router("/", facilities_router)
api.add_router("/", services_router)
api.add_router("/", alarms_router)
api.add_router("/", benefits_router)
api.add_router("/", ltc_router)
api.add_router("/", dashboard_router)
api.add_router("/public", public_facilities_router)
api.add_router("/public", public_core_router)
