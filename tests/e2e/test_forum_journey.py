"""A FRIPP from the forum admin's form to the invited officer's inbox, in a real browser."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from forums.models import ForumSession
from jipp.models import User
from tests.e2e.conftest import assert_accessible, login


def test_a_forum_admin_schedules_a_session_and_the_invited_officer_finds_it(
    new_page,
    live_server: LiveServer,
    forum_admin: User,
    bappeda_kalsel: User,
    make_innovation,
) -> None:
    make_innovation("Omspan")
    make_innovation("Menggapai Mimpi Sahabat Rimba")
    admin, officer = new_page(), new_page()
    day = (timezone.now() + timedelta(days=20)).date()

    # The forum admin drafts the session on the host province's clock.
    login(admin, live_server, forum_admin)
    admin.goto(f"{live_server.url}/forums/new/")
    assert_accessible(admin)
    admin.locator("#id_title").fill("Forum Replikasi Inovasi Pelayanan Publik Kalimantan Selatan")
    admin.locator("#id_number").fill("6")
    admin.locator("#id_level").select_option("regional")
    admin.locator("#id_host_province").select_option(label="Kalimantan Selatan")
    admin.locator("#id_starts_at").fill(f"{day.isoformat()}T09:00")
    admin.locator("#id_ends_at").fill(f"{day.isoformat()}T12:00")
    admin.locator("#id_mode").select_option("online")
    admin.locator("#id_meeting_url").fill("https://meet.example.org/fripp-kalsel")
    admin.locator("main form button[type='submit']").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    session = ForumSession.objects.get()

    # Two presentations, typed by title; then the Kalsel Bappeda is invited.
    for title in ("Omspan", "Menggapai Mimpi Sahabat Rimba"):
        admin.locator("#presentation_innovation").fill(title)
        admin.locator('form[action$="/presentations/"] button[type=submit]').click()
        expect(admin.locator(".alert-success")).to_be_visible()
    admin.locator("#invite_institution").fill("Bappeda Provinsi Kalimantan Selatan")
    admin.locator('form[action$="/invite/"]').filter(
        has=admin.locator("#invite_institution")
    ).locator("button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    assert_accessible(admin)
    admin.locator('form[action$="/schedule/"] button').click()
    expect(admin.locator(".alert-success")).to_be_visible()
    session.refresh_from_db()
    assert session.status == "scheduled"
    assert [p.innovation.title for p in session.presentations.select_related("innovation")] == [
        "Omspan",
        "Menggapai Mimpi Sahabat Rimba",
    ]

    # The officer finds the invitation in the inbox and the session on the schedule.
    login(officer, live_server, bappeda_kalsel)
    officer.goto(f"{live_server.url}/inbox/")
    invitation = officer.locator("main a", has_text="FRIPP ke-6 · Kalimantan Selatan")
    expect(invitation).to_be_visible()
    officer.goto(f"{live_server.url}/forums/")
    assert_accessible(officer)
    entry = officer.get_by_role("link", name="FRIPP ke-6 · Kalimantan Selatan")
    expect(entry).to_be_visible()
    expect(officer.locator("main")).to_contain_text("09.00\u201312.00 WITA")
    entry.click()
    expect(officer.locator("h1")).to_have_text("FRIPP ke-6 · Kalimantan Selatan")
    expect(officer.locator("a.meeting-link")).to_have_text("https://meet.example.org/fripp-kalsel")
    assert_accessible(officer)

    # The officer answers the invitation for the Bappeda; the forum admin sees it counted.
    officer.get_by_label("Hadir", exact=True).check()
    officer.locator("#answer button[type=submit]").click()
    expect(officer.locator(".alert-success")).to_contain_text("Jawaban Anda tersimpan: hadir")
    expect(officer.get_by_label("Hadir", exact=True)).to_be_checked()
    assert_accessible(officer)
    office = session.participants.get()
    assert (office.answer, office.answered_by) == ("attending", bappeda_kalsel)
    admin.goto(f"{live_server.url}/forums/{session.pk}/manage/")
    expect(admin.locator("#answer-counts")).to_contain_text("Hadir: 1")
    assert_accessible(admin)
    officer.goto(f"{live_server.url}/forums/?view=month&month={day:%Y-%m}")
    expect(officer.get_by_role("link", name="FRIPP ke-6 · Kalimantan Selatan")).to_be_visible()
    assert_accessible(officer)


def test_an_email_only_guest_answers_from_the_link_and_an_admin_deletes_a_draft(
    new_page,
    live_server: LiveServer,
    forum_admin: User,
) -> None:
    from forums import programme, services
    from jipp.models import Notification, Province

    host = Province.objects.get(code="63")
    starts = timezone.now() + timedelta(days=20)
    data = {
        "title": "Forum Replikasi Inovasi Pelayanan Publik Kalimantan Selatan",
        "number": 6,
        "level": "regional",
        "host_province": host,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "mode": "online",
        "meeting_url": "https://meet.example.org/fripp-kalsel",
    }
    session = services.create_session(by=forum_admin, data=data)
    programme.invite_email(session=session, by=forum_admin, email="tamu@example.org")
    services.schedule_session(session=session, by=forum_admin)
    body = Notification.objects.get(email="tamu@example.org").body
    path = body[body.index("/forums/answer/") :].split()[0]

    # The guest opens the e-mailed link without signing in and answers.
    guest = new_page()
    guest.goto(f"{live_server.url}{path}")
    expect(guest.locator("h1")).to_have_text("FRIPP ke-6 · Kalimantan Selatan")
    assert_accessible(guest)
    guest.get_by_label("Belum pasti", exact=True).check()
    guest.locator("#answer button[type=submit]").click()
    expect(guest.locator(".alert-success")).to_contain_text("belum pasti")
    assert session.participants.get().answer == "unsure"

    # A draft is deleted after its confirmation page.
    draft = services.create_session(
        by=forum_admin,
        data={
            **data,
            "starts_at": starts + timedelta(days=7),
            "ends_at": starts + timedelta(days=7, hours=2),
        },
    )
    admin = new_page()
    login(admin, live_server, forum_admin)
    admin.goto(f"{live_server.url}/forums/{draft.pk}/manage/")
    admin.get_by_role("link", name="Hapus draf ini").click()
    expect(admin.locator("h1")).to_have_text("Hapus draf ini?")
    assert_accessible(admin)
    admin.get_by_role("button", name="Hapus draf").click()
    expect(admin.locator(".alert-success")).to_contain_text("Draf dihapus")
    assert not ForumSession.objects.filter(pk=draft.pk).exists()
