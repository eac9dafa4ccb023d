"""A replication plan from the form to a verified first stage, in a real browser."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from replication.models import ReplicationPlan
from tests.e2e.conftest import assert_accessible, login

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_kalsel_files_a_plan_and_the_ministry_verifies_its_first_stage(
    new_page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    bappeda_jateng: User,
    ministry: User,
    make_innovation,
    make_institution,
    tmp_path,
    settings,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    innovation = make_innovation("Menggapai Mimpi Sahabat Rimba")
    make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    officer, reviewer, stranger = new_page(), new_page(), new_page()

    # The officer replicates the innovation from its public page.
    login(officer, live_server, bappeda_kalsel)
    officer.goto(f"/innovations/{innovation.slug}/")
    officer.locator(f'a[href$="?innovation={innovation.slug}"]').click()
    assert_accessible(officer)
    # The adopting office is found by typing part of its name (the picker).
    officer.locator("#id_adopter").fill("Dinas Kehutanan Provinsi Kalimantan Selatan")
    officer.locator("#id_local_name").fill("Sahabat Hutan Banua")
    today = date.today()
    officer.locator("#id_start_date").fill((today - timedelta(days=10)).isoformat())
    officer.locator("#id_target_end_date").fill((today + timedelta(days=350)).isoformat())
    officer.locator("#id_budget_source").select_option("apbd")
    # The first indicator is the suggested satisfaction index: the officer types its numbers.
    expect(officer.locator("#id_indicators-0-unit")).to_have_value("indeks")
    measured = (today - timedelta(days=20)).isoformat()
    officer.locator("#id_indicators-0-baseline").fill("72,5")
    officer.locator("#id_indicators-0-baseline_date").fill(measured)
    officer.locator("#id_indicators-0-target").fill("85")
    # A second one, on a row that htmx brings without reloading the page.
    officer.locator("button[name='add_indicator']").click()
    expect(officer.locator("#id_indicators-1-name")).to_be_focused()
    assert officer.locator("#id_local_name").input_value() == "Sahabat Hutan Banua"
    officer.locator("#id_indicators-1-name").fill("Luas hutan rakyat yang dikelola")
    officer.locator("#id_indicators-1-unit").fill("ha")
    officer.locator("#id_indicators-1-baseline").fill("12,5")
    officer.locator("#id_indicators-1-baseline_date").fill(measured)
    officer.locator("#id_indicators-1-target").fill("40")
    officer.locator("#id_indicators-1-sdg_target").fill("15.2")
    assert_accessible(officer)
    officer.locator("main form button.btn-primary[name='save']").click()
    expect(officer.locator("h1")).to_have_text("Sahabat Hutan Banua")
    # The plan page shows them the Indonesian way, readable on a phone.
    indicators = officer.locator("#indicators")
    expect(indicators).to_contain_text("72,5")
    expect(indicators).to_contain_text("12,5")
    officer.set_viewport_size({"width": 390, "height": 844})
    assert officer.evaluate("document.documentElement.scrollWidth") <= 390
    officer.set_viewport_size({"width": 1280, "height": 800})
    officer.locator('form[action$="/submit/"] button').click()
    expect(officer.locator(".alert-success")).to_be_visible()
    plan = ReplicationPlan.objects.get()
    assert [i.baseline for i in plan.indicators.all()] == [Decimal("72.5"), Decimal("12.5")]

    # The ministry finds it in its queue and approves it.
    login(reviewer, live_server, ministry)
    reviewer.goto("/replication/review/")
    # Each row names the innovation (the link) and the province, the local name beside.
    reviewer.get_by_role("row").filter(has_text="Sahabat Hutan Banua").get_by_role("link").click()
    reviewer.locator('form[action$="/approve/"] button').click()
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # After approval a new target waits for the ministry; the reviewer accepts it.
    indicator = plan.indicators.get(order=2)
    officer.goto(f"{plan.get_absolute_url()}indicators/")
    assert_accessible(officer)
    officer.set_viewport_size({"width": 390, "height": 844})
    assert officer.evaluate("document.documentElement.scrollWidth") <= 390
    officer.set_viewport_size({"width": 1280, "height": 800})
    officer.locator(f"#id_indicator-{indicator.pk}-target").fill("45,5")
    officer.locator(f"#id_indicator-{indicator.pk}-reason").fill("Luas lahan bertambah.")
    officer.locator(f'form[action$="/indicators/{indicator.pk}/"] button').click()
    expect(officer.locator(".alert-success")).to_be_visible()
    reviewer.goto(plan.get_absolute_url())
    reviewer.locator('form[action*="/indicator-changes/"] button').click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    indicator.refresh_from_db()
    assert indicator.target == Decimal("45.5")

    # The officer starts the first stage and completes it with a PDF.
    officer.goto(plan.get_absolute_url())
    officer.locator('form[action$="/identification/start/"] button').click()
    evidence = tmp_path / "analisis-masalah.pdf"
    evidence.write_bytes(PDF)
    officer.locator("#note-identification").fill("Analisis masalah dan kesiapan anggaran selesai.")
    officer.locator("#files-identification").set_input_files(str(evidence))
    officer.locator('form[action$="/identification/complete/"] button').click()
    expect(officer.get_by_role("link", name="analisis-masalah.pdf")).to_be_visible()
    assert_accessible(officer)

    # The ministry verifies it; the plan moves on to the second stage.
    reviewer.goto(plan.get_absolute_url())
    reviewer.locator('form[action$="/identification/verify/"] button').click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    plan.refresh_from_db()
    assert plan.current_stage == "learning"

    # Jawa Tengah's officer cannot open Kalimantan Selatan's plan.
    login(stranger, live_server, bappeda_jateng)
    # Asked with the officer's own session, without rendering the refusal in the page.
    assert stranger.request.get(plan.get_absolute_url()).status == 404
    evidence_url = plan.stages.get(kind="identification").evidence.get().get_absolute_url()
    assert stranger.request.get(evidence_url).status == 404
