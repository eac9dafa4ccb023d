"""Forum materials: slides and a recording link on a presentation, public once it is held."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from forums import programme, services
from forums.demo_materials import slides_pdf
from forums.models import ForumSession, Presentation
from jipp.models import AuditEvent, Notification, Role
from tests.conftest import client_for
from tests.forums.conftest import ahead, english_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "language_kept")]

YOUTUBE = "https://www.youtube.com/watch?v=Fr1pp6KalSel&t=1200s"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rimba(make_innovation, innovator_diy):
    return make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution)


@pytest.fixture
def other_innovator(make_user, make_institution):
    unit = make_institution("RSJD Provinsi Jawa Tengah", "33")
    return make_user("tari", Role.INNOVATOR, institution=unit)


@pytest.fixture
def programme_of(make_session, forum_admin, rimba):
    """A session of the status asked for, with Sahabat Rimba on its programme."""

    def make(status: str = "held") -> Presentation:
        start = ahead(days=-3) if status == "held" else ahead(days=10)
        session = make_session("draft" if status == "draft" else "scheduled", start=start)
        presentation = programme.add_presentation(
            session=session, by=forum_admin, innovation=rimba, presenter="Wahyu"
        )
        if status == "held":
            services.mark_held(session=session, by=forum_admin)
        if status == "cancelled":
            services.cancel_session(session=session, by=forum_admin, reason="Banjir.")
        return Presentation.objects.select_related("session").get(pk=presentation.pk)

    return make


def pdf(name: str = "Paparan Sahabat Rimba.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, slides_pdf(["Sahabat Rimba"]), content_type="application/pdf")


def pptx(name: str = "paparan.pptx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def materials_url(presentation: Presentation) -> str:
    return f"/forums/{presentation.session_id}/presentations/{presentation.pk}/materials/"


def slides_url(presentation: Presentation) -> str:
    return f"/forums/{presentation.session_id}/presentations/{presentation.pk}/slides/"


def post(client, presentation, follow=False, **data):
    return client.post(materials_url(presentation), {"consent": "on", **data}, follow=follow)


def material_events() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__regex=r"^(slides|recording)_").values_list(
            "action", flat=True
        )
    )


# Who adds them --------------------------------------------------------------------------


def test_forum_staff_add_slides_and_a_recording_link(forum_admin, programme_of):
    presentation = programme_of("scheduled")
    response = post(english_client(forum_admin), presentation, slides=pdf(), recording_url=YOUTUBE)
    assert response.status_code == 302
    assert response["Location"] == presentation.get_absolute_url()
    presentation.refresh_from_db()
    assert presentation.slides_name == "Paparan Sahabat Rimba.pdf"
    assert presentation.slides_type == "application/pdf"
    assert presentation.slides_size == presentation.slides.size
    assert (
        presentation.slides.name.startswith("slides/") and "Rimba" not in presentation.slides.name
    )
    assert presentation.recording_url == YOUTUBE
    assert presentation.materials_updated_at is not None
    assert sorted(material_events()) == ["recording_added", "slides_added"]


def test_a_presenting_innovator_adds_slides_from_the_forum_page(innovator_diy, programme_of):
    presentation = programme_of("held")
    client = english_client(innovator_diy)
    page = client.get(presentation.session.get_absolute_url()).content.decode()
    assert materials_url(presentation) in page and "Add slides and recording" in page
    assert client.get(materials_url(presentation)).status_code == 200
    assert post(client, presentation, slides=pptx()).status_code == 302
    presentation.refresh_from_db()
    assert presentation.slides_name == "paparan.pptx"
    assert presentation.slides_type.endswith("presentationml.presentation")


def test_nobody_else_adds_materials(
    other_innovator, bappeda_kalsel, anon, make_user, programme_of, innovator_diy
):
    presentation = programme_of("held")
    for user in (other_innovator, bappeda_kalsel):
        client = client_for(user)
        assert client.get(materials_url(presentation)).status_code == 403
        assert post(client, presentation, recording_url=YOUTUBE).status_code == 403
        page = client.get(presentation.session.get_absolute_url()).content.decode()
        assert materials_url(presentation) not in page
    assert client_for(anon).get(materials_url(presentation)).status_code == 302
    # A user of the presenting institution without the innovator role is not a presenter.
    clerk = make_user("clerk", Role.BAPPEDA, institution=innovator_diy.institution)
    assert client_for(clerk).get(materials_url(presentation)).status_code == 403
    assert Presentation.objects.get(pk=presentation.pk).recording_url == ""
    assert material_events() == []


def test_a_draft_session_is_unseen_by_its_presenters(innovator_diy, programme_of):
    presentation = programme_of("draft")
    assert client_for(innovator_diy).get(materials_url(presentation)).status_code == 404


def test_a_cancelled_session_takes_no_materials(forum_admin, programme_of):
    presentation = programme_of("cancelled")
    client = english_client(forum_admin)
    response = post(client, presentation, recording_url=YOUTUBE, follow=True)
    assert "This session was cancelled" in response.content.decode()
    assert Presentation.objects.get(pk=presentation.pk).recording_url == ""


def test_a_presentation_of_another_session_is_404(forum_admin, programme_of, make_session):
    presentation = programme_of("held")
    other = make_session("scheduled", start=ahead(days=20))
    url = f"/forums/{other.pk}/presentations/{presentation.pk}/materials/"
    assert client_for(forum_admin).get(url).status_code == 404


# After the session is held ----------------------------------------------------------------


def test_after_the_session_is_held_materials_change_without_a_new_sequence_or_a_notice(
    innovator_diy, forum_admin, programme_of
):
    presentation = programme_of("held")
    session = ForumSession.objects.get(pk=presentation.session_id)
    notices = Notification.objects.count()
    client = english_client(innovator_diy)
    response = post(client, presentation, slides=pdf(), recording_url=YOUTUBE, follow=True)
    assert "Materials saved: they are public on this page. Nobody was notified." in (
        response.content.decode()
    )
    assert post(client, presentation, slides=pptx("baru.pptx")).status_code == 302  # replaced
    after = ForumSession.objects.get(pk=session.pk)
    assert (after.sequence, after.updated_at, after.status) == (
        session.sequence,
        session.updated_at,
        "held",
    )
    assert Notification.objects.count() == notices
    assert material_events() == ["slides_added", "recording_added", "slides_replaced"]
    # The rule for everything else still holds.
    assert "only its attendance, outcomes and materials can change now" in (
        english_client(forum_admin).get(f"/forums/{session.pk}/edit/", follow=True).content.decode()
    )


def test_replaced_and_removed_slides_leave_no_file_behind(
    forum_admin, programme_of, django_capture_on_commit_callbacks
):
    presentation = programme_of("held")
    client = english_client(forum_admin)
    post(client, presentation, slides=pdf())
    presentation.refresh_from_db()
    first = presentation.slides
    storage, first_name = first.storage, first.name
    with django_capture_on_commit_callbacks(execute=True):
        post(client, presentation, slides=pptx())
    assert not storage.exists(first_name)
    presentation.refresh_from_db()
    second = presentation.slides.name
    remove = materials_url(presentation) + "remove/"
    # Removing needs no consent.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove, {"what": "slides"}).status_code == 302
    assert not storage.exists(second)
    presentation.refresh_from_db()
    assert (presentation.slides.name, presentation.slides_name, presentation.slides_size) == (
        "",
        "",
        None,
    )
    assert material_events()[-1] == "slides_removed"


def test_the_recording_link_is_removed_on_its_own(forum_admin, programme_of):
    presentation = programme_of("held")
    client = english_client(forum_admin)
    post(client, presentation, slides=pdf(), recording_url=YOUTUBE)
    response = client.post(materials_url(presentation) + "remove/", {"what": "recording"})
    assert response.status_code == 302
    presentation.refresh_from_db()
    assert presentation.recording_url == "" and presentation.slides_name
    assert material_events()[-1] == "recording_removed"
    bad = client.post(materials_url(presentation) + "remove/", {"what": "everything"})
    assert bad.status_code == 302 and material_events()[-1] == "recording_removed"


# Bad input ------------------------------------------------------------------------------


def test_the_consent_to_publication_is_required(forum_admin, programme_of):
    presentation = programme_of("held")
    client = english_client(forum_admin)
    response = client.post(materials_url(presentation), {"slides": pdf(), "recording_url": YOUTUBE})
    assert response.status_code == 200
    assert "agreed to their publication" in response.content.decode()
    presentation.refresh_from_db()
    assert (presentation.slides.name, presentation.recording_url) == ("", "")
    assert material_events() == []


def test_the_service_asks_for_consent_too(forum_admin, programme_of):
    from django.core.exceptions import ValidationError

    from forums import materials

    presentation = programme_of("held")
    with pytest.raises(ValidationError) as refused:
        materials.save_materials(presentation=presentation, by=forum_admin, recording_url=YOUTUBE)
    assert "consent" in refused.value.error_dict


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("paparan.pdf", b"MZ\x90\x00" + b"\x00" * 200), "not a valid PDF"),
        (
            SimpleUploadedFile("paparan.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
            "web page or script code",
        ),
        (SimpleUploadedFile("paparan.pptx", b"PK\x03\x04not really a zip"), "not a valid"),
        (SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), "not a presentation"),
        (SimpleUploadedFile("setup.exe", b"MZ" + b"\x00" * 50), "not a presentation"),
        (SimpleUploadedFile("kosong.pdf", b""), "empty"),
    ],
)
def test_a_disguised_or_wrong_file_is_refused(forum_admin, programme_of, upload, message):
    presentation = programme_of("held")
    response = post(english_client(forum_admin), presentation, slides=upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    presentation.refresh_from_db()
    assert presentation.slides.name == "" and material_events() == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/rekaman.mp4",
        "https://",
        "//evil.example.org/x",
        "vbscript:msgbox(1)",
    ],
)
def test_a_link_that_is_not_http_is_refused(forum_admin, programme_of, link):
    presentation = programme_of("held")
    response = post(english_client(forum_admin), presentation, recording_url=link)
    assert response.status_code == 200
    assert "starting with https://" in response.content.decode()
    assert Presentation.objects.get(pk=presentation.pk).recording_url == ""


def test_nothing_to_save_says_so(forum_admin, programme_of):
    presentation = programme_of("held")
    response = post(english_client(forum_admin), presentation)
    assert response.status_code == 200 and "Nothing to save" in response.content.decode()


# Who sees them --------------------------------------------------------------------------


def test_materials_are_public_only_once_the_session_is_held(
    forum_admin, innovator_diy, other_innovator, anon, bappeda_kalsel, programme_of
):
    presentation = programme_of("scheduled")
    post(english_client(forum_admin), presentation, slides=pdf(), recording_url=YOUTUBE)
    page_url = presentation.session.get_absolute_url()
    for outsider in (anon, bappeda_kalsel, other_innovator):
        client = client_for(outsider)
        assert client.get(slides_url(presentation)).status_code == 404
        page = client.get(page_url).content.decode()
        assert YOUTUBE.replace("&", "&amp;") not in page and slides_url(presentation) not in page
    for insider in (forum_admin, innovator_diy):
        client = english_client(insider)
        assert client.get(slides_url(presentation)).status_code == 200
        assert "Public once the session is held." in client.get(page_url).content.decode()

    session = ForumSession.objects.get(pk=presentation.session_id)
    ForumSession.objects.filter(pk=session.pk).update(starts_at=ahead(days=-1).astimezone())
    services.mark_held(session=session, by=forum_admin)
    page = english_client(anon).get(page_url).content.decode()
    assert slides_url(presentation) in page
    assert f'href="{YOUTUBE.replace("&", "&amp;")}" rel="noopener noreferrer"' in page
    assert "(PDF, " in page and "youtube.com" in page
    assert "<iframe" not in page and "<video" not in page
    assert client_for(anon).get(slides_url(presentation)).status_code == 200


def test_the_slides_download_as_an_attachment_with_nosniff(anon, forum_admin, programme_of):
    presentation = programme_of("held")
    post(english_client(forum_admin), presentation, slides=pdf('Paparan "Rimba"; 2020.pdf'))
    response = client_for(anon).get(slides_url(presentation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Paparan Rimba 2020.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_presentation_without_slides_has_no_download(anon, programme_of):
    presentation = programme_of("held")
    assert client_for(anon).get(slides_url(presentation)).status_code == 404


def test_the_forum_page_reads_materials_in_a_constant_number_of_queries(
    anon, forum_admin, innovator_diy, make_session, make_innovation
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(count: int) -> list[int]:
        session = make_session("scheduled", start=ahead(days=-3 - count))
        for n in range(count):
            innovation = make_innovation(
                f"Inovasi {count}-{n}", innovator=innovator_diy.institution
            )
            presentation = programme.add_presentation(
                session=session, by=forum_admin, innovation=innovation
            )
            post(english_client(forum_admin), presentation, slides=pdf(), recording_url=YOUTUBE)
        services.mark_held(session=session, by=forum_admin)
        counted = []
        for user in (anon, innovator_diy, forum_admin):
            client = client_for(user)
            client.get(session.get_absolute_url())
            with CaptureQueriesContext(connection) as queries:
                page = client.get(session.get_absolute_url())
            assert page.content.decode().count("slides-link") == count
            counted.append(len(queries))
        return counted

    assert page_queries(1) == page_queries(4)


# The demo ---------------------------------------------------------------------------------


def test_the_demo_kalsel_forum_has_slides_and_recordings_once(settings, anon):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    kalsel = ForumSession.objects.get(number=6, host_province__code="63", starts_at__year=2020)
    presentations = list(kalsel.presentations.all())
    assert len(presentations) == 4
    assert all(
        p.slides and p.recording_url.startswith("https://www.youtube.com/") for p in presentations
    )
    events = AuditEvent.objects.count()
    call_command("seed_demo", verbosity=0)
    assert AuditEvent.objects.count() == events
    response = client_for(anon).get(slides_url(presentations[0]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_presenters_are_asked_for_materials_on_their_work_page(
    innovator_diy, other_innovator, forum_admin, programme_of
):
    from jipp.work import work_for

    presentation = programme_of("held")
    programme_of_other = work_for(other_innovator).counts.get("forum_materials")
    assert programme_of_other == 0
    assert work_for(innovator_diy).counts["forum_materials"] == 1
    page = english_client(innovator_diy).get("/work/").content.decode()
    assert materials_url(presentation) in page
    post(english_client(forum_admin), presentation, recording_url=YOUTUBE)
    assert work_for(innovator_diy).counts["forum_materials"] == 0


def test_check_data_finds_materials_the_services_would_not_write(forum_admin, programme_of):
    from jipp import invariants

    presentation = programme_of("held")
    post(english_client(forum_admin), presentation, slides=pdf(), recording_url=YOUTUBE)
    assert not [v for v in invariants.run() if "slides" in v.promise]
    Presentation.objects.filter(pk=presentation.pk).update(
        slides_size=None, recording_url="javascript:alert(1)"
    )
    problems = " ".join(violation.describe() for violation in invariants.run())
    assert f"presentation {presentation.pk}" in problems
