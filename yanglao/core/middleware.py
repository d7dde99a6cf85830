"""Request and response rules that hold for every address: who the client is, and what may be cached.

The client's address: ``X-Forwarded-For`` is believed only when the connection comes from a configured
proxy (``YANGLAO_TRUSTED_PROXIES``, addresses or networks). Then the right-most address that is not itself a
trusted proxy is the client; everything left of it was written by the client and could be anything. The
answer replaces ``REMOTE_ADDR`` and the header is removed, so that django-axes (lock-out per address),
django-auditlog (the source address of every change) and our own code all see the same, unforgeable value.

NUL characters: PostgreSQL text and jsonb cannot hold them, so a NUL anywhere in an address, a query
parameter or an API body would end in a database error. Such a request is refused before any view runs:
422 in the API's error envelope under /api/, 400 with a Chinese line elsewhere. (Form fields are already
guarded by Django's own validator; uploaded files are bytes and are not looked at.)

Caching: pages and answers that may carry personal data are ``Cache-Control: no-store`` (PIPL: no copy in
a shared or browser cache). That is every answer to a signed-in user and every /api/ answer; static files
(served by WhiteNoise before this runs) keep their long cache.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(meta: dict) -> str:
    """The client's address from a request's META, believing X-Forwarded-For only from trusted proxies."""
    remote = meta.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.YANGLAO_TRUSTED_PROXIES))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed hop: nothing left of it can be placed
        if not _trusted(address, networks):
            return str(address)
    return str(_address(hops[0])) if hops else remote  # every hop is a proxy: the left-most is the client


def client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE. Idempotent: after the middleware REMOTE_ADDR is already the client."""
    return client_address(request.META)


class ClientAddressMiddleware:
    """First in the chain: REMOTE_ADDR becomes the real client, X-Forwarded-For is dropped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(request.META)
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


class NoStoreMiddleware:
    """Cache-Control: no-store on every answer to a signed-in user and every /api/ answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # a bearer token sets it inside the API
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 not itself escaped
NUL_MESSAGE = "请求中含有不允许的空字符（NUL）"


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    if not request.path.startswith("/api/"):  # pages may upload binary files
        return False
    if request.content_type == "multipart/form-data":
        # The API's few uploads (a caregiver's photos) are binary; their text fields and file names are not.
        texts = [*request.POST.keys(), *(v for _, vs in request.POST.lists() for v in vs)]
        texts += [f.name or "" for f in request.FILES.values()]
        return any("\x00" in t for t in texts)
    return b"\x00" in request.body or NUL_ESCAPE.search(request.body) is not None


class RefuseNulMiddleware:
    """No NUL character reaches a view (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _carries_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            body = {"code": "api.invalid_input", "message": NUL_MESSAGE, "fields": {"请求": NUL_MESSAGE}}
            return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")


class DomainErrorMiddleware:
    """A refusal a page view did not catch (a write on a missing or out-of-scope record, a rule) becomes the
    matching error page: 404 for ``NotFound``, else the rule's Chinese message with its status (422) —
    never a 500. The log names the error code in English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from yanglao.core.errors import DomainError

        if not isinstance(exc, DomainError):
            return None
        log.info("refused %s on %s %s", exc.code, request.method, request.path)
        if exc.status == 404:
            return render(request, "404.html", status=404)
        return render(request, "422.html", {"message": exc.message}, status=exc.status)
