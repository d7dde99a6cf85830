"""Schemas of the list, the score endpoint and the instrument catalogue (a tablet builds its form from it)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yanglao.core.schemas import InSchema


class ScoreContext(InSchema):
    coma: bool = False
    diagnoses: list[str] = Field(default_factory=list, description="ICD-10 codes, e.g. F01")
    risk_events: dict[str, int] = Field(
        default_factory=dict, description="events in the last 30 days by type"
    )
    dementia: bool = False
    mental_illness: bool = False


class ScoreIn(InSchema):
    instrument: str
    answers: dict[str, int | None]
    context: ScoreContext = Field(default_factory=ScoreContext)


class OptionOut(Schema):
    score: int
    text: str


class ItemOut(Schema):
    code: str
    name: str
    required: bool
    options: list[OptionOut]


class DimensionOut(Schema):
    code: str
    name: str
    items: list[ItemOut]


class InstrumentOut(Schema):
    code: str
    version: str
    name: str
    source: str
    dimensions: list[DimensionOut]
    levels: dict[str, str]
    decisions: dict[str, str] = {}


class AssessmentOut(Schema):
    """A list row: who, where, which instrument, how far, the result's level. No answers, no ID numbers."""

    id: int
    elder_id: int
    elder_name: str
    region_code: str
    region_name: str
    instrument: str
    reason: str
    status: str
    status_label: str
    level_name: str
    requested_at: dt.datetime
    valid_until: dt.date | None
