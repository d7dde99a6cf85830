"""Writes of core: division loading, organisations, accounts, API tokens, batch audit entries.

Every service is one transaction, checks that its target lies inside the actor's scope, and raises a
DomainError with a Chinese message naming the field when input is wrong. Field-level audit comes from
django-auditlog (registered in apps.py); bulk operations add one batch entry each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from yanglao.core import audit, creditcode, divisions, errors, reading, roles
from yanglao.core.choices import OrganisationKind, Ownership, Role
from yanglao.core.models import ApiToken, Organisation, Region, User

# ---------------------------------------------------------------- audit


def audit_batch_record(*, actor: User | None, action: str, model: type, count: int, detail: dict) -> LogEntry:
    """One audit entry for a bulk operation (an import, a load, an export), in the caller's transaction."""
    return audit.record_batch(actor=actor, action=action, model=model, count=count, detail=detail)


# ---------------------------------------------------------------- regions


@dataclass
class DivisionLoadResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


DIVISION_HEADERS = ("code", "name", "parent_code")
# Accepted headers per column: the extract's English ones and the statistics bureau's Chinese ones.
DIVISION_COLUMNS = {
    "code": ("code", "区划代码", "统计用区划代码", "代码"),
    "name": ("name", "名称", "区划名称"),
    "parent_code": ("parent_code", "上级代码", "上级区划代码"),
    "generated": ("generated", "演示生成"),
}


def _division_records(path: Path | str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, column → text) for each non-blank row of a CSV (UTF-8 or GB18030) or workbook, read by
    the imports' reader; the whole file is refused in Chinese when it cannot be read."""
    try:
        headers, rows, _ = reading.open_rows(path)
    except errors.ImportFileInvalid as exc:
        raise errors.DivisionFileInvalid(f"无法读取区划文件：{exc.message}") from exc
    index = {}
    for column, names in DIVISION_COLUMNS.items():
        found = next((headers.index(n) for n in names if n in headers), None)
        if found is not None:
            index[column] = found
    missing = [h for h in ("code", "name") if h not in index]
    if missing:
        raise errors.DivisionFileInvalid(
            f"区划文件缺少表头：{'、'.join(missing)}（应为 {','.join(DIVISION_HEADERS)}[,generated]）"
        )
    try:
        for number, raw in enumerate(rows, start=2):
            if not reading.is_blank(raw):
                yield number, {c: reading.cell_text(raw[i]) if i < len(raw) else "" for c, i in index.items()}
    except errors.ImportFileInvalid as exc:
        raise errors.DivisionFileInvalid(exc.message) from exc


def _parse_division_rows(path: Path | str) -> tuple[list[tuple[int, str, str, str | None, bool]], list[dict]]:
    rows, problems, seen = [], [], set()
    for number, raw in _division_records(path):
        try:
            code = divisions.normalise(raw.get("code") or "")
            divisions.validate(code)
        except divisions.DivisionCodeError as exc:
            problems.append({"row": number, "column": "code", "reason": str(exc)})
            continue
        name = (raw.get("name") or "").strip()
        if not name:
            problems.append({"row": number, "column": "name", "reason": "名称不能为空"})
            continue
        if code in seen:
            problems.append({"row": number, "column": "code", "reason": f"区划代码 {code} 重复"})
            continue
        seen.add(code)
        parent = (raw.get("parent_code") or "").strip()
        parent_code = divisions.normalise(parent) if parent else divisions.parent_of(code)
        generated = (raw.get("generated") or "").strip().lower() in {"1", "true", "yes"}
        rows.append((number, code, name, parent_code, generated))
    return rows, problems


@transaction.atomic
def region_load_file(*, path: Path | str, actor: User | None = None) -> DivisionLoadResult:
    """Load a division table (code,name[,parent_code][,generated], or the Chinese headers; CSV in UTF-8 or
    GB18030, or a workbook): all rows or nothing, since a tree with holes would misplace every record below
    them (so not the keep-good-rows import pipeline, only its reader). Idempotent."""
    rows, problems = _parse_division_rows(path)
    known = set(Region.objects.values_list("code", flat=True))
    in_file = {code for _, code, _, _, _ in rows}
    for number, _code, _, parent_code, _ in rows:
        if parent_code and parent_code not in in_file and parent_code not in known:
            problems.append(
                {"row": number, "column": "parent_code", "reason": f"上级区划 {parent_code} 不存在"}
            )
    if problems:
        shown = "；".join(f"第 {p['row']} 行 {p['column']}：{p['reason']}" for p in problems[:10])
        raise errors.DivisionFileInvalid(f"区划文件有 {len(problems)} 处错误，未导入任何数据：{shown}")

    result = DivisionLoadResult(rows=len(rows))
    existing = {r.code: r for r in Region.objects.filter(code__in=in_file)}
    create, update = [], []
    # Parents before children: shorter prefixes sort first within the code order.
    for _, code, name, parent_code, generated in sorted(
        rows, key=lambda r: (len(divisions.prefix(r[1])), r[1])
    ):
        level = divisions.level_of(code)
        current = existing.get(code)
        if current is None:
            create.append(
                Region(code=code, name=name, level=level, parent_id=parent_code, generated=generated)
            )
        elif (current.name, current.parent_id, current.generated) != (name, parent_code, generated):
            current.name, current.parent_id, current.generated, current.level = (
                name,
                parent_code,
                generated,
                level,
            )
            update.append(current)
        else:
            result.unchanged += 1
    Region.objects.bulk_create(create, batch_size=2000)
    Region.objects.bulk_update(update, ["name", "parent", "generated", "level"], batch_size=2000)
    result.created, result.updated = len(create), len(update)
    audit_batch_record(
        actor=actor,
        action="region.load",
        model=Region,
        count=len(rows),
        detail={"file": Path(path).name, "created": result.created, "updated": result.updated},
    )
    return result


@dataclass
class BoundaryLoadResult:
    loaded: int = 0
    problems: list[dict] = field(default_factory=list)  # {"feature": n (1-based), "reason": "…"}


@transaction.atomic
def region_boundaries_load(
    *, features: list[dict], source: str, actor: User | None = None
) -> BoundaryLoadResult:
    """Store region boundaries from GeoJSON features whose ``properties.code`` is a division code.

    Good features are kept; every bad one is reported with its position and reason (unknown code, not a
    valid polygon, outside China), never silently dropped.
    """
    from shapely.errors import ShapelyError

    from yanglao.core import boundaries

    result = BoundaryLoadResult()
    known = set(Region.objects.values_list("code", flat=True))
    update = []
    for number, feat in enumerate(features, start=1):
        code = str((feat.get("properties") or {}).get("code", "")).strip()
        try:
            code = divisions.validate(code)
        except divisions.DivisionCodeError as exc:
            result.problems.append({"feature": number, "reason": f"区划代码无效：{exc}"})
            continue
        if code not in known:
            result.problems.append({"feature": number, "reason": f"区划代码 {code} 不存在"})
            continue
        try:
            geometry = boundaries.geometry_of(feat)
        except (ShapelyError, KeyError, TypeError, ValueError, AttributeError):
            result.problems.append({"feature": number, "reason": "几何图形无法解析"})
            continue
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
            result.problems.append({"feature": number, "reason": "不是有效的面（Polygon/MultiPolygon）"})
            continue
        west, south, east, north = geometry.bounds
        if not (73 <= west and east <= 136 and 3 <= south and north <= 54):
            result.problems.append({"feature": number, "reason": "边界不在中国境内（须为 WGS-84 经纬度）"})
            continue
        centre = geometry.representative_point()
        update.append(
            Region(
                code=code,
                boundary=feat.get("geometry", feat),
                boundary_source=source[:100],
                lat=round(centre.y, 6),
                lng=round(centre.x, 6),
            )
        )
    existing = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in update])}
    for new in update:
        row = existing[new.code]
        row.boundary, row.boundary_source = new.boundary, new.boundary_source
        if row.lat is None:
            row.lat, row.lng = new.lat, new.lng
    Region.objects.bulk_update(
        existing.values(), ["boundary", "boundary_source", "lat", "lng"], batch_size=500
    )
    result.loaded = len(update)
    audit_batch_record(
        actor=actor,
        action="region.boundaries",
        model=Region,
        count=result.loaded,
        detail={"source": source[:100], "problems": len(result.problems)},
    )
    return result


def region_require(code: str, *, field_name: str = "region_code") -> Region:
    try:
        normalised = divisions.validate(str(code).strip())
    except divisions.DivisionCodeError as exc:
        raise errors.UnknownRegion(str(exc), fields={field_name: str(exc)}) from exc
    region = Region.objects.filter(code=normalised).first()
    if region is None:
        message = f"区划代码 {normalised} 不存在"
        raise errors.UnknownRegion(message, fields={field_name: message})
    return region


def _require_in_scope(actor: User, region: Region, field_name: str = "region_code") -> None:
    if not actor.in_scope(region.code):
        message = f"区划 {region.name}（{region.code}）不在您的管辖范围内"
        raise errors.RegionOutOfScope(message, fields={field_name: message})


# ---------------------------------------------------------------- organisations

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "ownership",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "credit_code",
    "licence_no",
    "licence_expiry",
    "is_active",
)


def _clean_organisation_input(data: dict) -> dict:
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise errors.DomainError(
                "名称不能为空", fields={"name": "名称不能为空"}, code="core.name_required"
            )
    if "kind" in cleaned and cleaned["kind"] not in OrganisationKind.values:
        raise errors.DomainError(
            f"机构类型“{cleaned['kind']}”无效", fields={"kind": "机构类型无效"}, code="core.invalid_kind"
        )
    if "ownership" in cleaned and cleaned["ownership"] not in Ownership.values:
        raise errors.DomainError(
            "机构性质无效", fields={"ownership": "机构性质无效"}, code="core.invalid_ownership"
        )
    if cleaned.get("credit_code"):
        try:
            cleaned["credit_code"] = creditcode.normalise(cleaned["credit_code"])
        except creditcode.CreditCodeError as exc:
            raise errors.InvalidCreditCode(str(exc), fields={"credit_code": str(exc)}) from exc
    elif "credit_code" in cleaned:
        cleaned["credit_code"] = None
    lat, lng = cleaned.get("lat"), cleaned.get("lng")
    if (lat is None) != (lng is None):
        raise errors.InvalidCoordinates("纬度和经度须同时填写", fields={"lat": "纬度和经度须同时填写"})
    if lat is not None and lng is not None and not (3.0 <= lat <= 54.0 and 73.0 <= lng <= 136.0):
        raise errors.InvalidCoordinates(
            f"坐标（{lat}, {lng}）不在中国境内，请检查纬度和经度是否填反", fields={"lat": "坐标不在中国境内"}
        )
    return cleaned


def _check_duplicates(
    region: Region, name: str | None, credit_code: str | None, exclude_pk: int | None = None
) -> None:
    qs = Organisation.objects.unscoped(reason="duplicate check spans every region")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if credit_code and qs.filter(credit_code=credit_code).exists():
        message = f"统一社会信用代码 {credit_code} 已被其他组织使用"
        raise errors.DuplicateOrganisation(message, fields={"credit_code": message})
    if name and qs.filter(region=region, name=name).exists():
        message = f"{region.name}已有名为“{name}”的组织"
        raise errors.DuplicateOrganisation(message, fields={"name": message})


def organisation_for_write(
    *, actor: User, organisation_id: int | None, kinds: tuple[str, ...] = (), field_name: str = "organisation"
) -> Organisation:
    """The organisation a write names (an operator, an agency), resolved within the actor's reach.

    Within reach: an active organisation the actor may see, or one registered at a region above the actor's
    (a district agency serves its streets). Anything else — missing, out of scope, inactive, the wrong kind —
    is the same "not found", so an id never tells whether it exists elsewhere.
    """
    message = "所选机构不存在或不在您的管辖范围内"
    if organisation_id is None:
        raise errors.NotFound(message, fields={field_name: message})
    qs = Organisation.objects.unscoped(reason="resolved below against the actor's reach").filter(
        pk=organisation_id, is_active=True
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    org = qs.first()
    if org is None or not _within_reach(actor, org):
        raise errors.NotFound(message, fields={field_name: message})
    return org


def _within_reach(actor: User, org: Organisation) -> bool:
    if actor.is_superuser or org.pk == actor.organisation_id or actor.in_scope(org.region_id):
        return True
    lo, hi = divisions.subtree_range(org.region_id)
    return any(lo <= start < hi for start, _ in actor.scope_ranges())


def _save_organisation(org: Organisation) -> Organisation:
    try:
        org.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = {k: "；".join(v) for k, v in exc.message_dict.items()}
        raise errors.DomainError(
            "；".join(fields.values()), fields=fields, code="core.invalid_organisation"
        ) from exc
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:  # a concurrent writer won the unique race
        raise errors.DuplicateOrganisation("该组织已登记（名称或统一社会信用代码重复）") from exc
    return org


@transaction.atomic
def organisation_create(*, actor: User, region_code: str, **data: Any) -> Organisation:
    """Register an organisation inside the actor's scope. Refuses duplicates by credit code or name."""
    if not actor.has_perm("core.add_organisation"):
        raise PermissionDenied
    region = region_require(region_code)
    _require_in_scope(actor, region)
    cleaned = _clean_organisation_input({k: v for k, v in data.items() if k in ORGANISATION_FIELDS})
    _check_duplicates(region, cleaned.get("name"), cleaned.get("credit_code"))
    return _save_organisation(Organisation(region=region, **cleaned))


@transaction.atomic
def organisation_update(
    *, actor: User, organisation_id: int, region_code: str | None = None, **data: Any
) -> Organisation:
    """Change an organisation the actor may change; moving it needs the new region in scope too."""
    org = (
        Organisation.objects.for_user(actor, action="change")
        .select_for_update()
        .filter(pk=organisation_id)
        .first()
    )
    if org is None:
        raise errors.NotFound()
    if region_code and region_code != org.region_id:
        region = region_require(region_code)
        _require_in_scope(actor, region)
        org.region = region
    cleaned = _clean_organisation_input({k: v for k, v in data.items() if k in ORGANISATION_FIELDS})
    _check_duplicates(
        org.region, cleaned.get("name", org.name), cleaned.get("credit_code"), exclude_pk=org.pk
    )
    for key, value in cleaned.items():
        setattr(org, key, value)
    return _save_organisation(org)


# ---------------------------------------------------------------- accounts and roles


def roles_sync() -> dict[str, Group]:
    """Create one group per role with exactly the permissions in roles.PERMISSIONS. Idempotent."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        wanted = roles.PERMISSIONS.get(role, [])
        q = Q(pk__in=[])
        for perm in wanted:
            app_label, codename = perm.split(".", 1)
            q |= Q(content_type__app_label=app_label, codename=codename)
        perms = list(Permission.objects.filter(q))
        if len(perms) != len(wanted):
            found = {f"{p.content_type.app_label}.{p.codename}" for p in perms}
            raise RuntimeError(f"permissions missing for role {role}: {sorted(set(wanted) - found)}")
        group.permissions.set(perms)
        groups[role.value] = group
    return groups


def _check_role_scope(role: str, organisation: Organisation | None, regions: list[Region]) -> None:
    if role in roles.ORGANISATION_ROLES and organisation is None:
        raise errors.InvalidRole(
            f"{Role(role).label}必须属于一个机构", fields={"organisation": "请选择所属机构"}
        )
    if role in roles.REGION_ROLES and not regions:
        raise errors.InvalidRole(f"{Role(role).label}必须有管辖区划", fields={"regions": "请选择管辖区划"})


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    organisation_id: int | None = None,
    region_codes: tuple[str, ...] | list[str] = (),
) -> User:
    """Create an account with its role group, organisation and region assignments.

    ``actor`` None means the system itself (the demo seed, the command line). Otherwise every assigned
    region and the organisation must lie in the actor's scope.
    """
    if role not in Role.values:
        raise errors.InvalidRole(f"角色“{role}”无效", fields={"role": "角色无效"})
    if username == audit.SYSTEM_USERNAME or User.objects.filter(username=username).exists():
        raise errors.DomainError(
            f"用户名 {username} 已存在", fields={"username": "用户名已存在"}, code="core.username_taken"
        )
    regions = [region_require(code, field_name="regions") for code in region_codes]
    organisation = None
    if organisation_id is not None:
        qs = (
            Organisation.objects.unscoped(reason="system account set-up")
            if actor is None
            else Organisation.objects.for_user(actor)
        )
        organisation = qs.filter(pk=organisation_id).first()
        if organisation is None:
            raise errors.NotFound(fields={"organisation": errors.NotFound.message})
    if actor is not None:
        for region in regions:
            _require_in_scope(actor, region, "regions")
    _check_role_scope(role, organisation, regions)
    user = User(username=username, full_name=full_name, role=role, organisation=organisation)
    _require_strong(password, user, field_name="password")
    user.set_password(password)
    user.save()
    user.regions.set(regions)
    group = Group.objects.filter(name=Role(role).label).first() or roles_sync()[role]
    user.groups.set([group])
    return user


def _require_strong(password: str, user: User, *, field_name: str) -> None:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS), refused with their Chinese messages."""
    try:
        with translation.override(settings.LANGUAGE_CODE):  # a command line or task has no request language
            validate_password(password, user)
    except ValidationError as exc:
        text = "".join(exc.messages)
        raise errors.WeakPassword(text, fields={field_name: text}) from exc


@transaction.atomic
def user_change_password(*, actor: User, old: str, new: str, revoke_tokens: bool = False) -> int:
    """The actor changes their own password; the number of API tokens revoked is returned.

    The current password must be given. Every other session of the actor ends with the change (Django
    checks each session against a hash of the password; the caller keeps its own session with
    ``update_session_auth_hash``). With ``revoke_tokens`` every unrevoked token of the actor is revoked
    too. One audit entry records the change (never the password) and the number of tokens revoked.
    """
    if not actor.check_password(old):
        raise errors.WrongPassword(fields={"old": errors.WrongPassword.message})
    if new == old:
        raise errors.WeakPassword("新密码不能与当前密码相同", fields={"new": "新密码不能与当前密码相同"})
    _require_strong(new, actor, field_name="new")
    actor.set_password(new)
    actor.save(update_fields=["password"])
    revoked = api_token_revoke_all(actor=actor) if revoke_tokens else 0
    audit.record(
        actor=actor,
        action="password.change",
        obj=actor,
        changes={"password": ["******", "******"]},
        detail={"tokens_revoked": revoked},
    )
    return revoked


# ---------------------------------------------------------------- API tokens

TOKEN_PREFIX = "ylk_"  # noqa: S105 -- a public prefix, not a secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """Issue a token for the actor's own scripts. The secret is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise errors.DomainError(
            "请填写令牌用途", fields={"name": "请填写令牌用途"}, code="core.token_name_required"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        key_hash=_hash(secret),
        expires_at=expires,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise errors.NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def api_token_revoke_all(*, actor: User) -> int:
    """Revoke every token of the actor that is not revoked yet (after a password change). Idempotent."""
    return ApiToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(secret: str) -> User | None:
    """The user behind a bearer secret, or None. Touches last_used_at at most once a minute."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
