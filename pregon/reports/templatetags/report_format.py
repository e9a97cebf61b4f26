"""Formatting for the report's figures."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def percent(fraction: float | None) -> str:
    """A rate from 0 to 1 as a percentage with one decimal in the current language
    ("33,3 %" in Spanish), or "—" when there is nothing to divide by."""
    if fraction is None:
        return "—"
    return f"{formats.number_format(round(fraction * 100, 1), 1, use_l10n=True)} %"
