"""A provider's caregivers (护理员名册): the accounts dispatch sends orders to, with the skills they hold and
where they set out from. Certificates and training belong to the workforce module."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.services import errors
from yanglao.services.choices import Skill
from yanglao.services.models import Caregiver


def _skills(skills: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(skills or []))
    if not chosen or any(s not in Skill.values for s in chosen):
        raise errors.InvalidOrder(
            "请至少选择一项有效的资质", fields={"skills": "资质无效"}, code="services.caregiver_skills"
        )
    return chosen


def _position(lat, lng) -> tuple[float | None, float | None]:
    if lat is None and lng is None:
        return None, None
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise errors.InvalidOrder(
            "出发地须同时填写有效的纬度和经度", fields={"lat": "无效"}, code="services.caregiver_position"
        )
    return lat, lng


@transaction.atomic
def caregiver_create(
    *,
    actor: User,
    username: str,
    password: str,
    name: str,
    skills: list[str],
    lat: float | None = None,
    lng: float | None = None,
) -> Caregiver:
    """The provider's manager adds a caregiver to its own roster, with a sign-in account for the phone page."""
    if not actor.has_perm("services.add_caregiver") or actor.organisation_id is None:
        raise PermissionDenied
    chosen, (lat, lng) = _skills(skills), _position(lat, lng)
    user = core_services.user_create(
        actor=actor,
        username=username,
        password=password,
        role=Role.CAREGIVER,
        full_name=f"护理员 {name}",
        organisation_id=actor.organisation_id,
    )
    caregiver = Caregiver.objects.create(
        user=user,
        provider_id=actor.organisation_id,
        region_id=actor.organisation.region_id,
        name=name,
        skills=chosen,
        lat=lat,
        lng=lng,
    )
    ensure_in_scope(caregiver, actor, "change")
    return caregiver


@transaction.atomic
def caregiver_update(*, actor: User, caregiver_id: int, skills: list[str], active: bool) -> Caregiver:
    """Skills change dispatch's suggestions from the next order; an inactive caregiver gets no new orders and
    cannot use the phone page (their account stays, for the record)."""
    caregiver = (
        Caregiver.objects.for_user(actor, action="change").select_for_update().filter(pk=caregiver_id).first()
    )
    if caregiver is None:
        raise NotFound()
    caregiver.skills = _skills(skills)
    caregiver.active = active
    caregiver.save(update_fields=["skills", "active"])
    return caregiver
