"""The shipped catalogue file turned into rows: each item's fields and its default check-in rule.

Pure (no Django), so the data migration and ``services.catalogue_load`` build exactly the same rows.
"""

from __future__ import annotations

import json
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"
ITEM_FIELDS = ("name", "service_type", "unit", "standard_minutes", "skill")


def specs(path: Path = CATALOGUE) -> list[tuple[str, dict, dict]]:
    """(code, item fields, default rule fields) per shipped item."""
    data = json.loads(path.read_text(encoding="utf-8"))
    defaults = data["defaults"]
    out = []
    for spec in data["items"]:
        rule = {
            "max_distance_in_m": defaults["max_distance_in_m"],
            "max_distance_out_m": defaults["max_distance_out_m"],
            "late_start_minutes": defaults["late_start_minutes"],
            "early_leave_minutes": defaults["early_leave_minutes"],
            "min_service_minutes": max(1, round(spec["standard_minutes"] * defaults["min_service_share"])),
            "photos_required": spec["photos_required"],
            **{k: defaults[k] for k in ("on_distance", "on_late", "on_early", "on_short")},
            "is_default": True,
        }
        out.append((spec["code"], {k: spec[k] for k in ITEM_FIELDS}, rule))
    return out
