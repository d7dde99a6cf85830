"""Assessment API: the list (the page's filters, by keyset), score without saving, and the instrument
catalogue. Thin over the selectors and the pure engine."""

# No "from __future__ import annotations": ninja reads the paginated view's annotations through its wrapper.

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from yanglao.assessment import filters, instruments, scoring, selectors
from yanglao.assessment.errors import InvalidAnswers, UnknownInstrument
from yanglao.assessment.schemas import AssessmentOut, InstrumentOut, ScoreIn
from yanglao.core import lists

router = Router(tags=["老年人能力评估"])


def _catalogue(data: dict) -> dict:
    return {**data, "levels": {str(k): v for k, v in scoring._level_names(data["level"]).items()}}


AssessmentFilterIn = lists.filter_schema(filters.AssessmentFilterSet, "AssessmentFilterIn")


def _out(a) -> dict:
    """What the list page shows: no answers, no ID numbers."""
    return {
        "id": a.pk,
        "elder_id": a.elder_id,
        "elder_name": a.elder.name,
        "region_code": a.region_id,
        "region_name": a.region.name,
        "instrument": a.instrument,
        "reason": a.reason,
        "status": a.status,
        "status_label": a.status_label,
        "level_name": a.level_name,
        "requested_at": a.requested_at,
        "valid_until": a.valid_until,
    }


@router.get("/assessments", response=list[AssessmentOut])
@paginate(lists.KeysetPagination)
def list_assessments(request: HttpRequest, params: Query[AssessmentFilterIn]):  # type: ignore[valid-type]
    """Assessments in scope with the list page's filters, newest first, by keyset: follow ``next``."""
    return lists.Listed(
        selectors.assessment_filterset(user=request.user, params=lists.schema_params(params)), out=_out
    )


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
