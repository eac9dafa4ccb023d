"""What participants and provinces hear about a forum session, in their own language.

One notification per recipient per change: the dedupe key names the session, its
`sequence`, the kind of notice and the recipient, so calling a service again (a double
click, a retried request) sends nothing new, while a later reschedule (a new sequence)
is announced again. Invitations, updates and cancellations carry the session's .ics.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _

from forums.calendar import ICS_TYPE, event_ics
from forums.display import session_name, session_when
from forums.models import ForumSession
from forums.recipients import Recipient, recipients
from jipp.models import User
from jipp.services import notify
from replication import notices as plan_notices
from replication.models import ReplicationPlan

INVITATION = "invitation"
UPDATE = "update"
CANCELLATION = "cancellation"


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


def _texts(session: ForumSession, kind: str) -> tuple[str, str]:
    """Subject and body in the active language."""
    name = session_name(session)
    if kind == INVITATION:
        subject = _("Invitation: %(name)s, %(when)s")
        intro = _("You are invited to %(name)s (%(title)s).")
    elif kind == UPDATE:
        subject = _("Changed: %(name)s, %(when)s")
        intro = _("%(name)s (%(title)s) has changed. The new details are below.")
    else:
        subject = _("Cancelled: %(name)s, %(when)s")
        intro = _("%(name)s (%(title)s) has been cancelled.")
    values = {"name": name, "title": session.title, "when": session_when(session)}
    body = intro % values
    if kind == CANCELLATION:
        body += "\n\n" + _("Reason: %(reason)s") % {"reason": session.cancel_reason}
    else:
        body += "\n\n" + _details(session)
        if session.agenda:
            body += "\n\n" + _("Agenda:") + "\n" + session.agenda
    return subject % values, body


def tell_participants(
    session: ForumSession, kind: str, *, only: Iterable[Recipient] | None = None
) -> int:
    """One notice of this kind to every recipient of the session (or to `only` of them).

    Returns how many were new. Must run inside the service's transaction, after the
    session's row has its new state (the text and the .ics are built from it).
    """
    ics_in: dict[str, str] = {}  # the .ics's description follows the language too
    sent = 0
    for recipient in recipients(session) if only is None else only:
        with translation.override(recipient.language):
            subject, body = _texts(session, kind)
            if recipient.language not in ics_in:
                ics_in[recipient.language] = event_ics(session, cancel=kind == CANCELLATION)
            ics = ics_in[recipient.language]
            _notification, created = notify(
                user=recipient.user,
                email=recipient.email,
                kind=f"forum_{kind}",
                subject=subject,
                body=body,
                url=session.get_absolute_url(),
                attachment=ics,
                attachment_name=f"fripp-{session.pk}.ics",
                attachment_type=ICS_TYPE,
                dedupe_key=f"forum:{session.pk}:{session.sequence}:{kind}:{recipient.key}",
            )
        sent += int(created)
    return sent


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
