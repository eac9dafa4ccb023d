"""Who hears about a forum session: the people behind its participants, each once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

from forums.models import ForumSession, ParticipantAnswer
from jipp.models import User


@dataclass(frozen=True)
class Recipient:
    """A user of the portal, or an e-mail address alone (e-mail-only notifications)."""

    user: User | None
    email: str

    @property
    def key(self) -> str:
        """Stable within a session: part of every dedupe key sent to this recipient."""
        return f"user:{self.user.pk}" if self.user else f"email:{self.email.lower()}"

    @property
    def language(self) -> str:
        return self.user.language if self.user else "id"


def recipients(session: ForumSession, *, coming_only: bool = False) -> list[Recipient]:
    """Active users of invited institutions, invited users, then e-mail-only guests.

    An address that belongs to an active user is that user (one notification, their
    language and their inbox); nobody appears twice. With `coming_only`, invitations
    answered "not attending" are left out: they hear of changes, not of the day before.
    """
    participants = list(session.participants.all())
    if coming_only:
        participants = [p for p in participants if p.answer != ParticipantAnswer.NOT_ATTENDING]
    institutions = [p.institution_id for p in participants if p.institution_id]
    user_ids = [p.user_id for p in participants if p.user_id]
    emails = {p.email.lower() for p in participants if p.email and not p.user_id}
    users = (
        User.objects.filter(is_active=True)
        .annotate(address=Lower("email"))
        .filter(Q(institution_id__in=institutions) | Q(pk__in=user_ids) | Q(address__in=emails))
        .order_by("pk")
    )
    found = list(users)
    known = {user.email.lower() for user in found if user.email}
    guests = sorted(emails - known)
    return [Recipient(user, user.email) for user in found] + [
        Recipient(None, address) for address in guests
    ]
