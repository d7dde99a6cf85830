"""Formatting for the services pages: a person's name masked (张*明) where only the figures matter."""

from django import template

from yanglao.core import masking

register = template.Library()


@register.filter
def name_masked(value: str) -> str:
    return masking.mask_name(str(value or ""))
