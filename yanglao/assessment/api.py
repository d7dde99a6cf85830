"""Assessment API: score without saving, and the instrument catalogue. Thin over the pure engine."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from yanglao.assessment import instruments, scoring
from yanglao.assessment.errors import InvalidAnswers, UnknownInstrument
from yanglao.assessment.schemas import InstrumentOut, ScoreIn

router = Router(tags=["老年人能力评估"])


def _catalogue(data: dict) -> dict:
    return {**data, "levels": {str(k): v for k, v in scoring._level_names(data["level"]).items()}}


@router.get("/assessments/instruments", response=list[InstrumentOut])
def list_instruments(request: HttpRequest):
    return [_catalogue(data) for data in instruments.all_instruments().values()]


@router.post("/assessments/score")
def score_assessment(request: HttpRequest, payload: ScoreIn):
    try:
        instrument = instruments.get(payload.instrument)
    except instruments.UnknownInstrument:
        raise UnknownInstrument(payload.instrument) from None
    try:
        result = scoring.score(instrument, payload.answers, payload.context.dict())
    except scoring.ScoringError as exc:
        raise InvalidAnswers(exc.problems) from None
    return result.as_dict()
