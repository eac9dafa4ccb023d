"""Synthetic replication plans for scale tests (`manage.py generate_data --plans N`).

About seven in ten plans are approved or completed, the rest drafts, submitted, returned
or cancelled; spread over the catalogue's approved innovations and the 38 provinces, with
adopting offices (OPD) made per province and two Bappeda officers per province plus five
ministry reviewers (usernames "gen-..."). Each plan's history lies in the last two years
and its stages' due dates run up to a year ahead: stages verified, done, in progress or
late, some due dates moved later (slips), all in the audit trail with past timestamps
(plan_created, plan_submitted, plan_returned, plan_approved, stage_started,
stage_completed, stage_verified, due_date_accepted, plan_completed, plan_cancelled), as
the services would have written it. Approved plans' open stages get their reminders: the
moments already past as fired (the system has been running), the others scheduled. Each
plan measures one to five indicators (replication.synthetic_results); those past their
evaluation have achieved values, those past their institutionalisation a legal basis and
lessons.

Rows go in by COPY, a batch per transaction. Every run adds plans; seeded, so the same
database and seed give the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from innovations.models import Innovation
from innovations.synthetic import copy_rows
from jipp.models import AuditEvent, Institution, InstitutionKind, Province, Role, User
from replication import reminders, schedule, synthetic_results
from replication.models import (
    OPEN_STATUSES,
    STAGE_ORDER,
    Indicator,
    PlanStatus,
    Reminder,
    ReminderStatus,
    ReplicationPlan,
    Stage,
    StageStatus,
)

PREFIX = "gen-"
STATUS_WEIGHTS = {
    PlanStatus.APPROVED: 58,
    PlanStatus.COMPLETED: 14,
    PlanStatus.DRAFT: 8,
    PlanStatus.SUBMITTED: 8,
    PlanStatus.RETURNED: 4,
    PlanStatus.CANCELLED: 8,
}
ADOPTER_UNITS = [
    "Dinas Kesehatan",
    "Dinas Pendidikan dan Kebudayaan",
    "Dinas Sosial",
    "Dinas Lingkungan Hidup dan Kehutanan",
    "Badan Pengelolaan Keuangan dan Aset Daerah",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Penanaman Modal dan PTSP",
    "Dinas Pertanian",
    "Dinas Komunikasi dan Informatika",
    "Dinas Perhubungan",
    "Dinas Pariwisata",
    "Rumah Sakit Umum Daerah",
]
OFFICERS_PER_PROVINCE, REVIEWERS = 2, 5
HISTORY_DAYS, AHEAD_DAYS = 730, 365
BUDGET = ["apbd", "apbd", "apbd", "apbn", "dak", "other", "none"]
CopyRow = tuple[Any, ...]


def _allocate(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _adopters(provinces: list[Province]) -> dict[int, list[int]]:
    """Province id -> ids of its adopting offices, made once and reused by later runs."""
    wanted = [
        Institution(
            name=f"{unit} Provinsi {province.name}",
            slug=f"{PREFIX}adopter-{province.code}-{number}",
            kind=InstitutionKind.PROVINCE_GOV,
            province=province,
        )
        for province in provinces
        for number, unit in enumerate(ADOPTER_UNITS, 1)
    ]
    Institution.objects.bulk_create(wanted, ignore_conflicts=True)
    found: dict[int, list[int]] = {province.pk: [] for province in provinces}
    rows = Institution.objects.filter(slug__startswith=f"{PREFIX}adopter-").values_list(
        "province_id", "pk"
    )
    for province_id, pk in rows:
        found[province_id].append(pk)
    return found


def _people(provinces: list[Province]) -> tuple[dict[int, list[int]], list[int]]:
    """Two Bappeda officers per province and five reviewers, made once; their ids."""
    officers: dict[int, list[int]] = {}
    bappeda = Group.objects.get(name=Role.BAPPEDA)
    for province in provinces:
        ids = []
        for number in range(1, OFFICERS_PER_PROVINCE + 1):
            name = f"{PREFIX}bappeda-{province.code}-{number}"
            user, made = User.objects.get_or_create(
                username=name,
                defaults={
                    "email": f"{name}@example.org",
                    "province": province,
                    "first_name": "Petugas",
                    "last_name": f"Bappeda {province.code}-{number}",
                },
            )
            if made:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(bappeda)
            ids.append(user.pk)
        officers[province.pk] = ids
    return officers, reviewer_ids()


def reviewer_ids() -> list[int]:
    """The synthetic ministry reviewers, made once; their ids."""
    ministry = Group.objects.get(name=Role.MINISTRY)
    reviewers = []
    for number in range(1, REVIEWERS + 1):
        name = f"{PREFIX}reviewer-{number}"
        user, made = User.objects.get_or_create(
            username=name,
            defaults={
                "email": f"{name}@example.org",
                "first_name": "Penilai",
                "last_name": str(number),
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(ministry)
        reviewers.append(user.pk)
    return reviewers


class Builder:
    """Builds one batch of plans, stages, events and reminders as COPY rows."""

    def __init__(self, rng: random.Random, now: datetime, context: dict[str, Any]) -> None:
        self.rng, self.now, self.context = rng, now, context
        self.plans: list[CopyRow] = []
        self.stages: list[CopyRow] = []
        self.events: list[CopyRow] = []
        self.reminders: list[CopyRow] = []
        self.indicators: list[CopyRow] = []

    def at(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=1))

    def event(self, actor: int | None, action: str, target: tuple[int, int], when: datetime,
              from_status: str = "", to_status: str = "", note: str = "") -> None:  # fmt: skip
        self.events.append(
            (action, target[1], from_status, to_status, note, self.at(when), actor, target[0])
        )

    def plan(
        self, pk: int, stage_ids: list[int], status: str, triple: tuple[int, int, int]
    ) -> None:
        rng, now, ctx = self.rng, self.now, self.context
        province_id, adopter_id, innovation_id = triple
        zone = ctx["zones"][province_id]
        officers, reviewers = ctx["officers"][province_id], ctx["reviewers"]
        officer, reviewer = rng.choice(officers), rng.choice(reviewers)
        plan_ct, stage_ct = ctx["plan_ct"], ctx["stage_ct"]
        today = now.astimezone(zone).date()
        created = now - timedelta(days=rng.uniform(20, HISTORY_DAYS))
        start = created.astimezone(zone).date() + timedelta(days=rng.randint(0, 30))
        end = min(start + timedelta(days=rng.randint(180, 720)), today + timedelta(days=AHEAD_DAYS))
        if end <= start + timedelta(days=30):
            end = start + timedelta(days=180)
        if status == PlanStatus.COMPLETED:  # all seven verified: a plan that is over
            end = min(end, today - timedelta(days=rng.randint(10, 60)))
            if end <= start + timedelta(days=60):
                status = PlanStatus.APPROVED
                end = start + timedelta(days=180)
        submitted = created + timedelta(days=rng.uniform(1, 14))
        decided = submitted + timedelta(days=rng.uniform(3, 30))
        if status in (PlanStatus.APPROVED, PlanStatus.COMPLETED, PlanStatus.RETURNED) and (
            decided >= now
        ):
            status = PlanStatus.SUBMITTED
        if status == PlanStatus.SUBMITTED and submitted >= now:
            status = PlanStatus.DRAFT
        approved = status in (PlanStatus.APPROVED, PlanStatus.COMPLETED)
        self.event(officer, "plan_created", (plan_ct, pk), created, to_status="draft")
        if status != PlanStatus.DRAFT and not (
            status == PlanStatus.CANCELLED and rng.random() < 0.5
        ):
            self.event(officer, "plan_submitted", (plan_ct, pk), submitted, "draft", "submitted")
            if status == PlanStatus.RETURNED:
                self.event(reviewer, "plan_returned", (plan_ct, pk), decided, "submitted",
                           "returned", "Lengkapi rincian anggaran.")  # fmt: skip
        if approved:
            self.event(reviewer, "plan_approved", (plan_ct, pk), decided, "submitted", "approved")
        dues = schedule.spread_due_dates(start, end)
        lateness = rng.choice([0, 0, 0, 5, 10, 20, 45, 90])  # how late this province works
        finished_until = 0
        last_verified = decided
        generation = 1 if approved else 0
        stage_rows = []
        for number, (kind, stage_pk) in enumerate(zip(STAGE_ORDER, stage_ids, strict=True), 1):
            due = dues[kind]
            slip_count = slip_days = 0
            if approved and rng.random() < 0.18:
                slip_days = rng.randint(7, 60)
                slip_count = 1
                asked = datetime.combine(due - timedelta(days=slip_days), datetime.min.time(), zone)
                when = max(decided + timedelta(days=1), asked - timedelta(days=rng.randint(1, 10)))
                if when < now:
                    self.event(reviewer, "due_date_accepted", (stage_ct, stage_pk), when,
                               "pending", "pending", f"{due.isoformat()}")  # fmt: skip
                else:
                    slip_days = slip_count = 0
            stage_status, started_at, completed_at, verified_at = (
                StageStatus.PENDING,
                None,
                None,
                None,
            )
            if approved:
                finish = datetime.combine(due, datetime.min.time(), zone) + timedelta(
                    days=lateness + rng.uniform(-10, 15)
                )
                previous_done = number == 1 or finished_until == number - 1
                if status == PlanStatus.COMPLETED or (
                    previous_done and finish < now - timedelta(days=2)
                ):
                    finish = max(finish, last_verified + timedelta(days=1))
                    # Seven stages in order before now: each has its last possible day.
                    latest = now - timedelta(days=3 * (8 - number))
                    if status == PlanStatus.COMPLETED:
                        finish = min(finish, latest)
                    elif finish >= now:
                        finish = now - timedelta(days=1)
                    started_at = max(decided, finish - timedelta(days=rng.uniform(5, 40)))
                    completed_at = finish
                    stage_status = StageStatus.DONE
                    verify = finish + timedelta(days=rng.uniform(1, 20))
                    if status == PlanStatus.COMPLETED:
                        verify = min(verify, latest + timedelta(days=2))
                    if status == PlanStatus.COMPLETED or verify < now:
                        verified_at = self.at(verify)
                        stage_status = StageStatus.VERIFIED
                        last_verified = verified_at
                    finished_until = number
                elif previous_done:
                    started_at = max(decided, now - timedelta(days=rng.uniform(1, 60)))
                    stage_status = StageStatus.IN_PROGRESS
            target = (stage_ct, stage_pk)
            if started_at:
                started_at = self.at(started_at)
                self.event(officer, "stage_started", target, started_at, "pending", "in_progress")
            if completed_at:
                completed_at = self.at(completed_at)
                self.event(officer, "stage_completed", target, completed_at, "in_progress", "done",
                           "Tahap selesai; bukti dukung diunggah.")  # fmt: skip
            if verified_at:
                self.event(reviewer, "stage_verified", target, verified_at, "done", "verified")
            stage_rows.append(
                [stage_pk, kind, number, due, stage_status, started_at, completed_at,
                 verified_at, "Tahap selesai." if completed_at else "", "",
                 generation + slip_count, slip_count, slip_days,
                 officer if completed_at else None, pk, reviewer if verified_at else None]
            )  # fmt: skip
            if approved and status == PlanStatus.APPROVED and not completed_at:
                self._reminders(stage_pk, generation + slip_count, due, zone)
        current = next((r[1] for r in stage_rows if r[4] not in ("done", "verified")), "")
        if status == PlanStatus.APPROVED and all(r[4] == "verified" for r in stage_rows):
            status = PlanStatus.COMPLETED  # as verify_stage does when the seventh is verified
        completed = last_verified if status == PlanStatus.COMPLETED else None
        if completed:
            self.event(
                reviewer, "plan_completed", (plan_ct, pk), completed, "approved", "completed"
            )
        if status == PlanStatus.CANCELLED:
            self.event(officer, "plan_cancelled", (plan_ct, pk), submitted + timedelta(days=20),
                       "submitted", "cancelled", "Anggaran dialihkan.")  # fmt: skip
        self.stages.extend(tuple(row) for row in stage_rows)
        self.indicators += synthetic_results.indicators(rng, pk, created, stage_rows, zone, now)
        basis = synthetic_results.legal_basis(rng, start, stage_rows, zone)
        self.plans.append(
            (pk, f"Replikasi {pk}", "Replikasi inovasi untuk layanan daerah.", start, end,
             rng.choice(BUDGET), rng.randrange(50, 5000) * 1_000_000, status, current,
             decided if approved else None, 1,
             "Anggaran dialihkan." if status == PlanStatus.CANCELLED else "",
             "Lengkapi rincian anggaran." if status == PlanStatus.RETURNED else "",
             created, submitted if status != PlanStatus.DRAFT else None, completed,
             adopter_id, reviewer if approved else None, officer, innovation_id, province_id, None,
             *basis)
        )  # fmt: skip

    def _reminders(self, stage_pk: int, generation: int, due: date, zone: Any) -> None:
        for moment in reminders.schedule(due, zone, self.now):
            past = moment.due_at <= self.now
            self.reminders.append(
                (generation, moment.kind, moment.due_at,
                 ReminderStatus.FIRED if past else ReminderStatus.SCHEDULED,
                 moment.due_at if past else None, self.now, stage_pk)
            )  # fmt: skip


PLAN_COLUMNS = [
    "id", "local_name", "summary", "start_date", "target_end_date", "budget_source",
    "budget_amount", "status", "current_stage", "approved_at", "version", "cancel_reason",
    "return_note", "created_at", "submitted_at", "completed_at", "adopter_id", "approved_by_id",
    "filed_by_id", "innovation_id", "province_id", "forum_id", "legal_basis_kind",
    "legal_basis_number", "legal_basis_date", "lessons",
]  # fmt: skip
STAGE_COLUMNS = [
    "id", "kind", "order", "due_date", "status", "started_at", "completed_at", "verified_at",
    "note", "return_note", "reminder_generation", "slip_count", "slip_days", "completed_by_id",
    "plan_id", "verified_by_id",
]  # fmt: skip
EVENT_COLUMNS = [
    "action", "target_id", "from_status", "to_status", "note", "created_at", "actor_id",
    "target_type_id",
]  # fmt: skip
REMINDER_COLUMNS = ["generation", "kind", "due_at", "status", "fired_at", "created_at", "stage_id"]


def _store(builder: Builder) -> None:
    with transaction.atomic():
        copy_rows(ReplicationPlan._meta.db_table, PLAN_COLUMNS, builder.plans)
        copy_rows(Stage._meta.db_table, STAGE_COLUMNS, builder.stages)
        copy_rows(AuditEvent._meta.db_table, EVENT_COLUMNS, _sorted(builder.events))
        copy_rows(Reminder._meta.db_table, REMINDER_COLUMNS, builder.reminders)
        copy_rows(Indicator._meta.db_table, synthetic_results.INDICATOR_COLUMNS, builder.indicators)


def _sorted(events: Iterable[CopyRow]) -> list[CopyRow]:
    return sorted(events, key=lambda row: row[5])  # ids follow time, as they would have


def generate_plans(
    count: int, *, seed: int = 2020, batch_size: int = 5000, progress: Callable[[str], object]
) -> int:
    """Add `count` plans with their stages, history and reminders; returns how many."""
    if count <= 0:
        return 0
    innovations = list(Innovation.objects.public().values_list("pk", flat=True))
    if not innovations:
        progress("plans: no approved innovation to replicate; run --innovations first")
        return 0
    provinces = list(Province.objects.all())
    start = ReplicationPlan.objects.aggregate(top=Max("id"))["top"] or 0
    rng = random.Random(seed * 7_919 + start)  # noqa: S311 (new plans on a re-run)
    officers, reviewers = _people(provinces)
    adopters = _adopters(provinces)
    context = {
        "zones": {province.pk: province.tzinfo for province in provinces},
        "officers": officers,
        "reviewers": reviewers,
        "plan_ct": ContentType.objects.get_for_model(ReplicationPlan).pk,
        "stage_ct": ContentType.objects.get_for_model(Stage).pk,
    }
    taken = set(
        ReplicationPlan.objects.filter(status__in=OPEN_STATUSES).values_list(
            "province_id", "adopter_id", "innovation_id"
        )
    )
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    now, started, done = timezone.now(), time.monotonic(), 0
    province_ids = [province.pk for province in provinces]
    progress(f"plans: {count} to add over {len(innovations):,} approved innovations")
    for offset in range(0, count, batch_size):
        size = min(batch_size, count - offset)
        plan_ids = _allocate(ReplicationPlan._meta.db_table, size)
        stage_ids = _allocate(Stage._meta.db_table, size * len(STAGE_ORDER))
        builder = Builder(rng, now, context)
        for n, pk in enumerate(plan_ids):
            status = rng.choices(statuses, weights)[0]
            province_id = rng.choice(province_ids)
            triple = (province_id, rng.choice(adopters[province_id]), rng.choice(innovations))
            # One open plan per province, adopter and innovation. Every status but
            # cancelled may end up open (Builder.plan moves a decision not yet due back
            # to submitted), so all of them take their triple.
            if status != PlanStatus.CANCELLED:
                for _ in range(5):
                    if triple not in taken:
                        break
                    triple = (
                        province_id,
                        rng.choice(adopters[province_id]),
                        rng.choice(innovations),
                    )
                else:
                    status = PlanStatus.CANCELLED
                if status != PlanStatus.CANCELLED:
                    taken.add(triple)
            builder.plan(pk, stage_ids[n * 7 : n * 7 + 7], status, triple)
        _store(builder)
        done += size
        elapsed = time.monotonic() - started
        progress(
            f"plans: {done}/{count} in {elapsed:.1f} s ({done / elapsed:.0f}/s), "
            f"{len(builder.events)} events, {len(builder.reminders)} reminders and "
            f"{len(builder.indicators)} indicators in this batch"
        )
    return done
