"""iCalendar for forum sessions: one event (e-mailed or downloaded) and the public feed.

A session is one VEVENT whose UID never changes and whose SEQUENCE is the session's
`sequence`, so a calendar program that has the event replaces it on a reschedule and
drops it on a cancellation (STATUS:CANCELLED). Times are written in the host province's
zone (WIB without a host) with its VTIMEZONE, so the event shows the local hour the
forum announced, whatever the reader's zone.

The meeting link goes only where the reader is invited (the .ics of a notification, the
download of an invited user or staff member); the public feed never carries it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from forums.display import session_name
from forums.models import ForumMode, ForumSession, ForumStatus

ICS_TYPE = "text/calendar"
PRODID = "-//KemenPANRB//JIPP FRIPP//ID"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "jipp.menpan.go.id"


def event_uid(session: ForumSession) -> str:
    """The same for every version of the session: what calendar programs match on."""
    return f"fripp-{session.pk}@{site_host()}"


def session_url(session: ForumSession) -> str:
    return f"{settings.SITE_URL}{session.get_absolute_url()}"


def event_summary(session: ForumSession) -> str:
    """ "FRIPP ke-6 · Kalimantan Selatan", as the schedule names it."""
    return session_name(session)


def _description(session: ForumSession, *, meeting_link: bool) -> str:
    parts: list[str] = []
    if session.number and session.title:
        parts.append(session.title)
    if session.status == ForumStatus.CANCELLED:
        reason = session.cancel_reason.strip()
        parts.append(_("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled"))
    if session.agenda.strip():
        parts.append(session.agenda.strip())
    presentations = list(session.presentations.all())
    if presentations:
        lines = [_("Presentations:")]
        for presentation in presentations:
            innovation = presentation.innovation
            lines.append(f"{presentation.order}. {innovation.title} ({innovation.innovator.name})")
        parts.append("\n".join(lines))
    if meeting_link and session.meeting_url:
        parts.append(_("Meeting link: %(url)s") % {"url": session.meeting_url})
    parts.append(_("Details: %(url)s") % {"url": session_url(session)})
    return "\n\n".join(parts)


def _location(session: ForumSession, *, meeting_link: bool) -> str:
    if session.venue:
        return session.venue
    if meeting_link and session.meeting_url:
        return session.meeting_url
    if session.mode == ForumMode.ONLINE:
        return str(_("Online"))
    return ""


def _organizer() -> vCalAddress:
    # The portal's own address, never a person's (UU PDP): replies are not read.
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'no-reply@' + site_host()}")
    organizer.params["CN"] = name or "JIPP"
    return organizer


def _event(session: ForumSession, *, meeting_link: bool, cancelled: bool) -> Event:
    zone = session.tzinfo
    event = Event()
    event.add("uid", event_uid(session))
    event.add("sequence", session.sequence)
    # The moment this version was written: deterministic, so an unchanged feed is
    # byte-identical (and cacheable), and a newer version always has a later stamp.
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("created", session.created_at or timezone.now())
    event.add("last-modified", session.updated_at or timezone.now())
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", event_summary(session))
    event.add("description", _description(session, meeting_link=meeting_link))
    location = _location(session, meeting_link=meeting_link)
    if location:
        event.add("location", location)
    event.add("url", session_url(session))
    event.add("organizer", _organizer())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _calendar(events: list[Event], *, method: str | None, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    # VTIMEZONEs from 1970 to 2038: these zones have changed little (Pontianak last in
    # 1988), so each is a few lines, and every reader gets the same local hour.
    calendar.add_missing_timezones()
    return calendar


def event_ics(
    session: ForumSession,
    *,
    cancel: bool = False,
    meeting_link: bool = True,
    method: str | None = None,
) -> str:
    """One session as an invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL).

    For invited people by default (the meeting link included); `meeting_link=False` for
    anyone else. A session already cancelled is always written as cancelled. `method`
    overrides the iTIP method, e.g. "PUBLISH" for a plain download.
    """
    cancelled = cancel or session.status == ForumStatus.CANCELLED
    event = _event(session, meeting_link=meeting_link, cancelled=cancelled)
    chosen = method or ("CANCEL" if cancelled else "REQUEST")
    return _calendar([event], method=chosen).to_ical().decode()


def feed_ics(sessions: Iterable[ForumSession], *, name: str = "") -> str:
    """A subscribable feed: every public session given, never a meeting link.

    Cancelled sessions stay in it, marked STATUS:CANCELLED, so subscribers' calendars
    drop them instead of keeping a forum that will not happen.
    """
    events = [
        _event(
            session,
            meeting_link=False,
            cancelled=session.status == ForumStatus.CANCELLED,
        )
        for session in sessions
        if session.status != ForumStatus.DRAFT
    ]
    calendar = _calendar(events, method="PUBLISH", name=name or "FRIPP")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")  # Outlook's name for REFRESH-INTERVAL
    return calendar.to_ical().decode()
