"""A session's programme and guests: presentations in order, invitations, attendance.

The programme and the guest list change only while a session is a draft or scheduled;
attendance only once it is held. Every change locks the session row first, so it is
checked against the session's status of that moment.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forums import notices
from forums.models import ForumSession, ForumStatus, Participant, Presentation
from forums.recipients import recipients
from forums.services import lock, refuse_if_closed, require_staff, status_label
from innovations.models import Innovation, InnovationStatus
from jipp.models import Institution, User
from jipp.services import record_event

# Presentations ----------------------------------------------------------------------


@transaction.atomic
def add_presentation(
    *, session: ForumSession, by: User, innovation: Innovation, presenter: str = ""
) -> Presentation:
    """An approved innovation, once per programme, after the ones already there."""
    require_staff(by)
    locked = lock(session)
    refuse_if_closed(locked)
    if innovation.status != InnovationStatus.APPROVED:
        raise ValidationError(
            {"innovation": [_("Only an approved innovation of the registry can be presented.")]}
        )
    if locked.presentations.filter(innovation=innovation).exists():
        raise ValidationError(
            {"innovation": [_("%(title)s is already on the programme.") % {"title": innovation}]}
        )
    last = locked.presentations.aggregate(last=Max("order"))["last"] or 0
    presentation = Presentation.objects.create(
        session=locked, innovation=innovation, presenter=presenter.strip()[:200], order=last + 1
    )
    record_event(actor=by, action="presentation_added", target=locked, note=innovation.title)
    return presentation


def _renumber(session: ForumSession, ordered: list[Presentation]) -> None:
    for number, presentation in enumerate(ordered, 1):
        if presentation.order != number:
            presentation.order = number
            presentation.save(update_fields=["order"])


@transaction.atomic
def move_presentation(*, presentation: Presentation, by: User, up: bool) -> None:
    """One place earlier or later; at either end nothing changes."""
    require_staff(by)
    locked = lock(presentation.session)
    refuse_if_closed(locked)
    ordered = list(locked.presentations.select_related("innovation"))
    index = next((i for i, p in enumerate(ordered) if p.pk == presentation.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(locked, ordered)
    record_event(
        actor=by, action="presentation_moved", target=locked, note=presentation.innovation.title
    )


@transaction.atomic
def remove_presentation(*, presentation: Presentation, by: User) -> None:
    require_staff(by)
    locked = lock(presentation.session)
    refuse_if_closed(locked)
    title = presentation.innovation.title
    Presentation.objects.filter(pk=presentation.pk).delete()
    _renumber(locked, list(locked.presentations.all()))
    record_event(actor=by, action="presentation_removed", target=locked, note=title)


# Invitations ------------------------------------------------------------------------


def _invite(locked: ForumSession, by: User, participant: Participant, who: str) -> Participant:
    """Save the participant; on a scheduled session its people are invited at once."""
    before = {recipient.key for recipient in recipients(locked)}
    scheduled = locked.status == ForumStatus.SCHEDULED
    participant.session = locked
    participant.invited_at = timezone.now() if scheduled else None
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as error:  # invited a moment ago by another admin
        raise ValidationError(_("%(who)s is already invited.") % {"who": who}) from error
    record_event(actor=by, action="forum_invited", target=locked, note=who)
    if scheduled:
        # Only the newcomers: everyone else has this session's invitation already.
        new = [r for r in recipients(locked) if r.key not in before]
        notices.tell_participants(locked, notices.INVITATION, only=new, again=participant.pk)
    return participant


@transaction.atomic
def invite_institution(*, session: ForumSession, by: User, institution: Institution) -> Participant:
    """All the institution's active users are told (now, or when the session is scheduled)."""
    require_staff(by)
    locked = lock(session)
    refuse_if_closed(locked)
    if locked.participants.filter(institution=institution).exists():
        raise ValidationError(
            {"institution": [_("%(who)s is already invited.") % {"who": institution.name}]}
        )
    return _invite(locked, by, Participant(institution=institution), institution.name)


@transaction.atomic
def invite_email(*, session: ForumSession, by: User, email: str) -> Participant:
    """One person by address; an address of an account invites that user (inbox and e-mail)."""
    require_staff(by)
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": [_("Enter an e-mail address.")]})
    locked = lock(session)
    refuse_if_closed(locked)
    if locked.participants.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("%(who)s is already invited.") % {"who": email}]})
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    return _invite(locked, by, Participant(email=email, user=user), email)


@transaction.atomic
def remove_participant(*, participant: Participant, by: User) -> int:
    """Take a guest off a draft or scheduled session; returns how many people were told.

    On a scheduled session the people who lose the invitation (not those still invited
    another way, e.g. through their institution) are told once, with a cancelling .ics.
    """
    require_staff(by)
    locked = lock(participant.session)
    refuse_if_closed(locked)
    before = recipients(locked)
    deleted, _rows = Participant.objects.filter(pk=participant.pk, session=locked).delete()
    if not deleted:  # removed a moment ago by another admin
        return 0
    record_event(actor=by, action="forum_uninvited", target=locked, note=str(participant))
    if locked.status != ForumStatus.SCHEDULED:
        return 0
    still = {recipient.key for recipient in recipients(locked)}
    gone = [recipient for recipient in before if recipient.key not in still]
    return notices.tell_removed(locked, gone, participant=participant.pk)


# Attendance -------------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, session: ForumSession, by: User, marks: dict[int, bool | None]) -> int:
    """Who attended a held session (True, False, or None for not known); returns changes."""
    require_staff(by)
    locked = lock(session)
    if locked.status != ForumStatus.HELD:
        raise ValidationError(
            _("Attendance is recorded once the session is held: this session is %(status)s.")
            % {"status": status_label(locked)}
        )
    changed = 0
    for participant in locked.participants.filter(pk__in=list(marks)):
        mark = marks[participant.pk]
        if participant.attended != mark:
            participant.attended = mark
            participant.save(update_fields=["attended"])
            changed += 1
    if changed:
        record_event(
            actor=by,
            action="forum_attendance",
            target=locked,
            note=ngettext(
                "%(count)s participant updated", "%(count)s participants updated", changed
            )
            % {"count": changed},
        )
    return changed
