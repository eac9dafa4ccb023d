"""The ministry's review: the queue, the change table, decisions, notes and races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from innovations import services
from innovations.models import Innovation, InnovationRevision
from innovations.workflow import events_of, innovation_data
from jipp.models import AuditEvent, Notification, Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(ministry):
    client = client_for(ministry)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def submitted(innovator_diy, make_innovation):
    return make_innovation(
        "Si Jaga Hutan",
        status="submitted",
        innovator=innovator_diy.institution,
        submitted_at=timezone.now() - timedelta(days=3, minutes=1),
    )


@pytest.fixture
def revised(innovator_diy, make_innovation):
    """An approved innovation with a submitted update that changes its results only."""
    innovation = make_innovation(
        "Sahabat Rimba",
        innovator=innovator_diy.institution,
        approved_at=timezone.now() - timedelta(days=400),
    )
    innovation.revisions.create(
        data={**innovation_data(innovation), "results": "Hasil yang lebih baik."},
        status="submitted",
        submitted_at=timezone.now() - timedelta(days=1),
    )
    return innovation


def test_the_queue_lists_submissions_and_updates_oldest_first(
    reviewer, submitted, revised, make_innovation
):
    make_innovation("Masih Draf", status="draft")
    page = reviewer.get("/innovations/review/").content.decode()
    assert page.index("Si Jaga Hutan") < page.index("Sahabat Rimba")
    assert "Masih Draf" not in page
    assert "3\xa0days" in page and "1\xa0day" in page


def test_the_review_of_a_submission_shows_all_of_it(reviewer, submitted):
    page = reviewer.get(f"/innovations/review/{submitted.slug}/").content.decode()
    for text in [submitted.summary, submitted.problem, submitted.solution, submitted.results]:
        assert text in page
    assert 'value="approve"' in page and 'value="archive"' not in page


def test_the_change_table_shows_only_changed_fields(reviewer, revised):
    response = reviewer.get(f"/innovations/review/{revised.slug}/")
    assert [(c.label, c.old, c.new) for c in response.context["changes"]] == [
        ("Results", "Hasil yang dicapai.", "Hasil yang lebih baik.")
    ]
    assert response.content.decode().count('class="change-row"') == 1


def test_approving_publishes_and_tells_the_innovators(
    ministry, submitted, innovator_diy, make_user, committed
):
    colleague = make_user("sekar", Role.INNOVATOR, institution=innovator_diy.institution)
    make_user("mantan", Role.INNOVATOR, institution=innovator_diy.institution, is_active=False)
    with committed():
        response = client_for(ministry).post(
            f"/innovations/review/{submitted.slug}/decide/", {"decision": "approve", "note": ""}
        )
    assert response.status_code == 302 and response.url == "/innovations/review/"
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert submitted.approved_at and submitted.reviewed_at
    event = events_of(submitted).get()
    assert (event.actor, event.from_status, event.to_status) == (ministry, "submitted", "approved")
    told = Notification.objects.filter(kind="innovation_decided")
    assert sorted(n.user.username for n in told) == [colleague.username, innovator_diy.username]
    assert all(n.url == f"/innovations/mine/{submitted.slug}/" for n in told)


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_a_note_is_required_to_request_changes_or_reject(reviewer, submitted, decision):
    url = f"/innovations/review/{submitted.slug}/decide/"
    response = reviewer.post(url, {"decision": decision, "note": "  "})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert Innovation.objects.get(pk=submitted.pk).status == "submitted"
    assert not AuditEvent.objects.exists()


def test_a_note_is_required_to_archive(reviewer, make_innovation, ministry):
    innovation = make_innovation("Terbit")
    url = f"/innovations/review/{innovation.slug}/decide/"
    assert reviewer.post(url, {"decision": "archive", "note": ""}).status_code == 200
    assert Innovation.objects.get(pk=innovation.pk).status == "approved"
    with pytest.raises(ValidationError):
        services.decide(innovation=innovation, by=ministry, decision="archive", note="")
    reviewer.post(url, {"decision": "archive", "note": "Layanan dihentikan."})
    assert Innovation.objects.get(pk=innovation.pk).status == "archived"
    assert reviewer.get(f"/innovations/{innovation.slug}/").status_code == 404


def test_changes_requested_go_back_to_the_innovator_who_resubmits(
    ministry, innovator_diy, submitted, committed
):
    with committed():
        services.decide(
            innovation=submitted, by=ministry, decision="request_changes", note="Tambah foto."
        )
    submitted.refresh_from_db()
    assert submitted.status == "changes_requested" and submitted.review_note == "Tambah foto."
    told = Notification.objects.get(kind="innovation_decided", user=innovator_diy)
    assert "Tambah foto." in told.body
    services.submit_innovation(innovation=submitted, by=innovator_diy)
    services.decide(innovation=submitted, by=ministry, decision="reject", note="Bukan inovasi.")
    assert Innovation.objects.get(pk=submitted.pk).status == "rejected"
    assert Notification.objects.filter(kind="innovation_decided", user=innovator_diy).count() == 2


def test_approving_an_update_keeps_the_first_publication_date(ministry, revised, innovator_diy):
    first = revised.approved_at
    services.decide(innovation=revised, by=ministry, decision="approve", note="Terima kasih.")
    revised.refresh_from_db()
    revision = InnovationRevision.objects.get()
    assert revised.results == "Hasil yang lebih baik." and revised.approved_at == first
    assert (revision.status, revision.reviewed_by, revision.note) == (
        "approved",
        ministry,
        "Terima kasih.",
    )
    assert events_of(revision).get().action == "revision_approved"
    assert Notification.objects.filter(kind="innovation_decided", user=innovator_diy).exists()


def test_changes_requested_to_an_update_leave_the_published_text(ministry, revised):
    services.decide(innovation=revised, by=ministry, decision="request_changes", note="Angka?")
    revised.refresh_from_db()
    assert revised.status == "approved" and revised.results == "Hasil yang dicapai."
    assert InnovationRevision.objects.get().status == "changes_requested"


def test_deciding_twice_gives_a_clear_message(reviewer, ministry, submitted):
    services.decide(innovation=submitted, by=ministry, decision="approve", note="")
    stale = Innovation.objects.get(pk=submitted.pk)
    stale.status = "submitted"  # what a second reviewer's page still shows
    expected = r"already decided by Ratna on .*: approved"
    with pytest.raises(ValidationError, match=expected), translation.override("en"):
        services.decide(innovation=stale, by=ministry, decision="reject", note="Tidak.")
    response = reviewer.post(
        f"/innovations/review/{submitted.slug}/decide/",
        {"decision": "reject", "note": "Tidak."},
        follow=True,
    )
    assert "already decided by Ratna" in response.content.decode()
    assert Innovation.objects.get(pk=submitted.pk).status == "approved"
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_one_decision(
    ministry, make_user, kemenpanrb, submitted
):
    second = make_user("budi", Role.MINISTRY, institution=kemenpanrb, first_name="Budi")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def review(by, decision, note):
        barrier.wait()
        translation.activate("en")
        try:
            services.decide(innovation=submitted, by=by, decision=decision, note=note)
            results.append("decided")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(ministry, "approve", "")),
        threading.Thread(target=review, args=(second, "reject", "Tidak.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[1] == "decided"
    assert "already decided by" in sorted(results)[0]
    decisions = events_of(submitted)
    assert decisions.count() == 1
    assert Innovation.objects.get(pk=submitted.pk).status == decisions.get().to_status


def test_only_the_ministry_reviews(client, bappeda_kalsel, innovator_diy, submitted):
    for user in [bappeda_kalsel, innovator_diy]:
        other = client_for(user)
        assert other.get("/innovations/review/").status_code == 403
        assert other.get(f"/innovations/review/{submitted.slug}/").status_code == 403
        url = f"/innovations/review/{submitted.slug}/decide/"
        assert other.post(url, {"decision": "approve"}).status_code == 403
    response = client.get("/innovations/review/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert Innovation.objects.get(pk=submitted.pk).status == "submitted"


def test_innovator_pages_refuse_other_roles(client, bappeda_kalsel, ministry, submitted):
    for user in [bappeda_kalsel, ministry]:
        other = client_for(user)
        assert other.get("/innovations/mine/").status_code == 403
        assert other.get(f"/innovations/mine/{submitted.slug}/").status_code == 403
        assert other.post(f"/innovations/{submitted.slug}/submit/").status_code == 403
    response = client.get("/innovations/new/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_demo_story_has_a_submission_and_an_update_waiting(settings, reviewer):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # a second run creates nothing more
    waiting = Innovation.objects.get(slug="si-jaga-hutan")
    assert waiting.status == "submitted" and waiting.innovator.name.startswith("Balai Kesatuan")
    assert [e.action for e in events_of(waiting)] == ["innovation_submitted"]
    revision = InnovationRevision.objects.get(innovation__slug="menggapai-mimpi-sahabat-rimba")
    assert revision.status == "submitted"
    response = reviewer.get("/innovations/review/menggapai-mimpi-sahabat-rimba/")
    assert [c.label for c in response.context["changes"]] == ["Results"]
    queue = reviewer.get("/innovations/review/").content.decode()
    assert queue.index("Si Jaga Hutan") < queue.index("Menggapai Mimpi Sahabat Rimba")


# Resubmissions after a change request -------------------------------------------------


def test_a_change_request_keeps_the_text_it_was_made_on(ministry, innovator_diy, submitted):
    services.decide(innovation=submitted, by=ministry, decision="request_changes", note="Foto?")
    submitted.refresh_from_db()
    assert submitted.requested_snapshot == innovation_data(submitted)
    services.submit_innovation(innovation=submitted, by=innovator_diy)
    services.decide(innovation=submitted, by=ministry, decision="approve", note="")
    assert Innovation.objects.get(pk=submitted.pk).requested_snapshot is None  # round closed


def test_the_reviewer_sees_what_changed_since_the_request_and_the_reply(
    reviewer, ministry, innovator_diy, submitted
):
    services.decide(innovation=submitted, by=ministry, decision="request_changes", note="Foto?")
    services.update_innovation(
        innovation=submitted,
        by=innovator_diy,
        data={**innovation_data(submitted), "results": "Ada foto kegiatan.", "sdgs": [3]},
        reply="Foto sudah dilampirkan.",
    )
    services.submit_innovation(innovation=submitted, by=innovator_diy)
    response = reviewer.get(f"/innovations/review/{submitted.slug}/")
    page = response.content.decode()
    assert [(c.label, c.old, c.new) for c in response.context["changes_since_request"]] == [
        ("Results", "Hasil yang dicapai.", "Ada foto kegiatan.")
    ]
    answer = page.split('id="answer"')[1].split("</section>")[0]
    assert "Foto?" in answer and "Foto sudah dilampirkan." in answer
    assert answer.count('class="change-row"') == 1
    assert "When changes were requested" in answer
    # The reply is on the timeline too, with the resubmission.
    timeline = page.split('<h2 class="h5 mt-4">History</h2>')[1]
    assert "Foto sudah dilampirkan." in timeline


def test_a_resubmission_without_a_reply_or_changes_says_so(
    reviewer, ministry, innovator_diy, submitted
):
    services.decide(innovation=submitted, by=ministry, decision="request_changes", note="Foto?")
    services.submit_innovation(innovation=submitted, by=innovator_diy)
    page = reviewer.get(f"/innovations/review/{submitted.slug}/").content.decode()
    assert "no reply was written" in page
    assert "Nothing was changed since the change request." in page


def test_a_first_submission_has_no_answer_section(reviewer, submitted):
    response = reviewer.get(f"/innovations/review/{submitted.slug}/")
    assert response.context["changes_since_request"] is None
    assert 'id="answer"' not in response.content.decode()


def test_the_reviewer_sees_what_an_update_changed_since_the_request(
    reviewer, ministry, innovator_diy, revised
):
    services.decide(innovation=revised, by=ministry, decision="request_changes", note="Angka?")
    revision = InnovationRevision.objects.get()
    assert revision.requested_snapshot == revision.data
    services.save_revision(
        innovation=revised,
        by=innovator_diy,
        data={**revision.data, "results": "Naik 40%.", "sdgs": revision.data["sdg_numbers"]},
        reply="Angka ditambah.",
    )
    services.submit_revision(revision=revision, by=innovator_diy)
    response = reviewer.get(f"/innovations/review/{revised.slug}/")
    page = response.content.decode()
    # Against the published text, as before, and against the text the request was made on.
    assert [(c.old, c.new) for c in response.context["changes"]] == [
        ("Hasil yang dicapai.", "Naik 40%.")
    ]
    assert [(c.old, c.new) for c in response.context["changes_since_request"]] == [
        ("Hasil yang lebih baik.", "Naik 40%.")
    ]
    assert "Angka ditambah." in page.split('id="answer"')[1]
    told = Notification.objects.filter(kind="innovation_submitted", user=ministry).latest("pk")
    assert "Angka ditambah." in told.body
