"""The services API's schemas."""

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
