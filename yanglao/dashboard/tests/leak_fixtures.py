"""The cockpit's foreign rows for the leak walker: a plan target of 湖南路 (its source marked) and that
street's figures."""

from django.utils import timezone

from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.dashboard.models import MeasureFact, PlanTarget


@register
def dashboard_foreign(foreign: Foreign, persona_kind: str) -> None:
    target = PlanTarget.objects.create(
        region_id="310104004000",
        indicator="nursing_bed_share",
        comparator="gte",
        value=60,
        target_year=2027,
        source_document=f"{MARKER}规划",
    )
    target.lineage = target.pk
    target.save(update_fields=["lineage"])
    foreign.add(pk=target.pk, marker=target.source_document, region="310104004000", row=target)
    fact = MeasureFact.objects.create(
        period=timezone.localdate().replace(day=1),
        region_id="310104004000",
        measure="beds",
        dim="nursing",
        value=4242,
    )
    foreign.add(pk=fact.pk, row=fact)
