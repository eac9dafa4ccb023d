"""Writes of a plan's indicators (DESIGN.md section 8).

While a plan is a draft or returned, its indicators are written with the plan form
(services.file_plan and update_plan call write_rows in their own transaction). Once the
plan is approved, names, units, dates, SDG targets and sources are corrected freely until
the evaluation stage is verified; a baseline, target or direction moves only when a
ministry reviewer accepts the officer's reason, as a due date does (replication.due_dates).
Every change is an AuditEvent on the plan with the old and the new values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import User
from jipp.services import record_event
from replication import notices, services
from replication.indicator_forms import (
    DECIDED_FIELDS,
    FIELDS,
    FREE_FIELDS,
    check_not_future,
    clean_sdg_target,
)
from replication.models import (
    EDITABLE_STATUSES,
    DueDateRequestStatus,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)
from replication.numbers import WHOLE_DIGITS, format_number
from replication.results import MAX_INDICATORS, Direction, Indicator, IndicatorChangeRequest

LIMIT = Decimal(10) ** WHOLE_DIGITS


# Values ---------------------------------------------------------------------------


def _show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in ("baseline", "target"):
        return format_number(value)
    if name == "direction":
        return str(Direction(value).label)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _label(name: str) -> str:
    return str(getattr(Indicator._meta.get_field(name), "verbose_name", name))


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], names: Sequence[str]) -> str:
    """ "baseline 70 → 72,5; target 80 → 85" for the fields that differ."""
    return "; ".join(
        f"{_label(name)} {_show(name, before.get(name))} → {_show(name, after.get(name))}"
        for name in names
        if before.get(name) != after.get(name)
    )


def _values(indicator: Indicator) -> dict[str, Any]:
    return {name: getattr(indicator, name) for name in FIELDS}


def _summary(values: Mapping[str, Any]) -> str:
    """ "Indeks SKM (indeks): 70 → 85, higher is better" for an added or removed row."""
    return _("%(name)s (%(unit)s): %(baseline)s → %(target)s, %(direction)s") % {
        "name": values.get("name"),
        "unit": values.get("unit"),
        "baseline": _show("baseline", values.get("baseline")),
        "target": _show("target", values.get("target")),
        "direction": str(_show("direction", values.get("direction"))).lower(),
    }


def check_row(row: Mapping[str, Any], today: date) -> dict[str, Any]:
    """One indicator as the forms clean it, checked again here: the services are the rule."""
    values = {name: row.get(name) for name in FIELDS}
    errors: dict[str, list[str]] = {}
    for name in ("name", "unit", "baseline", "baseline_date", "target"):
        if values[name] in (None, ""):
            errors.setdefault(name, []).append(_("This field is required."))
    values["name"] = " ".join(str(values["name"] or "").split())[:200]
    values["unit"] = " ".join(str(values["unit"] or "").split())[:40]
    values["source"] = str(values["source"] or "").strip()[:300]
    values["direction"] = values["direction"] or Direction.INCREASE
    if values["direction"] not in Direction.values:
        errors.setdefault("direction", []).append(_("Choose a direction."))
    for name in ("baseline", "target"):
        number = values[name]
        if number is not None and not (isinstance(number, Decimal) and abs(number) < LIMIT):
            errors.setdefault(name, []).append(_("Type a number."))
    try:
        values["sdg_target"] = clean_sdg_target(values["sdg_target"] or "")
    except ValidationError as error:
        errors.setdefault("sdg_target", []).extend(error.messages)
    if isinstance(values["baseline_date"], date):
        try:
            check_not_future(values["baseline_date"], today)
        except ValidationError as error:
            errors.setdefault("baseline_date", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return values


def _evaluation(plan: ReplicationPlan) -> Stage:
    return Stage.objects.get(plan=plan, kind=StageKind.EVALUATION)


def _require_open_results(plan: ReplicationPlan, *, decided: bool) -> None:
    """Indicators of an approved plan change until the evaluation is verified; numbers,
    direction and new indicators only until it is done (then the achieved values stand)."""
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(
            _("The plan is %(status)s: its indicators can no longer be changed here.")
            % {"status": str(PlanStatus(plan.status).label).lower()}
        )
    status = _evaluation(plan).status
    if status == StageStatus.VERIFIED or (decided and status == StageStatus.DONE):
        raise ValidationError(
            _("The evaluation stage is %(status)s: the indicators' %(what)s can no longer change.")
            % {
                "status": str(StageStatus(status).label).lower(),
                "what": _("baseline, target and direction") if decided else _("details"),
            }
        )


# Drafts: with the plan form ---------------------------------------------------------


@transaction.atomic
def write_rows(
    *,
    plan: ReplicationPlan,
    by: User,
    rows: Sequence[Mapping[str, Any]],
    removed: Sequence[int] = (),
) -> list[str]:
    """The indicators of a draft or returned plan as the form gives them: rows with an id
    change that indicator, rows without one are added, `removed` ids are deleted, the
    others stay. Returns the audit notes written (empty when nothing changed)."""
    locked = services.lock(plan)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Only a draft or a returned plan can be edited."))
    today = locked.local_today()
    existing = {row.pk: row for row in Indicator.objects.select_for_update().filter(plan=locked)}
    checked: list[tuple[Indicator | None, dict[str, Any]]] = []
    errors: list[str] = []
    for number, row in enumerate(rows, 1):
        indicator = existing.get(row.get("id") or 0)
        if row.get("id") and indicator is None:
            raise ValidationError(
                _("An indicator of this form no longer exists: reload the page and edit again.")
            )
        try:
            checked.append((indicator, check_row(row, today)))
        except ValidationError as error:
            errors += [
                _("Indicator %(number)s: %(error)s") % {"number": number, "error": message}
                for message in error.messages
            ]
    if errors:
        raise ValidationError(errors)
    gone = [existing[pk] for pk in removed if pk in existing]
    mentioned = {indicator.pk for indicator, _values in checked if indicator is not None}
    untouched = [pk for pk in existing if pk not in removed and pk not in mentioned]
    written = [row for row in checked if row[0] is None or row[0].pk not in removed]
    count = len(untouched) + len(written)
    if count > MAX_INDICATORS:
        raise ValidationError(
            _("A plan has at most %(max)s indicators: remove one and save again.")
            % {"max": MAX_INDICATORS},
            code="too_many",
        )
    notes = []
    for indicator in gone:
        notes.append(_record(locked, by, "indicator_removed", _summary(_values(indicator))))
        indicator.delete()
    now = timezone.now()
    for order, (indicator, values) in enumerate(written, 1):
        if indicator is None:
            Indicator.objects.create(plan=locked, order=order, updated_at=now, **values)
            notes.append(_record(locked, by, "indicator_added", _summary(values)))
            continue
        change = _changes(_values(indicator), values, FIELDS)
        if change or indicator.order != order:
            for name, value in values.items():
                setattr(indicator, name, value)
            indicator.order, indicator.updated_at = order, now
            indicator.save()
        if change:
            notes.append(_record(locked, by, "indicator_changed", f"{indicator.name}: {change}"))
    return notes


def _record(plan: ReplicationPlan, by: User, action: str, note: str) -> str:
    record_event(
        actor=by,
        action=action,
        target=plan,
        from_status=plan.status,
        to_status=plan.status,
        note=note[:2000],
    )
    return note


# Approved plans: corrections, additions, change requests ------------------------------


def _lock_indicator(indicator: Indicator) -> tuple[ReplicationPlan, Indicator]:
    plan = services.lock(indicator.plan)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    locked.plan = plan
    return plan, locked


def _stale(seen: str, indicator: Indicator) -> bool:
    return bool(seen) and seen != indicator.updated_at.isoformat()


@transaction.atomic
def add_indicator(*, plan: ReplicationPlan, by: User, data: Mapping[str, Any]) -> Indicator:
    """A new indicator on an approved plan, until its evaluation stage is done."""
    services.require_editor(plan, by)
    locked = services.lock(plan)
    _require_open_results(locked, decided=True)
    count = Indicator.objects.filter(plan=locked).count()
    if count >= MAX_INDICATORS:
        raise ValidationError(
            _("This plan already has %(max)s indicators, the most a plan can have.")
            % {"max": MAX_INDICATORS}
        )
    values = check_row(data, locked.local_today())
    indicator = Indicator.objects.create(plan=locked, order=count + 1, **values)
    _record(locked, by, "indicator_added", _summary(values))
    notices.notify_users(
        notices.deciding_reviewers(locked),
        kind="indicator_added",
        key=f"indicator-added:{indicator.pk}",
        subject=gettext_lazy("Indicator added to %(title)s"),
        body=gettext_lazy(
            "%(province)s added an indicator to the approved plan %(title)s: %(what)s"
        ),
        url=indicator.get_absolute_url(),
        title=notices.plan_title(locked),
        province=locked.province.name,
        what=_summary(values),
    )
    return indicator


@transaction.atomic
def correct_indicator(
    *,
    indicator: Indicator,
    by: User,
    data: Mapping[str, Any],
    reason: str = "",
    seen: str = "",
) -> IndicatorChangeRequest | None:
    """Save the free fields of an approved plan's indicator at once; a changed baseline,
    target or direction becomes a request to the ministry (returned), with the reason."""
    services.require_editor(indicator.plan, by)
    plan, locked = _lock_indicator(indicator)
    if _stale(seen, locked):
        raise ValidationError(
            _(
                "This indicator was changed by someone else since you opened the page. "
                "Nothing was saved: reload the page and edit again."
            ),
            code="stale",
        )
    values = check_row({**_values(locked), **data}, plan.local_today())
    free = _changes(_values(locked), values, FREE_FIELDS)
    decided = any(values[name] != getattr(locked, name) for name in DECIDED_FIELDS)
    if not free and not decided:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    _require_open_results(plan, decided=decided)
    request = None
    if decided:
        request = _request_change(plan, locked, by, values, reason)
    if free:
        for name in FREE_FIELDS:
            setattr(locked, name, values[name])
        locked.updated_at = timezone.now()
        locked.save()
        _record(plan, by, "indicator_changed", f"{locked.name}: {free}")
    return request


def _request_change(
    plan: ReplicationPlan, indicator: Indicator, by: User, values: Mapping[str, Any], reason: str
) -> IndicatorChangeRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _(
                "Give the reason for changing the baseline, target or direction: the "
                "ministry decides on it. Nothing was saved."
            ),
            code="reason",
        )
    if indicator.change_requests.filter(status=DueDateRequestStatus.PENDING).exists():
        raise ValidationError(
            _(
                "A change of this indicator is already waiting for the ministry: wait for "
                "its decision. Nothing was saved."
            ),
            code="pending",
        )
    try:
        with transaction.atomic():
            request = IndicatorChangeRequest.objects.create(
                indicator=indicator,
                requested_by=by,
                previous_baseline=indicator.baseline,
                previous_target=indicator.target,
                previous_direction=indicator.direction,
                proposed_baseline=values["baseline"],
                proposed_target=values["target"],
                proposed_direction=values["direction"],
                reason=reason[:5000],
            )
    except IntegrityError as error:  # a colleague asked a moment ago
        raise ValidationError(_("A change of this indicator is already waiting.")) from error
    change = _changes(_values(indicator), values, DECIDED_FIELDS)
    _record(plan, by, "indicator_change_requested", f"{indicator.name}: {change}: {reason}")
    notices.notify_users(
        notices.reviewers(),
        kind="indicator_change_requested",
        key=f"indicator-change-requested:{request.pk}",
        subject=gettext_lazy("Indicator change to decide: %(title)s"),
        body=gettext_lazy(
            "%(province)s asks to change the indicator %(indicator)s: %(change)s.\n\n"
            "Reason: %(reason)s"
        ),
        url=request.get_absolute_url(),
        title=notices.plan_title(plan),
        province=plan.province.name,
        indicator=indicator.name,
        change=change,
        reason=reason,
    )
    return request


@transaction.atomic
def decide_indicator_change(
    *, request: IndicatorChangeRequest, by: User, accept: bool, note: str = ""
) -> IndicatorChangeRequest:
    """Accepted: the baseline, target and direction take the proposed values."""
    services.require_ministry(by)
    note = note.strip()
    if not accept and not note:
        raise ValidationError(_("Write a note: the province needs to know why."))
    plan, indicator = _lock_indicator(request.indicator)
    locked = IndicatorChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DueDateRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    before = _values(indicator)
    if accept:
        _require_open_results(plan, decided=True)
        indicator.baseline = locked.proposed_baseline
        indicator.target = locked.proposed_target
        indicator.direction = locked.proposed_direction or indicator.direction
        indicator.updated_at = timezone.now()
        indicator.save()
    locked.status = DueDateRequestStatus.ACCEPTED if accept else DueDateRequestStatus.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = note[:5000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    proposed = {
        "baseline": locked.proposed_baseline,
        "target": locked.proposed_target,
        "direction": locked.proposed_direction or before["direction"],
    }
    change = _changes(before, proposed, DECIDED_FIELDS)
    event_note = f"{indicator.name}: {change}" + (f": {note}" if note else "")
    action = "indicator_change_accepted" if accept else "indicator_change_declined"
    record_event(
        actor=by,
        action=action,
        target=plan,
        from_status=plan.status,
        to_status=plan.status,
        note=event_note[:2000],
    )
    notices.notify_users(
        notices.officers_of(plan),
        kind="indicator_change_decided",
        key=f"indicator-change-decided:{locked.pk}",
        subject=gettext_lazy("Indicator %(indicator)s, %(title)s: %(decision)s"),
        body=gettext_lazy(
            "Your request to change the indicator %(indicator)s (%(change)s): %(decision)s."
            "\n\n%(note)s"
        ),
        url=indicator.get_absolute_url(),
        indicator=indicator.name,
        title=notices.plan_title(plan),
        change=change,
        decision=DueDateRequestStatus(locked.status).label,
        note=note,
    )
    return locked
