"""How a session is named and dated for people: in its host province's clock, with WIB/WITA/WIT."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats

from forums.models import ForumSession

DASH = "\u2013"  # an en dash between the start and the end


def session_name(session: ForumSession) -> str:
    """ "FRIPP ke-6 · Kalimantan Selatan"; the title when the session has no number.

    "FRIPP ke-N" is the programme's own Indonesian name, the same in every language.
    """
    if session.number is None:
        return session.title
    name = f"FRIPP ke-{session.number}"
    if session.host_province is not None:
        name += f" · {session.host_province.name}"
    return name


def local(moment: datetime, session: ForumSession) -> datetime:
    """The moment on the host province's clock, naive: templates must not convert it again."""
    return moment.astimezone(session.tzinfo).replace(tzinfo=None)


def session_when(session: ForumSession) -> str:
    """ "27 Oktober 2020, 09.00-12.00 WITA" with an en dash; the end's date too when it
    is another day."""
    starts, ends = local(session.starts_at, session), local(session.ends_at, session)
    text = formats.date_format(starts, "j F Y") + ", " + formats.time_format(starts, "H.i")
    if ends.date() != starts.date():
        text += f" {DASH} " + formats.date_format(ends, "j F Y") + ", "
    else:
        text += DASH
    return text + formats.time_format(ends, "H.i") + " " + session.zone_label
