"""Invitees answer a session's invitation: attending, not attending, or not sure yet.

Users answer on the session page, for their own invitation or their institution's (work
belongs to institutions, so any of its users answers for it). E-mail-only guests answer
through a signed link in their e-mail that works without signing in: it names the
participant, expires, and is useless once the guest is removed. Answers are taken while
the session is scheduled and has not started; a change of its time clears them
(forums.services.update_session), and the update notice asks again. The signed links
live in forums.links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.models import ForumSession, ForumStatus, Participant, ParticipantAnswer
from forums.services import lock
from jipp.models import User
from jipp.services import record_event


def participant_of(session: ForumSession, user: Any) -> Participant | None:
    """The invitation a signed-in user answers: their own first, else their institution's."""
    if not user.is_authenticated or not user.is_active:
        return None
    own = Q(user_id=user.pk)
    if user.email:
        own |= Q(email__iexact=user.email)
    found = session.participants.filter(own).order_by("pk").first()
    if found is None and user.institution_id:
        found = session.participants.filter(institution_id=user.institution_id).first()
    return found


def answers_open(session: ForumSession) -> bool:
    return session.status == ForumStatus.SCHEDULED and session.starts_at > timezone.now()


def counts(participants: Iterable[Participant]) -> dict[str, int]:
    """How many answered each way, and how many have not answered ("none")."""
    tally = Counter(participant.answer or "none" for participant in participants)
    return {choice: tally.get(choice, 0) for choice in [*ParticipantAnswer.values, "none"]}


@transaction.atomic
def answer_invitation(*, participant: Participant, answer: str, by: User | None) -> Participant:
    """Record the invitee's answer; `by` is None when it came through an e-mailed link."""
    if answer not in ParticipantAnswer.values:
        raise ValidationError(
            {"answer": [_("Choose one of the answers: attending, not attending or not sure yet.")]}
        )
    locked = lock(participant.session)
    current = Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if current is None or current.session_id != locked.pk:
        raise ValidationError(_("This invitation was withdrawn: there is nothing to answer."))
    if locked.status != ForumStatus.SCHEDULED:
        raise ValidationError(
            _("This session is %(status)s: answers are no longer taken.")
            % {"status": str(ForumStatus(locked.status).label).lower()}
        )
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("This session has started: answers are no longer taken."))
    if current.answer == answer:
        return current
    previous = current.answer
    current.answer = answer
    current.answered_at = timezone.now()
    current.answered_by = by
    current.save(update_fields=["answer", "answered_at", "answered_by"])
    record_event(
        actor=by,
        action="forum_answered",
        target=locked,
        from_status=previous,
        to_status=answer,
        note=f"participant {current.pk}",
    )
    return current
