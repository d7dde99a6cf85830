"""Number formatting for the cockpit: one rule for pages, wall screen and report."""

from django import template

register = template.Library()

BADGES = {
    "met": "bg-green-lt",
    "on_track": "bg-blue-lt",
    "lagging": "bg-red-lt",
    "no_data": "bg-secondary-lt",
}


@register.filter
def num(value, decimals=0):
    """A figure with thousands separators and the indicator's decimals; "—" for no data."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


@register.filter
def badge(status):
    return BADGES.get(status or "", "bg-secondary-lt")


@register.filter
def signed(value, decimals=1):
    if value is None:
        return "—"
    return f"{float(value):+,.{int(decimals)}f}"


@register.filter
def count_of(overview, status):
    return overview.count(status)
