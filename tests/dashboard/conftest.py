"""A small world with known figures, written straight to the tables with past timestamps.

Today is 15 August 2026 (10:00 WIB). The figures every test expects are worked out by
hand in the docstring of `world`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from forums.models import ForumSession
from innovations.models import Innovation
from jipp.models import AuditEvent, Notification, Province, User
from replication.dashboard import figures
from replication.models import STAGE_ORDER, Indicator, ReplicationPlan, Stage

NOW = datetime(2026, 8, 15, 3, 0, tzinfo=UTC)
WIB = Province(timezone="Asia/Jakarta").tzinfo
WITA = Province(timezone="Asia/Makassar").tzinfo


def at(year: int, month: int, day: int, zone: Any = WIB, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=zone)


def fresh_figures() -> None:
    """The cache is emptied before every test (tests/conftest.py); the provinces' reference
    data is kept per process: read it again."""
    figures._provinces.clear()


@pytest.fixture(autouse=True)
def _fresh_figures() -> None:
    fresh_figures()


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def event(actor: User | None, action: str, target: Any, when: datetime) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        created_at=when,
    )


def make_plan(
    innovation: Innovation,
    code: str,
    status: str,
    *,
    by: User,
    dues: list[date],
    verified: dict[int, datetime] | None = None,
    approved_at: datetime | None = None,
    completed_at: datetime | None = None,
    reviewer: User | None = None,
) -> ReplicationPlan:
    """A plan with its seven stages: those in `verified` (by order) verified then."""
    verified = verified or {}
    open_orders = [n for n in range(1, 8) if n not in verified]
    plan = ReplicationPlan.objects.create(
        innovation=innovation,
        province=Province.objects.get(code=code),
        start_date=date(2025, 10, 1),
        target_end_date=date(2027, 6, 1),
        budget_source="apbd",
        status=status,
        current_stage=STAGE_ORDER[open_orders[0] - 1] if open_orders else "",
        filed_by=by,
        approved_at=approved_at,
        approved_by=reviewer if approved_at else None,
        completed_at=completed_at,
        created_at=at(2025, 9, 1),
    )
    for order, kind in enumerate(STAGE_ORDER, start=1):
        when = verified.get(order)
        stage = Stage.objects.create(
            plan=plan,
            kind=kind,
            order=order,
            due_date=dues[order - 1],
            status="verified" if when else "pending",
            verified_at=when,
            completed_at=when,
        )
        if when:
            event(reviewer, "stage_verified", stage, when)
    if approved_at:
        event(reviewer, "plan_approved", plan, approved_at)
    if completed_at:
        event(reviewer, "plan_completed", plan, completed_at)
    return plan


def dues(*first: date) -> list[date]:
    """Seven due dates: the given ones, then every two months from 1 October 2026."""
    later = [date(2026, 10, 1), date(2026, 12, 1), date(2027, 2, 1), date(2027, 4, 1)]
    later += [date(2027, 5, 1), date(2027, 5, 15), date(2027, 5, 30)]
    return [*first, *later][:7]


@dataclass
class World:
    kalsel: ReplicationPlan  # approved, at trial, trial overdue
    kalsel_completed: ReplicationPlan
    kalsel_draft: ReplicationPlan
    kalsel_cancelled: ReplicationPlan
    jateng: ReplicationPlan  # approved, two stages overdue, one slip
    jateng_submitted: ReplicationPlan
    jateng_returned: ReplicationPlan
    sahabat_rimba: Innovation
    generasi_emas: Innovation


@pytest.fixture
def world(
    ministry, bappeda_kalsel, bappeda_jateng, innovator_diy, make_innovation, make_institution
) -> World:
    """Hand-computed figures (today 15 August 2026):

    innovations approved: 4 nationally (Sahabat Rimba DIY, Generasi Emas Bali, Terpa
    Jateng, Bekantan Kalsel), 1 from Kalimantan Selatan; a draft of Kalsel not counted.

    plans: Kalsel approved (P1), completed (P2), draft (P3), cancelled (P4);
    Jateng approved (P5), submitted (P6), returned (P7).
    national by status: draft 1, submitted 1, returned 1, approved 2, completed 1,
    cancelled 1; Kalsel: draft 1, approved 1, completed 1, cancelled 1.
    overdue now: P1 trial (due 1 Aug), P5 identification and learning (10, 12 Aug): 3
    nationally, Kalsel 1, Jateng 2 (worst first). The draft's and the cancelled plan's
    past due dates do not count.

    in 2026: plans approved P4 (15 Jan), P1 (10 Feb), P5 (5 Jul) = 3 (Kalsel 2); stages
    verified P1 x3 + P2 x6 = 9 (all Kalsel); due dates moved: P5 once (20 Jul) = 1
    (Kalsel's move of 15 Dec 2025 is outside); forums held: Kalsel 10 Mar, Jateng 20 Jul = 2
    (Kalsel 1). Q2 2026: 0 approved, 4 verified (P1 20 Apr; P2 10 Apr, 10 May, 30 Jun).
    state now: approved by then P1, P2, P5 = 3 (P4 cancelled), completed 1, active 2,
    stages verified 10. At the end of Q1 2026: approved P1, P2, P4 = 3 (P4 cancelled
    later), completed 0, active 3, stages verified 5 (P1 1 Mar; P2 1 Dec, 10 Jan,
    10 Feb, 10 Mar).

    public: Sahabat Rimba 2 approved + 1 completed in 2 provinces; Generasi Emas none.
    Kalsel 1 + 1, Jateng 1 + 0. Notifications, last 7 days: sent 3 (Kalsel 2), pending
    1, failed 1 (both Kalsel).
    """
    diy = innovator_diy.institution
    bali = make_institution("Dinas Pendidikan Provinsi Bali", "51")
    jateng_gov = make_institution("Dinas Kesehatan Provinsi Jawa Tengah", "33")
    kalsel_gov = make_institution("Dinas Lingkungan Hidup Provinsi Kalimantan Selatan", "63")
    sahabat = make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=diy)
    emas = make_innovation("Mencerdaskan Si Miskin Menjadi Generasi Emas", innovator=bali)
    make_innovation("Si Terpa Daya Jiwa", innovator=jateng_gov)
    make_innovation("Bekantan Bersih", innovator=kalsel_gov)
    make_innovation("Draf Kalsel", innovator=kalsel_gov, status="draft")

    kalsel, jateng, reviewer = bappeda_kalsel, bappeda_jateng, ministry
    p1 = make_plan(
        sahabat, "63", "approved", by=kalsel, reviewer=reviewer,
        dues=dues(date(2026, 3, 1), date(2026, 5, 1), date(2026, 7, 1), date(2026, 8, 1)),
        verified={1: at(2026, 3, 1, WITA), 2: at(2026, 4, 20, WITA), 3: at(2026, 7, 10, WITA)},
        approved_at=at(2026, 2, 10),
    )  # fmt: skip
    p2 = make_plan(
        sahabat, "63", "completed", by=kalsel, reviewer=reviewer,
        dues=[date(2025, 12, 1 + n) for n in range(7)],
        verified={
            1: at(2025, 12, 1), 2: at(2026, 1, 10), 3: at(2026, 2, 10), 4: at(2026, 3, 10),
            5: at(2026, 4, 10), 6: at(2026, 5, 10), 7: at(2026, 6, 30, WITA),
        },
        approved_at=at(2025, 11, 1), completed_at=at(2026, 6, 30, WITA),
    )  # fmt: skip
    slip_stage = p2.stages.get(order=3)
    event(reviewer, "due_date_accepted", slip_stage, at(2025, 12, 15))
    p3 = make_plan(emas, "63", "draft", by=kalsel, dues=dues(date(2026, 1, 1)))
    p4 = make_plan(
        emas, "63", "cancelled", by=kalsel, reviewer=reviewer,
        dues=dues(date(2026, 2, 1), date(2026, 3, 1)), approved_at=at(2026, 1, 15),
    )  # fmt: skip
    event(kalsel, "plan_cancelled", p4, at(2026, 5, 5))
    p5 = make_plan(
        sahabat, "33", "approved", by=jateng, reviewer=reviewer,
        dues=dues(date(2026, 8, 10), date(2026, 8, 12)), approved_at=at(2026, 7, 5),
    )  # fmt: skip
    event(reviewer, "due_date_accepted", p5.stages.get(order=1), at(2026, 7, 20))
    p6 = make_plan(sahabat, "33", "submitted", by=jateng, dues=dues(date(2026, 1, 1)))
    p7 = make_plan(emas, "33", "returned", by=jateng, dues=dues(date(2026, 1, 1)))

    forum = {"ends_at": NOW, "title": "FRIPP"}
    for status, code, when in (
        ("held", "63", at(2026, 3, 10, WITA)),
        ("held", "33", at(2026, 7, 20)),
        ("scheduled", "63", at(2026, 9, 10, WITA)),
        ("cancelled", "63", at(2026, 5, 1, WITA)),
        ("held", None, at(2025, 11, 1)),
    ):
        ForumSession.objects.create(
            **{**forum, "ends_at": when + timedelta(hours=3)},
            status=status,
            starts_at=when,
            host_province=Province.objects.get(code=code) if code else None,
        )

    def note(user: User, status: str, days_ago: int, n: int) -> None:
        Notification.objects.create(
            user=user, email=user.email, kind="test", subject="s", body="b", channel="email",
            status=status, dedupe_key=f"{user.pk}-{status}-{days_ago}-{n}",
            created_at=NOW - timedelta(days=days_ago),
        )  # fmt: skip

    note(kalsel, "sent", 2, 1)
    note(kalsel, "sent", 2, 2)
    note(kalsel, "failed", 3, 1)
    note(kalsel, "pending", 1, 1)
    note(kalsel, "sent", 10, 1)  # older than a week
    note(reviewer, "sent", 1, 1)
    Notification.objects.create(
        user=reviewer, kind="test", subject="s", body="b", channel="inbox", status="held",
        dedupe_key="inbox-only", created_at=NOW,
    )  # fmt: skip
    return World(p1, p2, p3, p4, p5, p6, p7, sahabat, emas)


# -- results: indicators reached and missed -------------------------------------------------


def indicator(
    plan: ReplicationPlan,
    order: int,
    direction: str,
    baseline: str,
    target: str,
    achieved: str | None,
    sdg: str = "",
) -> Indicator:
    return Indicator.objects.create(
        plan=plan,
        order=order,
        name=f"Indikator {order} rencana {plan.pk}",
        unit="%",
        direction=direction,
        baseline=Decimal(baseline),
        baseline_date=date(2025, 6, 1),
        target=Decimal(target),
        achieved=None if achieved is None else Decimal(achieved),
        measured_on=None if achieved is None else date(2026, 1, 5),
        sdg_target=sdg,
        source="Laporan dinas",
    )


def evaluated(
    innovation: Innovation,
    code: str,
    status: str,
    evaluation_verified: datetime | None,
    *,
    by: User,
    reviewer: User,
    completed_at: datetime | None = None,
) -> ReplicationPlan:
    """A plan whose first five stages were verified, then (if given) its evaluation, and,
    when completed, its institutionalisation on the day it was completed."""
    verified = {order: at(2025, 10, order) for order in range(1, 6)}
    if evaluation_verified:
        verified[6] = evaluation_verified
    if completed_at:
        verified[7] = completed_at
    return make_plan(
        innovation, code, status, by=by, reviewer=reviewer, dues=dues(),
        verified=verified, approved_at=at(2025, 9, 20), completed_at=completed_at,
    )  # fmt: skip


@dataclass
class ResultsWorld:
    generasi_kalsel: ReplicationPlan  # A: completed in Q2, evaluation verified 10 May 2026
    rimba_jateng: ReplicationPlan  # B: completed in Q1, evaluation verified 20 Feb 2026
    rimba_kalsel: ReplicationPlan  # C: approved, evaluation verified 1 Aug 2026
    old_kalsel: ReplicationPlan  # D: completed in 2025
    waiting_jateng: ReplicationPlan  # E: evaluation done, not verified
    cancelled_kalsel: ReplicationPlan  # F: evaluation verified, then cancelled
    edge_kalsel: ReplicationPlan  # G: evaluation verified 1 April 00:30 WITA (31 March WIB)


@pytest.fixture
def results_world(
    ministry, bappeda_kalsel, bappeda_jateng, innovator_diy, make_innovation, make_institution
) -> ResultsWorld:
    """Hand-computed results (today 15 August 2026). R = reached, M = missed.

    Generasi Emas (pendidikan), Sahabat Rimba (lingkungan-hidup-kehutanan).
    A Kalsel, Generasi Emas, completed 30 Jun 2026 WITA, evaluation verified 10 May 2026:
      a1 decrease 12 -> 8, achieved 7.5 R (SDG 4.1); a2 increase 70 -> 85, 82 M (16.6);
      a3 increase 0 -> 100, 100 R (no SDG target).
    B Jateng, Sahabat Rimba, completed 15 Mar 2026, evaluation verified 20 Feb 2026:
      b1 decrease 30 -> 20, 25 M (15.1); b2 increase 50 -> 60, 75 R (15.2).
    C Kalsel, Sahabat Rimba, approved, evaluation verified 1 Aug 2026 WITA:
      c1 decrease 10 -> 5, 5 R (13.1).
    D Kalsel, Generasi Emas, completed 20 Dec 2025, evaluation verified 10 Nov 2025:
      d1 increase R (4.1) -- before 2026, public all-time only.
    E Jateng, Generasi Emas, approved, evaluation done, not verified: e1 R (4.2) -- never.
    F Kalsel, Generasi Emas, cancelled after its evaluation was verified (3 Mar 2026):
      f1 R (4.1) -- never (not a public plan).
    G Kalsel, Generasi Emas, approved, evaluation verified 1 Apr 2026 00:30 WITA
      (31 Mar 23:30 WIB): g1 increase 10 -> 20, 15 M (no SDG target).

    2026 national: completed 2 (A, B); verified 7 (A3 B2 C1 G1), reached 4 -> 57 %.
      sectors: pendidikan 4/2 (A, G), lingkungan 3/2 (B, C).
      goals: 4 1/1, 13 1/1, 15 2/1, 16 1/0, without 2/1.
    2026 Kalsel (WITA): completed 1 (A); verified 5 (A, C, G), reached 3 -> 60 %.
    2026 Jateng: completed 1 (B); verified 2, reached 1.
    Q2 national (WIB): completed 1 (A); verified 3, reached 2 -> 67 %.
    Q2 Kalsel (WITA): completed 1; verified 4 (A, G), reached 2 -> 50 %.
    Q1 national: completed 1 (B); verified 3 (B, G), reached 1.
    Public, all time: verified 8 (A3 B2 C1 D1 G1), reached 5 -> 63 %.
    """
    rimba = make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
    )
    bali = make_institution("Dinas Pendidikan Provinsi Bali", "51")
    emas = make_innovation(
        "Mencerdaskan Si Miskin Menjadi Generasi Emas", innovator=bali, category="pendidikan"
    )
    people = {"reviewer": ministry}
    a = evaluated(
        emas, "63", "completed", at(2026, 5, 10, WITA), by=bappeda_kalsel, **people,
        completed_at=at(2026, 6, 30, WITA),
    )  # fmt: skip
    indicator(a, 1, "decrease", "12", "8", "7.5", "4.1")
    indicator(a, 2, "increase", "70", "85", "82", "16.6")
    indicator(a, 3, "increase", "0", "100", "100")
    b = evaluated(
        rimba, "33", "completed", at(2026, 2, 20), by=bappeda_jateng, **people,
        completed_at=at(2026, 3, 15),
    )  # fmt: skip
    indicator(b, 1, "decrease", "30", "20", "25", "15.1")
    indicator(b, 2, "increase", "50", "60", "75", "15.2")
    c = evaluated(rimba, "63", "approved", at(2026, 8, 1, WITA), by=bappeda_kalsel, **people)
    indicator(c, 1, "decrease", "10", "5", "5", "13.1")
    d = evaluated(
        emas, "63", "completed", at(2025, 11, 10), by=bappeda_kalsel, **people,
        completed_at=at(2025, 12, 20),
    )  # fmt: skip
    indicator(d, 1, "increase", "10", "20", "30", "4.1")
    e = evaluated(emas, "33", "approved", None, by=bappeda_jateng, **people)
    Stage.objects.filter(plan=e, kind="evaluation").update(
        status="done", completed_at=at(2026, 8, 1)
    )
    indicator(e, 1, "increase", "10", "20", "30", "4.2")
    f = evaluated(emas, "63", "cancelled", at(2026, 3, 3), by=bappeda_kalsel, **people)
    indicator(f, 1, "increase", "10", "20", "30", "4.1")
    edge = datetime(2026, 4, 1, 0, 30, tzinfo=WITA)
    g = evaluated(emas, "63", "approved", edge, by=bappeda_kalsel, **people)
    indicator(g, 1, "increase", "10", "20", "15")
    return ResultsWorld(a, b, c, d, e, f, g)
