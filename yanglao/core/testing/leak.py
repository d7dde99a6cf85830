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
    regions: set[str] = field(default_factory=set)
    rows: list[tuple[type, int]] = field(default_factory=list)  # foreign rows no request may change

    def add(
        self,
        *,
        pk=None,
        key: str | None = None,
        marker: str | None = None,
        region: str | None = None,
        row=None,
    ) -> None:
        if pk is not None:
            self.ints.add(int(pk))
        if key:
            self.strings.add(key)
        if marker:
            self.markers.add(marker)
        if region:
            self.regions.add(region)
        if row is not None:
            self.rows.append((type(row), row.pk))

    def snapshot(self) -> dict:
        """The stored values of every foreign row, to prove that no GET or POST wrote to one."""
        state = {}
        for model, pk in self.rows:
            values = model._base_manager.filter(pk=pk).values().first()
            state[(model._meta.label, pk)] = {k: v for k, v in (values or {}).items() if k != "updated_at"}
        return state


# Parameter names a view or API may read a target from; the walker fills each with every foreign value.
TARGET_PARAMS = (
    "region",
    "region_code",
    "to_region",
    "elder",
    "elder_id",
    "organisation",
    "organisation_id",
    "operator",
    "operator_id",
    "agency",
    "agency_id",
    "facility",
    "facility_id",
    "bed",
    "bed_id",
    "assessment_id",
    "id",
)


# Parameters that name an organisation under another word.
PARAM_MODELS = {"operator": "organisation", "agency": "organisation"}
REGION_PARAMS = ("region", "region_code", "to_region")


def target_payloads(foreign: Foreign) -> list[dict]:
    """Form or JSON bodies and query strings that name foreign rows in every common parameter: one with a
    foreign region in every region parameter, one with a foreign id in every id parameter (the id of a
    foreign row of the model the parameter names, where one is registered, so ids never match by chance)."""
    regions, ints = sorted(foreign.regions), sorted(foreign.ints)
    by_model: dict[str, int] = {}
    for model, pk in foreign.rows:
        by_model.setdefault(model._meta.model_name, pk)
    payloads = []
    if regions:
        payloads.append({p: regions[0] for p in REGION_PARAMS})
    if ints:
        payload = {}
        for param in TARGET_PARAMS:
            if param not in REGION_PARAMS:
                base = param.removesuffix("_id")
                payload[param] = by_model.get(PARAM_MODELS.get(base, base), ints[0])
        payloads.append(payload)
    return payloads


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


def _check(findings: list[Finding], foreign: Foreign, url: str, response, how: str = "GET") -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = readable_text(body)
    if response.status_code >= 500:
        findings.append(Finding(url, response.status_code, f"{how}: server error"))
    for marker in foreign.markers:
        if marker in text:
            findings.append(Finding(url, response.status_code, f"{how}: shows {marker}"))


WRITE_SKIP = re.compile(r"^/(static|media)/|^/logout/|^/login/|^/admin/|/password/")


def walk(
    client, foreign: Foreign, *, urlconf=None, writes: bool = True, prefix: str = "/"
) -> tuple[list[Finding], int]:
    """Visit every URL with GET, with foreign targets in its query string and (``writes``) by POST and, for
    the API, PATCH with foreign targets in the body; return what leaked, crashed or changed a foreign row,
    and how many requests were sent."""
    client.raise_request_exception = False
    findings, visited = [], 0
    before = foreign.snapshot()
    payloads = target_payloads(foreign)
    for template in url_templates(urlconf):
        if SKIP.search(template) or not template.startswith(prefix):
            continue
        for url in concrete_urls(template, foreign):
            visited += 1
            _check(findings, foreign, url, client.get(url))
            for payload in payloads:
                visited += 1
                _check(findings, foreign, url, client.get(url, payload), f"GET ?{payload}")
            if not writes or WRITE_SKIP.search(url):
                continue
            for payload in payloads:
                visited += 1
                if url.startswith("/api/"):
                    body = json.dumps(payload)
                    _check(findings, foreign, url, client.post(url, body, "application/json"), f"POST {body}")
                    _check(
                        findings, foreign, url, client.patch(url, body, "application/json"), f"PATCH {body}"
                    )
                else:
                    _check(findings, foreign, url, client.post(url, payload), f"POST {payload}")
            after = foreign.snapshot()
            if after != before:
                changed = [str(k) for k, v in before.items() if after.get(k) != v]
                findings.append(Finding(url, 0, f"a foreign row was changed: {', '.join(changed)}"))
                before = after
    return findings, visited
