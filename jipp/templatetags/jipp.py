"""Template helpers shared by every app."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms, template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from jipp import clock

register = template.Library()


@register.filter
def local_time(moment: datetime | None, where: Any = None) -> str:
    """{{ stage.completed_at|local_time:plan.province }}: "27 Oktober 2020, 09.00 WITA"."""
    return clock.local_time(moment, where)


@register.filter
def local_date(moment: datetime | None, where: Any = None) -> str:
    """{{ plan.created_at|local_date:plan.province }}: the day on the province's clock."""
    return clock.local_date(moment, where)


@register.filter
def bs(field: forms.BoundField) -> SafeString:
    """Render a field's widget with Bootstrap classes, linked to its help and errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def rupiah(amount: Decimal | int | None) -> str:
    """An amount in rupiah, grouped as the active language writes numbers.

    "Rp500.000.000" in Indonesian, "Rp500,000,000" in English; never decimals (the
    rupiah has no cents in practice); empty for no amount.
    """
    if amount is None or amount == "":
        return ""
    grouped = number_format(Decimal(amount), decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"Rp{grouped}"


@register.filter
def waited(since: datetime | None) -> str:
    """How long something has waited: "3 hari", or "kurang dari semenit" rather than "0 menit"."""
    if since is None:
        return ""
    if timezone.now() - since < timedelta(minutes=1):
        return gettext("less than a minute")
    return timesince(since)
