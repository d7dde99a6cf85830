"""Ninja schemas of the registry. ElderIn is also the row validator of imports, so a row and an API call
are held to exactly the same rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from ninja import Field, Schema
from pydantic import BaseModel, field_validator, model_validator

from yanglao.core import text
from yanglao.core.schemas import INPUT_CONFIG, InSchema, Omittable
from yanglao.people import identity
from yanglao.people.choices import (
    CHRONIC_CONDITIONS,
    DisabilityCategory,
    EconomicStatus,
    FamilyPlanningSpecial,
    LivingArrangement,
    MedicalInsurance,
)


def _checked_name(value) -> str:
    """Blank, control characters and over-long names are refused in Chinese, in forms, API and imports."""
    try:
        text.clean_line(value, label="姓名", max_length=50)
    except text.TextError as exc:
        raise ValueError(str(exc)) from exc
    return identity.clean_text(value)


def _checked_line(value, label: str, max_length: int) -> str:
    if value is None:
        raise ValueError(f"{label}不能为 null：不填请省略该字段或填空字符串")
    try:
        return text.clean_line(value, label=label, max_length=max_length, required=False)
    except text.TextError as exc:
        raise ValueError(str(exc)) from exc


class ContactIn(BaseModel):
    model_config = INPUT_CONFIG

    name: str = Field(..., min_length=1, max_length=50)
    relation: str = Field("", max_length=20)
    phone: str
    has_key: bool = False

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value):
        return identity.normalise_phone(value, required=True)


class ElderBase(BaseModel):
    """Plain pydantic (not ninja's Schema, which adds an ORM wrapper): it validates a million import rows."""

    model_config = INPUT_CONFIG

    phone: str = ""
    address: str = Field("", max_length=300)
    registered_address: str = Field("", max_length=300)
    ethnicity: str = Field("汉族", max_length=20)
    household_number: str = Field("", max_length=40)
    family_planning_special: FamilyPlanningSpecial = FamilyPlanningSpecial.NONE
    disability_category: DisabilityCategory = DisabilityCategory.NONE
    disability_grade: int | None = Field(None, ge=1, le=4)
    medical_insurance: MedicalInsurance = MedicalInsurance.NONE
    family_doctor_signed: bool = False
    local_hukou: bool = True
    chronic_conditions: list[str] = []
    lat: float | None = Field(None, ge=3, le=54)
    lng: float | None = Field(None, ge=73, le=136)
    contacts: list[ContactIn] = Field([], max_length=3)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value):
        return value if value is None else identity.normalise_phone(value)  # None: refused as "not text"

    @field_validator("address", "registered_address", mode="before")
    @classmethod
    def _address(cls, value):
        return _checked_line(value, "地址", 300)

    @field_validator("chronic_conditions")
    @classmethod
    def _conditions(cls, value):
        unknown = [c for c in value if c not in CHRONIC_CONDITIONS]
        if unknown:
            raise ValueError(f"慢性病“{'、'.join(unknown)}”不在清单中")
        return sorted(set(value))

    @model_validator(mode="after")
    def _coordinates_and_disability(self):
        if (self.lat is None) != (self.lng is None):
            raise ValueError("纬度和经度须同时填写")
        if self.disability_grade and not self.disability_category:
            raise ValueError("填写了残疾等级时须填写残疾类别")
        return self


class ElderIn(ElderBase):
    """A new or re-imported person. The ID number is normalised (15 → 18 digits, x → X) and checked."""

    name: str = Field(..., min_length=1, max_length=50)
    id_number: str
    region_code: str = Field(..., pattern=r"^\d{12}$")
    living_arrangement: LivingArrangement
    economic_status: EconomicStatus

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value):
        return value if value is None else _checked_name(value)

    @field_validator("id_number", mode="before")
    @classmethod
    def _id_number(cls, value):
        return identity.normalise_id(value, today=timezone.localdate(), min_age=settings.REGISTRY_MIN_AGE)


class ElderPatch(ElderBase):
    """A correction through the API or a form; the ID number is not changed this way. A field may be left
    out; null is refused (it means nothing for any of them)."""

    name: str = Omittable(min_length=1, max_length=50)
    region_code: str = Omittable(pattern=r"^\d{12}$")
    living_arrangement: LivingArrangement = Omittable()
    economic_status: EconomicStatus = Omittable()

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value):
        return value if value is None else _checked_name(value)


class ContactOut(Schema):
    position: int
    name: str
    relation: str
    phone: str = Field(alias="phone_masked")
    has_key: bool


class ElderOut(Schema):
    id: int
    name: str
    gender: str
    age: int = Field(
        description="whole years; the birth date is never listed (it would unmask the ID number)"
    )
    ability: str = Field("", description="current ability level, or 未评估 / 已过期")
    id_number: str = Field(description="masked: the last four characters only")
    phone: str = Field(description="masked")
    region_code: str
    region_name: str
    living_arrangement: str
    economic_status: str
    status: str
    groups: list[str] = []


class ElderDetailOut(ElderOut):
    ethnicity: str
    family_planning_special: str
    disability_category: str
    disability_grade: int | None
    medical_insurance: str
    family_doctor_signed: bool
    local_hukou: bool
    chronic_conditions: list[str]
    death_date: dt.date | None
    contacts: list[ContactOut] = []


class DeathIn(InSchema):
    date: dt.date
    source: str = "form"
    note: str = ""


class MoveIn(InSchema):
    region_code: str = Field(..., pattern=r"^\d{12}$")
    date: dt.date
    address: str = ""
    note: str = ""


class TransferIn(InSchema):
    region_code: str = Field(
        ..., pattern=r"^\d{12}$", description="the receiving community (outside your scope)"
    )
    date: dt.date
    address: str = Field("", max_length=300)
    note: str = Field("", max_length=300)


class TransferDecisionIn(InSchema):
    note: str = Field("", max_length=300)


class TransferOut(Schema):
    id: int
    elder_id: int
    elder_name: str
    from_region_code: str
    to_region_code: str
    date: dt.date
    status: str
    decision_note: str
