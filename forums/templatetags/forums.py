"""Template filters for forum sessions: their name and their time in the host's zone."""

from __future__ import annotations

from django import template

from forums import display
from forums.models import ForumSession

register = template.Library()


@register.filter
def session_name(session: ForumSession) -> str:
    return display.session_name(session)


@register.filter
def session_when(session: ForumSession) -> str:
    return display.session_when(session)
