"""Writes of the facilities module: register facilities (any declared datum), beds, admissions, discharges.

Admission and discharge are the transitions of ``BED_WORKFLOW`` (free → occupied → free), which lock the bed;
a bed holds one person and a person one bed, so the register's counts always equal its occupants (database
constraints back the service's checks).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone

from yanglao.core import services as core_services
from yanglao.core import text as core_text
from yanglao.core import workflows
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.facilities import errors, geo
from yanglao.facilities.choices import BedState, BedType, DischargeReason, FacilityKind, OperatingModel
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot
from yanglao.people import identity
from yanglao.people.models import Elder

EDITABLE = (
    "name",
    "kind",
    "operating_model",
    "address",
    "phone",
    "floor_area",
    "opening_hours",
    "services",
    "meal_capacity",
    "open_to_community",
    "oxygen_supply",
    "star_level",
    "licence_no",
    "licence_expiry",
    "is_public",
)


TEXT_FIELDS = ("name", "address", "phone", "opening_hours", "licence_no")
FLAG_FIELDS = ("open_to_community", "oxygen_supply", "is_public")
MAX_FLOOR_AREA = Decimal("999999999.9")  # the column's 10 digits, one after the point
MAX_COUNT = 2_147_483_647  # a PositiveIntegerField
MAX_SERVICE_LENGTH = 50


def _field_error(name: str, message: str) -> errors.InvalidFacility:
    return errors.InvalidFacility(message, fields={name: message})


def _clean_text(name: str, value) -> str:
    """One text field as stored: trimmed, without control characters (a NUL breaks PostgreSQL and exports),
    within the column's length. Shared by the form, the API and the import, which all call the service."""
    field = Facility._meta.get_field(name)
    if not isinstance(value, str):
        raise _field_error(name, f"{field.verbose_name}应为文本（不填请留空）")
    try:
        return core_text.clean_line(
            value,
            label=str(field.verbose_name),
            max_length=field.max_length,
            required=False,
            one_line=name == "name",
        )
    except core_text.TextError as exc:
        raise _field_error(name, str(exc)) from exc


def facility_name_clean(name) -> str:
    """A facility name as stored, or InvalidFacility: not blank, no control characters, within 200."""
    text = _clean_text("name", name)
    if not text:
        raise _field_error("name", "名称不能为空")
    return text


def _clean_numbers(out: dict) -> None:
    """Refuse NaN, infinities, fractions of whole counts and values the columns cannot hold, by field."""
    if out.get("floor_area") is not None:
        try:
            area = Decimal(str(out["floor_area"]))
        except (InvalidOperation, ValueError):
            raise _field_error("floor_area", "建筑面积应为数字（平方米）") from None
        if not area.is_finite() or abs(area) > MAX_FLOOR_AREA:
            raise _field_error("floor_area", "建筑面积应为 0 到 999999999.9 平方米之间的数字")
        out["floor_area"] = area.quantize(Decimal("0.1"))
    for name, label in (("meal_capacity", "每餐供餐能力"), ("star_level", "星级")):
        value = out.get(name)
        if value is None:
            continue
        try:
            number = None if isinstance(value, bool) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise _field_error(name, f"{label}应为整数")
        if abs(number) > MAX_COUNT:
            raise _field_error(name, f"{label}数值过大")
        out[name] = int(number)


def _clean(actor: User, data: dict) -> dict:
    """Check and normalise facility fields (either all of them, or a partial update's)."""
    out = {k: v for k, v in data.items() if k in EDITABLE}
    for name in TEXT_FIELDS:
        if name in out:
            out[name] = facility_name_clean(out[name]) if name == "name" else _clean_text(name, out[name])
    for name in FLAG_FIELDS:
        if name in out and not isinstance(out[name], bool):
            raise _field_error(name, f"{Facility._meta.get_field(name).verbose_name}应为 是 或 否")
    _clean_numbers(out)
    if "kind" in out and out["kind"] not in FacilityKind.values:
        raise errors.InvalidFacility("设施类型无效", fields={"kind": "取值无效"})
    if "operating_model" in out and out["operating_model"] not in OperatingModel.values:
        raise errors.InvalidFacility("运营方式无效", fields={"operating_model": "取值无效"})
    for name, label in (("floor_area", "建筑面积"), ("meal_capacity", "每餐供餐能力")):
        if out.get(name) is not None and out[name] < 0:
            raise errors.InvalidFacility(f"{label}不能为负数", fields={name: "不能为负数"})
    if out.get("star_level") is not None and not 1 <= out["star_level"] <= 5:
        raise errors.InvalidFacility("星级应为 1 到 5", fields={"star_level": "应为 1–5"})
    if "services" in out:
        items = [str(x).strip() for x in out["services"] or [] if str(x).strip()]
        if any(len(x) > MAX_SERVICE_LENGTH or any(ord(c) < 32 for c in x) for x in items):
            raise _field_error("services", f"每个服务项目最多 {MAX_SERVICE_LENGTH} 个字，且不能含控制字符")
        out["services"] = items
    if "region_code" in data:
        region = core_services.region_require(data["region_code"])
        if not actor.in_scope(region.code):
            raise errors.InvalidFacility(
                f"区划 {region.name} 不在您的管辖范围内",
                fields={"region_code": "不在管辖范围"},
                code="facilities.region_out_of_scope",
            )
        out["region"] = region
    if "lat" in data or "lng" in data:
        try:
            lng, lat = float(data["lng"]), float(data["lat"])
            if not (math.isfinite(lng) and math.isfinite(lat)):
                raise ValueError("not finite")
            lng, lat = geo.to_wgs84(lng, lat, data.get("coordinate_system") or geo.WGS84)
        except geo.CoordinateError as exc:
            raise errors.InvalidFacility(
                str(exc), fields={"lat": str(exc)}, code="facilities.coordinates_invalid"
            ) from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.InvalidFacility("请同时填写经度和纬度（数字）", fields={"lat": "必填"}) from exc
        out["lat"], out["lng"] = round(lat, 7), round(lng, 7)
    if "operator_id" in data:
        operator = core_services.organisation_for_write(
            actor=actor, organisation_id=data["operator_id"], field_name="operator"
        )
        out["operator"] = operator
    return out


# A facility on a boundary road may geocode a little across it: ~500 m of slack before refusing.
BOUNDARY_SLACK_DEGREES = 0.005


def _require_inside(region, lng: float, lat: float) -> None:
    """Refuse coordinates outside the region's boundary (or the nearest ancestor's that has one); a wrong
    datum is the usual cause, so the message names them."""
    from shapely.geometry import Point

    from yanglao.core import boundaries

    current = region
    while current is not None and not current.boundary:
        current = current.parent
    if current is None:
        return
    if not boundaries.geometry_of(current.boundary).buffer(BOUNDARY_SLACK_DEGREES).contains(Point(lng, lat)):
        message = (
            f"坐标不在{current.name}范围内；请核对坐标，以及坐标系是否选对"
            "（高德、腾讯地图为 GCJ-02，百度地图为 BD-09，GPS 为 WGS-84）"
        )
        raise errors.InvalidFacility(  # the datum hint belongs on the form
            message, fields={"lat": message}, code="facilities.coordinates_outside_region"
        )


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
    **extra,
) -> Facility:
    """Register a facility in the actor's scope; coordinates are converted from their declared datum."""
    if not actor.has_perm("facilities.add_facility"):
        raise PermissionDenied
    unknown = set(extra) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    data = {
        "name": name,
        "kind": kind,
        "operator_id": operator_id,
        "operating_model": operating_model,
        "region_code": region_code,
        "lat": lat,
        "lng": lng,
        "coordinate_system": coordinate_system,
        **extra,
    }
    clean = _clean(actor, data)
    _require_inside(clean["region"], clean["lng"], clean["lat"])
    facility = Facility.objects.create(**clean)
    ensure_in_scope(facility, actor)
    return facility


@transaction.atomic
def facility_update(*, actor: User, facility_id: int, **changes) -> Facility:
    """Change a facility in the actor's scope; moving it re-checks the region and the coordinates."""
    facility = (
        Facility.objects.for_user(actor, action="change").select_for_update().filter(pk=facility_id).first()
    )
    if facility is None:
        raise Http404
    clean = _clean(actor, changes)
    for name, value in clean.items():
        setattr(facility, name, value)
    if {"region", "lat", "lng"} & set(clean):
        _require_inside(facility.region, facility.lng, facility.lat)
    facility.save()
    if {"region", "operator"} & set(clean):
        _scope_follow_facility(facility)
    ensure_in_scope(facility, actor, "change")  # e.g. a provider handing the facility to another operator
    return facility


def _scope_follow_facility(facility: Facility) -> None:
    """Beds, stays and snapshots carry their facility's region and operator (a family care bed and its stays
    keep the home's region), so a facility that moves or changes hands takes its rows along."""
    reason = "rows follow their facility (scope checked on the facility)"
    beds = Bed.objects.unscoped(reason=reason).filter(facility=facility)
    beds.update(operator=facility.operator_id)
    beds.filter(family_bed=False).update(region=facility.region_id)
    stays = BedStay.objects.unscoped(reason=reason).filter(bed__facility=facility)
    stays.update(operator=facility.operator_id)
    stays.filter(bed__family_bed=False).update(region=facility.region_id)
    OccupancySnapshot.objects.unscoped(reason=reason).filter(facility=facility).update(
        region=facility.region_id, operator=facility.operator_id
    )


def family_beds_follow_move(moves: list[tuple[int, str, str]]) -> int:
    """people's move hook: a family care bed stands at the person's home, so it and its stays take the new
    community (the provider still sees them by operator); institution beds stay where they are."""
    by_target: dict[str, list[int]] = {}
    for elder_id, _origin, target in moves:
        by_target.setdefault(target, []).append(elder_id)
    reason = "family care beds follow a person's move (scope checked by people)"
    moved = 0
    for target, elders in by_target.items():
        beds = Bed.objects.unscoped(reason=reason).filter(family_bed=True, home_elder_id__in=elders)
        moved += beds.update(region=target)
        BedStay.objects.unscoped(reason=reason).filter(bed__in=beds.values("pk")).update(region=target)
    return moved


def _facility_for_change(actor: User, facility_id: int) -> Facility:
    facility = Facility.objects.for_user(actor, action="change").filter(pk=facility_id).first()
    if facility is None:
        raise NotFound()
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
    home_id_number: str = "",
) -> Bed:
    """Add a bed to a facility's register; a family care bed names the person at whose home it stands (by
    ID number, or by record id inside the actor's scope)."""
    if not actor.has_perm("facilities.add_bed"):
        raise PermissionDenied
    facility = _facility_for_change(actor, facility_id)
    if bed_type not in BedType.values:
        raise errors.InvalidFacility("床位类型无效", fields={"bed_type": "取值无效"})
    number, building, room = str(number).strip(), str(building).strip(), str(room).strip()
    if not number:
        raise errors.InvalidFacility("请填写床号", fields={"number": "必填"})
    home = None
    if home_elder_id is not None or home_id_number:
        home = _find_elder(actor, home_elder_id, home_id_number)
        if home.status != "active":
            raise errors.InvalidFacility(
                "该老人已死亡或迁出，不能设立家庭养老床位",
                fields={"home_elder": "非在册"},
                code="facilities.home_person_not_active",
            )
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
                region_id=home.region_id if home is not None else facility.region_id,
                operator_id=facility.operator_id,
            )
    except IntegrityError as exc:
        raise errors.InvalidFacility(
            f"床位 {building}{room}{number} 已登记",
            fields={"number": "床号重复"},
            code="facilities.duplicate_bed",
        ) from exc


def _find_elder(actor: User, elder_id: int | None, id_number: str) -> Elder:
    """The person to admit or whose home gets a family care bed: by ID number (what their papers show; found
    across regions, as people move into homes elsewhere) or by record id within the actor's scope. Messages
    never name the person."""
    if id_number:
        try:
            number = identity.normalise_id(id_number, today=timezone.localdate())
        except identity.IdentityError as exc:
            raise errors.AdmissionRefused(
                str(exc), fields={"id_number": str(exc)}, code="facilities.id_number_invalid"
            ) from exc
        qs = Elder.objects.unscoped(reason="admission finds the person by ID number across regions").filter(
            id_hash=blind_index(number)
        )
    elif elder_id is not None:
        qs = Elder.objects.for_user(actor).filter(pk=elder_id)
    else:
        raise errors.AdmissionRefused(
            "请填写老人的公民身份号码", fields={"id_number": "必填"}, code="facilities.person_missing"
        )
    elder = qs.select_for_update().first()
    if elder is None:
        raise errors.AdmissionRefused(
            "老年人信息库中没有此人，请先由社区登记",
            fields={"id_number": "未登记"},
            code="facilities.person_not_registered",
        )
    return elder


def _bed_state(bed: Bed) -> str:
    return BedState.OCCUPIED if bed.occupant_id is not None else BedState.FREE


# The bed's state rules in one table: the register page offers what ``allowed_actions`` lists, and
# ``bed_admit`` / ``bed_discharge`` take their step through ``workflows.transition``.
BED_WORKFLOW = workflows.Workflow[Bed](
    model=Bed,
    noun="床位",
    states=dict(BedState.choices),
    state_of=_bed_state,
    error=errors.BedUnavailable,
    error_field="bed",
    transitions=(
        workflows.Transition(
            "admit",
            (BedState.FREE,),
            BedState.OCCUPIED,
            scope_action="change",
            refusals={BedState.OCCUPIED: "该床位已有人入住"},
            guards=(
                workflows.Guard[Bed](
                    lambda user, bed: bed.active,
                    lambda: errors.BedUnavailable(
                        "该床位已停用", fields={"bed": "已停用"}, code="facilities.bed_inactive"
                    ),
                ),
            ),
        ),
        workflows.Transition(
            "discharge",
            (BedState.OCCUPIED,),
            BedState.FREE,
            scope_action="change",
            refusals={BedState.FREE: "该床位没有入住的老人"},
        ),
    ),
)


@transaction.atomic
def bed_admit(
    *,
    actor: User,
    bed_id: int,
    elder_id: int | None = None,
    id_number: str = "",
    date: dt.date | None = None,
) -> BedStay:
    """Admit a registered, living person who lies in no other bed into an empty bed in use."""
    day = date or timezone.localdate()

    def admit(bed: Bed) -> workflows.Changes:
        elder = _find_elder(actor, elder_id, id_number)
        if elder.status == "deceased":
            raise errors.AdmissionRefused(
                "该老人已登记死亡，不能入住", fields={"elder": "已死亡"}, code="facilities.person_deceased"
            )
        if elder.status != "active":
            raise errors.AdmissionRefused(
                "该老人已迁出，不能入住", fields={"elder": "已迁出"}, code="facilities.person_moved_out"
            )
        if Bed.objects.unscoped(reason="one bed per person").filter(occupant=elder).exists():
            raise errors.AdmissionRefused(
                "该老人已入住其他床位，请先办理离开",
                fields={"elder": "已入住其他床位"},
                code="facilities.person_in_another_bed",
            )
        if day > timezone.localdate():
            raise errors.AdmissionRefused(
                "入住日期不能晚于今天", fields={"date": "晚于今天"}, code="facilities.date_in_future"
            )
        last = (
            BedStay.objects.unscoped(reason="stays must not overlap")
            .filter(Q(elder=elder) | Q(bed=bed))
            .aggregate(last=Max("discharged_on"))["last"]
        )
        if last is not None and day < last:
            raise errors.AdmissionRefused(
                f"入住日期不能早于上一次离开日期 {last:%Y-%m-%d}",
                fields={"date": "与上一次入住重叠"},
                code="facilities.stays_overlap",
            )
        if bed.family_bed and bed.home_elder_id != elder.pk:
            raise errors.AdmissionRefused(
                "家庭养老床位只能由其所在家庭的老人使用",
                fields={"bed": "家庭床位"},
                code="facilities.family_bed_other_person",
            )
        return {"occupant": elder, "occupied_since": day}

    bed = workflows.transition(
        actor=actor, workflow=BED_WORKFLOW, obj_id=bed_id, action="admit", changes=admit
    )
    return BedStay.objects.create(
        bed=bed, elder=bed.occupant, admitted_on=day, region_id=bed.region_id, operator_id=bed.operator_id
    )


DISCHARGE_NOTE_MAX = BedStay._meta.get_field("discharge_note").max_length


@transaction.atomic
def bed_discharge(
    *, actor: User, bed_id: int, reason: str, note: str = "", date: dt.date | None = None
) -> BedStay:
    """Close the open stay with its reason (death, transfer, hospital, home, or other with a note) and free
    the bed. Refuses an empty bed, a missing reason and a date before admission or after today."""
    note = str(note or "").strip()
    day = date or timezone.localdate()
    closed: list[BedStay] = []

    def discharge(bed: Bed) -> workflows.Changes:
        if reason not in DischargeReason.values:
            raise errors.DischargeRefused("请选择离开原因", fields={"reason": "请选择离开原因"})
        if "\x00" in note or len(note) > DISCHARGE_NOTE_MAX:
            message = f"离开说明最多 {DISCHARGE_NOTE_MAX} 个字，且不能含控制字符"
            raise errors.DischargeRefused(message, fields={"note": message})
        if reason == DischargeReason.OTHER and not note:
            message = "离开原因为“其他”时请填写说明"
            raise errors.DischargeRefused(message, fields={"note": message})
        stay = (
            BedStay.objects.unscoped(reason="the bed's open stay")
            .select_for_update()
            .get(bed=bed, discharged_on__isnull=True)
        )
        if day < stay.admitted_on:
            message = f"离开日期不能早于入住日期 {stay.admitted_on:%Y-%m-%d}"
            raise errors.DischargeRefused(message, fields={"date": message})
        if day > timezone.localdate():
            raise errors.DischargeRefused("离开日期不能晚于今天", fields={"date": "离开日期不能晚于今天"})
        stay.discharged_on, stay.discharge_reason, stay.discharge_note = day, reason, note
        stay.save(update_fields=["discharged_on", "discharge_reason", "discharge_note"])
        closed.append(stay)
        return {"occupant": None, "occupied_since": None}

    workflows.transition(
        actor=actor, workflow=BED_WORKFLOW, obj_id=bed_id, action="discharge", changes=discharge
    )
    return closed[0]


@transaction.atomic
def occupancy_snapshot_take(*, date: dt.date, facility_ids: list[int] | None = None) -> int:
    """Record each facility's beds and occupied beds by type at the end of ``date``, from the stays (so past
    days can be re-taken). Replaces that day's rows; family care beds are not institution occupancy."""
    beds = Bed.objects.unscoped(reason="nightly occupancy snapshot, counts only").filter(
        active=True, family_bed=False
    )
    stays = BedStay.objects.unscoped(reason="nightly occupancy snapshot, counts only").filter(
        bed__active=True,
        bed__family_bed=False,
        admitted_on__lte=date,
    )
    stays = stays.filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=date))
    if facility_ids is not None:
        beds, stays = (
            beds.filter(facility_id__in=facility_ids),
            stays.filter(bed__facility_id__in=facility_ids),
        )
    totals = {
        (f, t): n
        for f, t, n in beds.values("facility_id", "bed_type")
        .annotate(n=Count("pk"))
        .values_list("facility_id", "bed_type", "n")
    }
    occupied = {
        (f, t): n
        for f, t, n in stays.values("bed__facility_id", "bed__bed_type")
        .annotate(n=Count("pk"))
        .values_list("bed__facility_id", "bed__bed_type", "n")
    }
    existing = OccupancySnapshot.objects.unscoped(reason="replace the day's snapshot").filter(date=date)
    if facility_ids is not None:
        existing = existing.filter(facility_id__in=facility_ids)
    existing.delete()
    scope = {
        pk: (region, operator)
        for pk, region, operator in Facility.objects.unscoped(
            reason="a snapshot carries its facility's scope"
        )
        .filter(pk__in={f for f, _ in totals})
        .values_list("pk", "region", "operator")
    }
    rows = [
        OccupancySnapshot(
            facility_id=f,
            date=date,
            bed_type=t,
            beds=n,
            occupied=min(occupied.get((f, t), 0), n),
            region_id=scope[f][0],
            operator_id=scope[f][1],
        )
        for (f, t), n in sorted(totals.items())
    ]
    OccupancySnapshot.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
