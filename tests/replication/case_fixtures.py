"""Plans in any state with stages, indicators and people's traces, written directly.

The case pages read rows, whatever service wrote them: building them here keeps these
tests about what is public, not about how the workflow gets there. Every trace a person
leaves on a plan carries a marker that must never reach a public page or the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from jipp.models import Institution, Province, Role, User
from replication.models import (
    STAGE_ORDER,
    Evidence,
    Indicator,
    PlanMessage,
    ReplicationPlan,
    Stage,
)

# What people wrote or are: none of it may be public.
SECRETS = {
    "filer_name": "Wiryawan Santosa",
    "filer_email": "wiryawan.pribadi@gmail.com",
    "filer_phone": "+62 812 5555 0101",
    "approver_name": "Kartika Larasati",
    "approver_email": "kartika.larasati@yahoo.co.id",
    "approver_phone": "+62 813 7777 0202",
    "uploader_name": "Bambang Priyono",
    "uploader_email": "bambang.priyono@gmail.com",
    "message": "PESAN-INTERNAL: anggaran belum cair, mohon dibantu",
    "stage_note": "CATATAN-TAHAP: rapat koordinasi dengan kepala dinas",
    "return_note": "CATATAN-KEMBALI: laporan kurang tanda tangan",
    "evidence_name": "bukti-internal-rapat.pdf",
    "summary": "RINGKASAN-INTERNAL rencana kerja",
}


@dataclass
class People:
    filer: User
    approver: User
    uploader: User


def make_people(make_user: Any, make_institution: Any) -> People:
    """A filer, an approver and an uploader (each module wraps this in a `people` fixture)."""
    office = make_institution("Bappeda Provinsi Kalimantan Selatan", "63")
    kemen = make_institution("KemenPANRB", kind="ministry")

    def person(username: str, key: str, role: str, institution: Institution) -> User:
        first, last = SECRETS[f"{key}_name"].split()
        user = make_user(
            username,
            role,
            province_code="63" if role == Role.BAPPEDA else None,
            institution=institution,
            first_name=first,
            last_name=last,
        )
        user.email = SECRETS[f"{key}_email"]
        user.phone = SECRETS.get(f"{key}_phone", "")
        user.save()
        return user

    return People(
        filer=person("wiryawan", "filer", Role.BAPPEDA, office),
        approver=person("kartika", "approver", Role.MINISTRY, kemen),
        uploader=person("bambang", "uploader", Role.BAPPEDA, office),
    )


def indicator_values(n: int = 1) -> list[dict[str, Any]]:
    first = {
        "name": "Indeks kepuasan masyarakat (SKM)",
        "unit": "indeks",
        "direction": "increase",
        "baseline": Decimal("72.5"),
        "baseline_date": date(2021, 1, 15),
        "target": Decimal("80"),
        "achieved": Decimal("83.25"),
        "measured_on": date(2022, 6, 30),
        "sdg_target": "16.6",
        "source": "Survei SKM Dinas",
    }
    second = {
        "name": "Angka putus sekolah anak keluarga miskin",
        "unit": "%",
        "direction": "decrease",
        "baseline": Decimal("12.4"),
        "baseline_date": date(2021, 1, 15),
        "target": Decimal("8"),
        "achieved": Decimal("9.1"),
        "measured_on": date(2022, 6, 30),
        "sdg_target": "4.1",
        "source": "Dapodik",
    }
    return [first, second][:n]


def make_case(
    innovation: Any,
    people: People,
    *,
    status: str = "approved",
    province: str = "63",
    adopter: Institution | None = None,
    verified: int = 0,
    done: int = 0,
    indicators: int = 1,
    forum: Any = None,
    legal: bool = True,
    local_name: str = "Sahabat Hutan Banua",
) -> ReplicationPlan:
    """A plan whose first `verified` stages are verified and the next `done` ones done.

    A completed plan has all seven verified. Its traces (a message, a note, evidence,
    a return note) are those of people and must stay private.
    """
    if status == "completed":
        verified, done = 7, 0
    today = date.today()
    now = timezone.now()
    approved = status in ("approved", "completed")
    plan = ReplicationPlan.objects.create(
        innovation=innovation,
        province=Province.objects.get(code=province),
        adopter=adopter,
        forum=forum,
        local_name=local_name,
        summary=SECRETS["summary"],
        start_date=today - timedelta(days=400),
        target_end_date=today + timedelta(days=300),
        budget_source="apbd",
        status=status,
        filed_by=people.filer,
        approved_by=people.approver if approved else None,
        approved_at=now - timedelta(days=390) if approved else None,
        completed_at=now - timedelta(days=2) if status == "completed" else None,
        return_note=SECRETS["return_note"],
        legal_basis_kind="pergub" if legal else "",
        legal_basis_number="45 Tahun 2022" if legal else "",
        legal_basis_date=date(2022, 9, 1) if legal else None,
        lessons="Libatkan sekolah sejak awal." if legal else "",
    )
    stages = []
    for number, kind in enumerate(STAGE_ORDER, 1):
        if number <= verified:
            state = "verified"
        elif number <= verified + done:
            state = "done"
        elif number == verified + done + 1 and approved:
            state = "in_progress"
        else:
            state = "pending"
        moment = now - timedelta(days=300 - number * 30)
        stages.append(
            Stage(
                plan=plan,
                kind=kind,
                order=number,
                due_date=today - timedelta(days=200) + timedelta(days=number * 40),
                status=state,
                started_at=moment if state != "pending" else None,
                completed_at=moment if state in ("done", "verified") else None,
                completed_by=people.uploader if state in ("done", "verified") else None,
                verified_at=moment + timedelta(days=3) if state == "verified" else None,
                verified_by=people.approver if state == "verified" else None,
                note=SECRETS["stage_note"] if state != "pending" else "",
                return_note=SECRETS["return_note"],
            )
        )
    Stage.objects.bulk_create(stages)
    current = next((s.kind for s in stages if s.status not in ("done", "verified")), "")
    plan.current_stage = current or STAGE_ORDER[-1]
    plan.save(update_fields=["current_stage"])
    first = plan.stages.get(kind=STAGE_ORDER[0])
    Evidence.objects.create(
        stage=first,
        file=ContentFile(b"%PDF-1.4\n", name="x.pdf"),
        original_name=SECRETS["evidence_name"],
        content_type="application/pdf",
        size=9,
        description=SECRETS["stage_note"],
        uploaded_by=people.uploader,
    )
    PlanMessage.objects.create(plan=plan, author=people.filer, body=SECRETS["message"])
    for order, values in enumerate(indicator_values(indicators), 1):
        measured = verified + done >= STAGE_ORDER.index("evaluation") + 1
        if not measured:
            values = {**values, "achieved": None, "measured_on": None}
        Indicator.objects.create(plan=plan, order=order, **values)
    return plan


def assert_nothing_personal(text: str) -> None:
    for key, secret in SECRETS.items():
        assert secret not in text, f"{key} is public: {secret!r}"
    for key in ("filer_name", "approver_name", "uploader_name"):
        last = SECRETS[key].split()[-1]
        assert last not in text, f"{key} is public"
