"""The replication part of the demo story: what Kalsel and Jateng chose at their FRIPPs.

Kalimantan Selatan replicates Sahabat Rimba and Generasi Emas, Jawa Tengah Sahabat Rimba;
all approved by the ministry, with stages around today: some verified, some done and
waiting, one due this week, one overdue. Built through the services, so the timeline and
notifications are real. Idempotent: a plan that exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from innovations.models import Innovation
from jipp.models import Institution, User
from replication import services, stage_services
from replication.models import STAGE_ORDER, BudgetSource, ReplicationPlan

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class DemoPlan:
    officer: str
    innovation: str
    adopter: str
    local_name: str
    summary: str
    due_offsets: tuple[int, ...]  # days from today, one per stage
    verified: int  # the first n stages verified
    done: int  # then n stages done, waiting for verification
    in_progress: bool  # then one stage in progress
    budget: int


PLANS = [
    DemoPlan(
        officer="bappeda.kalsel",
        innovation="menggapai-mimpi-sahabat-rimba",
        adopter="Dinas Kehutanan Provinsi Kalimantan Selatan",
        local_name="Sahabat Hutan Banua",
        summary="Pendampingan kelompok tani hutan di sekitar Pegunungan Meratus.",
        due_offsets=(-120, -80, -30, 4, 90, 180, 260),
        verified=2,
        done=1,
        in_progress=True,  # the trial, due in four days
        budget=750_000_000,
    ),
    DemoPlan(
        officer="bappeda.kalsel",
        innovation="mencerdaskan-si-miskin-menjadi-generasi-emas",
        adopter="Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Selatan",
        local_name="Generasi Emas Banua",
        summary="Beasiswa dan pendamping belajar bagi anak keluarga miskin di Kalimantan Selatan.",
        due_offsets=(-60, -6, 40, 120, 200, 280, 340),
        verified=1,
        done=0,
        in_progress=True,  # learning, six days late
        budget=1_200_000_000,
    ),
    DemoPlan(
        officer="bappeda.jateng",
        innovation="menggapai-mimpi-sahabat-rimba",
        adopter="Dinas Lingkungan Hidup dan Kehutanan Provinsi Jawa Tengah",
        local_name="Sahabat Rimba Jateng",
        summary="Replikasi Sahabat Rimba di kawasan hutan lereng Gunung Merapi dan Merbabu.",
        due_offsets=(-20, 25, 70, 130, 190, 250, 320),
        verified=0,
        done=1,
        in_progress=False,
        budget=400_000_000,
    ),
]


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _seed_plan(item: DemoPlan, reviewer: User) -> str | None:
    officer = User.objects.filter(username=item.officer).first()
    innovation = Innovation.objects.filter(slug=item.innovation).first()
    if officer is None or innovation is None:
        return None
    adopter = Institution.objects.get(name=item.adopter, province=officer.province)
    if ReplicationPlan.objects.filter(
        innovation=innovation, adopter=adopter, province=officer.province
    ).exists():
        return None
    today = officer.province.local_now().date()  # type: ignore[union-attr]
    dues: dict[str, date | None] = {
        kind: today + timedelta(days=offset)
        for kind, offset in zip(STAGE_ORDER, item.due_offsets, strict=True)
    }
    data = {
        "innovation": innovation,
        "adopter": adopter,
        "local_name": item.local_name,
        "summary": item.summary,
        "start_date": today - timedelta(days=150),
        "target_end_date": today + timedelta(days=365),
        "budget_source": BudgetSource.APBD,
        "budget_amount": item.budget,
    }
    plan = services.file_plan(by=officer, data=data, stage_due_dates=dues)
    services.submit_plan(plan=plan, by=officer)
    services.approve_plan(plan=plan, by=reviewer, note="Rencana layak; lanjutkan.")
    stages = list(plan.stages.order_by("order"))
    finished = item.verified + item.done
    for number, stage in enumerate(stages[: finished + int(item.in_progress)]):
        stage_services.start_stage(stage=stage, by=officer)
        if number >= finished:
            break
        stage_services.complete_stage(
            stage=stage,
            by=officer,
            note=f"Tahap {stage.get_kind_display().lower()} selesai sesuai rencana.",
            evidence_files=[_evidence(f"laporan-{stage.kind}.pdf")],
            description="Laporan tahap",
        )
        if number < item.verified:
            stage_services.verify_stage(stage=stage, by=reviewer)
    return item.local_name


@transaction.atomic
def seed() -> list[str]:
    reviewer = User.objects.filter(username="kemenpan").first()
    if reviewer is None:
        return []
    created = [_seed_plan(item, reviewer) for item in PLANS]
    return [name for name in created if name]
