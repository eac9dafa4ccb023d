"""A draft forum session from declared interest: the demand view's selection, filled in.

The selected innovations become the programme; the interested provinces' Bappeda (the
institutions of their active Bappeda officers), the prospective adopting offices they
named and the presenting innovators become the guests. One province: a regional session
hosted by it; several: a national one. The draft then follows the forums' own flow: the
forum admin sets the time and schedules it, and only then do the invitations go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums import programme, services
from forums.models import DEFAULT_ZONE, ForumLevel, ForumMode, ForumSession
from innovations.models import Innovation
from jipp.models import Institution, Province, Role, User
from jipp.services import record_event
from replication.interest import Interest, InterestStatus

MOST_PRESENTATIONS = 10
LEAD_DAYS = 28  # a forum is prepared about four weeks ahead
LOOK_AHEAD_DAYS = 90  # how far a free day for the host is looked for
STARTS, HOURS = time(9), 3


@dataclass
class DraftedForum:
    """What was filled in, for the message that leads the forum admin on."""

    session: ForumSession
    innovations: list[Innovation]
    provinces: list[Province]
    invited: list[str] = field(default_factory=list)
    without_officer: list[str] = field(default_factory=list)


def selected_interests(pairs: list[tuple[int, int]]) -> list[Interest]:
    """The open interests named by (innovation id, province id) pairs; unknown ones dropped."""
    if not pairs:
        return []
    wanted = set(pairs)
    innovations = {innovation for innovation, _province in wanted}
    provinces = {province for _innovation, province in wanted}
    found = (
        Interest.objects.filter(
            status=InterestStatus.OPEN,
            innovation_id__in=innovations,
            province_id__in=provinces,
            innovation__status="approved",
        )
        .select_related("innovation", "innovation__innovator", "province", "institution")
        .order_by("innovation__title", "province__name", "pk")
    )
    return [row for row in found if (row.innovation_id, row.province_id) in wanted]


def bappeda_of(province: Province) -> tuple[list[Institution], list[User]]:
    """The province's Bappeda: its active officers' institutions, and officers without one;
    without any officer, the province's institution named "Bappeda ...", if there is one."""
    officers = list(
        User.objects.in_role(Role.BAPPEDA)
        .filter(province=province)
        .select_related("institution")
        .order_by("pk")
    )
    institutions: dict[int, Institution] = {}
    alone = []
    for officer in officers:
        if officer.institution is not None:
            institutions.setdefault(officer.institution.pk, officer.institution)
        elif officer.email:
            alone.append(officer)
    if not institutions and not alone:
        # No officer has an account yet: the province's Bappeda office, found by its name.
        office = (
            Institution.objects.filter(province=province, name__istartswith="Bappeda")
            .order_by("pk")
            .first()
        )
        if office is not None:
            institutions[office.pk] = office
    return list(institutions.values()), alone


def free_start(host: Province | None, *, now: datetime | None = None) -> datetime:
    """A placeholder time: 09:00 on the first weekday, four weeks on, that the host has free."""
    zone = host.tzinfo if host else ZoneInfo(DEFAULT_ZONE)
    day = (now or timezone.now()).astimezone(zone).date() + timedelta(days=LEAD_DAYS)
    for _step in range(LOOK_AHEAD_DAYS):
        if day.weekday() < 5:
            starts = datetime.combine(day, STARTS, zone)
            if services.overlapping(host, starts, starts + timedelta(hours=HOURS)) is None:
                return starts
        day += timedelta(days=1)
    raise ValidationError(
        _("%(province)s has no free weekday in the next three months: free one first.")
        % {"province": host.name if host else ""}
    )


def _title_and_agenda(
    host: Province | None, innovations: list[Innovation], provinces: list[Province]
) -> tuple[str, str]:
    # Stored text of the session, like the forums of the demo: in Indonesian.
    with translation.override("id"):
        if host is not None:
            title = _("Public Service Innovation Replication Forum, %(province)s") % {
                "province": host.name
            }
        else:
            title = _("National Public Service Innovation Replication Forum")
        agenda = _(
            "Proposed from the interest declared by %(provinces)s. Presentations: "
            "%(innovations)s. Discussion with the regional offices; choice of the "
            "innovations to replicate."
        ) % {
            "provinces": ", ".join(province.name for province in provinces),
            "innovations": "; ".join(innovation.title for innovation in innovations),
        }
    return title[:200], agenda


@transaction.atomic
def draft_forum_from_interest(*, by: User, interests: list[Interest]) -> DraftedForum:
    """A draft session with its programme and guests filled in from the selected interest."""
    services.require_staff(by)
    if not interests:
        raise ValidationError(
            _("Choose at least one interested province of an innovation to draft a forum.")
        )
    innovations = list({row.innovation_id: row.innovation for row in interests}.values())
    provinces = sorted(
        {row.province_id: row.province for row in interests}.values(), key=lambda p: p.name
    )
    if len(innovations) > MOST_PRESENTATIONS:
        raise ValidationError(
            _(
                "A forum hears %(most)s presentations at most: you chose %(count)s "
                "innovations. Choose fewer."
            )
            % {"most": MOST_PRESENTATIONS, "count": len(innovations)}
        )
    host = provinces[0] if len(provinces) == 1 else None
    title, agenda = _title_and_agenda(host, innovations, provinces)
    starts = free_start(host)
    session = services.create_session(
        by=by,
        data={
            "title": title,
            "level": ForumLevel.REGIONAL if host else ForumLevel.NATIONAL,
            "host_province": host,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=HOURS),
            "mode": ForumMode.ONLINE,
            "agenda": agenda,
        },
    )
    drafted = DraftedForum(session, innovations, provinces)
    for innovation in innovations:
        programme.add_presentation(
            session=session, by=by, innovation=innovation, presenter=innovation.innovator.name
        )
    guests: dict[int, Institution] = {}
    for province in provinces:
        offices, alone = bappeda_of(province)
        if not offices and not alone:
            drafted.without_officer.append(province.name)
        for office in offices:
            guests.setdefault(office.pk, office)
        for officer in alone:
            programme.invite_email(session=session, by=by, email=officer.email)
            # An officer without an institution, invited by address (not shown: a person's).
            drafted.invited.append(
                _("a Bappeda officer of %(province)s") % {"province": province.name}
            )
    for row in interests:  # the offices the provinces named as prospective adopters
        if row.institution is not None:
            guests.setdefault(row.institution.pk, row.institution)
    for innovation in innovations:  # the presenters
        guests.setdefault(innovation.innovator.pk, innovation.innovator)
    for guest in guests.values():
        programme.invite_institution(session=session, by=by, institution=guest)
        drafted.invited.append(guest.name)
    record_event(
        actor=by,
        action="forum_from_interest",
        target=session,
        note=", ".join(f"{row.innovation.title} · {row.province.name}" for row in interests)[:2000],
    )
    return drafted
