"""Writes of the innovation workflow: drafts, submissions, updates and the ministry's decisions.

Each function is one transaction that locks the row it changes and checks its status
there, so two reviewers deciding at once make one decision and one clear error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innovations import similarity
from innovations.kit_services import refresh_kit_complete
from innovations.models import (
    EDITABLE_FIELDS,
    OPEN_REVISION_STATUSES,
    REPLY_MAX_LENGTH,
    RESERVED_SLUGS,
    SDG,
    Category,
    Innovation,
    InnovationRevision,
    InnovationStatus,
    RevisionStatus,
)
from innovations.workflow import (
    ACTION_LABELS,
    DECISION_ACTIONS,
    events_of,
    history,
    innovation_data,
    last_decision,
)
from jipp import clock
from jipp.models import AuditEvent, Role, User
from jipp.services import notify, record_event
from jipp.services import unique_slug as unique_slug_for

EDITABLE_STATUSES = {InnovationStatus.DRAFT, InnovationStatus.CHANGES_REQUESTED}
DECISIONS = {
    "approve": (InnovationStatus.APPROVED, RevisionStatus.APPROVED),
    "request_changes": (InnovationStatus.CHANGES_REQUESTED, RevisionStatus.CHANGES_REQUESTED),
    "reject": (InnovationStatus.REJECTED, RevisionStatus.REJECTED),
    "archive": (InnovationStatus.ARCHIVED, None),
}
NOTE_REQUIRED = {"request_changes", "reject", "archive"}
# Reserved words, plus the paths in innovations/urls.py that come before an innovation's page.


# Data -------------------------------------------------------------------------------


def revision_data(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned form data as JSON: the category by id, the SDGs by number."""
    values: dict[str, Any] = {name: data.get(name) for name in EDITABLE_FIELDS}
    category = values["category"]
    values["category"] = category.pk if isinstance(category, Category) else category
    values["sdg_numbers"] = sorted(
        sdg.number if isinstance(sdg, SDG) else int(sdg) for sdg in data.get("sdgs") or []
    )
    return values


def _apply(innovation: Innovation, values: dict[str, Any]) -> None:
    """Write the values onto the innovation and its SDGs (saving it first, then the SDGs)."""
    for name in EDITABLE_FIELDS:
        if name == "category":
            innovation.category_id = values["category"]
        else:
            setattr(innovation, name, values[name])
    innovation.save()
    # After save(): the m2m signal rewrites sdg_numbers, which save() would overwrite.
    innovation.sdgs.set(SDG.objects.filter(number__in=values["sdg_numbers"]))
    # The contact may have changed: "ready to replicate" needs one (kit_services).
    refresh_kit_complete(innovation)


def unique_slug(title: str, model: type[models.Model] | None = None) -> str:
    """A free slug for an innovation (or another model with a slug), never a URL word."""
    return unique_slug_for(title, model or Innovation, reserved=RESERVED_SLUGS, fallback="inovasi")


# Access -----------------------------------------------------------------------------


def _require_innovator_of(innovation: Innovation, by: User) -> None:
    if not (by.is_innovator and by.institution_id == innovation.innovator_id):
        raise PermissionDenied(_("Only innovators of the innovation's institution may do this."))


def _require_ministry(by: User) -> None:
    if not by.is_ministry:
        raise PermissionDenied(_("Only ministry reviewers decide on submissions."))


def _lock(innovation: Innovation) -> Innovation:
    return Innovation.objects.select_for_update().get(pk=innovation.pk)


def _check_not_stale(innovation: Innovation, seen: int | None) -> None:
    """Refuse an edit built on an older state: every write leaves an AuditEvent, so the
    newest event id is the version the form was read at (None: no form, no check)."""
    if seen is None:
        return
    latest = history(innovation).order_by("-created_at", "-id").first()
    if latest is None or latest.pk == seen:
        return
    actor = latest.actor
    raise ValidationError(
        _(
            "%(name)s changed this innovation on %(time)s since you opened the form "
            "(%(what)s). Nothing was saved: open the form again to see the changes, "
            "then make yours."
        )
        % {
            "name": (actor.get_full_name() or actor.username) if actor else _("Someone"),
            "time": clock.local_time(latest.created_at),
            "what": str(ACTION_LABELS.get(latest.action, latest.action)).lower(),
        },
        code="stale",
    )


def _clean_reply(reply: str) -> str:
    reply = reply.strip()
    if len(reply) > REPLY_MAX_LENGTH:
        raise ValidationError(
            _("The reply is too long: at most %(max)s characters. Nothing was saved.")
            % {"max": REPLY_MAX_LENGTH},
            code="reply_too_long",
        )
    return reply


def _lock_open_revision(innovation: Innovation) -> InnovationRevision | None:
    return (
        InnovationRevision.objects.select_for_update()
        .filter(innovation=innovation, status__in=OPEN_REVISION_STATUSES)
        .first()
    )


# Notifications ----------------------------------------------------------------------


def _notify_reviewers(*, innovation: Innovation, key: str, revision: bool, reply: str = "") -> None:
    url = reverse("innovations:review_detail", args=[innovation.slug])
    for reviewer in User.objects.in_role(Role.MINISTRY):
        with translation.override(reviewer.language):
            subject = (
                _("Update to review: %(title)s") if revision else _("New submission: %(title)s")
            ) % {"title": innovation.title}
            body = _("%(institution)s submitted %(what)s for review: %(title)s.") % {
                "institution": innovation.innovator.name,
                "what": _("an update") if revision else _("an innovation"),
                "title": innovation.title,
            }
            if reply:
                body += "\n\n" + _("Their reply to your change request: %(reply)s") % {
                    "reply": reply
                }
            notify(
                user=reviewer,
                kind="innovation_submitted",
                subject=subject,
                body=body,
                url=url,
                dedupe_key=f"{key}:{reviewer.pk}",
            )


def _notify_innovators(*, innovation: Innovation, event: AuditEvent, revision: bool) -> None:
    url = reverse("innovations:mine_detail", args=[innovation.slug])
    innovators = User.objects.in_role(Role.INNOVATOR).filter(institution=innovation.innovator_id)
    for user in innovators:
        with translation.override(user.language):
            status = str(InnovationStatus(event.to_status).label)
            what = _("The update of %(title)s") if revision else "%(title)s"
            subject = _("%(what)s: %(status)s") % {
                "what": what % {"title": innovation.title},
                "status": status,
            }
            body = subject + "."
            if event.note:
                body += "\n\n" + _("Reviewer's note: %(note)s") % {"note": event.note}
            notify(
                user=user,
                kind="innovation_decided",
                subject=subject,
                body=body,
                url=url,
                dedupe_key=f"innovation-decided:{event.pk}:{user.pk}",
            )


# Innovations ------------------------------------------------------------------------


@transaction.atomic
def create_innovation(*, by: User, data: dict[str, Any]) -> Innovation:
    """A new draft of the user's institution."""
    if not by.is_innovator or by.institution is None:
        raise PermissionDenied(_("Only innovators of an institution create innovations."))
    values = revision_data(data)
    innovation = Innovation(
        slug=unique_slug(values["title"]),
        innovator=by.institution,
        province=by.institution.province,
        status=InnovationStatus.DRAFT,
        created_by=by,
    )
    _apply(innovation, values)
    record_event(
        actor=by, action="innovation_created", target=innovation, to_status=innovation.status
    )
    return innovation


@transaction.atomic
def update_innovation(
    *,
    innovation: Innovation,
    by: User,
    data: dict[str, Any],
    reply: str = "",
    seen: int | None = None,
) -> Innovation:
    """Save a draft's text, and the reply to a change request that goes with resubmission.

    `seen` is the newest event id the form was read at: an edit built on older text is
    refused rather than overwriting a colleague's.
    """
    _require_innovator_of(innovation, by)
    reply = _clean_reply(reply)
    locked = _lock(innovation)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Only a draft or an innovation with changes requested can be edited.")
        )
    _check_not_stale(locked, seen)
    if locked.status == InnovationStatus.CHANGES_REQUESTED:
        locked.reply = reply
    _apply(locked, revision_data(data))
    record_event(
        actor=by,
        action="innovation_edited",
        target=locked,
        from_status=locked.status,
        to_status=locked.status,
    )
    return locked


@transaction.atomic
def submit_innovation(*, innovation: Innovation, by: User) -> Innovation:
    _require_innovator_of(innovation, by)
    locked = _lock(innovation)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This innovation is not a draft: it cannot be submitted."))
    previous = locked.status
    # The reply answers this round's request: it travels on the submission's event.
    reply = locked.reply if previous == InnovationStatus.CHANGES_REQUESTED else ""
    locked.status = InnovationStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.reply = ""
    locked.save(update_fields=["status", "submitted_at", "reply"])
    record_event(
        actor=by,
        action="innovation_submitted",
        target=locked,
        from_status=previous,
        to_status=locked.status,
        note=reply,
    )
    n = events_of(locked).filter(action="innovation_submitted").count()
    _notify_reviewers(
        innovation=locked,
        key=f"innovation-submitted:{locked.pk}:{n}",
        revision=False,
        reply=reply,
    )
    return locked


def _already_decided(innovation: Innovation) -> ValidationError:
    event = last_decision(innovation)
    if event is None:
        return ValidationError(_("This innovation is not waiting for this decision."))
    actor = event.actor
    return ValidationError(
        _("This submission was already decided by %(name)s on %(date)s: %(status)s.")
        % {
            "name": (actor.get_full_name() or actor.username) if actor else _("a reviewer"),
            "date": clock.local_time(event.created_at),
            "status": str(InnovationStatus(event.to_status).label).lower(),
        }
    )


@transaction.atomic
def decide(*, innovation: Innovation, by: User, decision: str, note: str) -> Innovation:
    """Approve, request changes, reject or archive; on an update waiting for review, decide it."""
    _require_ministry(by)
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    note = note.strip()
    if decision in NOTE_REQUIRED and not note:
        raise ValidationError(_("Write a note: the innovator needs to know why."))
    locked = _lock(innovation)
    revision = _lock_open_revision(locked)
    now = timezone.now()
    new_status, revision_status = DECISIONS[decision]
    if (
        locked.status == InnovationStatus.APPROVED
        and revision is not None
        and revision.status == RevisionStatus.SUBMITTED
        and revision_status is not None
    ):
        return _decide_revision(locked, revision, by, decision, note, now)
    allowed = (locked.status == InnovationStatus.SUBMITTED and decision != "archive") or (
        locked.status == InnovationStatus.APPROVED and decision == "archive"
    )
    if not allowed:
        raise _already_decided(locked)
    previous = locked.status
    if decision == "request_changes":
        locked.requested_snapshot = innovation_data(locked)
    elif decision != "archive":
        locked.requested_snapshot = None  # the round is closed
    locked.status = new_status
    locked.reviewed_at = now
    locked.review_note = note
    if new_status == InnovationStatus.APPROVED and locked.approved_at is None:
        locked.approved_at = now  # the first publication date stays
    locked.save(
        update_fields=[
            "status",
            "reviewed_at",
            "review_note",
            "approved_at",
            "requested_snapshot",
        ]
    )
    if decision == "archive" and revision is not None:
        # An archived innovation takes no updates: close the open one with the same note.
        InnovationRevision.objects.filter(pk=revision.pk).update(
            status=RevisionStatus.REJECTED, reviewed_by=by, reviewed_at=now, note=note
        )
    event = record_event(
        actor=by,
        action=DECISION_ACTIONS[decision],
        target=locked,
        from_status=previous,
        to_status=new_status,
        note=note,
    )
    _notify_innovators(innovation=locked, event=event, revision=False)
    if decision in ("approve", "archive"):
        similarity.queue_refresh(locked.pk)  # its similar innovations, and its neighbours'
    return locked


def _decide_revision(
    innovation: Innovation,
    revision: InnovationRevision,
    by: User,
    decision: str,
    note: str,
    now: Any,
) -> Innovation:
    revision_status = DECISIONS[decision][1]
    assert revision_status is not None  # noqa: S101 - archive never reaches here
    revision.status = revision_status
    revision.reviewed_by = by
    revision.reviewed_at = now
    revision.note = note
    revision.requested_snapshot = (
        dict(revision.data) if revision_status == RevisionStatus.CHANGES_REQUESTED else None
    )
    revision.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "note", "requested_snapshot"]
    )
    if revision_status == RevisionStatus.APPROVED:
        _apply(innovation, revision.data)
    innovation.reviewed_at = now
    innovation.review_note = note
    innovation.save(update_fields=["reviewed_at", "review_note"])
    event = record_event(
        actor=by,
        action=f"revision_{DECISION_ACTIONS[decision].removeprefix('innovation_')}",
        target=revision,
        from_status=RevisionStatus.SUBMITTED,
        to_status=revision_status,
        note=note,
    )
    _notify_innovators(innovation=innovation, event=event, revision=True)
    if revision_status == RevisionStatus.APPROVED:
        similarity.queue_refresh(innovation.pk)  # the text, sector or SDGs may have changed
    return innovation


# Revisions --------------------------------------------------------------------------


@transaction.atomic
def save_revision(
    *,
    innovation: Innovation,
    by: User,
    data: dict[str, Any],
    reply: str = "",
    seen: int | None = None,
) -> InnovationRevision:
    """Store a proposed update of an approved innovation; the public text stays as it is.

    `reply` answers a change request to the update; `seen` as in update_innovation().
    """
    _require_innovator_of(innovation, by)
    reply = _clean_reply(reply)
    locked = _lock(innovation)
    if locked.status != InnovationStatus.APPROVED:
        raise ValidationError(_("Only an approved innovation takes updates."))
    revision = _lock_open_revision(locked)
    if revision is not None and revision.status == RevisionStatus.SUBMITTED:
        raise ValidationError(_("The update is waiting for review: it cannot be changed now."))
    _check_not_stale(locked, seen)
    created = revision is None
    if revision is None:
        revision = InnovationRevision(innovation=locked, created_by=by)
    if revision.status == RevisionStatus.CHANGES_REQUESTED:
        revision.reply = reply
    revision.data = revision_data(data)
    revision.save()
    record_event(
        actor=by,
        action="revision_created" if created else "revision_edited",
        target=revision,
        from_status="" if created else revision.status,
        to_status=revision.status,
    )
    return revision


@transaction.atomic
def submit_revision(*, revision: InnovationRevision, by: User) -> InnovationRevision:
    innovation = revision.innovation
    _require_innovator_of(innovation, by)
    locked_innovation = _lock(innovation)
    locked = InnovationRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.status not in {RevisionStatus.DRAFT, RevisionStatus.CHANGES_REQUESTED}:
        raise ValidationError(_("This update is not a draft: it cannot be submitted."))
    if locked_innovation.status != InnovationStatus.APPROVED:
        raise ValidationError(_("Only an approved innovation takes updates."))
    if locked.data == innovation_data(locked_innovation):
        raise ValidationError(_("The update changes nothing yet."))
    previous = locked.status
    reply = locked.reply if previous == RevisionStatus.CHANGES_REQUESTED else ""
    locked.status = RevisionStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.reply = ""
    locked.save(update_fields=["status", "submitted_at", "reply"])
    record_event(
        actor=by,
        action="revision_submitted",
        target=locked,
        from_status=previous,
        to_status=locked.status,
        note=reply,
    )
    n = events_of(locked).filter(action="revision_submitted").count()
    _notify_reviewers(
        innovation=locked_innovation,
        key=f"revision-submitted:{locked.pk}:{n}",
        revision=True,
        reply=reply,
    )
    return locked
