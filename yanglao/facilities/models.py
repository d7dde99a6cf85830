"""Facilities, their beds and who lies in them.

A bed holds at most one person and a person lies in at most one bed (unique occupant); every admission and
discharge is a dated ``BedStay`` so occupancy history and counts always equal the register. A family care
bed (家庭养老床位) is a bed at the person's home, registered to the provider that serves it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from yanglao.core import licences
from yanglao.core.models import Organisation, Region
from yanglao.core.scoping import ScopedModel
from yanglao.facilities.choices import BedType, DischargeReason, FacilityKind, OperatingModel
from yanglao.people.models import Elder

# A licence or filing this close to its expiry is flagged (list, detail, home panel).
LICENCE_WARNING_DAYS = licences.WARNING_DAYS


class Facility(ScopedModel):
    scope_region_field = "region"
    scope_organisation_field = "operator"

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=32, choices=FacilityKind.choices)
    operator = models.ForeignKey(
        Organisation, verbose_name="运营机构", on_delete=models.PROTECT, related_name="+"
    )
    operating_model = models.CharField("运营方式", max_length=20, choices=OperatingModel.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    address = models.CharField("地址", max_length=300, blank=True)
    lat = models.FloatField("纬度（WGS-84）")
    lng = models.FloatField("经度（WGS-84）")
    phone = models.CharField("电话", max_length=30, blank=True)
    floor_area = models.DecimalField(
        "建筑面积（平方米）", max_digits=10, decimal_places=1, null=True, blank=True
    )
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)
    services = models.JSONField("服务项目", default=list, blank=True)
    meal_capacity = models.PositiveIntegerField("每餐供餐能力", null=True, blank=True)
    open_to_community = models.BooleanField("向社区开放", default=False)
    oxygen_supply = models.BooleanField("供氧", default=False)
    star_level = models.PositiveSmallIntegerField("星级", null=True, blank=True)
    licence_no = models.CharField("许可或备案号", max_length=60, blank=True)
    licence_expiry = models.DateField("许可或备案有效期至", null=True, blank=True)
    is_public = models.BooleanField("在公众地图上显示", default=True)
    # Any change (services, admin) moves it: part of the data version cached coverage is keyed on.
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_default=Now())  # raw SQL loads too

    class Meta:
        verbose_name = verbose_name_plural = "养老设施"
        indexes = [models.Index(fields=["kind", "region"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=3, lat__lte=54, lng__gte=73, lng__lte=136), name="facility_in_china"
            ),
            models.CheckConstraint(
                condition=Q(star_level__isnull=True) | Q(star_level__range=(1, 5)), name="facility_star_1_5"
            ),
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gte=0),
                name="facility_floor_area_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def licence_state(self, today=None) -> licences.LicenceState:
        """许可或备案状态, derived by the one rule organisations share (core.licences)."""
        return licences.licence_state(self.licence_no, self.licence_expiry, today or timezone.localdate())

    @property
    def licence(self) -> licences.LicenceState:
        return self.licence_state()

    @property
    def beds_vacant(self) -> int:
        """Of a row annotated by facilities.filters.with_bed_counts."""
        return self.beds_total - self.beds_occupied


def _scope_region() -> models.ForeignKey:
    """A row's own copy of the region it is scoped by (docs/decisions.md): for_user reads no other table."""
    return models.ForeignKey(
        Region,
        verbose_name="所在区划",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
        editable=False,
    )


def _scope_operator() -> models.ForeignKey:
    return models.ForeignKey(
        Organisation, verbose_name="运营机构", on_delete=models.PROTECT, related_name="+", editable=False
    )


class Bed(ScopedModel):
    """One bed in the register: building, room and number, its type, and its current occupant."""

    scope_region_field = "region"
    scope_organisation_field = "operator"

    facility = models.ForeignKey(Facility, verbose_name="设施", on_delete=models.PROTECT, related_name="beds")
    # The facility's community, or for a family care bed the home's; and the facility's operator. Copied so
    # scoping needs no join (services keep them right: facility_update, a person's move).
    region = _scope_region()
    operator = _scope_operator()
    building = models.CharField("楼栋", max_length=40, blank=True)
    room = models.CharField("房间", max_length=40, blank=True)
    number = models.CharField("床号", max_length=20)
    bed_type = models.CharField("床位类型", max_length=12, choices=BedType.choices, default=BedType.ORDINARY)
    family_bed = models.BooleanField("家庭养老床位", default=False)
    home_elder = models.ForeignKey(
        Elder,
        verbose_name="家庭床位所在老人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupant = models.OneToOneField(
        Elder, verbose_name="入住老人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occupied_since = models.DateField("入住日期", null=True, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "床位"
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "building", "room", "number"], name="bed_unique_place"
            ),
            models.CheckConstraint(
                condition=Q(occupant__isnull=True) | Q(occupied_since__isnull=False),
                name="bed_occupied_has_date",
            ),
            models.CheckConstraint(
                condition=Q(family_bed=False) | Q(home_elder__isnull=False), name="family_bed_has_home"
            ),
        ]

    def __str__(self) -> str:
        return "-".join(p for p in (self.building, self.room, self.number) if p)


class BedStay(ScopedModel):
    """An admission (and later its discharge): the history the register's occupant summarises. A closed
    stay always says why it ended (``discharge_reason``; 其他 with a note)."""

    scope_region_field = "region"
    scope_organisation_field = "operator"

    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays")
    region = _scope_region()  # the bed's
    operator = _scope_operator()
    elder = models.ForeignKey(Elder, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField("入住日期")
    discharged_on = models.DateField("离开日期", null=True, blank=True)
    discharge_reason = models.CharField(
        "离开原因", max_length=12, choices=DischargeReason.choices, blank=True
    )
    discharge_note = models.CharField("离开说明", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "入住记录"
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=Q(discharged_on__isnull=True), name="one_open_stay_per_bed"
            ),
            models.UniqueConstraint(
                fields=["elder"], condition=Q(discharged_on__isnull=True), name="one_open_stay_per_elder"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_discharge_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True, discharge_reason="")
                | Q(discharged_on__isnull=False) & ~Q(discharge_reason=""),
                name="stay_discharge_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.admitted_on}–{self.discharged_on or ''}"


class OccupancySnapshot(ScopedModel):
    """Beds and occupied beds of one type in one facility at the end of a day, for trends. Taken each night
    from the stays, so a late-entered admission can be re-taken for past days."""

    scope_region_field = "region"
    scope_organisation_field = "operator"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="snapshots")
    region = _scope_region()  # the facility's
    operator = _scope_operator()
    date = models.DateField("日期")
    bed_type = models.CharField("床位类型", max_length=12, choices=BedType.choices)
    beds = models.PositiveIntegerField("床位数")
    occupied = models.PositiveIntegerField("入住数")

    class Meta:
        verbose_name = verbose_name_plural = "床位占用日快照"
        constraints = [
            models.UniqueConstraint(fields=["facility", "date", "bed_type"], name="one_snapshot_per_day"),
            models.CheckConstraint(
                condition=Q(occupied__lte=models.F("beds")), name="snapshot_occupied_le_beds"
            ),
        ]
        indexes = [models.Index(fields=["date", "facility"])]
