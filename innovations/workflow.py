"""Reads of the innovation workflow: history, what each one waits for, what an update changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innovations.models import (
    EDITABLE_FIELDS,
    OPEN_REVISION_STATUSES,
    SDG,
    Category,
    Innovation,
    InnovationRevision,
    InnovationStatus,
    KippRecognition,
    Phase,
    RevisionStatus,
)
from jipp.models import AuditEvent

DECISION_ACTIONS = {
    "approve": "innovation_approved",
    "request_changes": "innovation_changes_requested",
    "reject": "innovation_rejected",
    "archive": "innovation_archived",
}
ACTION_LABELS = {
    "innovation_created": gettext_lazy("Draft created"),
    "innovation_edited": gettext_lazy("Draft edited"),
    "innovation_submitted": gettext_lazy("Submitted for review"),
    "innovation_approved": gettext_lazy("Approved and published"),
    "innovation_changes_requested": gettext_lazy("Changes requested"),
    "innovation_rejected": gettext_lazy("Rejected"),
    "innovation_archived": gettext_lazy("Archived"),
    "revision_created": gettext_lazy("Update drafted"),
    "revision_edited": gettext_lazy("Update edited"),
    "revision_submitted": gettext_lazy("Update submitted for review"),
    "revision_approved": gettext_lazy("Update approved and published"),
    "revision_changes_requested": gettext_lazy("Changes requested to the update"),
    "revision_rejected": gettext_lazy("Update rejected"),
}
DECIDED_ACTIONS = [
    *DECISION_ACTIONS.values(),
    "revision_approved",
    "revision_changes_requested",
    "revision_rejected",
]


def innovation_data(innovation: Innovation) -> dict[str, Any]:
    """An innovation's current editable values, in the shape of a revision's data."""
    values: dict[str, Any] = {name: getattr(innovation, name) for name in EDITABLE_FIELDS}
    values["category"] = innovation.category_id
    values["sdg_numbers"] = sorted(innovation.sdgs.values_list("number", flat=True))
    return values


def events_of(target: models.Model) -> QuerySet[AuditEvent]:
    content_type = ContentType.objects.get_for_model(target)
    return AuditEvent.objects.filter(target_type=content_type, target_id=target.pk)


def history(innovation: Innovation) -> QuerySet[AuditEvent]:
    """The AuditEvents of the innovation and of its updates, oldest first."""
    revision_ids = list(innovation.revisions.values_list("pk", flat=True))
    return (
        AuditEvent.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(Innovation), target_id=innovation.pk)
            | Q(
                target_type=ContentType.objects.get_for_model(InnovationRevision),
                target_id__in=revision_ids,
            )
        )
        .select_related("actor", "actor__institution")
        .order_by("created_at", "id")
    )


def timeline(innovation: Innovation) -> list[AuditEvent]:
    """history() with each event's label, for the pages."""
    events = list(history(innovation))
    for event in events:
        event.label = str(ACTION_LABELS.get(event.action, event.action))  # type: ignore[attr-defined]
    return events


def last_decision(innovation: Innovation) -> AuditEvent | None:
    return history(innovation).filter(action__in=DECIDED_ACTIONS).last()


def last_event_id(innovation: Innovation) -> int:
    """The newest event of the innovation and its updates: what an edit form was built on."""
    latest = history(innovation).order_by("-created_at", "-id").values_list("pk", flat=True)
    return latest.first() or 0


def submission_reply(
    innovation: Innovation, revision: InnovationRevision | None = None
) -> AuditEvent | None:
    """The submission event carrying the innovator's reply to the last change request.

    Only while the innovation (or the update) waits for review after such a request.
    """
    target: models.Model = revision if revision is not None else innovation
    waiting = (
        revision.status == RevisionStatus.SUBMITTED
        if revision is not None
        else innovation.status == InnovationStatus.SUBMITTED
    )
    if not waiting or target.requested_snapshot is None:  # type: ignore[attr-defined]
        return None
    action = "revision_submitted" if revision is not None else "innovation_submitted"
    event = (
        events_of(target)
        .filter(action=action)
        .select_related("actor", "actor__institution")
        .order_by("-created_at", "-id")
        .first()
    )
    return event if event is not None and event.note else None


def open_revision(innovation: Innovation) -> InnovationRevision | None:
    return innovation.revisions.filter(status__in=OPEN_REVISION_STATUSES).first()


def waiting_for(innovation: Innovation, revision: InnovationRevision | None = None) -> str:
    """What the innovation waits for now, in one sentence for its institution."""
    status = innovation.status
    if status == InnovationStatus.DRAFT:
        return _("Draft: not submitted")
    if status == InnovationStatus.SUBMITTED:
        return _("Waiting for ministry review for %(duration)s") % {
            "duration": timesince(innovation.submitted_at or innovation.created_at)
        }
    if status == InnovationStatus.CHANGES_REQUESTED:
        return _("Changes requested: %(note)s") % {"note": innovation.review_note}
    if status == InnovationStatus.REJECTED:
        return _("Rejected: %(note)s") % {"note": innovation.review_note}
    if status == InnovationStatus.ARCHIVED:
        return _("Archived: %(note)s") % {"note": innovation.review_note}
    if revision is None:
        return _("Published")
    if revision.status == RevisionStatus.SUBMITTED:
        return _("Published; an update is waiting for ministry review for %(duration)s") % {
            "duration": timesince(revision.submitted_at or revision.created_at)
        }
    if revision.status == RevisionStatus.CHANGES_REQUESTED:
        return _("Published; changes requested to the update: %(note)s") % {"note": revision.note}
    return _("Published; an update is drafted, not submitted")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _display(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "category":
        category = Category.objects.filter(pk=value).first()
        return category.name if category else "—"
    if name == "sdg_numbers":
        return ", ".join(str(sdg) for sdg in SDG.objects.filter(number__in=value)) or "—"
    if name == "phase":
        return str(Phase(value).label)
    if name == "kipp_recognition":
        return str(KippRecognition(value).label)
    return str(value)


def changes(innovation: Innovation, revision: InnovationRevision) -> list[Change]:
    """Only the fields the update changes: their label, the published and the proposed value."""
    return diff(innovation_data(innovation), revision.data)


def changes_since_request(
    innovation: Innovation, revision: InnovationRevision | None = None
) -> list[Change] | None:
    """What the innovator changed since the ministry asked for changes (to the update if
    one is given); None when no request left a snapshot to compare with."""
    target = revision if revision is not None else innovation
    if target.requested_snapshot is None:
        return None
    now = revision.data if revision is not None else innovation_data(innovation)
    return diff(target.requested_snapshot, now)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields whose values differ, each with its label and both values for display."""
    rows = []
    for name in [*EDITABLE_FIELDS, "sdg_numbers"]:
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        label = (
            _("Sustainable Development Goals")
            if name == "sdg_numbers"
            else str(getattr(Innovation._meta.get_field(name), "verbose_name", name))
        )
        rows.append(
            Change(
                label=label[:1].upper() + label[1:],
                old=_display(name, old),
                new=_display(name, new),
            )
        )
    return rows


def allowed_decisions(innovation: Innovation, revision: InnovationRevision | None) -> list[str]:
    if innovation.status == InnovationStatus.SUBMITTED:
        return ["approve", "request_changes", "reject"]
    if innovation.status == InnovationStatus.APPROVED:
        if revision is not None and revision.status == RevisionStatus.SUBMITTED:
            return ["approve", "request_changes", "reject", "archive"]
        return ["archive"]
    return []
