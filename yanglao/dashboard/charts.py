"""The data behind the cockpit's charts, as plain lists the page hands to ECharts through ``json_script``
(so every value reaches the page escaped). No chart options here: static/js/dashboard.js draws them."""

from __future__ import annotations

from yanglao.core import selectors as core_selectors
from yanglao.dashboard.selectors import Detail, Figure

STATUS_COLOURS = {"met": "#2fb344", "on_track": "#206bc4", "lagging": "#d63939", "no_data": "#9aa0ac"}


def _series(figure: Figure) -> dict:
    return {
        "periods": [str(p) for p, _ in figure.history],
        "values": [v for _, v in figure.history],
        "target": figure.target.value if figure.target else None,
        "unit": figure.indicator.unit,
        "name": figure.indicator.name,
    }


def sparklines(figures: list[Figure]) -> dict[str, dict]:
    """Each figure's 24 months by indicator code (the overview's, the wall's and the report's small charts)."""
    return {f.indicator.code: _series(f) for f in figures}


def indicator_chart(d: Detail) -> dict:
    f = d.figure
    return {
        "history": _series(f) | {"estimated": [str(p) in f.estimated_months for p, _ in f.history]},
        "children": {
            "names": [c.region.name for c in d.children],
            "values": [c.value for c in d.children],
            "colours": [STATUS_COLOURS.get(c.status or "", "#206bc4") for c in d.children],
            "target": f.target.value if f.target and f.indicator.intensive else None,
            "unit": f.indicator.unit,
        },
        "dims": {"names": [x["label"] for x in d.dims], "values": [x["value"] for x in d.dims]},
    }


def lagging_map(d: Detail) -> dict | None:
    """The child regions' outlines coloured by status (the coverage map's outlines); None without any."""
    geo = core_selectors.region_boundaries(code=d.figure.region.code, depth="children")
    if not geo["features"]:
        return None
    by_code = {c.region.code: c for c in d.children}
    for feature in geo["features"]:
        props = feature["properties"]
        child = by_code.get(props["code"])
        props["status"] = (child.status or "") if child else ""
        props["label"] = child.status_label if child else "无数据"
        props["value"] = child.value if child else None
        props["colour"] = STATUS_COLOURS.get(props["status"], "#9aa0ac")
    return {"geo": geo, "unit": d.figure.indicator.unit}
