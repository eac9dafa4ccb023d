"""After a FRIPP is held, its presenter adds the slides and the recording, in a real browser;
a visitor then finds them on the forum page."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from forums import programme, services
from forums.demo_materials import slides_pdf
from jipp.models import Province, User
from tests.e2e.conftest import assert_accessible, login

RECORDING = "https://www.youtube.com/watch?v=Fr1pp6KalSel&t=2700s"


def test_the_presenter_adds_slides_after_the_forum_and_a_visitor_downloads_them(
    new_page,
    live_server: LiveServer,
    forum_admin: User,
    innovator_diy: User,
    make_innovation,
    settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution)
    starts = timezone.now() - timedelta(days=2)
    session = services.create_session(
        by=forum_admin,
        data={
            "title": "Forum Replikasi Inovasi Pelayanan Publik Kalimantan Selatan",
            "number": 6,
            "level": "regional",
            "host_province": Province.objects.get(code="63"),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
        },
    )
    programme.add_presentation(session=session, by=forum_admin, innovation=rimba)
    services.schedule_session(session=session, by=forum_admin)
    services.mark_held(session=session, by=forum_admin)
    slides = tmp_path / "Paparan Sahabat Rimba.pdf"
    slides.write_bytes(slides_pdf(["Menggapai Mimpi Sahabat Rimba"]))

    # The presenter finds the link on the forum page of the held session.
    presenter = new_page()
    login(presenter, live_server, innovator_diy)
    presenter.goto(f"{live_server.url}{session.get_absolute_url()}")
    presenter.locator("a.materials-edit").click()
    expect(presenter.locator("h1")).to_have_text("Materi paparan")
    assert_accessible(presenter)

    # Without the consent nothing is saved, and the error says why.
    presenter.locator("#id_slides").set_input_files(str(slides))
    presenter.locator("main form[enctype] button[type=submit]").click()
    expect(presenter.locator("#form-errors")).to_contain_text("menyetujui publikasinya")
    assert_accessible(presenter)

    presenter.locator("#id_slides").set_input_files(str(slides))
    presenter.locator("#id_recording_url").fill(RECORDING)
    presenter.locator("#id_consent").check()
    presenter.locator("main form[enctype] button[type=submit]").click()
    expect(presenter.locator(".alert-success")).to_contain_text("Tidak ada yang diberi notifikasi")

    # A visitor sees both, the recording as a plain link to the video site.
    visitor = new_page()
    visitor.goto(f"{live_server.url}{session.get_absolute_url()}")
    expect(visitor.locator("a.slides-link")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("(PDF, ")
    recording = visitor.locator("a.recording-link")
    expect(recording).to_have_attribute("href", RECORDING)
    expect(recording).to_have_attribute("rel", "noopener noreferrer")
    expect(visitor.locator("iframe")).to_have_count(0)
    assert_accessible(visitor)
    href = visitor.locator("a.slides-link").get_attribute("href")
    download = visitor.request.get(f"{live_server.url}{href}")
    assert download.status == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.body().startswith(b"%PDF-")
