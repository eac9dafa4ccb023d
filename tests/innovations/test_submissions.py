"""Innovators' drafts, submissions and updates of their institution's innovations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from innovations import services
from innovations.models import Innovation, InnovationRevision
from innovations.workflow import events_of, innovation_data, last_event_id
from jipp.models import AuditEvent, Notification, Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def valid_data(**overrides) -> dict:
    data = {
        "title": "Si Jaga Hutan: Patroli Hutan Berbasis Aplikasi",
        "category": "",
        "sdgs": ["15", "13"],
        "phase": "creation",
        "launched_year": "2020",
        "summary": "Aplikasi patroli hutan bersama masyarakat.",
        "problem": "Laporan patroli ditulis di kertas.",
        "solution": "Petugas melapor lewat aplikasi.",
        "results": "Waktu tanggap titik api turun.",
        "replication_requirements": "Ponsel Android dan pelatihan.",
        "contact_email": "kphyogyakarta@jogjaprov.go.id",
        "website": "",
        "kipp_recognition": "none",
        "kipp_year": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def form_data():
    from innovations.models import Category

    category = Category.objects.get(slug="lingkungan-hidup-kehutanan")
    return lambda **overrides: valid_data(**{"category": str(category.pk), **overrides})


@pytest.fixture
def english(innovator_diy):
    client = client_for(innovator_diy)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def colleague(make_user, innovator_diy):
    """A second innovator of the same institution: the work is the institution's."""
    return make_user("sekar", Role.INNOVATOR, institution=innovator_diy.institution)


@pytest.fixture
def outsider(make_user, make_institution):
    other = make_institution("Dinas Kesehatan Provinsi Kalimantan Selatan", "63")
    return make_user("rina", Role.INNOVATOR, institution=other)


def test_an_innovator_creates_a_draft_of_their_institution(innovator_diy, form_data):
    response = client_for(innovator_diy).post("/innovations/new/", form_data())
    innovation = Innovation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/innovations/mine/{innovation.slug}/"
    assert innovation.status == "draft"
    assert innovation.innovator == innovator_diy.institution
    assert innovation.province.code == "34"
    assert innovation.created_by == innovator_diy
    assert innovation.slug == "si-jaga-hutan-patroli-hutan-berbasis-aplikasi"
    assert innovation.sdg_numbers == [13, 15]
    assert [e.action for e in events_of(innovation)] == ["innovation_created"]


@pytest.mark.parametrize("title", ["Review", "Mine", "New", "Export", "Innovators", "Import"])
def test_a_slug_is_never_a_reserved_word(innovator_diy, form_data, title):
    client_for(innovator_diy).post("/innovations/new/", form_data(title=title))
    assert Innovation.objects.get().slug == f"{title.lower()}-2"


def test_a_slug_is_unique(innovator_diy, form_data, make_innovation):
    make_innovation("Sama", slug="sama")
    client_for(innovator_diy).post("/innovations/new/", form_data(title="Sama"))
    assert Innovation.objects.get(innovator=innovator_diy.institution).slug == "sama-2"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"launched_year": "1800"}, "launched_year"),
        ({"launched_year": str(timezone.now().year + 1)}, "launched_year"),
        ({"kipp_year": "2019"}, "kipp_year"),  # a year without a recognition
        ({"kipp_recognition": "top99"}, "kipp_year"),  # a recognition without a year
        ({"kipp_recognition": "top99", "kipp_year": "2010"}, "kipp_year"),
        ({"sdgs": []}, "sdgs"),
        ({"sdgs": ["18"]}, "sdgs"),
        ({"contact_email": "wahyu@gmail.com"}, "contact_email"),
        ({"contact_email": "bukan-email"}, "contact_email"),
        ({"phase": "someday"}, "phase"),
    ],
)
def test_bad_input_is_refused_with_the_typed_text_kept(innovator_diy, form_data, overrides, field):
    data = form_data(summary="Teks yang sudah diketik.", **overrides)
    response = client_for(innovator_diy).post("/innovations/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Teks yang sudah diketik." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode() or field == "sdgs"
    assert not Innovation.objects.exists()


def test_a_kipp_award_with_its_year_is_accepted(innovator_diy, form_data):
    data = form_data(kipp_recognition="top99", kipp_year="2019")
    assert client_for(innovator_diy).post("/innovations/new/", data).status_code == 302
    assert Innovation.objects.get().kipp_year == 2019


def test_a_draft_is_never_public_until_approved(innovator_diy, form_data, ministry, client):
    client_for(innovator_diy).post("/innovations/new/", form_data(title="Patroli Rimbawan"))
    innovation = Innovation.objects.get()

    def public_everywhere() -> list[bool]:
        cache.clear()  # the catalogue remembers a search for a minute
        return [
            client.get(f"/innovations/{innovation.slug}/").status_code == 200,
            client.get(f"/api/innovations/{innovation.slug}/").status_code == 200,
            "Patroli Rimbawan" in client.get("/innovations/?q=rimbawan").content.decode(),
        ]

    assert public_everywhere() == [False, False, False]
    services.submit_innovation(innovation=innovation, by=innovator_diy)
    assert public_everywhere() == [False, False, False]
    services.decide(innovation=innovation, by=ministry, decision="approve", note="")
    assert public_everywhere() == [True, True, True]


def test_my_innovations_lists_the_institutions_work_in_every_status(
    colleague, innovator_diy, make_innovation, english
):
    unit = innovator_diy.institution
    make_innovation("Draf Satu", status="draft", innovator=unit)
    make_innovation(
        "Menunggu",
        status="submitted",
        innovator=unit,
        submitted_at=timezone.now() - timedelta(days=3, minutes=5),
    )
    make_innovation(
        "Perlu Perbaikan", status="changes_requested", innovator=unit, review_note="Lengkapi data."
    )
    make_innovation("Milik Orang Lain", status="draft")
    english.force_login(colleague)
    page = english.get("/innovations/mine/").content.decode()
    assert "Draf Satu" in page and "Menunggu" in page and "Perlu Perbaikan" in page
    assert "Milik Orang Lain" not in page
    assert "Draft: not submitted" in page
    assert "Waiting for ministry review for 3\xa0days" in page
    assert "Changes requested: Lengkapi data." in page


def test_a_colleague_edits_the_institutions_draft(
    colleague, innovator_diy, make_innovation, form_data
):
    draft = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    response = client_for(colleague).post(
        f"/innovations/{draft.slug}/edit/", form_data(title="Draf Baru", sdgs=["4"], seen="0")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Draf Baru" and draft.sdg_numbers == [4]
    assert draft.slug.startswith("draf-")  # the address does not move


def test_the_edit_form_is_prefilled(innovator_diy, make_innovation):
    draft = make_innovation("Draf Terisi", status="draft", innovator=innovator_diy.institution)
    form = client_for(innovator_diy).get(f"/innovations/{draft.slug}/edit/").context["form"]
    assert form["title"].value() == "Draf Terisi"
    assert [int(v) for v in form["sdgs"].value()] == list(draft.sdgs.values_list("pk", flat=True))


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "archived"])
def test_only_a_draft_or_changes_requested_can_be_edited(
    innovator_diy, make_innovation, form_data, status
):
    innovation = make_innovation("Terkunci", status=status, innovator=innovator_diy.institution)
    client = client_for(innovator_diy)
    assert client.get(f"/innovations/{innovation.slug}/edit/").status_code == 302
    client.post(f"/innovations/{innovation.slug}/edit/", form_data(title="Diubah"))
    assert Innovation.objects.get(pk=innovation.pk).title == "Terkunci"
    with pytest.raises(ValidationError):
        services.update_innovation(innovation=innovation, by=innovator_diy, data={})
    with pytest.raises(ValidationError):
        services.submit_innovation(innovation=innovation, by=innovator_diy)


def test_another_institutions_innovator_gets_404_everywhere(
    outsider, innovator_diy, make_innovation
):
    unit = innovator_diy.institution
    draft = make_innovation("Draf DIY", status="draft", innovator=unit)
    approved = make_innovation("Terbit DIY", innovator=unit)
    client = client_for(outsider)
    for url in [
        f"/innovations/mine/{draft.slug}/",
        f"/innovations/{draft.slug}/edit/",
        f"/innovations/{approved.slug}/revise/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/innovations/{draft.slug}/submit/",
        f"/innovations/{approved.slug}/revise/submit/",
    ]:
        assert client.post(url).status_code == 404, url
    assert Innovation.objects.get(pk=draft.pk).status == "draft"


def test_services_refuse_other_people(
    outsider, bappeda_kalsel, ministry, innovator_diy, make_innovation
):
    draft = make_innovation("Draf DIY", status="draft", innovator=innovator_diy.institution)
    for user in [outsider, bappeda_kalsel, ministry]:
        with pytest.raises(PermissionDenied):
            services.submit_innovation(innovation=draft, by=user)
        with pytest.raises(PermissionDenied):
            services.update_innovation(innovation=draft, by=user, data={})
        with pytest.raises(PermissionDenied):
            services.save_revision(innovation=draft, by=user, data={})
    for user in [bappeda_kalsel, ministry]:
        with pytest.raises(PermissionDenied):
            services.create_innovation(by=user, data={})
    with pytest.raises(PermissionDenied):
        services.decide(innovation=draft, by=innovator_diy, decision="approve", note="")


def test_submitting_notifies_every_active_reviewer_each_time(
    innovator_diy, ministry, make_user, kemenpanrb, make_innovation, committed
):
    second = make_user("budi", Role.MINISTRY, institution=kemenpanrb)
    make_user("lama", Role.MINISTRY, institution=kemenpanrb, is_active=False)
    draft = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    client = client_for(innovator_diy)
    with committed():
        assert client.post(f"/innovations/{draft.slug}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at is not None
    sent = Notification.objects.filter(kind="innovation_submitted")
    assert sorted(n.user.username for n in sent) == ["budi", "ratna"]
    assert all(n.url == f"/innovations/review/{draft.slug}/" for n in sent)

    services.decide(innovation=draft, by=ministry, decision="request_changes", note="Tambah data.")
    with committed():
        client.post(f"/innovations/{draft.slug}/submit/")
    assert Notification.objects.filter(kind="innovation_submitted", user=second).count() == 2
    actions = [e.action for e in events_of(draft)]
    assert actions == [
        "innovation_submitted",
        "innovation_changes_requested",
        "innovation_submitted",
    ]


def test_the_innovators_page_shows_notes_history_and_actions(
    innovator_diy, ministry, make_innovation, english
):
    innovation = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    services.submit_innovation(innovation=innovation, by=innovator_diy)
    services.decide(innovation=innovation, by=ministry, decision="request_changes", note="Foto?")
    page = english.get(f"/innovations/mine/{innovation.slug}/").content.decode()
    assert "Foto?" in page
    timeline = page.split('<h2 class="h5 mt-4">History</h2>')[1]
    assert timeline.index("Submitted for review") < timeline.index("Changes requested")
    assert f"/innovations/{innovation.slug}/edit/" in page
    assert f"/innovations/{innovation.slug}/submit/" in page


# Updates of approved innovations ------------------------------------------------------


@pytest.fixture
def approved(innovator_diy, make_innovation):
    return make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        results="Gangguan hutan menurun.",
        sdgs=(15,),
    )


def test_the_update_form_is_prefilled_with_the_published_text(innovator_diy, approved):
    form = client_for(innovator_diy).get(f"/innovations/{approved.slug}/revise/").context["form"]
    assert form["results"].value() == "Gangguan hutan menurun."


def test_an_update_stays_private_until_approved(
    innovator_diy, ministry, approved, form_data, client, committed
):
    innovator = client_for(innovator_diy)
    data = form_data(
        title=approved.title,
        category=str(approved.category_id),
        phase=approved.phase,
        launched_year=str(approved.launched_year),
        summary=approved.summary,
        problem=approved.problem,
        solution=approved.solution,
        results="Kunjungan ekowisata melonjak.",
        replication_requirements=approved.replication_requirements,
        contact_email="",
        sdgs=["15", "8"],
        seen="0",
    )
    assert innovator.post(f"/innovations/{approved.slug}/revise/", data).status_code == 302
    revision = InnovationRevision.objects.get()
    assert (
        revision.status == "draft" and revision.data["results"] == "Kunjungan ekowisata melonjak."
    )
    # The form prefills from the open update from now on.
    form = innovator.get(f"/innovations/{approved.slug}/revise/").context["form"]
    assert form["results"].value() == "Kunjungan ekowisata melonjak."

    def public_text() -> tuple[bool, bool, bool]:
        cache.clear()  # the catalogue remembers a search for a minute
        page = client.get(f"/innovations/{approved.slug}/").content.decode()
        api = client.get(f"/api/innovations/{approved.slug}/").content.decode()
        found = approved.title in client.get("/innovations/?q=ekowisata").content.decode()
        return "ekowisata" in page, "ekowisata" in api, found

    assert public_text() == (False, False, False)
    with committed():
        innovator.post(f"/innovations/{approved.slug}/revise/submit/")
    revision.refresh_from_db()
    assert revision.status == "submitted" and revision.submitted_at
    assert Notification.objects.filter(kind="innovation_submitted", user=ministry).count() == 1
    assert public_text() == (False, False, False)

    services.decide(innovation=approved, by=ministry, decision="approve", note="")
    assert public_text() == (True, True, True)
    approved.refresh_from_db()
    assert approved.sdg_numbers == [8, 15]
    assert sorted(approved.sdgs.values_list("number", flat=True)) == [8, 15]


def test_a_submitted_update_cannot_be_changed(innovator_diy, approved, form_data):
    revision = services.save_revision(
        innovation=approved, by=innovator_diy, data={**innovation_data(approved), "sdgs": [15]}
    )
    revision.data["results"] = "Baru."
    revision.save()
    services.submit_revision(revision=revision, by=innovator_diy)
    response = client_for(innovator_diy).get(f"/innovations/{approved.slug}/revise/")
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        services.save_revision(innovation=approved, by=innovator_diy, data={})


def test_an_update_that_changes_nothing_is_not_submitted(innovator_diy, approved):
    revision = approved.revisions.create(data=innovation_data(approved))
    with pytest.raises(ValidationError, match="changes nothing"), translation.override("en"):
        services.submit_revision(revision=revision, by=innovator_diy)


def test_only_an_approved_innovation_takes_updates(innovator_diy, make_innovation):
    draft = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    assert client_for(innovator_diy).get(f"/innovations/{draft.slug}/revise/").status_code == 302
    with pytest.raises(ValidationError):
        services.save_revision(innovation=draft, by=innovator_diy, data={})


def test_an_innovation_has_at_most_one_open_update(approved):
    approved.revisions.create(data={}, status="draft")
    approved.revisions.create(data={}, status="rejected")
    with pytest.raises(IntegrityError), transaction.atomic():
        approved.revisions.create(data={}, status="submitted")


# Change requests answered in place ----------------------------------------------------


@pytest.fixture
def returned(innovator_diy, ministry, make_innovation):
    """A submission the ministry sent back with a note."""
    innovation = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    services.submit_innovation(innovation=innovation, by=innovator_diy)
    services.decide(
        innovation=innovation, by=ministry, decision="request_changes", note="Tambah foto."
    )
    innovation.refresh_from_db()
    return innovation


def edit_data(innovation, form_data, **overrides) -> dict:
    """The innovation's own values as the edit form posts them, with what the test changes."""
    values = innovation_data(innovation)
    return form_data(
        **{
            "title": values["title"],
            "category": str(values["category"]),
            "sdgs": [str(n) for n in values["sdg_numbers"]],
            "phase": values["phase"],
            "launched_year": str(values["launched_year"]),
            "summary": values["summary"],
            "problem": values["problem"],
            "solution": values["solution"],
            "results": values["results"],
            "replication_requirements": values["replication_requirements"],
            "contact_email": values["contact_email"],
            "seen": str(last_event_id(innovation)),
            **overrides,
        }
    )


def test_the_edit_form_shows_the_reviewers_note_and_asks_for_a_reply(returned, english):
    response = english.get(f"/innovations/{returned.slug}/edit/")
    page = response.content.decode()
    assert "The reviewer asked for changes" in page and "Tambah foto." in page
    assert 'name="reply"' in page
    assert page.index('name="reply"') < page.index('name="title"')  # the answer comes first
    assert 'name="then" value="submit"' in page


def test_a_draft_never_reviewed_has_no_reply_field(innovator_diy, make_innovation):
    draft = make_innovation("Draf", status="draft", innovator=innovator_diy.institution)
    page = client_for(innovator_diy).get(f"/innovations/{draft.slug}/edit/").content.decode()
    assert 'name="reply"' not in page and "reviewer asked" not in page


def test_saving_says_it_is_not_submitted_and_offers_the_submit_button(
    returned, innovator_diy, english, form_data
):
    data = edit_data(returned, form_data, results="Ada foto.", reply="Foto sudah ditambah.")
    response = english.post(f"/innovations/{returned.slug}/edit/", data, follow=True)
    page = response.content.decode()
    assert "It is not submitted yet" in page
    assert f'action="/innovations/{returned.slug}/submit/"' in page
    assert "Your reply to the reviewer" in page and "Foto sudah ditambah." in page
    returned.refresh_from_db()
    assert returned.status == "changes_requested"
    assert (returned.results, returned.reply) == ("Ada foto.", "Foto sudah ditambah.")
    # The innovator sees what they changed since the request, as the reviewer will.
    changes = response.context["changes_since_request"]
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Results", "Hasil yang dicapai.", "Ada foto.")
    ]


def test_the_reply_goes_with_the_resubmission_to_the_reviewers(
    returned, innovator_diy, ministry, form_data, committed
):
    client = client_for(innovator_diy)
    client.post(
        f"/innovations/{returned.slug}/edit/",
        edit_data(returned, form_data, results="Ada foto.", reply="Foto sudah ditambah."),
    )
    with committed():
        assert client.post(f"/innovations/{returned.slug}/submit/").status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.reply) == ("submitted", "")  # the reply moved on
    event = events_of(returned).filter(action="innovation_submitted").last()
    assert event.note == "Foto sudah ditambah."
    told = Notification.objects.filter(kind="innovation_submitted", user=ministry).latest("pk")
    assert "Foto sudah ditambah." in told.body


def test_save_and_submit_does_both_at_once(returned, innovator_diy, form_data):
    data = edit_data(returned, form_data, results="Ada foto.", reply="Sudah.", then="submit")
    response = client_for(innovator_diy).post(f"/innovations/{returned.slug}/edit/", data)
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.results) == ("submitted", "Ada foto.")
    assert events_of(returned).filter(action="innovation_submitted").last().note == "Sudah."


def test_an_overlong_reply_is_refused_and_nothing_is_saved(returned, innovator_diy, form_data):
    before = AuditEvent.objects.count()
    data = edit_data(returned, form_data, results="Ada foto.", reply="x" * 5001, then="submit")
    response = client_for(innovator_diy).post(f"/innovations/{returned.slug}/edit/", data)
    assert response.status_code == 200
    assert "reply" in response.context["form"].errors
    returned.refresh_from_db()
    assert (returned.status, returned.results, returned.reply) == (
        "changes_requested",
        "Hasil yang dicapai.",
        "",
    )
    assert AuditEvent.objects.count() == before
    with pytest.raises(ValidationError, match="too long"), translation.override("en"):
        services.update_innovation(
            innovation=returned, by=innovator_diy, data=innovation_data(returned), reply="x" * 5001
        )


def test_a_stale_edit_is_refused_naming_who_changed_it(
    returned, innovator_diy, colleague, form_data, english
):
    mine = edit_data(returned, form_data, results="Versi saya.")  # read before the colleague
    client_for(colleague).post(
        f"/innovations/{returned.slug}/edit/",
        edit_data(returned, form_data, results="Versi Sekar."),
    )
    response = english.post(f"/innovations/{returned.slug}/edit/", mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed this innovation" in page and "Nothing was saved" in page
    assert "Versi saya." in page  # what was typed stays in the form
    assert Innovation.objects.get(pk=returned.pk).results == "Versi Sekar."


def test_an_edit_form_without_its_version_saves_nothing(returned, innovator_diy, form_data):
    data = edit_data(returned, form_data, results="Ada foto.")
    del data["seen"]
    response = client_for(innovator_diy).post(f"/innovations/{returned.slug}/edit/", data)
    assert response.status_code == 200 and "seen" in response.context["form"].errors
    assert Innovation.objects.get(pk=returned.pk).results == "Hasil yang dicapai."


def test_a_refused_submission_keeps_no_edit(approved, english, form_data):
    """Save and submit is one step: an update refused on submission is not kept either."""
    data = edit_data(approved, form_data, then="submit")  # changes nothing
    response = english.post(f"/innovations/{approved.slug}/revise/", data)
    assert response.status_code == 200
    assert "The update changes nothing yet." in response.content.decode()
    assert not InnovationRevision.objects.exists()


def test_the_page_says_why_no_update_can_be_proposed(innovator_diy, approved, english):
    revision = approved.revisions.create(
        data={**innovation_data(approved), "results": "Baru."}, status="draft"
    )
    services.submit_revision(revision=revision, by=innovator_diy)
    page = english.get(f"/innovations/mine/{approved.slug}/").content.decode()
    assert f"/innovations/{approved.slug}/revise/" not in page
    assert "An update already waits for the ministry's review" in page


def test_a_change_request_to_an_update_is_answered_in_place(
    innovator_diy, ministry, approved, english, form_data
):
    revision = approved.revisions.create(
        data={**innovation_data(approved), "results": "Baru."}, status="draft"
    )
    services.submit_revision(revision=revision, by=innovator_diy)
    services.decide(innovation=approved, by=ministry, decision="request_changes", note="Angka?")
    page = english.get(f"/innovations/{approved.slug}/revise/").content.decode()
    assert "Angka?" in page and 'name="reply"' in page
    data = edit_data(approved, form_data, results="Naik 40%.", reply="Angka ditambah.")
    data["then"] = "submit"
    assert english.post(f"/innovations/{approved.slug}/revise/", data).status_code == 302
    revision.refresh_from_db()
    assert (revision.status, revision.reply, revision.data["results"]) == (
        "submitted",
        "",
        "Naik 40%.",
    )
    assert events_of(revision).filter(action="revision_submitted").last().note == "Angka ditambah."
