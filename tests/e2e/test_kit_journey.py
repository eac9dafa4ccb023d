"""A replication kit document, in a real browser: the innovator adds it, the ministry
approves it, and anyone downloads it from the innovation's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.e2e.conftest import assert_accessible, login
from tests.support.compound import installer

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TITLE = "SOP Sekolah Alam Sahabat Rimba"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def add_document(page: Page, name: str, content: bytes) -> None:
    page.locator("#id_kind").select_option("sop")
    page.locator("#id_title").fill(TITLE)
    payload: FilePayload = {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    page.locator("#id_file").set_input_files(files=[payload])
    page.locator("main form button[type='submit']").click()


def test_a_kit_document_is_added_approved_and_downloaded(
    new_page: Any,
    live_server: LiveServer,
    make_innovation: Any,
    innovator_diy: User,
    ministry: User,
    tmp_path: Path,
) -> None:
    rimba = make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        contact_email="kph@jogjaprov.go.id",
    )
    innovator, reviewer, visitor = new_page(), new_page(), new_page()

    # The innovator opens the kit from the innovation's page; an installer renamed .doc
    # is refused with a message, then the PDF goes in and waits for review.
    login(innovator, live_server, innovator_diy)
    innovator.goto(f"/innovations/{rimba.slug}/")
    innovator.locator("#kit a.btn").click()
    expect(innovator.locator("main .alert-info").first).to_contain_text("publik")
    assert_accessible(innovator)
    add_document(innovator, "sop.doc", installer())
    expect(innovator.locator("#form-errors")).to_contain_text("sop.doc")
    add_document(innovator, "sop-sahabat-rimba.pdf", PDF)
    expect(innovator.locator(".messages")).to_contain_text("menunggu")
    expect(innovator.locator(".kit-documents")).to_contain_text(TITLE)

    # Not public yet.
    visitor.goto(f"/innovations/{rimba.slug}/")
    expect(visitor.locator("#kit")).not_to_contain_text(TITLE)

    # The ministry finds it in its queue and approves it.
    login(reviewer, live_server, ministry)
    reviewer.goto("/innovations/review/")
    reviewer.get_by_role("link", name=TITLE).click()
    assert_accessible(reviewer)
    reviewer.locator('input[name="decision"][value="approve"]').check()
    reviewer.locator("#id_note").fill("Lengkap.")
    reviewer.locator('form[action$="/decide/"] button[type="submit"]').click()
    expect(reviewer.locator(".alert-success, .messages").first).to_be_visible()

    # Anyone downloads it from the innovation's page, as a file.
    visitor.goto(f"/innovations/{rimba.slug}/")
    link = visitor.locator("#kit").get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    assert_accessible(visitor)
    with visitor.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "sop-sahabat-rimba.pdf"
    target = tmp_path / "unduhan.pdf"
    download.save_as(target)
    assert target.read_bytes() == PDF

    # The innovator was told of the decision, with the note.
    innovator.goto("/inbox/")
    expect(innovator.get_by_text(TITLE).first).to_be_visible()
