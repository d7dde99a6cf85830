"""Writes of the facilities module: register facilities (any declared datum), beds, admissions, discharges.

Admission and discharge lock the bed; a bed holds one person and a person one bed, so the register's counts
always equal its occupants (database constraints back the service's checks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import services as core_services
from yanglao.core.models import Organisation, User
from yanglao.facilities import errors, geo
from yanglao.facilities.choices import BedType, FacilityKind, OperatingModel
from yanglao.facilities.models import Bed, BedStay, Facility
from yanglao.people.models import Elder


@transaction.atomic
def facility_create(
    *,
    actor: User,
    name: str,
    kind: str,
    operator_id: int,
    operating_model: str,
    region_code: str,
    lat: float,
    lng: float,
    coordinate_system: str = geo.WGS84,
    floor_area: Decimal | None = None,
    meal_capacity: int | None = None,
    **extra,
) -> Facility:
    """Register a facility in the actor's scope; coordinates are converted from their declared datum."""
    if not actor.has_perm("facilities.add_facility"):
        raise PermissionDenied
    region = core_services.region_require(region_code)
    if not actor.in_scope(region.code):
        raise errors.InvalidFacility(
            f"区划 {region.name} 不在您的管辖范围内", fields={"region_code": "不在管辖范围"}
        )
    if kind not in FacilityKind.values or operating_model not in OperatingModel.values:
        raise errors.InvalidFacility("设施类型或运营方式无效", fields={"kind": "取值无效"})
    try:
        lng, lat = geo.to_wgs84(float(lng), float(lat), coordinate_system)
    except geo.CoordinateError as exc:
        raise errors.InvalidFacility(str(exc), fields={"lat": str(exc)}) from exc
    for label, value in (("建筑面积", floor_area), ("每餐供餐能力", meal_capacity)):
        if value is not None and value < 0:
            raise errors.InvalidFacility(
                f"{label}不能为负数",
                fields={"floor_area" if label == "建筑面积" else "meal_capacity": "不能为负数"},
            )
    operator = (
        Organisation.objects.unscoped(reason="operator of a new facility").filter(pk=operator_id).first()
    )
    if operator is None:
        raise errors.InvalidFacility("运营机构不存在", fields={"operator": "运营机构不存在"})
    return Facility.objects.create(
        name=name.strip(),
        kind=kind,
        operator=operator,
        operating_model=operating_model,
        region=region,
        lat=round(lat, 7),
        lng=round(lng, 7),
        floor_area=floor_area,
        meal_capacity=meal_capacity,
        **extra,
    )


def _facility_for_change(actor: User, facility_id: int) -> Facility:
    facility = Facility.objects.for_user(actor, action="change").filter(pk=facility_id).first()
    if facility is None:
        raise errors.InvalidFacility("设施不存在或无权修改", code="facilities.not_found")
    return facility


@transaction.atomic
def bed_create(
    *,
    actor: User,
    facility_id: int,
    number: str,
    bed_type: str = BedType.ORDINARY,
    building: str = "",
    room: str = "",
    home_elder_id: int | None = None,
) -> Bed:
    """Add a bed to a facility's register; a family care bed names the person at whose home it stands."""
    if not actor.has_perm("facilities.add_bed"):
        raise PermissionDenied
    facility = _facility_for_change(actor, facility_id)
    if bed_type not in BedType.values:
        raise errors.InvalidFacility("床位类型无效", fields={"bed_type": "取值无效"})
    home = None
    if home_elder_id is not None:
        home = Elder.objects.unscoped(reason="home of a family care bed").filter(pk=home_elder_id).first()
        if home is None:
            raise errors.InvalidFacility("家庭床位所在老人不存在", fields={"home_elder": "老人不存在"})
    try:
        with transaction.atomic():
            return Bed.objects.create(
                facility=facility,
                building=building,
                room=room,
                number=number,
                bed_type=bed_type,
                family_bed=home is not None,
                home_elder=home,
            )
    except IntegrityError as exc:
        raise errors.InvalidFacility(
            f"床位 {building}{room}{number} 已登记", fields={"number": "床号重复"}
        ) from exc


@transaction.atomic
def bed_admit(*, actor: User, bed_id: int, elder_id: int, date: dt.date | None = None) -> BedStay:
    """Admit a registered, living person who lies in no other bed into an empty bed."""
    bed = Bed.objects.for_user(actor, action="change").select_for_update().filter(pk=bed_id).first()
    if bed is None:
        raise errors.BedUnavailable("床位不存在或无权操作", code="facilities.not_found")
    elder = (
        Elder.objects.unscoped(reason="admission checks the person across regions")
        .select_for_update()
        .filter(pk=elder_id)
        .first()
    )
    if elder is None:
        raise errors.AdmissionRefused("老人不存在", fields={"elder": "老人不存在"})
    if elder.status == "deceased":
        raise errors.AdmissionRefused(f"{elder.name} 已登记死亡，不能入住", fields={"elder": "已死亡"})
    if elder.status != "active":
        raise errors.AdmissionRefused(f"{elder.name} 已迁出，不能入住", fields={"elder": "已迁出"})
    if bed.occupant_id is not None:
        raise errors.BedUnavailable("该床位已有人入住", fields={"bed": "已有人入住"})
    if Bed.objects.unscoped(reason="one bed per person").filter(occupant=elder).exists():
        raise errors.AdmissionRefused(
            f"{elder.name} 已入住其他床位，请先办理离开", fields={"elder": "已入住其他床位"}
        )
    if not bed.active:
        raise errors.BedUnavailable("该床位已停用", fields={"bed": "已停用"})
    date = date or timezone.localdate()
    bed.occupant, bed.occupied_since = elder, date
    bed.save(update_fields=["occupant", "occupied_since"])
    return BedStay.objects.create(bed=bed, elder=elder, admitted_on=date)


@transaction.atomic
def bed_discharge(*, actor: User, bed_id: int, date: dt.date | None = None) -> BedStay:
    """Close the open stay and free the bed. Refuses an empty bed and a date before admission."""
    bed = Bed.objects.for_user(actor, action="change").select_for_update().filter(pk=bed_id).first()
    if bed is None or bed.occupant_id is None:
        raise errors.BedUnavailable("该床位没有入住的老人", fields={"bed": "空床"})
    stay = (
        BedStay.objects.unscoped(reason="the bed's open stay")
        .select_for_update()
        .get(bed=bed, discharged_on__isnull=True)
    )
    date = date or timezone.localdate()
    if date < stay.admitted_on:
        raise errors.AdmissionRefused("离开日期不能早于入住日期", fields={"date": "早于入住日期"})
    stay.discharged_on = date
    stay.save(update_fields=["discharged_on"])
    bed.occupant, bed.occupied_since = None, None
    bed.save(update_fields=["occupant", "occupied_since"])
    return stay
