"""The declared-interest part of the demo story: demand that fills the next forum.

After the 2020 FRIPPs other provinces asked for the same innovations. Bali, Jawa Timur
and Sumatera Barat have open interest in Sahabat Rimba and Generasi Emas, Gorontalo in
Omspan, declared weeks to months ago (so the demand view's age filter shows something);
Kalimantan Selatan's interest in Si Terpa Daya Jiwa and Jawa Tengah's in Generasi Emas
turned into their plans. From Jawa Timur's interest the forum admin drafted a regional
forum hosted by Jawa Timur (through the same service as the demand view), waiting for
its time to be set and to be scheduled.

The provinces without demo officers get their Bappeda office, so the drafted forum
invites it. Idempotent: an interest found by province and innovation is left alone,
and the forum is drafted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from forums.models import ForumSession, ForumStatus
from innovations.models import Innovation
from jipp.models import Institution, InstitutionKind, Province, User
from jipp.services import record_event
from replication import interest_forum, interest_services
from replication.interest import Interest, InterestStatus
from replication.models import PlanStatus, ReplicationPlan

GENERASI_EMAS = "mencerdaskan-si-miskin-menjadi-generasi-emas"
SAHABAT_RIMBA = "menggapai-mimpi-sahabat-rimba"
OMSPAN = "omspan"
TERPA_DAYA = "si-terpa-daya-jiwa"


@dataclass(frozen=True)
class DemoInterest:
    province: str  # Kemendagri code
    innovation: str  # slug
    days_ago: int
    note: str = ""
    planned: bool = False  # linked to the province's demo plan for the innovation


INTERESTS = [
    DemoInterest(
        "51",
        SAHABAT_RIMBA,
        40,
        "Kelompok tani hutan di Bali Barat dapat didampingi dengan pola yang sama; "
        "kami memerlukan SOP pendampingan dan rincian anggarannya.",
    ),
    DemoInterest(
        "35",
        GENERASI_EMAS,
        100,
        "Sejalan dengan program beasiswa keluarga miskin di Jawa Timur.",
    ),
    DemoInterest("35", SAHABAT_RIMBA, 95, "Untuk KPH di wilayah selatan Jawa Timur."),
    DemoInterest(
        "13",
        GENERASI_EMAS,
        200,
        "Angka putus sekolah anak keluarga miskin masih tinggi di beberapa kabupaten.",
    ),
    DemoInterest("75", OMSPAN, 10, "Untuk pemantauan dana transfer ke daerah."),
    DemoInterest("63", TERPA_DAYA, 0, planned=True),
    DemoInterest("33", GENERASI_EMAS, 0, planned=True),
]
# Provinces of the demand without demo officers: their Bappeda office, to be invited.
BAPPEDA_OFFICES = {"51": "Bali", "35": "Jawa Timur", "13": "Sumatera Barat", "75": "Gorontalo"}
FORUM_FROM = "35"  # the forum drafted from Jawa Timur's interest


def _offices() -> None:
    for code, name in BAPPEDA_OFFICES.items():
        province = Province.objects.get(code=code)
        office = f"Bappeda Provinsi {name}"
        Institution.objects.get_or_create(
            name=office,
            province=province,
            defaults={
                "slug": slugify(office)[:200],
                "kind": InstitutionKind.PROVINCE_GOV,
                "parent": Institution.objects.filter(
                    name=f"Pemerintah Provinsi {name}", province=province
                ).first(),
            },
        )


def _seed_interest(item: DemoInterest, now: datetime) -> str | None:
    innovation = Innovation.objects.public().filter(slug=item.innovation).first()
    province = Province.objects.get(code=item.province)
    if (
        innovation is None
        or Interest.objects.filter(innovation=innovation, province=province).exists()
    ):
        return None
    officer = User.objects.in_role("bappeda").filter(province=province).order_by("pk").first()
    if item.planned:
        plan = (
            ReplicationPlan.objects.filter(innovation=innovation, province=province)
            .exclude(status=PlanStatus.CANCELLED)
            .order_by("created_at", "pk")
            .first()
        )
        if plan is None:
            return None
        declared = plan.created_at - timedelta(days=21)
        interest = Interest.objects.create(
            innovation=innovation,
            province=province,
            status=InterestStatus.PLANNED,
            plan=plan,
            created_by=officer,
            created_at=declared,
            updated_at=plan.created_at,
        )
        record_event(actor=officer, action="interest_declared", target=interest, to_status="open")
        record_event(
            actor=officer,
            action="interest_planned",
            target=interest,
            from_status="open",
            to_status="planned",
            note=f"plan:{plan.pk}",
        )
    else:
        interest = Interest.objects.create(
            innovation=innovation,
            province=province,
            note=item.note,
            created_by=officer,
            created_at=now - timedelta(days=item.days_ago),
            updated_at=now - timedelta(days=item.days_ago),
        )
        event = record_event(
            actor=officer, action="interest_declared", target=interest, to_status="open"
        )
        interest_services.tell_innovators(interest, key=f"interest-declared:{event.pk}")
    return f"{province.name} · {innovation.title}"


def _draft_forum() -> str | None:
    admin = User.objects.filter(username="forum.admin", is_active=True).first()
    province = Province.objects.get(code=FORUM_FROM)
    if (
        admin is None
        or ForumSession.objects.filter(host_province=province, status=ForumStatus.DRAFT).exists()
    ):
        return None
    interests = list(
        Interest.objects.filter(province=province, status=InterestStatus.OPEN).select_related(
            "innovation", "innovation__innovator", "province", "institution"
        )
    )
    if not interests:
        return None
    drafted = interest_forum.draft_forum_from_interest(by=admin, interests=interests)
    return drafted.session.title


@transaction.atomic
def seed() -> list[str]:
    if not User.objects.filter(username="forum.admin").exists():
        return []
    _offices()
    now = timezone.now()
    created = [_seed_interest(item, now) for item in INTERESTS]
    created.append(_draft_forum())
    return [name for name in created if name]
