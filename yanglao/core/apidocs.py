"""The API documentation page (/api/v1/docs): Swagger UI from our own vendored files.

django-ninja's default page loads Swagger UI from a CDN unless ``ninja`` is an installed app, so the page is
blank on a network without internet. This one renders ``core/api_docs.html``, whose stylesheet and scripts
come from ``static/vendor/swagger-ui/`` (copied from npm by tools/vendor.py) and ``static/js/api-docs.js``:
no inline script, so it runs under a Content-Security-Policy without ``'unsafe-inline'``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class LocalSwagger(Swagger):
    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
