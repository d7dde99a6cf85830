"""The cockpit's demo data: the seeds' plan targets applied to the demo district, this month counted from
the records, and two years of history so trends and projections show. Past months' service and alarm
figures are recounted from the demo's records; the stocks of months before the demo existed (beds, people,
facilities) are estimates, stored and shown as 历史回填（演示估算）."""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from yanglao.core import demo, divisions, indicators
from yanglao.core.indicators import Period
from yanglao.dashboard import services
from yanglao.dashboard.models import MeasureFact, MeasureRun, PlanTarget

DATA = Path(__file__).resolve().parent / "data" / "seed_targets.json"
PRIORITY = ("000", "002", "003", "001")  # Shanghai's own plan first, then the cities, then the province
HISTORY = 23  # months before this one

# Demo growth per year of each stock (measure, dim); a dim not named grows at the measure's "" rate. The
# ``conserve`` measures keep their total (every street exists already; some gain a centre).
GROWTH = {
    "elders": {"": 0.025},
    "residents": {"": 0.003},
    "hardship": {"": 0.03},
    "assessed": {"": 0.35},
    "beds": {"": 0.0, "nursing": 0.15, "cognitive": 0.25, "inclusive": 0.15, "ordinary": -0.05},
    "beds_occupied": {"": 0.05},
    "beds_by_operator": {"": 0.02, "private": 0.08, "public_private": 0.06},
    "family_beds": {"": 0.45},
    "institutions": {"open": 0.10, "closed": -0.05},
    "meal_capacity": {"": 0.12},
    "floor_area": {"": 0.06},
    "streets": {"with_centre": 0.10},
    "communities": {"with_facility": 0.05},
}
CONSERVE = {"streets": "without", "communities": "without"}


def seed_targets(region_code: str = demo.XUHUI) -> int:
    """Load the seeds' targets for ``region_code`` (once per indicator and year, by PRIORITY)."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["targets"]
    rows.sort(key=lambda r: PRIORITY.index(r["seed"]))
    chosen: dict[str, str] = {}
    made = 0
    for row in rows:
        code = row["indicator"]
        if code not in indicators.INDICATORS or chosen.get(code, row["seed"]) != row["seed"]:
            continue
        chosen[code] = row["seed"]
        exists = PlanTarget.objects.unscoped(reason="demo seed").filter(
            region_id=region_code, indicator=code, target_year=row["target_year"], superseded_at__isnull=True
        )
        if exists.exists():
            continue
        target = PlanTarget.objects.create(
            region_id=region_code,
            indicator=code,
            comparator=row["comparator"],
            value=row["value"],
            target_year=row["target_year"],
            source_document=row["source_document"],
            note=f"演示数据：取自{row['plan_region']}规划（“{row['quote']}”），套用于本区。",
        )
        target.lineage = target.pk
        target.save(update_fields=["lineage"])
        made += 1
    return made


def backfill_history(ctx: demo.SeedContext, current: Period, region_code: str = demo.XUHUI) -> int:
    """Recount the flows of the past months from the records and estimate the stocks of the demo
    district (its subtree and the regions above it) backwards."""
    flows = [c for c, m in indicators.MEASURES.items() if m.flow]
    for k in range(1, HISTORY + 1):
        month = current.shift(-k)
        services.refresh(period=month, measures=flows)
        # Before the demo's records begin the modules were not in use: no data, not zero.
        MeasureRun.objects.filter(period=month.start, measure__in=flows, rows=0).delete()
    stocks = [c for c, m in indicators.MEASURES.items() if not m.flow]
    low, high = divisions.subtree_range(region_code)
    now_rows = list(
        MeasureFact.objects.unscoped(reason="demo back-fill reads this month's stocks")
        .filter(period=current.start, measure__in=stocks)
        .filter(Q(region__gte=low, region__lt=high) | Q(region__in=divisions.ancestors_and_self(region_code)))
        .values_list("region", "measure", "dim", "value")
    )
    made = 0
    for k in range(1, HISTORY + 1):
        years = k / 12
        noise = 1 + ctx.rng.uniform(-0.004, 0.004)
        values: dict[tuple[str, str, str], float] = {}
        moved: dict[tuple[str, str], float] = {}
        for region, measure, dim, value in now_rows:
            rates = GROWTH.get(measure, {})
            rate = rates.get(dim, rates.get("", 0.0))
            past = value / (1 + rate) ** years * (noise if measure not in CONSERVE else 1)
            if measure in CONSERVE and dim != CONSERVE[measure]:
                past = round(past)
                moved[(region, measure)] = moved.get((region, measure), 0) + value - past
            values[(region, measure, dim)] = round(past, 3)
        for (region, measure), extra in moved.items():
            key = (region, measure, CONSERVE[measure])
            values[key] = values.get(key, 0) + extra
        made += services.backfill(period=current.shift(-k), values=values)
    return made


@demo.step("dashboard", needs=("facilities", "service_orders", "alarms", "assessments"))
def seed_dashboard(ctx: demo.SeedContext) -> None:
    """Targets, this month's figures and the history; idempotent (history only where none exists)."""
    targets = seed_targets()
    current = Period.of(timezone.localdate())
    result = services.refresh(period=current)
    history = backfill_history(ctx, current)
    ctx.log(f"驾驶舱：规划目标 {targets} 项，本月汇总 {result.rows} 行，历史回填 {history} 行")
    ctx.stats["plan_targets"] = targets
