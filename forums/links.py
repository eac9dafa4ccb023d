"""Signed answer links for e-mail-only guests (django.core.signing, expiring).

A link names one participant of one session. It opens the answer page without signing
in, so it carries no more than that: removing the guest makes it useless at once, and
answers close when the session starts whatever the link's age.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from forums.models import Participant

ANSWER_SALT = "forums.answer"
# A safety bound: the link is useless anyway once the session has started.
ANSWER_LINK_MAX_AGE = 366 * 24 * 60 * 60

# Why a link does not open the answer page.
LINK_INVALID = "invalid"
LINK_EXPIRED = "expired"
LINK_WITHDRAWN = "withdrawn"


def answer_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "s": participant.session_id}, salt=ANSWER_SALT)


def answer_path(participant: Participant) -> str:
    return reverse("forums:answer_link", args=[answer_token(participant)])


def answer_link(participant: Participant) -> str:
    """The absolute address an e-mail-only guest answers at."""
    return settings.SITE_URL + answer_path(participant)


def participant_for_token(token: str) -> tuple[Participant | None, str]:
    """The participant a link names, or None and why (forged, expired, guest removed)."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return None, LINK_EXPIRED
    except signing.BadSignature:
        return None, LINK_INVALID
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None, LINK_INVALID
    participant = (
        Participant.objects.select_related("session", "session__host_province")
        .filter(pk=data["p"], session_id=data.get("s"))
        .first()
    )
    if participant is None:
        return None, LINK_WITHDRAWN
    return participant, ""
