"""Work items of the registry (jipp/work.py): forums to run, invitations to answer."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.display import session_name, session_when
from forums.models import ForumSession, ForumStatus, Participant, Presentation
from jipp.models import Role, User
from jipp.work import WorkRow, work_item


def _upcoming() -> QuerySet[ForumSession]:
    """Scheduled sessions that have not started: invitations can still be answered."""
    return ForumSession.objects.filter(status=ForumStatus.SCHEDULED, starts_at__gt=timezone.now())


def _manage_row(session: ForumSession) -> WorkRow:
    return WorkRow(
        session.title, reverse("forums:manage", args=[session.pk]), session_when(session)
    )


@work_item(
    Role.FORUM_ADMIN,
    "forums_upcoming",
    label=_("Upcoming forum sessions"),
    url=lambda user: reverse("forums:schedule"),
    row=_manage_row,
    order=10,
)
def forums_upcoming(user: User) -> QuerySet[ForumSession]:
    return _upcoming().select_related("host_province").order_by("starts_at", "id")


@work_item(
    Role.FORUM_ADMIN,
    "draft_sessions",
    label=_("Draft forum sessions"),
    url=lambda user: reverse("forums:schedule"),
    row=_manage_row,
    order=20,
    shared=True,
)
def draft_sessions(user: User) -> QuerySet[ForumSession]:
    return (
        ForumSession.objects.filter(status=ForumStatus.DRAFT)
        .select_related("host_province")
        .order_by("created_at", "id")
    )


@work_item(
    Role.FORUM_ADMIN,
    "invitations_unanswered",
    label=_("Invitations not yet answered"),
    url=lambda user: reverse("forums:schedule"),
    row=lambda participant: WorkRow(
        str(participant),
        f"{reverse('forums:manage', args=[participant.session_id])}#participants",
        participant.session.title,
        participant.invited_at,
    ),
    order=30,
)
def invitations_unanswered(user: User) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(session__in=_upcoming(), answer="")
        .select_related("session", "institution", "user")
        .order_by("session__starts_at", "session_id", "id")
    )


def _invited(user: User) -> Q:
    """The participant rows that invite this user: by account, address or institution."""
    match = Q(user_id=user.pk)
    if user.email:
        match |= Q(email__iexact=user.email)
    if user.institution_id:
        match |= Q(institution_id=user.institution_id)
    return match


@work_item(
    Role.INNOVATOR,
    "forum_invitations",
    label=_("Forum invitations to answer"),
    url=lambda user: reverse("forums:schedule"),
    row=lambda session: WorkRow(session.title, session.get_absolute_url(), session_when(session)),
    order=30,
)
def forum_invitations(user: User) -> QuerySet[ForumSession]:
    """Upcoming sessions the user is invited to, while no invitation of theirs is answered."""
    mine = Participant.objects.filter(_invited(user), session=OuterRef("pk"))
    return (
        _upcoming()
        .filter(Exists(mine))
        .exclude(Exists(mine.exclude(answer="")))
        .select_related("host_province")
        .order_by("starts_at", "id")
    )


# Held this long ago at most: the presenters are asked for their slides while it matters.
MATERIALS_ASKED_FOR = timedelta(days=60)


@work_item(
    Role.INNOVATOR,
    "forum_materials",
    label=_("Forum presentations without slides or recording"),
    url=lambda user: reverse("forums:schedule"),
    row=lambda presentation: WorkRow(
        presentation.innovation.title,
        reverse("forums:materials", args=[presentation.session_id, presentation.pk]),
        session_name(presentation.session),
        presentation.session.ends_at,
    ),
    order=40,
)
def forum_materials(user: User) -> QuerySet[Presentation]:
    """The institution's presentations at sessions held lately that have no materials yet."""
    if not user.institution_id:
        return Presentation.objects.none()
    return (
        Presentation.objects.filter(
            innovation__innovator_id=user.institution_id,
            session__status=ForumStatus.HELD,
            session__ends_at__gte=timezone.now() - MATERIALS_ASKED_FOR,
            slides="",
            recording_url="",
        )
        .select_related("session", "session__host_province", "innovation")
        .order_by("session__ends_at", "id")
    )
