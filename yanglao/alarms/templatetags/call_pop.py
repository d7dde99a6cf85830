"""The screen-pop partial's one tag: the live-event cursor at render time, so a call that rings between
the page being drawn and its event stream opening is replayed, not missed (any page may include the
partial, so it cannot rely on its view to pass the cursor)."""

from django import template

from yanglao.core import events

register = template.Library()


@register.simple_tag
def events_cursor() -> int:
    return events.latest_id()
