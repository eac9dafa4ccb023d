"""The forums part of the demo story: the eight FRIPPs of 2020 and one coming up.

All eight 2020 forums were held, one per pilot hub province, mostly online; the 6th, for
Kalimantan Selatan on 27 October 2020, heard the four innovations of DOMAIN.md. The
Kalimantan Selatan and Jawa Tengah plans of the replication demo are those forums'
outcomes. Beside them one session is scheduled a few weeks from today, with invitations
sent through the services, so a demo login finds one in its inbox, and inovator.diy has
answered it for the presenting institution (attending).

Only the Kalsel (27 October) and Jawa Tengah (4 November) dates are known; the others
are plausible days in the order the news item gives. Idempotent: a session found by its
natural key (number and year, or title) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from forums import answers, programme, services
from forums.models import ForumLevel, ForumMode, ForumSession, ForumStatus, ParticipantAnswer
from innovations.models import Innovation
from jipp.models import Institution, Province, User
from replication.models import ReplicationPlan


@dataclass(frozen=True)
class DemoForum:
    number: int
    province: str  # Kemendagri code
    day: date
    presentations: tuple[str, ...] = ()  # innovation slugs, in order
    outcomes: tuple[str, ...] = ()  # innovations the host announced (plans of the replication demo)


SIX_PRESENTED = (
    "omspan",
    "menggapai-mimpi-sahabat-rimba",
    "si-terpa-daya-jiwa",
    "mencerdaskan-si-miskin-menjadi-generasi-emas",
)

FORUMS_2020 = [
    DemoForum(1, "19", date(2020, 8, 25)),  # Kepulauan Bangka Belitung
    DemoForum(2, "73", date(2020, 9, 8)),  # Sulawesi Selatan
    DemoForum(3, "35", date(2020, 9, 22)),  # Jawa Timur
    DemoForum(4, "13", date(2020, 10, 6)),  # Sumatera Barat
    DemoForum(5, "75", date(2020, 10, 15)),  # Gorontalo
    DemoForum(
        6,
        "63",  # Kalimantan Selatan
        date(2020, 10, 27),
        presentations=SIX_PRESENTED,
        outcomes=("menggapai-mimpi-sahabat-rimba", "mencerdaskan-si-miskin-menjadi-generasi-emas"),
    ),
    DemoForum(7, "16", date(2020, 11, 2)),  # Sumatera Selatan
    DemoForum(8, "33", date(2020, 11, 4), outcomes=("menggapai-mimpi-sahabat-rimba",)),  # Jateng
]

UPCOMING_TITLE = "Forum Replikasi Inovasi Pelayanan Publik Provinsi Bali"
UPCOMING_HOST = "51"  # Bali, a hub since KepmenPANRB 359/2021
UPCOMING_PRESENTATIONS = ("menggapai-mimpi-sahabat-rimba", "si-terpa-daya-jiwa")
UPCOMING_GUESTS = (
    "Balai Kesatuan Pengelolaan Hutan Yogyakarta",  # inovator.diy presents Sahabat Rimba
    "Rumah Sakit Jiwa Daerah Provinsi Jawa Tengah",
    "Pemerintah Provinsi Bali",
)
# inovator.diy has answered for the presenting institution: the management page shows it.
UPCOMING_ANSWERS = (("inovator.diy", ParticipantAnswer.ATTENDING),)


def _local(day: date, hour: int, province: Province) -> datetime:
    return datetime.combine(day, time(hour), province.tzinfo)


def _session_data(province: Province, starts: datetime, title: str, number: int | None) -> dict:
    return {
        "title": title,
        "number": number,
        "level": ForumLevel.REGIONAL,
        "host_province": province,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "mode": ForumMode.ONLINE,
        "venue": "",
        "meeting_url": "",
        "agenda": (
            "Pembukaan oleh KemenPANRB; paparan inovasi oleh para inovator; diskusi "
            "bersama perangkat daerah; penentuan inovasi yang akan direplikasi."
        ),
    }


def _innovations(slugs: tuple[str, ...]) -> list[Innovation]:
    found = {item.slug: item for item in Innovation.objects.public().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


def _seed_2020(item: DemoForum, admin: User) -> str | None:
    province = Province.objects.get(code=item.province)
    if ForumSession.objects.filter(
        number=item.number, host_province=province, starts_at__year=2020
    ).exists():
        return None
    title = f"Forum Replikasi Inovasi Pelayanan Publik Provinsi {province.name}"
    data = _session_data(province, _local(item.day, 9, province), title, item.number)
    session = services.create_session(by=admin, data=data)
    for innovation in _innovations(item.presentations):
        programme.add_presentation(
            session=session, by=admin, innovation=innovation, presenter=innovation.innovator.name
        )
    services.schedule_session(session=session, by=admin)
    services.mark_held(session=session, by=admin)
    # The replication demo filed these plans already: they become this forum's outcomes.
    for innovation in _innovations(item.outcomes):
        ReplicationPlan.objects.filter(
            innovation=innovation, province=province, forum__isnull=True
        ).update(forum=session)
    return f"FRIPP ke-{item.number} · {province.name}"


def _seed_upcoming(admin: User) -> str | None:
    province = Province.objects.get(code=UPCOMING_HOST)
    if ForumSession.objects.filter(
        title=UPCOMING_TITLE, host_province=province, status=ForumStatus.SCHEDULED
    ).exists():
        return None
    day = province.local_now().date() + timedelta(days=21)
    data = _session_data(province, _local(day, 9, province), UPCOMING_TITLE, None)
    data["meeting_url"] = "https://meet.example.org/fripp-bali"
    session = services.create_session(by=admin, data=data)
    for innovation in _innovations(UPCOMING_PRESENTATIONS):
        programme.add_presentation(
            session=session, by=admin, innovation=innovation, presenter=innovation.innovator.name
        )
    for name in UPCOMING_GUESTS:
        guest = Institution.objects.filter(name=name).first()
        if guest is not None:
            programme.invite_institution(session=session, by=admin, institution=guest)
    services.schedule_session(session=session, by=admin)
    return UPCOMING_TITLE


def _answer_upcoming() -> None:
    """Invitees who answered; an answer already there (or given since) is left alone."""
    session = ForumSession.objects.filter(
        title=UPCOMING_TITLE, host_province__code=UPCOMING_HOST, status=ForumStatus.SCHEDULED
    ).first()
    if session is None:
        return
    for username, answer in UPCOMING_ANSWERS:
        user = User.objects.filter(username=username, is_active=True).first()
        participant = answers.participant_of(session, user) if user else None
        if participant is None or participant.answer:
            continue
        try:
            answers.answer_invitation(participant=participant, answer=answer, by=user)
        except ValidationError:  # an old demo database whose session has started
            continue


@transaction.atomic
def seed() -> list[str]:
    admin = User.objects.filter(username="forum.admin").first()
    if admin is None:
        return []
    created = [_seed_2020(item, admin) for item in FORUMS_2020]
    created.append(_seed_upcoming(admin))
    _answer_upcoming()
    return [name for name in created if name]
