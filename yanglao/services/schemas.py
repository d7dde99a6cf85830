"""The services API's schemas."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from yanglao.core.schemas import InSchema


class RuleOut(Schema):
    max_distance_in_m: int
    max_distance_out_m: int
    late_start_minutes: int
    early_leave_minutes: int
    min_service_minutes: int
    photos_required: int
    on_distance: str
    on_late: str
    on_early: str
    on_short: str
    source: str = Field(
        description="region: the region's own rule; inherited: an ancestor's; default: shipped"
    )


class CatalogueItemOut(Schema):
    code: str
    name: str
    service_type: str
    service_type_label: str
    unit: str
    standard_minutes: int
    skill: str
    rule: RuleOut | None


class OfferingOut(Schema):
    id: int
    provider_id: int
    provider_name: str
    item_code: str
    item_name: str
    price: Decimal
    government_purchased: bool
    contracted_price: Decimal | None
    region_code: str
    area_codes: list[str]
    active: bool


class OfferingIn(InSchema):
    provider_id: int
    item_code: str = Field(..., max_length=20)
    price: Decimal = Field(..., ge=0, max_digits=8, decimal_places=2)
    government_purchased: bool = False
    contracted_price: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    area_codes: list[str] = Field(..., min_length=1, max_length=200)
    active: bool = True


class OrderIn(InSchema):
    client_key: str = Field(..., min_length=8, max_length=64, description="the client's idempotency key")
    elder_id: int
    offering_id: int
    scheduled_start: dt.datetime
    quantity: Decimal = Field(Decimal(1), gt=0, le=24, max_digits=3, decimal_places=1)
    note: str = Field("", max_length=300)


class OrderOut(Schema):
    id: int
    client_key: str
    elder_id: int
    elder_name: str
    region_code: str
    provider_id: int
    provider_name: str
    item_code: str
    item_name: str
    quantity: Decimal
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    unit_price: Decimal
    government_yuan: Decimal
    self_pay_yuan: Decimal
    status: str
    status_label: str
    actions: list[str] = Field(description="what you may do next (the workflow table)")


class ReasonIn(InSchema):
    reason: str = Field("", max_length=200)


class ReviewIn(InSchema):
    approve: bool
    reason: str = Field("", max_length=200)


class SuggestionOut(Schema):
    caregiver_id: int
    name: str
    metres: float | None = Field(description="from where they set out to the home; null when unknown")


class DispatchIn(InSchema):
    caregiver_id: int


class VisitIn(InSchema):
    key: str = Field(
        min_length=8, max_length=64, description="random, made on the phone; a repeat is recorded once"
    )
    order_id: int
    kind: str = Field(description="check_in | checklist | check_out | confirm")
    phone_time: dt.datetime = Field(description="the phone's clock when the caregiver acted")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    payload: dict = Field(
        default_factory=dict,
        description="checklist: {items: [...], note}; confirm: {code} or {signature: PNG data URL}",
    )


class VisitOut(Schema):
    id: int
    key: str
    order_id: int
    kind: str
    kind_label: str
    outcome: str = Field(description="accepted | flagged | refused")
    outcome_label: str
    code: str = Field(description="the refusal's or first flag's condition; empty when accepted")
    message: str
    state: str = Field(description="the order's state after the report")
    state_label: str


class CareStopOut(Schema):
    order_id: int
    position: int
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    item_code: str
    item_name: str
    elder_name: str
    address: str = Field(description="in clear: the caregiver needs it at the door (each view is audited)")
    lat: float | None
    lng: float | None
    status: str
    status_label: str
    checklist: list[str]
    photos_required: int
    photos: int


class PhotoOut(Schema):
    order_id: int
    photos: int


class FamilyPersonOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    hours_left: Decimal
    yuan_left: Decimal


class QuoteIn(InSchema):
    elder_id: int
    offering_id: int
    scheduled_start: dt.datetime
    quantity: Decimal = Field(Decimal(1), gt=0, le=24, max_digits=3, decimal_places=1)


class QuoteOut(Schema):
    elder_id: int
    offering_id: int
    scheduled_start: dt.datetime
    quantity: Decimal
    covered_units: Decimal
    government_yuan: str
    self_pay_yuan: str
    hours_left: Decimal
    yuan_left: Decimal


class RateIn(InSchema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=300)


class PlanIn(InSchema):
    elder_id: int
    offering_id: int
    weekdays: list[int] = Field(..., min_length=1, max_length=7)
    start_time: dt.time
    quantity: Decimal = Field(Decimal(1), gt=0, le=24, max_digits=3, decimal_places=1)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class PlanOut(Schema):
    id: int
    elder_id: int
    offering_id: int
    item_name: str
    weekdays: list[int]
    weekdays_label: str
    start_time: dt.time
    quantity: Decimal
    starts_on: dt.date
    ends_on: dt.date | None
    active: bool
    stop_reason: str


class AlertOut(Schema):
    id: int
    order_id: int
    kind: str
    kind_label: str
    message: str
    raised_at: dt.datetime
    status: str
    region_code: str
    provider_id: int
    note: str


class NoteIn(InSchema):
    note: str = Field(..., max_length=300)


class ComplaintIn(InSchema):
    order_id: int
    text: str = Field(..., max_length=500)


class ComplaintRateIn(InSchema):
    rating: int = Field(..., ge=1, le=5)


class ComplaintOut(Schema):
    id: int
    order_id: int
    status: str
    status_label: str
    filed_at: dt.datetime
    reply_due: dt.date
    resolve_due: dt.date
    reply: str
    resolution: str
    resolution_rating: int | None


class SettlementOut(Schema):
    id: int
    provider_id: int
    provider_name: str
    month: dt.date
    status: str
    status_label: str
    orders: int
    confirmed: int
    exceptions: int
    government_yuan: Decimal
    self_pay_yuan: Decimal
    adjustments_yuan: Decimal
