"""The leak walker: GET every URL in the URLconf as a given user and look for rows outside their scope.

Apps register a builder that creates *foreign* rows (outside the persona's scope) whose pages or JSON would
show a marker string. The walker fills every URL parameter with every foreign key value, so a detail page or
API endpoint added by a later module is covered without editing the test: it must answer 404/403/redirect
or at least never show a marker, and never 500.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

MARKER = "越界标记"


@dataclass
class Foreign:
    """Rows the persona must not see: the values to put into URLs and the markers their pages would show."""

    ints: set[int] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    markers: set[str] = field(default_factory=set)

    def add(self, *, pk=None, key: str | None = None, marker: str | None = None) -> None:
        if pk is not None:
            self.ints.add(int(pk))
        if key:
            self.strings.add(key)
        if marker:
            self.markers.add(marker)


# builder(foreign, persona_kind) creates rows out of the persona's scope; persona_kind is "street" (a
# street-level government user in 天平路街道) or "provider" (staff of 天平敬老院 in the same street).
BUILDERS: list[Callable[[Foreign, str], None]] = []


def register(builder: Callable[[Foreign, str], None]) -> Callable[[Foreign, str], None]:
    BUILDERS.append(builder)
    return builder


def build_foreign(persona_kind: str) -> Foreign:
    foreign = Foreign()
    for builder in BUILDERS:
        builder(foreign, persona_kind)
    return foreign


SKIP = re.compile(r"^/(static|media)/|^/logout/")
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def url_templates(urlconf=None) -> list[str]:
    def walk(patterns, prefix: str):
        for p in patterns:
            route = str(p.pattern).lstrip("^").removesuffix("$").removesuffix(r"\Z")
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                yield "/" + prefix + route

    return sorted(set(walk(get_resolver(urlconf).url_patterns, "")))


def concrete_urls(template: str, foreign: Foreign) -> list[str]:
    params = list(PARAM.finditer(template))
    if not params:
        return [template]
    int_only = all(m.group("conv") == "int" for m in params)
    values = sorted(str(v) for v in foreign.ints) + ([] if int_only else sorted(foreign.strings))
    return [PARAM.sub(value, template) for value in values]


def readable_text(body: bytes) -> str:
    """The text a user would read: a workbook (.xlsx is a zip of XML) is unpacked so exports are checked too."""
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                return "".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    text = body.decode("utf-8", "replace")
    if text[:1] in "[{":  # JSON escapes non-ASCII (\uXXXX): unescape, or Chinese markers would pass unseen
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


@dataclass
class Finding:
    url: str
    status: int
    problem: str


def walk(client, foreign: Foreign, *, urlconf=None) -> tuple[list[Finding], int]:
    """Visit every URL; return what leaked or crashed, and how many URLs were visited."""
    client.raise_request_exception = False
    findings, visited = [], 0
    for template in url_templates(urlconf):
        if SKIP.search(template):
            continue
        for url in concrete_urls(template, foreign):
            visited += 1
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = readable_text(body)
            if response.status_code >= 500:
                findings.append(Finding(url, response.status_code, "server error"))
            for marker in foreign.markers:
                if marker in text:
                    findings.append(Finding(url, response.status_code, f"shows {marker}"))
    return findings, visited
