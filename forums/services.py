"""Writes of forum sessions: create, edit (a reschedule when scheduled), delete a draft,
schedule, cancel, held.

Each function is one transaction that locks the session and re-checks its status there,
so two admins acting at once make one change and get one clear refusal. Participants
hear of every change they must see through forums.notices, in the same transaction.
Presentations, invitations and attendance live in forums.programme, outcomes in
forums.outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forums import notices
from forums.display import session_name, session_when
from forums.models import ForumLevel, ForumSession, ForumStatus
from jipp.models import Province, User
from jipp.services import record_event

SESSION_FIELDS = (
    "title",
    "number",
    "level",
    "host_province",
    "starts_at",
    "ends_at",
    "mode",
    "venue",
    "meeting_url",
    "agenda",
)
# What participants must see: a change to one of these on a scheduled session is a
# reschedule (a new sequence, an update notice, calendars replace the event).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "mode", "venue", "meeting_url")


# Access and locking -----------------------------------------------------------------


def require_staff(by: User) -> None:
    if not (by.is_forum_admin or by.is_ministry):
        raise PermissionDenied(_("Only forum admins and the ministry manage forums."))


def lock(session: ForumSession) -> ForumSession:
    return (
        ForumSession.objects.select_for_update(of=("self",))
        .select_related("host_province")
        .get(pk=session.pk)
    )


def status_label(session: ForumSession) -> str:
    return str(ForumStatus(session.status).label).lower()


def refuse_if_closed(session: ForumSession) -> None:
    """Held and cancelled sessions change only in their attendance and outcomes, and in
    their presentations' materials (forums.materials, which never calls this)."""
    if session.is_closed:
        raise ValidationError(
            _(
                "This session is %(status)s: only its attendance, outcomes and materials "
                "can change now."
            )
            % {"status": status_label(session)}
        )


def version_of(session: ForumSession) -> int:
    """What an edit form read: the session's last save, in microseconds."""
    return int(session.updated_at.timestamp() * 1_000_000) if session.updated_at else 0


# Rules ------------------------------------------------------------------------------


# The schedule's calendar (the month view's range) and the longest a forum runs.
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST = timedelta(days=14)


def check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and not FIRST_YEAR <= starts_at.year <= LAST_YEAR:
        raise ValidationError(
            {
                "starts_at": [
                    _("Enter a start between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                ]
            }
        )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The end must be after the start.")]})
    if starts_at is not None and ends_at is not None and ends_at - starts_at > LONGEST:
        raise ValidationError(
            {"ends_at": [_("A forum session lasts two weeks at most: check the end.")]}
        )


def check_host(level: str, host: Province | None) -> None:
    if level == ForumLevel.REGIONAL and host is None:
        raise ValidationError({"host_province": [_("A regional forum needs its host province.")]})


def overlapping(
    host: Province | None, starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> ForumSession | None:
    """Another session of the host that is not cancelled and shares some of the time."""
    if host is None:
        return None
    others = ForumSession.objects.filter(
        host_province=host, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=ForumStatus.CANCELLED)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.select_related("host_province").order_by("starts_at").first()


def overlap_error(other: ForumSession) -> ValidationError:
    return ValidationError(
        _("%(province)s already hosts %(other)s at that time (%(when)s): choose another time.")
        % {
            "province": other.host_province.name if other.host_province else "",
            "other": session_name(other),
            "when": session_when(other),
        },
        code="overlap",
    )


def check_session(data: Mapping[str, Any], exclude: int | None = None) -> None:
    """Every rule on a session's fields; the host province's row is locked first, so two
    admins scheduling the same province at once cannot both pass the overlap check."""
    check_host(data.get("level", ForumLevel.REGIONAL), data.get("host_province"))
    check_times(data.get("starts_at"), data.get("ends_at"))
    host: Province | None = data.get("host_province")
    if host is not None:
        Province.objects.select_for_update().filter(pk=host.pk).first()
        other = overlapping(host, data["starts_at"], data["ends_at"], exclude)
        if other is not None:
            raise overlap_error(other)


# Sessions ---------------------------------------------------------------------------


@transaction.atomic
def create_session(*, by: User, data: Mapping[str, Any]) -> ForumSession:
    """A draft session: nobody outside the staff sees it until it is scheduled."""
    require_staff(by)
    check_session(data)
    session = ForumSession(organizer=by, status=ForumStatus.DRAFT)
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    session.venue = session.venue or ""
    session.meeting_url = session.meeting_url or ""
    session.agenda = session.agenda or ""
    session.save()
    record_event(actor=by, action="forum_created", target=session, to_status=session.status)
    return session


def _stale_error(session: ForumSession) -> ValidationError:
    when = formats.date_format(timezone.localtime(session.updated_at), "j F Y H.i") + " WIB"
    return ValidationError(
        _(
            "This session was changed by someone else at %(time)s since you opened it. "
            "Nothing was saved: reload the page to see the changes, then edit again."
        )
        % {"time": when},
        code="stale",
    )


@transaction.atomic
def update_session(
    *, session: ForumSession, by: User, data: Mapping[str, Any], version: int
) -> ForumSession:
    """Edit a draft or a scheduled session, if nobody changed it since `version` was read.

    On a scheduled session a change of time, mode, venue or link is a reschedule: the
    sequence goes up and every participant gets one update notice with the new .ics,
    showing what changed. A change of time clears the invitees' answers.
    """
    require_staff(by)
    locked = lock(session)
    refuse_if_closed(locked)
    if version != version_of(locked):
        raise _stale_error(locked)
    merged = {name: data.get(name, getattr(locked, name)) for name in SESSION_FIELDS}
    check_session(merged, exclude=locked.pk)
    previous = {name: getattr(locked, name) for name in NOTIFIED_FIELDS}
    changed = []
    for name in SESSION_FIELDS:
        value = merged[name]
        if name in ("venue", "meeting_url", "agenda", "title"):
            value = value or ""
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if not changed:
        return locked
    rescheduled = locked.status == ForumStatus.SCHEDULED and any(
        name in NOTIFIED_FIELDS for name in changed
    )
    if rescheduled:
        locked.sequence += 1
    locked.save()
    if "starts_at" in changed or "ends_at" in changed:
        # An answer was given for the old time: the update notice asks again.
        locked.participants.exclude(answer="").update(answer="", answered_at=None, answered_by=None)
    record_event(
        actor=by,
        action="forum_rescheduled" if rescheduled else "forum_edited",
        target=locked,
        from_status=locked.status,
        to_status=locked.status,
        note=",".join(changed),
    )
    if rescheduled:
        notices.tell_participants(locked, notices.UPDATE, previous=previous)
    return locked


@transaction.atomic
def delete_draft(*, session: ForumSession, by: User) -> None:
    """A draft nobody outside the staff has seen goes away with its programme and guests."""
    require_staff(by)
    locked = lock(session)
    if locked.status != ForumStatus.DRAFT:
        raise ValidationError(
            _(
                "Only a draft can be deleted: this session is %(status)s. A scheduled "
                "session is cancelled instead, so its participants are told."
            )
            % {"status": status_label(locked)}
        )
    # The event outlives the row: the audit trail keeps who deleted what and when.
    record_event(
        actor=by,
        action="forum_deleted",
        target=locked,
        from_status=ForumStatus.DRAFT,
        note=session_name(locked),
    )
    locked.delete()


@transaction.atomic
def schedule_session(*, session: ForumSession, by: User) -> ForumSession:
    """Publish a draft: it joins the public schedule and every invitation goes out."""
    require_staff(by)
    locked = lock(session)
    if locked.status != ForumStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be scheduled: this session is %(status)s.")
            % {"status": status_label(locked)}
        )
    check_session({name: getattr(locked, name) for name in SESSION_FIELDS}, exclude=locked.pk)
    locked.status = ForumStatus.SCHEDULED
    locked.save(update_fields=["status", "updated_at"])
    locked.participants.filter(invited_at__isnull=True).update(invited_at=timezone.now())
    record_event(
        actor=by,
        action="forum_scheduled",
        target=locked,
        from_status=ForumStatus.DRAFT,
        to_status=ForumStatus.SCHEDULED,
    )
    notices.tell_participants(locked, notices.INVITATION)
    return locked


@transaction.atomic
def cancel_session(*, session: ForumSession, by: User, reason: str) -> ForumSession:
    """Cancel a scheduled session: it stays on the schedule, marked, with the reason."""
    require_staff(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Give the reason for cancelling: participants will read it.")]}
        )
    locked = lock(session)
    if locked.status != ForumStatus.SCHEDULED:
        raise ValidationError(
            _("Only a scheduled session can be cancelled: this session is %(status)s.")
            % {"status": status_label(locked)}
        )
    locked.status = ForumStatus.CANCELLED
    locked.cancel_reason = reason
    locked.sequence += 1
    locked.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    record_event(
        actor=by,
        action="forum_cancelled",
        target=locked,
        from_status=ForumStatus.SCHEDULED,
        to_status=ForumStatus.CANCELLED,
        note=reason,
    )
    notices.tell_participants(locked, notices.CANCELLATION)
    return locked


@transaction.atomic
def mark_held(*, session: ForumSession, by: User) -> ForumSession:
    """A scheduled session that has started is recorded as held (then attendance, outcomes)."""
    require_staff(by)
    locked = lock(session)
    if locked.status != ForumStatus.SCHEDULED:
        raise ValidationError(
            _("Only a scheduled session can be marked as held: this session is %(status)s.")
            % {"status": status_label(locked)}
        )
    if locked.starts_at > timezone.now():
        raise ValidationError(
            _("This session has not started yet: mark it as held once it has taken place.")
        )
    locked.status = ForumStatus.HELD
    locked.save(update_fields=["status", "updated_at"])
    record_event(
        actor=by,
        action="forum_held",
        target=locked,
        from_status=ForumStatus.SCHEDULED,
        to_status=ForumStatus.HELD,
    )
    return locked
