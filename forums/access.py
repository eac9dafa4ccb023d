"""Who may see what of a forum session: staff run forums, invited people get the meeting link."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404

from forums.models import ForumSession, ForumStatus


def is_staff(user: Any) -> bool:
    """Forum admins and the ministry run forums: they see drafts, participants and links."""
    return bool(user.is_authenticated and (user.is_forum_admin or user.is_ministry))


def is_invited(session: ForumSession, user: Any) -> bool:
    """A user of an invited institution, or a user invited by account or by address."""
    if not user.is_authenticated or not user.is_active:
        return False
    match = Q(user_id=user.pk)
    if user.institution_id:
        match |= Q(institution_id=user.institution_id)
    if user.email:
        match |= Q(email__iexact=user.email)
    return session.participants.filter(match).exists()


def visible_sessions(user: Any) -> Any:
    """Drafts only for staff; everyone sees scheduled, held and cancelled sessions."""
    return ForumSession.objects.all() if is_staff(user) else ForumSession.objects.public()


def get_session_for_user(user: Any, pk: int) -> ForumSession:
    """A session the user may see, with its host; every other one is a 404."""
    return get_object_or_404(
        visible_sessions(user).select_related("host_province", "organizer"), pk=pk
    )


def link_still_useful(session: ForumSession) -> bool:
    """Invited people get the link while the session is scheduled: once it is held or
    cancelled the link is no longer theirs to use."""
    return session.status == ForumStatus.SCHEDULED


def may_see_meeting_link(session: ForumSession, user: Any) -> bool:
    """Staff always; invited people while the session is scheduled (the page and the .ics)."""
    if is_staff(user):
        return True
    return link_still_useful(session) and is_invited(session, user)
