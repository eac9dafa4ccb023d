"""{{ indicator.baseline|number }}: indicator values as the active language writes them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from replication.numbers import format_number

register = template.Library()


@register.filter
def number(value: Decimal | int | None) -> str:
    """12.5000 -> "12,5" (Indonesian) or "12.5" (English); 1500 -> "1.500"; None -> ""."""
    return format_number(value)
