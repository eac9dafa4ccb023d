"""Plans of Kalimantan Selatan in every state, built through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jipp.models import Institution
from replication import services, stage_services
from replication.models import ReplicationPlan
from replication.result_services import LegalBasis, Measurement, Results
from tests.conftest import indicator_rows

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "laporan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dinas_kehutanan(make_institution) -> Institution:
    return make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")


@pytest.fixture
def sahabat_rimba(make_innovation, innovator_diy):
    return make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
    )


def plan_data(innovation, adopter, **changes: Any) -> dict[str, Any]:
    today = date.today()
    return {
        "innovation": innovation,
        "adopter": adopter,
        "local_name": "Sahabat Hutan Banua",
        "summary": "Pendampingan kelompok tani hutan.",
        "start_date": today - timedelta(days=30),
        "target_end_date": today + timedelta(days=320),
        "budget_source": "apbd",
        "budget_amount": 500_000_000,
        **changes,
    }


@pytest.fixture
def make_plan(
    bappeda_kalsel, ministry, sahabat_rimba, dinas_kehutanan
) -> Callable[..., ReplicationPlan]:
    """A plan of Kalimantan Selatan: a draft, or submitted, or approved."""

    def make(
        status: str = "draft",
        *,
        adopter: Institution | None = None,
        with_indicators: bool = True,
        **changes: Any,
    ) -> ReplicationPlan:
        data = plan_data(sahabat_rimba, adopter or dinas_kehutanan, **changes)
        rows = indicator_rows() if with_indicators else []
        plan = services.file_plan(by=bappeda_kalsel, data=data, indicators=rows)
        if status in ("submitted", "approved"):
            services.submit_plan(plan=plan, by=bappeda_kalsel)
        if status == "approved":
            services.approve_plan(plan=plan, by=ministry)
        plan.refresh_from_db()
        return plan

    return make


@pytest.fixture
def approved_plan(make_plan) -> ReplicationPlan:
    return make_plan("approved")


def stage(plan: ReplicationPlan, kind: str = "identification"):
    return plan.stages.select_related("plan", "plan__province").get(kind=kind)


def results_for(plan: ReplicationPlan, kind: str) -> Results | None:
    """What the evaluation (every indicator's value) or the institutionalisation carries."""
    today = plan.province.local_now().date()
    if kind == "evaluation":
        return Results(
            measurements={
                indicator.pk: Measurement(indicator.target, today)
                for indicator in plan.indicators.all()
            }
        )
    if kind == "institutionalization":
        return Results(
            legal_basis=LegalBasis("pergub", "12 Tahun 2022", today),
            lessons="Libatkan kelompok tani sejak awal.",
        )
    return None


def finish(plan: ReplicationPlan, kind: str, officer, *, verify_by=None) -> None:
    """Start and complete a stage with one PDF; verify it too when a reviewer is given."""
    stage_services.start_stage(stage=stage(plan, kind), by=officer)
    stage_services.complete_stage(
        stage=stage(plan, kind),
        by=officer,
        note="Selesai.",
        evidence_files=[pdf()],
        results=results_for(plan, kind),
    )
    if verify_by is not None:
        stage_services.verify_stage(stage=stage(plan, kind), by=verify_by)
