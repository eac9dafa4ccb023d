"""What the evaluation and institutionalisation stages carry (DESIGN.md section 8).

Marking `evaluation` done needs every indicator's achieved value and measurement date;
marking `institutionalization` done needs the legal basis and the lessons for other
adopters. stage_services.complete_stage checks them with `results_errors` before it
stores anything, and writes them with `record_results` under the plan's lock; the
ministry's verification freezes them (nothing writes them outside a completion).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jipp.models import User
from jipp.services import record_event
from replication.models import ReplicationPlan, Stage, StageKind
from replication.numbers import DECIMAL_PLACES, WHOLE_DIGITS, format_number
from replication.results import Indicator, LegalBasisKind

MAX_NUMBER_LENGTH = 120
MAX_LESSONS = 5000

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Measurement:
    achieved: Decimal
    measured_on: date


@dataclass(frozen=True)
class LegalBasis:
    kind: str
    number: str
    date: date | None


@dataclass(frozen=True)
class Results:
    """What the officer reports with a stage: measurements by indicator id, or the legal basis."""

    measurements: Mapping[int, Measurement] = field(default_factory=dict)
    legal_basis: LegalBasis | None = None
    lessons: str = ""


def achieved_field(indicator: Indicator) -> str:
    return f"achieved_{indicator.pk}"


def measured_field(indicator: Indicator) -> str:
    return f"measured_on_{indicator.pk}"


def indicators_of(plan: ReplicationPlan) -> list[Indicator]:
    return list(Indicator.objects.filter(plan=plan).order_by("order", "id"))


def day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else "—"


def figure(value: Decimal | None) -> str:
    """A value as the active language writes it, without trailing zeros: "1.234,5"."""
    return "—" if value is None else format_number(value)


def number_fits(value: Decimal) -> str:
    """Why a number does not fit the column (16 digits, 4 of them decimals), or ""."""
    if not value.is_finite():
        return _("it is not a number")
    if max(0, -int(value.normalize().as_tuple().exponent)) > DECIMAL_PLACES:
        return _("at most %(places)d decimal places are kept: round it") % {
            "places": DECIMAL_PLACES
        }
    if value and value.adjusted() + 1 > WHOLE_DIGITS:
        return _("it is too large: at most %(digits)d digits before the decimal comma") % {
            "digits": WHOLE_DIGITS
        }
    return ""


def evidence_wanted(stage: Stage) -> str:
    """The refusal of a completion without any evidence file."""
    if stage.kind == StageKind.INSTITUTIONALIZATION:
        return _("Upload the legal basis document (the signed Perda, Pergub or SK) as evidence.")
    return _("Upload at least one evidence file to complete the stage.")


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def measurement_errors(
    plan: ReplicationPlan, indicators: list[Indicator], measurements: Mapping[int, Measurement]
) -> Errors:
    errors: Errors = {}
    if not indicators:
        _add(
            errors,
            NON_FIELD_ERRORS,
            _(
                "This plan has no indicators, so there is nothing to measure: add the plan's "
                "indicators first, then mark the evaluation as done with their achieved values."
            ),
        )
        return errors
    if set(measurements) - {indicator.pk for indicator in indicators}:
        _add(
            errors,
            NON_FIELD_ERRORS,
            _(
                "The plan's indicators changed meanwhile: reload the page and give the "
                "values again."
            ),
        )
    today = plan.local_today()
    for indicator in indicators:
        measurement = measurements.get(indicator.pk)
        achieved, measured_on = (
            (measurement.achieved, measurement.measured_on) if measurement else (None, None)
        )
        errors |= indicator_errors(indicator, achieved, measured_on, today=today)
    return errors


def indicator_errors(
    indicator: Indicator, achieved: Decimal | None, measured_on: date | None, *, today: date
) -> Errors:
    """What is wrong with one indicator's achieved value and its date, by field."""
    errors: Errors = {}
    name = {"indicator": indicator.name}
    if achieved is None:
        _add(errors, achieved_field(indicator), _("%(indicator)s: give the achieved value.") % name)
    elif why := number_fits(achieved):
        _add(
            errors,
            achieved_field(indicator),
            _("%(indicator)s: the achieved value does not fit: %(why)s.") % {**name, "why": why},
        )
    if measured_on is None:
        _add(
            errors,
            measured_field(indicator),
            _("%(indicator)s: give the date the achieved value was measured.") % name,
        )
    elif measured_on > today:
        _add(
            errors,
            measured_field(indicator),
            _(
                "%(indicator)s: the measurement date %(date)s is in the future; give the "
                "day the value was measured (today at the latest)."
            )
            % {**name, "date": day(measured_on)},
        )
    elif measured_on < indicator.baseline_date:
        _add(
            errors,
            measured_field(indicator),
            _(
                "%(indicator)s: the measurement date %(date)s is before the baseline date "
                "%(baseline)s; give a date on or after the baseline."
            )
            % {**name, "date": day(measured_on), "baseline": day(indicator.baseline_date)},
        )
    return errors


def legal_basis_errors(
    plan: ReplicationPlan, legal_basis: LegalBasis | None, lessons: str
) -> Errors:
    errors: Errors = {}
    basis = legal_basis or LegalBasis(kind="", number="", date=None)
    if basis.kind not in LegalBasisKind.values:
        _add(
            errors,
            "legal_basis_kind",
            _("Choose the kind of legal basis: Perda, Pergub, Perbup, Perwali, an SK or other."),
        )
    number = basis.number.strip()
    if not number:
        _add(
            errors,
            "legal_basis_number",
            _("Give the number of the legal basis as written on it, such as 12 Tahun 2022."),
        )
    elif len(number) > MAX_NUMBER_LENGTH:
        _add(
            errors,
            "legal_basis_number",
            _("The number of the legal basis fits in %(limit)d characters: shorten it.")
            % {"limit": MAX_NUMBER_LENGTH},
        )
    if basis.date is None:
        _add(errors, "legal_basis_date", _("Give the date the legal basis was enacted."))
    elif basis.date > plan.local_today():
        _add(
            errors,
            "legal_basis_date",
            _(
                "The legal basis is dated %(date)s, in the future: give the date it was "
                "enacted; mark the stage as done once it is in force."
            )
            % {"date": day(basis.date)},
        )
    elif basis.date < plan.start_date:
        _add(
            errors,
            "legal_basis_date",
            _(
                "The legal basis is dated %(date)s, before the plan started (%(start)s): give "
                "the regulation or decree enacted for this replication."
            )
            % {"date": day(basis.date), "start": day(plan.start_date)},
        )
    lessons = lessons.strip()
    if not lessons:
        _add(
            errors,
            "lessons",
            _(
                "Write the lessons for other adopters: what another province should know "
                "before replicating this innovation."
            ),
        )
    elif len(lessons) > MAX_LESSONS:
        _add(
            errors,
            "lessons",
            _("The lessons are %(length)d characters long; at most %(limit)d fit: shorten them.")
            % {"length": len(lessons), "limit": MAX_LESSONS},
        )
    return errors


def results_errors(stage: Stage, results: Results | None) -> Errors:
    """Everything missing or wrong in what the stage must carry, by form field."""
    results = results or Results()
    if stage.kind == StageKind.EVALUATION:
        return measurement_errors(stage.plan, indicators_of(stage.plan), results.measurements)
    if stage.kind == StageKind.INSTITUTIONALIZATION:
        return legal_basis_errors(stage.plan, results.legal_basis, results.lessons)
    return {}


def missing_for_verification(stage: Stage) -> ValidationError | None:
    """A done stage whose results are incomplete (older data, an indicator added since)."""
    plan = stage.plan
    if stage.kind == StageKind.EVALUATION:
        indicators = indicators_of(plan)
        unmeasured = [i.name for i in indicators if i.achieved is None or i.measured_on is None]
        if not indicators or unmeasured:
            return ValidationError(
                _(
                    "The evaluation cannot be verified: %(missing)s has no achieved value. "
                    "Return the stage so the province reports it."
                )
                % {"missing": ", ".join(unmeasured) or _("the plan")}
            )
    if stage.kind == StageKind.INSTITUTIONALIZATION and not (
        plan.legal_basis_kind and plan.legal_basis_number and plan.legal_basis_date
    ):
        return ValidationError(
            _(
                "The institutionalisation cannot be verified without its legal basis. Return "
                "the stage so the province gives it."
            )
        )
    return None


def _measurement_note(indicator: Indicator, measurement: Measurement) -> str:
    unit = f" {indicator.unit}" if indicator.unit else ""
    return (
        f"{indicator.name}: {figure(indicator.achieved)} → {figure(measurement.achieved)}{unit}"
        f" · {day(indicator.measured_on)} → {day(measurement.measured_on)}"
    )


def _basis_text(kind: str, number: str, enacted: date | None) -> str:
    if not kind:
        return "—"
    return f"{LegalBasisKind(kind).label} {number}, {day(enacted)}"


def record_results(*, stage: Stage, by: User, results: Results) -> None:
    """Write what the stage carries; each change an audit event with the old and new value.

    Called inside complete_stage's transaction, under the plan's lock, after results_errors.
    """
    plan = stage.plan
    if stage.kind == StageKind.EVALUATION:
        rows = Indicator.objects.select_for_update().filter(plan=plan).order_by("order", "id")
        for indicator in rows:
            measurement = results.measurements[indicator.pk]
            if (indicator.achieved, indicator.measured_on) == (
                measurement.achieved,
                measurement.measured_on,
            ):
                continue
            note = _measurement_note(indicator, measurement)
            indicator.achieved = measurement.achieved
            indicator.measured_on = measurement.measured_on
            indicator.updated_at = timezone.now()
            indicator.save(update_fields=["achieved", "measured_on", "updated_at"])
            record_event(
                actor=by,
                action="indicator_achieved",
                target=stage,
                from_status=stage.status,
                to_status=stage.status,
                note=note,
            )
    elif stage.kind == StageKind.INSTITUTIONALIZATION and results.legal_basis:
        basis = results.legal_basis
        before = (plan.legal_basis_kind, plan.legal_basis_number, plan.legal_basis_date)
        after = (basis.kind, basis.number.strip(), basis.date)
        lessons = results.lessons.strip()
        changed = []
        if before != after:
            record_event(
                actor=by,
                action="legal_basis_recorded",
                target=stage,
                from_status=stage.status,
                to_status=stage.status,
                note=f"{_basis_text(*before)} → {_basis_text(*after)}",
            )
            plan.legal_basis_kind, plan.legal_basis_number, plan.legal_basis_date = after
            changed += ["legal_basis_kind", "legal_basis_number", "legal_basis_date"]
        if lessons != plan.lessons:
            # The lessons before are in the previous such event, if any.
            record_event(
                actor=by,
                action="lessons_recorded",
                target=stage,
                from_status=stage.status,
                to_status=stage.status,
                note=lessons,
            )
            plan.lessons = lessons
            changed.append("lessons")
        if changed:
            plan.save(update_fields=changed)
