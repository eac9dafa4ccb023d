"""A plan's calendar: seven due dates spread over its period, and the rules they keep."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from replication.models import STAGE_ORDER, StageKind


def due_field(kind: str) -> str:
    """The form field (and error key) of a stage's due date."""
    return f"due_{kind}"


# Dates ------------------------------------------------------------------------------


def spread_due_dates(start: date, end: date) -> dict[str, date]:
    """Seven due dates spread evenly from the start to the target end (the last on the end)."""
    span = (end - start).days
    return {
        kind: start + timedelta(days=round(span * number / len(STAGE_ORDER)))
        for number, kind in enumerate(STAGE_ORDER, 1)
    }


# A plan's dates stay in a calendar people plan in (and reminders can be computed for).
EARLIEST_START = date(2000, 1, 1)
LATEST_START = date(2100, 12, 31)
MAX_YEARS = 10


def check_schedule(start: date | None, end: date | None, due_dates: Mapping[str, date]) -> None:
    """End after start; every due date within [start, end] and none before the one before it."""
    errors: dict[str, list[str]] = {}
    if start is None or end is None:
        return
    if not EARLIEST_START <= start <= LATEST_START:
        errors["start_date"] = [
            _("Enter a start date between %(first)s and %(last)s.")
            % {"first": EARLIEST_START.year, "last": LATEST_START.year}
        ]
        raise ValidationError(errors)
    if end <= start:
        errors["target_end_date"] = [_("The target end date must be after the start date.")]
        raise ValidationError(errors)
    if end > start.replace(year=start.year + MAX_YEARS, day=min(start.day, 28)):
        errors["target_end_date"] = [
            _("A replication plan runs %(years)s years at most: choose an earlier target end date.")
            % {"years": MAX_YEARS}
        ]
        raise ValidationError(errors)
    previous: tuple[str, date] | None = None
    for kind in STAGE_ORDER:
        due = due_dates.get(kind)
        if due is None:
            continue
        label = str(StageKind(kind).label)
        if not start <= due <= end:
            errors[due_field(kind)] = [
                _("The due date of %(stage)s must be between the start and the target end date.")
                % {"stage": label}
            ]
        elif previous is not None and due < previous[1]:
            errors[due_field(kind)] = [
                _("The due date of %(stage)s cannot be before the due date of %(previous)s.")
                % {"stage": label, "previous": str(StageKind(previous[0]).label)}
            ]
        previous = (kind, due)
    if errors:
        raise ValidationError(errors)


def fill_schedule(
    data: Mapping[str, Any], given: Mapping[str, date | None] | None
) -> dict[str, date]:
    """The given due dates, the empty ones filled in by the even spread."""
    spread = spread_due_dates(data["start_date"], data["target_end_date"])
    given = given or {}
    return {kind: given.get(kind) or spread[kind] for kind in STAGE_ORDER}
