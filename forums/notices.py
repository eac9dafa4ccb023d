"""What participants and provinces hear about a forum session, in their own language.

One notification per recipient per change: the dedupe key names the session, its
`sequence`, the kind of notice and the recipient, so calling a service again (a double
click, a retried request) sends nothing new, while a later reschedule (a new sequence)
is announced again. Invitations, updates and cancellations carry the session's .ics;
a guest taken off the list gets one notice with a cancelling .ics. Invitations and updates
ask for an answer: users on the session page, e-mail-only guests through a signed link.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from forums.calendar import ICS_TYPE, event_ics, session_url
from forums.display import session_name, session_when
from forums.links import answer_path
from forums.models import ForumMode, ForumSession
from forums.recipients import Recipient, recipients
from jipp.models import Notification, User
from jipp.services import notify
from replication import notices as plan_notices
from replication.models import ReplicationPlan

INVITATION = "invitation"
UPDATE = "update"
CANCELLATION = "cancellation"
REMOVAL = "removal"
# Kinds of notice a later change of the session replaces (marked in the inbox).
REPLACEABLE_KINDS = (f"forum_{INVITATION}", f"forum_{UPDATE}")


def _details(session: ForumSession) -> str:
    lines = [
        _("When: %(when)s") % {"when": session_when(session)},
        _("Mode: %(mode)s") % {"mode": session.get_mode_display()},
    ]
    if session.venue:
        lines.append(_("Venue: %(venue)s") % {"venue": session.venue})
    if session.meeting_url:
        lines.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
    return "\n".join(lines)


def _changes(session: ForumSession, previous: Mapping[str, Any]) -> list[str]:
    """ "When: <old time> → <new time>", one line for each detail that changed."""
    before = copy.copy(session)
    for name, value in previous.items():
        setattr(before, name, value)
    none = _("(none)")
    lines = []
    if (before.starts_at, before.ends_at) != (session.starts_at, session.ends_at):
        lines.append(
            _("When: %(old)s → %(new)s")
            % {"old": session_when(before), "new": session_when(session)}
        )
    if before.mode != session.mode:
        lines.append(
            _("Mode: %(old)s → %(new)s")
            % {"old": ForumMode(before.mode).label, "new": ForumMode(session.mode).label}
        )
    if before.venue != session.venue:
        lines.append(
            _("Venue: %(old)s → %(new)s")
            % {"old": before.venue or none, "new": session.venue or none}
        )
    if before.meeting_url != session.meeting_url:
        lines.append(
            _("Meeting link: %(old)s → %(new)s")
            % {"old": before.meeting_url or none, "new": session.meeting_url or none}
        )
    return lines


def _answer_line(session: ForumSession, answer_url: str) -> str:
    if answer_url:
        return _(
            "Will you attend? Answer here, no sign-in needed (attending, not attending or "
            "not sure yet), until the session starts: %(url)s"
        ) % {"url": answer_url}
    return _(
        "Will you attend? Answer on the session page (attending, not attending or not sure "
        "yet), until the session starts: %(url)s"
    ) % {"url": session_url(session)}


def _texts(
    session: ForumSession,
    kind: str,
    *,
    previous: Mapping[str, Any] | None = None,
    answer_url: str = "",
) -> tuple[str, str]:
    """Subject and body in the active language; `answer_url` is an e-mail-only guest's link."""
    name = session_name(session)
    changes = _changes(session, previous) if kind == UPDATE and previous else []
    if kind == INVITATION:
        subject = _("Invitation: %(name)s, %(when)s")
        intro = _("You are invited to %(name)s (%(title)s).")
    elif kind == UPDATE:
        subject = _("Changed: %(name)s, %(when)s")
        intro = (
            _("%(name)s (%(title)s) has changed:")
            if changes
            else _("%(name)s (%(title)s) has changed. The new details are below.")
        )
    else:
        subject = _("Cancelled: %(name)s, %(when)s")
        intro = _("%(name)s (%(title)s) has been cancelled.")
    values = {"name": name, "title": session.title, "when": session_when(session)}
    body = intro % values
    if kind == CANCELLATION:
        body += "\n\n" + _("Reason: %(reason)s") % {"reason": session.cancel_reason}
        return subject % values, body
    if changes:
        body += "\n" + "\n".join(changes) + "\n\n" + _("The details now:")
    body += "\n\n" + _details(session)
    if session.agenda:
        body += "\n\n" + _("Agenda:") + "\n" + session.agenda
    if previous and (previous.get("starts_at"), previous.get("ends_at")) != (
        session.starts_at,
        session.ends_at,
    ):
        body += "\n\n" + _("The time changed, so earlier answers were cleared: answer again.")
    body += "\n\n" + _answer_line(session, answer_url)
    return subject % values, body


def _guest_links(session: ForumSession) -> dict[str, str]:
    """Each e-mail-only guest's signed answer page (a path), by address."""
    guests = session.participants.filter(user__isnull=True).exclude(email="")
    return {guest.email.lower(): answer_path(guest) for guest in guests}


def tell_participants(
    session: ForumSession,
    kind: str,
    *,
    only: Iterable[Recipient] | None = None,
    previous: Mapping[str, Any] | None = None,
    again: int | None = None,
) -> int:
    """One notice of this kind to every recipient of the session (or to `only` of them).

    Returns how many were new. Must run inside the service's transaction, after the
    session's row has its new state (the text and the .ics are built from it). An update
    shows what changed from `previous` (the notified fields before the change). `again`
    (a participant's id) lets a guest invited back after a removal hear of it again.
    """
    ics_in: dict[str, str] = {}  # the .ics's description follows the language too
    links = _guest_links(session) if kind != CANCELLATION else {}
    sent = 0
    for recipient in recipients(session) if only is None else only:
        key = f"forum:{session.pk}:{session.sequence}:{kind}:{recipient.key}"
        if again is not None and Notification.objects.filter(dedupe_key=key).exists():
            key += f":again:{again}"
        with translation.override(recipient.language):
            # An e-mail-only guest has no inbox: the e-mail's link opens their answer page.
            guest_path = "" if recipient.user else links.get(recipient.email.lower(), "")
            answer_url = f"{settings.SITE_URL}{guest_path}" if guest_path else ""
            subject, body = _texts(session, kind, previous=previous, answer_url=answer_url)
            if recipient.language not in ics_in:
                ics_in[recipient.language] = event_ics(session, cancel=kind == CANCELLATION)
            ics = ics_in[recipient.language]
            _notification, created = notify(
                user=recipient.user,
                email=recipient.email,
                kind=f"forum_{kind}",
                subject=subject,
                body=body,
                url=guest_path or session.get_absolute_url(),
                attachment=ics,
                attachment_name=f"fripp-{session.pk}.ics",
                attachment_type=ICS_TYPE,
                dedupe_key=key,
            )
        sent += int(created)
    return sent


def tell_removed(session: ForumSession, removed: Iterable[Recipient], *, participant: int) -> int:
    """Once per removal: the people who lost their invitation, with a cancelling .ics."""
    ics_in: dict[str, str] = {}
    sent = 0
    for recipient in removed:
        with translation.override(recipient.language):
            values = {"name": session_name(session), "title": session.title}
            values["when"] = session_when(session)
            if recipient.language not in ics_in:
                # No longer theirs: the cancelling file does not carry the meeting link.
                ics_in[recipient.language] = event_ics(session, cancel=True, meeting_link=False)
            _notification, created = notify(
                user=recipient.user,
                email=recipient.email,
                kind=f"forum_{REMOVAL}",
                subject=_("No longer invited: %(name)s, %(when)s") % values,
                body=_(
                    "You are no longer on the guest list of %(name)s (%(title)s), %(when)s. "
                    "The attached calendar file removes the event from your calendar. If "
                    "this is a mistake, write to the forum's organisers."
                )
                % values,
                url=session.get_absolute_url(),
                attachment=ics_in[recipient.language],
                attachment_name=f"fripp-{session.pk}.ics",
                attachment_type=ICS_TYPE,
                dedupe_key=(
                    f"forum:{session.pk}:{session.sequence}:{REMOVAL}:{participant}:{recipient.key}"
                ),
            )
        sent += int(created)
    return sent


def superseded(notifications: Iterable[Notification]) -> set[int]:
    """Ids of invitations and updates that a later change of their session replaced, or
    a later removal from its guest list (when the removal is among `notifications`)."""
    notifications = list(notifications)
    versions: dict[int, tuple[int, int]] = {}
    removed: dict[int, int] = {}  # session -> the latest removal notice's id
    for notification in notifications:
        parts = notification.dedupe_key.split(":")  # forum:<id>:<sequence>:<kind>:...
        if len(parts) < 4 or not (parts[1].isdigit() and parts[2].isdigit()):
            continue
        if notification.kind in REPLACEABLE_KINDS:
            versions[notification.pk] = (int(parts[1]), int(parts[2]))
        elif notification.kind == f"forum_{REMOVAL}":
            removed[int(parts[1])] = max(removed.get(int(parts[1]), 0), notification.pk)
    if not versions:
        return set()
    current = dict(
        ForumSession.objects.filter(pk__in={pk for pk, _seq in versions.values()}).values_list(
            "pk", "sequence"
        )
    )
    return {
        pk
        for pk, (session, sequence) in versions.items()
        if (session in current and sequence < current[session]) or pk < removed.get(session, 0)
    }


def tell_officers_of_outcome(plan: ReplicationPlan, session: ForumSession, by: User) -> None:
    """The announcing province's Bappeda officers complete and submit the drafted plan."""
    officers = [user for user in plan_notices.officers_of(plan) if user.pk != by.pk]
    for officer in officers:
        with translation.override(officer.language):
            values = {
                "innovation": plan.innovation.title,
                "province": plan.province.name,
                "forum": session_name(session),
            }
            notify(
                user=officer,
                kind="forum_outcome",
                subject=_("Draft replication plan from %(forum)s: %(innovation)s") % values,
                body=_(
                    "At %(forum)s, %(province)s announced it will replicate %(innovation)s. "
                    "A draft replication plan was filed for your province: choose the adopting "
                    "institution, complete the plan and submit it for review."
                )
                % values,
                url=plan.get_absolute_url(),
                dedupe_key=f"forum:{session.pk}:outcome:{plan.pk}:user:{officer.pk}",
            )
