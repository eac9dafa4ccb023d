"""Participants' reminders: the day before a forum, at 08:00 in the host province's time.

Nothing is scheduled ahead: each sweep (beat, every 15 minutes, or the
`remind_forum_participants` command) looks for scheduled sessions whose reminder moment
has come and that have not started, and writes one notification per recipient. The
dedupe key names the session's `sequence`, so a rescheduled session is reminded again
for its new date, and a second sweep (or two at once) adds nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums.calendar import ICS_TYPE, event_ics, event_summary
from forums.calendar_views import calendar_sessions
from forums.display import session_when
from forums.models import ForumMode, ForumSession, ForumStatus
from forums.recipients import Recipient, recipients
from jipp.models import Notification
from jipp.services import notify

logger = logging.getLogger(__name__)

REMINDER_TIME = time(8, 0)
# 08:00 the day before is at most 40 hours before the start (a start at 23:59); the
# sweep reads only sessions starting within this window, through the (status, starts_at)
# index.
LOOKAHEAD = timedelta(hours=48)


def reminder_moment(session: ForumSession) -> datetime:
    """08:00 local time, the day before the local start date (WIB without a host)."""
    zone = session.tzinfo
    day_before = session.starts_at.astimezone(zone).date() - timedelta(days=1)
    return datetime.combine(day_before, REMINDER_TIME, tzinfo=zone)


def reminder_key(session: ForumSession, recipient: Recipient) -> str:
    return f"forum:{session.pk}:{session.sequence}:reminder:{recipient.key}"


def due_sessions(now: datetime) -> list[ForumSession]:
    """Scheduled sessions not yet started whose reminder moment has come.

    A late sweep (beat down overnight) still reminds, as long as the forum has not begun.
    """
    candidates = ForumSession.objects.filter(
        status=ForumStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LOOKAHEAD
    ).order_by("starts_at", "pk")
    return [session for session in candidates if reminder_moment(session) <= now]


def remind_participants(now: datetime | None = None) -> int:
    """One sweep; returns how many notifications it created."""
    now = now or timezone.now()
    created = 0
    for session in due_sessions(now):
        created += _remind_session(session.pk, now)
    return created


@transaction.atomic
def _remind_session(pk: int, now: datetime) -> int:
    # Locked, and skipped if another sweep holds it: two sweeps at once share the work.
    # Re-read under the lock: it may have been cancelled or moved since the scan.
    session = (
        calendar_sessions(drafts=True)
        .select_for_update(skip_locked=True, of=("self",))
        .filter(pk=pk, status=ForumStatus.SCHEDULED, starts_at__gt=now)
        .first()
    )
    if session is None or reminder_moment(session) > now:
        return 0
    people = recipients(session, coming_only=True)
    keys = {reminder_key(session, recipient) for recipient in people}
    sent = set(
        Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    created = 0
    calendars: dict[str, str] = {}  # one .ics per language, not per recipient
    for recipient in people:
        if reminder_key(session, recipient) in sent:
            continue
        created += _remind(session, recipient, calendars)
    if created:
        logger.info("forum %s: %s reminders", session.pk, created)
    return created


def _remind(session: ForumSession, recipient: Recipient, calendars: dict[str, str]) -> int:
    with translation.override(recipient.language):
        if recipient.language not in calendars:
            calendars[recipient.language] = event_ics(session)  # invited: with the link
        name = event_summary(session)
        lines = [
            _("This is a reminder that %(name)s takes place on %(when)s.")
            % {"name": name, "when": session_when(session)},
            "",
            _("Title: %(title)s") % {"title": session.title},
            _("Mode: %(mode)s") % {"mode": ForumMode(session.mode).label},
        ]
        if session.venue:
            lines.append(_("Venue: %(venue)s") % {"venue": session.venue})
        if session.meeting_url:
            lines.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
        if session.agenda:
            lines += ["", _("Agenda:"), session.agenda]
        _notification, created = notify(
            user=recipient.user,
            email="" if recipient.user else recipient.email,
            kind="forum_reminder",
            subject=_("Reminder: %(name)s, %(when)s")
            % {"name": name, "when": session_when(session)},
            body="\n".join(lines),
            url=session.get_absolute_url(),
            reminder=recipient.user is not None,
            attachment=calendars[recipient.language],
            attachment_name=f"fripp-{session.pk}.ics",
            attachment_type=ICS_TYPE,
            dedupe_key=reminder_key(session, recipient),
        )
    return int(created)
