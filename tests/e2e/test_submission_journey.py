"""An innovation's way into the registry, in a real browser, person by person."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.e2e.conftest import assert_accessible, login

TITLE = "Pelayanan Bibit Pohon Keliling"


def fill_new_innovation(page: Page) -> None:
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_category").select_option(label="Lingkungan Hidup dan Kehutanan")
    page.locator('input[name="sdgs"][value]').nth(14).check()  # goal 15, life on land
    page.locator("#id_phase").select_option("development")
    page.locator("#id_launched_year").fill("2021")
    page.locator("#id_summary").fill("Bibit pohon diantar ke desa-desa di sekitar hutan.")
    page.locator("#id_problem").fill("Warga jauh dari persemaian bibit.")
    page.locator("#id_solution").fill("Mobil persemaian keliling setiap pekan.")
    page.locator("#id_results").fill("Ribuan bibit ditanam warga.")
    page.locator("#id_replication_requirements").fill("Mobil, persemaian, dan penyuluh.")


def decide(page: Page, decision: str, note: str = "") -> None:
    page.locator(f'input[name="decision"][value="{decision}"]').check()
    if note:
        page.locator("#id_note").fill(note)
    page.locator('form[action$="/decide/"] button[type="submit"]').click()


def test_an_innovation_goes_from_draft_to_the_public_registry(
    new_page, live_server: LiveServer, innovator_diy: User, ministry: User
) -> None:
    innovator, reviewer = new_page(), new_page()

    # The innovator writes a draft; a missing field keeps what was typed.
    login(innovator, live_server, innovator_diy)
    innovator.goto("/innovations/new/")
    assert_accessible(innovator)
    fill_new_innovation(innovator)
    innovator.locator("#id_summary").fill("")
    innovator.locator("main form button[type='submit']").click()
    expect(innovator.locator("#id_summary_error")).to_be_visible()
    expect(innovator.locator("#id_title")).to_have_value(TITLE)
    innovator.locator("#id_summary").fill("Bibit pohon diantar ke desa-desa di sekitar hutan.")
    innovator.locator("main form button[type='submit']").click()
    expect(innovator.locator("h1")).to_contain_text(TITLE)
    innovator.locator('form[action$="/submit/"] button').click()

    # The ministry asks for changes, with a note.
    login(reviewer, live_server, ministry)
    reviewer.goto("/innovations/review/")
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name=TITLE).click()
    decide(reviewer, "request_changes")
    expect(reviewer.locator("#id_note_error")).to_be_visible()  # a note is required
    decide(reviewer, "request_changes", "Tambahkan jumlah bibit per desa.")
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # The innovator reads the note in the inbox, and again in the edit form, where they
    # answer it; saving says it is not submitted yet, and the page offers the button.
    innovator.goto("/inbox/")
    expect(innovator.get_by_text(TITLE).first).to_be_visible()
    innovator.goto("/innovations/mine/")
    innovator.get_by_role("link", name=TITLE).first.click()
    expect(innovator.get_by_text("Tambahkan jumlah bibit per desa.").first).to_be_visible()
    innovator.get_by_role("link", name=re.compile("^(Ubah|Edit)$")).click()
    expect(innovator.locator("main .alert-warning")).to_contain_text(
        "Tambahkan jumlah bibit per desa."
    )
    innovator.locator("#id_results").fill("Ribuan bibit ditanam warga; 200 bibit per desa.")
    innovator.locator("#id_reply").fill("Jumlah bibit per desa sudah ditambahkan di Hasil.")
    assert_accessible(innovator)
    innovator.get_by_role("button", name="Simpan draf").click()
    expect(innovator.locator(".messages")).to_contain_text("belum diajukan")
    expect(
        innovator.get_by_text("Jumlah bibit per desa sudah ditambahkan di Hasil.")
    ).to_be_visible()
    assert_accessible(innovator)
    innovator.locator('form[action$="/submit/"] button').click()
    expect(innovator.locator(".messages")).to_contain_text("Diajukan")

    # The ministry sees what changed since its request, and the reply; then approves.
    reviewer.goto("/innovations/review/")
    reviewer.get_by_role("link", name=TITLE).click()
    answer = reviewer.locator("#answer")
    expect(answer).to_contain_text("Jumlah bibit per desa sudah ditambahkan di Hasil.")
    expect(answer.locator("tr.change-row")).to_have_count(1)
    expect(answer.locator("tr.change-row ins")).to_contain_text("200 bibit per desa")
    assert_accessible(reviewer)
    decide(reviewer, "approve")
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # Anyone finds it by a related word: melayani -> layan <- pelayanan.
    visitor = new_page()
    visitor.goto("/innovations/?q=melayani")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.locator("h1")).to_have_text(TITLE)
    expect(visitor.get_by_text("200 bibit per desa")).to_be_visible()
    assert_accessible(visitor)
