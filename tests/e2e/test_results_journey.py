"""Results in a real browser: achieved values at evaluation, the legal basis at
institutionalisation, the ministry verifying both, and the plan completed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from replication import services, stage_services
from replication.models import STAGE_ORDER, Indicator, ReplicationPlan, Stage
from tests.conftest import indicator_rows
from tests.e2e.conftest import assert_accessible, login
from tests.e2e.crawl import DESKTOP, OVERFLOW, PHONE
from tests.replication.conftest import pdf, plan_data

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _plan_at_evaluation(officer: User, reviewer: User, innovation, adopter) -> ReplicationPlan:
    """Approved, with two indicators; the first five stages verified, evaluation started."""
    rows = [
        *indicator_rows(),
        {
            **indicator_rows()[0],
            "name": "Angka putus sekolah anak keluarga miskin",
            "unit": "%",
            "direction": "decrease",
            "baseline": Decimal("8.4"),
            "target": Decimal("5"),
            "sdg_target": "4.1",
        },
    ]
    plan = services.file_plan(
        by=officer,
        data=plan_data(innovation, adopter, local_name="Generasi Emas Banua"),
        indicators=rows,
    )
    services.submit_plan(plan=plan, by=officer)
    services.approve_plan(plan=plan, by=reviewer)
    for kind in STAGE_ORDER[:5]:
        stage = Stage.objects.select_related("plan__province").get(plan=plan, kind=kind)
        stage_services.start_stage(stage=stage, by=officer)
        stage_services.complete_stage(
            stage=stage, by=officer, note="Selesai.", evidence_files=[pdf()]
        )
        stage_services.verify_stage(stage=stage, by=reviewer)
    evaluation = Stage.objects.select_related("plan__province").get(plan=plan, kind="evaluation")
    stage_services.start_stage(stage=evaluation, by=officer)
    plan.refresh_from_db()
    return plan


def fits_a_phone(page: Page) -> None:
    """At 390 px wide the page does not scroll sideways; then back to the desktop."""
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW) is None, page.evaluate(OVERFLOW)
    page.set_viewport_size(DESKTOP)


def test_kalsel_reports_its_results_and_the_ministry_verifies_them_to_completion(
    new_page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    ministry: User,
    make_innovation,
    make_institution,
    tmp_path,
    settings,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    innovation = make_innovation("Mencerdaskan Si Miskin Menjadi Generasi Emas")
    adopter = make_institution("Dinas Pendidikan Provinsi Kalimantan Selatan", "63")
    plan = _plan_at_evaluation(bappeda_kalsel, ministry, innovation, adopter)
    skm, dropout = Indicator.objects.filter(plan=plan).order_by("order", "id")
    today = plan.local_today()
    report = tmp_path / "laporan-evaluasi.pdf"
    report.write_bytes(PDF)
    officer, reviewer = new_page(), new_page()

    # The officer marks the evaluation done; a word instead of a number is refused by name.
    login(officer, live_server, bappeda_kalsel)
    officer.goto(plan.get_absolute_url())
    officer.locator("#note-evaluation").fill("Survei SKM dan pendataan putus sekolah selesai.")
    officer.locator(f"#evaluation-achieved_{skm.pk}").fill("86,5")
    officer.locator(f"#evaluation-measured_on_{skm.pk}").fill(today.isoformat())
    officer.locator(f"#evaluation-achieved_{dropout.pk}").fill("empat koma dua")
    officer.locator(f"#evaluation-measured_on_{dropout.pk}").fill(today.isoformat())
    officer.locator("#files-evaluation").set_input_files(str(report))
    officer.locator('form[action$="/evaluation/complete/"] button[type="submit"]').click()
    error = officer.locator(f"#evaluation-achieved_{dropout.pk}_error")
    expect(error).to_contain_text(dropout.name)
    # What was typed is still there; the file must be chosen again.
    expect(officer.locator(f"#evaluation-achieved_{skm.pk}")).to_have_value("86,5")
    assert_accessible(officer)
    fits_a_phone(officer)
    officer.locator(f"#evaluation-achieved_{dropout.pk}").fill("4,2")
    officer.locator("#files-evaluation").set_input_files(str(report))
    officer.locator('form[action$="/evaluation/complete/"] button[type="submit"]').click()
    expect(officer.locator(".alert-success")).to_be_visible()
    dropout.refresh_from_db()
    assert dropout.achieved == Decimal("4.2") and dropout.reached is True

    # The ministry sees the values in its queue and beside the evidence, and verifies.
    login(reviewer, live_server, ministry)
    reviewer.goto("/replication/review/")
    row = reviewer.get_by_role("row").filter(has_text="Generasi Emas Banua")
    expect(row).to_contain_text("86,5")
    expect(row).to_contain_text("4,2")
    row.get_by_role("link").click()
    block = reviewer.locator("#stage-evaluation")
    expect(block.get_by_role("link", name="laporan-evaluasi.pdf")).to_be_visible()
    expect(block.get_by_role("table")).to_contain_text("8,4 → 5 %")
    assert_accessible(reviewer)
    fits_a_phone(reviewer)
    block.locator('form[action$="/evaluation/verify/"] button').click()
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # The officer institutionalises the replica with a Pergub and the lessons learned.
    officer.goto(plan.get_absolute_url())
    officer.locator('form[action$="/institutionalization/start/"] button').click()
    expect(officer.locator(".alert-success")).to_be_visible()
    pergub = tmp_path / "pergub-12-2022.pdf"
    pergub.write_bytes(PDF)
    officer.locator("#note-institutionalization").fill("Pergub ditetapkan dan diundangkan.")
    officer.locator("#institutionalization-legal_basis_kind").select_option("pergub")
    officer.locator("#institutionalization-legal_basis_number").fill("12 Tahun 2022")
    before_start = plan.start_date - timedelta(days=1)
    officer.locator("#institutionalization-legal_basis_date").fill(before_start.isoformat())
    officer.locator("#institutionalization-lessons").fill(
        "Libatkan sekolah dan dinas sosial sejak awal; siapkan data keluarga miskin."
    )
    officer.locator("#files-institutionalization").set_input_files(str(pergub))
    officer.locator('form[action$="/institutionalization/complete/"] button[type="submit"]').click()
    expect(officer.locator("#institutionalization-legal_basis_date_error")).to_be_visible()
    expect(officer.locator("#institutionalization-lessons")).to_have_value(
        "Libatkan sekolah dan dinas sosial sejak awal; siapkan data keluarga miskin."
    )
    officer.locator("#institutionalization-legal_basis_date").fill(today.isoformat())
    officer.locator("#files-institutionalization").set_input_files(str(pergub))
    officer.locator('form[action$="/institutionalization/complete/"] button[type="submit"]').click()
    expect(officer.locator(".alert-success")).to_be_visible()

    # The ministry verifies the last stage: the plan is complete.
    reviewer.goto(plan.get_absolute_url())
    block = reviewer.locator("#stage-institutionalization")
    expect(block).to_contain_text("12 Tahun 2022")
    expect(block).to_contain_text("Libatkan sekolah dan dinas sosial")
    block.locator('form[action$="/institutionalization/verify/"] button').click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == "completed"
    assert (plan.legal_basis_kind, plan.legal_basis_number) == ("pergub", "12 Tahun 2022")
