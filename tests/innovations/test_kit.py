"""The replication kit: innovators add documents, the ministry decides, the public downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innovations import kit_services, services
from innovations.kit import KitDocument, KitKind, KitStatus
from innovations.workflow import innovation_data
from jipp import invariants
from jipp.models import AuditEvent, Notification, Role
from jipp.uploads import MAX_BYTES
from tests.conftest import client_for
from tests.support.compound import installer, word_document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "sop.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rimba(make_innovation: Callable[..., Any], innovator_diy: Any) -> Any:
    return make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        contact_email="kph@jogjaprov.go.id",
    )


def add(innovation: Any, by: Any, kind: str = KitKind.SOP, **fields: Any) -> KitDocument:
    values: dict[str, Any] = {"title": f"Dokumen {kind}", "file": pdf(f"{kind}.pdf")}
    values.update(fields)
    if "url" in fields:
        values.pop("file")
    return kit_services.add_kit_document(innovation=innovation, by=by, kind=kind, **values)


def approve(document: KitDocument, by: Any, note: str = "") -> KitDocument:
    return kit_services.decide_kit_document(document=document, by=by, decision="approve", note=note)


def complete_kit(innovation: Any, innovator: Any, reviewer: Any) -> list[KitDocument]:
    return [
        approve(add(innovation, innovator, kind), reviewer)
        for kind in (KitKind.SOP, KitKind.REGULATION, KitKind.BUDGET)
    ]


# Adding and deciding --------------------------------------------------------------------


def test_an_innovator_adds_a_document_that_waits_for_review(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    response = client_for(innovator_diy).post(
        f"/innovations/{rimba.slug}/kit/",
        {"kind": "sop", "title": "SOP Sekolah Alam", "language": "id", "file": pdf()},
    )
    assert response.status_code == 302
    document = KitDocument.objects.get()
    assert (document.status, document.title, document.content_type) == (
        "pending",
        "SOP Sekolah Alam",
        "application/pdf",
    )
    assert document.size == len(PDF) and document.original_name == "sop.pdf"
    assert "sop.pdf" not in str(document.file.name)  # stored under a random name
    assert AuditEvent.objects.filter(action="kit_document_added").count() == 1
    assert Notification.objects.filter(user=ministry, kind="kit_document_added").exists()
    # Not public yet: neither on the page nor as a download.
    assert "SOP Sekolah Alam" not in client_for(ministry).get(rimba.get_absolute_url()).text
    assert client_for(innovator_diy).get(document.get_download_url()).status_code == 200
    assert client_for(ministry).get(document.get_download_url()).status_code == 200
    from django.test import Client

    assert Client().get(document.get_download_url()).status_code == 404


def test_the_form_says_that_titles_and_files_become_public(rimba: Any, innovator_diy: Any) -> None:
    page = client_for(innovator_diy).get(f"/innovations/{rimba.slug}/kit/").text
    assert "become public" in page or "menjadi publik" in page


def test_approval_publishes_it_and_tells_the_innovators_with_the_note(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    document = add(rimba, innovator_diy, title="SOP Sekolah Alam")
    response = client_for(ministry).post(
        f"/innovations/review/kit/{document.pk}/decide/",
        {"decision": "approve", "note": "Lengkap dan jelas."},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == KitStatus.APPROVED and document.decided_by == ministry
    told = Notification.objects.get(user=innovator_diy, kind="kit_document_decided")
    assert "Lengkap dan jelas." in told.body
    page = client.get(rimba.get_absolute_url()).text
    assert "SOP Sekolah Alam" in page and document.get_download_url() in page
    assert f"PDF, {len(PDF)}" in page  # the type and the size


def test_the_public_download_is_an_attachment_that_is_not_sniffed(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    document = approve(add(rimba, innovator_diy, file=pdf("SOP Rimba.pdf")), ministry)
    response = client.get(f"/innovations/kit/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "SOP Rimba.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_a_rejection_needs_a_note_and_is_never_public(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    document = add(rimba, innovator_diy, title="Anggaran lama")
    with pytest.raises(ValidationError):
        kit_services.decide_kit_document(document=document, by=ministry, decision="reject")
    response = client_for(ministry).post(
        f"/innovations/review/kit/{document.pk}/decide/", {"decision": "reject", "note": ""}
    )
    assert response.status_code == 200
    kit_services.decide_kit_document(
        document=document, by=ministry, decision="reject", note="Ada nama dan NIK warga."
    )
    document.refresh_from_db()
    assert document.status == KitStatus.REJECTED
    told = Notification.objects.get(user=innovator_diy, kind="kit_document_decided")
    assert "Ada nama dan NIK warga." in told.body
    assert "Anggaran lama" not in client.get(rimba.get_absolute_url()).text
    assert client.get(document.get_download_url()).status_code == 404


def test_deciding_twice_gives_the_already_decided_message(
    rimba: Any, innovator_diy: Any, ministry: Any, make_user: Any, kemenpanrb: Any
) -> None:
    other = make_user("budi", Role.MINISTRY, institution=kemenpanrb, first_name="Budi")
    document = add(rimba, innovator_diy)
    approve(document, ministry)
    with pytest.raises(ValidationError) as caught:
        kit_services.decide_kit_document(
            document=document, by=other, decision="reject", note="Tidak."
        )
    assert "Ratna" in caught.value.messages[0]
    browser = client_for(other)
    response = browser.post(
        f"/innovations/review/kit/{document.pk}/decide/", {"decision": "reject", "note": "x"}
    )
    assert response.status_code == 302
    assert "Ratna" in browser.get(response["Location"]).text
    document.refresh_from_db()
    assert document.status == KitStatus.APPROVED


def test_a_newer_version_replaces_the_older_once_approved(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    old = approve(add(rimba, innovator_diy, title="SOP 2023"), ministry)
    new = add(rimba, innovator_diy, title="SOP 2026", replaces=old)
    old.refresh_from_db()
    assert old.status == KitStatus.APPROVED  # still shown while the new one waits
    approve(new, ministry)
    old.refresh_from_db()
    assert old.status == KitStatus.REPLACED
    page = client.get(rimba.get_absolute_url()).text
    assert "SOP 2026" in page and "SOP 2023" not in page
    assert client.get(old.get_download_url()).status_code == 404
    assert client_for(innovator_diy).get(old.get_download_url()).status_code == 200


def test_a_new_version_must_replace_an_approved_document_of_the_same_kind(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    sop = approve(add(rimba, innovator_diy), ministry)
    with pytest.raises(ValidationError):
        add(rimba, innovator_diy, kind=KitKind.BUDGET, replaces=sop)
    response = client_for(innovator_diy).post(
        f"/innovations/{rimba.slug}/kit/",
        {"kind": "budget", "title": "RAB", "language": "id", "file": pdf(), "replaces": sop.pk},
    )
    assert response.status_code == 200
    assert KitDocument.objects.count() == 1


# Links and files refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "ftp://example.go.id/sop.pdf",
        "JavaScript://example.go.id/%0aalert(1)",
        "mailto:a@example.go.id",
    ],
)
def test_links_are_http_or_https_only(rimba: Any, innovator_diy: Any, url: str) -> None:
    response = client_for(innovator_diy).post(
        f"/innovations/{rimba.slug}/kit/",
        {"kind": "media", "title": "Video", "language": "id", "url": url},
    )
    assert response.status_code == 200
    assert not KitDocument.objects.exists()
    with pytest.raises(ValidationError):
        add(rimba, innovator_diy, kind=KitKind.MEDIA, url=url)


def test_an_https_link_is_shown_as_a_link_never_embedded(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    approve(
        add(rimba, innovator_diy, kind=KitKind.MEDIA, url="https://video.example.go.id/v/1"),
        ministry,
    )
    page = client.get(rimba.get_absolute_url()).text
    assert 'href="https://video.example.go.id/v/1" rel="noopener noreferrer"' in page
    assert "<iframe" not in page and "<embed" not in page


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("sop.pdf", b"<html><script>alert(1)</script></html>", "not a valid PDF"),
        ("sop.doc", installer(), "installer"),
        ("sop.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not a valid PDF"),
        ("sop.exe", b"MZ\x90\x00" + b"\x00" * 100, "not an accepted kind"),
        ("sop.html.pdf", PDF, "hides another kind"),
        ("sop.pdf", PDF[:9] + b"<script>x</script>" + PDF[9:], "script"),
    ],
)
def test_disguised_uploads_are_refused_and_nothing_is_saved(
    rimba: Any, innovator_diy: Any, name: str, content: bytes, words: str
) -> None:
    client = client_for(innovator_diy)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/innovations/{rimba.slug}/kit/",
        {"kind": "sop", "title": "SOP", "language": "id", "file": pdf(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert words in response.text
    assert not KitDocument.objects.exists()


def test_a_real_word_document_is_accepted(rimba: Any, innovator_diy: Any) -> None:
    document = add(rimba, innovator_diy, file=pdf("sop.doc", word_document()))
    assert document.content_type == "application/msword"


def test_an_oversized_file_is_refused(rimba: Any, innovator_diy: Any) -> None:
    big = pdf("besar.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    response = client_for(innovator_diy).post(
        f"/innovations/{rimba.slug}/kit/",
        {"kind": "sop", "title": "SOP", "language": "id", "file": big},
    )
    assert response.status_code == 200
    assert "MB" in response.text
    assert not KitDocument.objects.exists()


def test_a_file_and_a_link_together_or_neither_are_refused(rimba: Any, innovator_diy: Any) -> None:
    client = client_for(innovator_diy)
    url = f"/innovations/{rimba.slug}/kit/"
    both = {
        "kind": "sop",
        "title": "SOP",
        "language": "id",
        "file": pdf(),
        "url": "https://a.go.id/",
    }
    assert client.post(url, both).status_code == 200
    assert client.post(url, {"kind": "sop", "title": "SOP", "language": "id"}).status_code == 200
    assert not KitDocument.objects.exists()


# Who may do what ------------------------------------------------------------------------


def test_other_roles_and_other_institutions_are_refused(
    client: Any,
    rimba: Any,
    innovator_diy: Any,
    bappeda_kalsel: Any,
    ministry: Any,
    make_user: Any,
    make_institution: Any,
) -> None:
    url = f"/innovations/{rimba.slug}/kit/"
    data = {"kind": "sop", "title": "SOP", "language": "id", "file": pdf()}
    assert client.get(url).status_code == 302  # to the login page
    assert client_for(bappeda_kalsel).post(url, data).status_code == 403
    assert client_for(ministry).get(url).status_code == 403
    stranger = make_user(
        "ani", Role.INNOVATOR, institution=make_institution("Dinas Sosial Provinsi Bali", "51")
    )
    assert client_for(stranger).post(url, data).status_code == 404
    assert not KitDocument.objects.exists()
    with pytest.raises(PermissionDenied):
        add(rimba, stranger)
    document = add(rimba, innovator_diy)
    review = f"/innovations/review/kit/{document.pk}/"
    assert client_for(innovator_diy).get(review).status_code == 403
    assert (
        client_for(innovator_diy).post(review + "decide/", {"decision": "approve"}).status_code
        == 403
    )
    assert client_for(stranger).get(document.get_download_url()).status_code == 404
    assert client_for(bappeda_kalsel).get(document.get_download_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        approve(document, innovator_diy)


def test_an_archived_innovation_takes_no_documents(
    make_innovation: Any, innovator_diy: Any
) -> None:
    archived = make_innovation("Lama", innovator=innovator_diy.institution, status="archived")
    with pytest.raises(ValidationError):
        add(archived, innovator_diy)
    response = client_for(innovator_diy).post(
        f"/innovations/{archived.slug}/kit/",
        {"kind": "sop", "title": "SOP", "language": "id", "file": pdf()},
    )
    assert response.status_code == 200
    assert not KitDocument.objects.exists()


def test_documents_of_an_innovation_not_public_are_not_downloadable_by_the_public(
    client: Any, make_innovation: Any, innovator_diy: Any, ministry: Any
) -> None:
    draft = make_innovation("Draf", innovator=innovator_diy.institution, status="draft")
    document = approve(add(draft, innovator_diy), ministry)
    assert client.get(document.get_download_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_kit_is_a_reserved_word() -> None:
    from innovations.models import RESERVED_SLUGS

    assert "kit" in RESERVED_SLUGS
    assert services.unique_slug("Kit") != "kit"


# Ready to replicate ---------------------------------------------------------------------


def test_a_complete_kit_with_a_contact_makes_it_ready_and_the_filter_finds_it(
    client: Any, rimba: Any, make_innovation: Any, innovator_diy: Any, ministry: Any
) -> None:
    other = make_innovation("Tanpa kit")
    documents = complete_kit(rimba, innovator_diy, ministry)
    rimba.refresh_from_db()
    assert rimba.is_kit_complete
    catalogue = client.get("/innovations/?kit=complete").text
    assert rimba.title in catalogue and other.title not in catalogue
    assert "Ready to replicate" in catalogue or "Siap direplikasi" in catalogue
    assert other.title in client.get("/innovations/").text
    assert (
        "Siap direplikasi" in client.get(rimba.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id").text
    )
    # A newer budget waiting for review changes nothing; its approval keeps the kit whole.
    approve(add(rimba, innovator_diy, KitKind.BUDGET, replaces=documents[2]), ministry)
    rimba.refresh_from_db()
    assert rimba.is_kit_complete
    assert not [v for v in invariants.run() if "ready to replicate" in v.promise]


def test_the_kit_filter_pages_by_keyset(
    client: Any, make_innovation: Any, innovator_diy: Any, ministry: Any
) -> None:
    for n in range(3):
        innovation = make_innovation(
            f"Siap {n}", innovator=innovator_diy.institution, contact_email="a@jogjaprov.go.id"
        )
        complete_kit(innovation, innovator_diy, ministry)
    make_innovation("Belum siap")
    from innovations import search

    first = search.catalogue({"kit": "complete"}, page_size=2)
    assert len(first.rows) == 2 and first.next_cursor
    second = search.catalogue({"kit": "complete", "cursor": first.next_cursor}, page_size=2)
    assert [row.title for row in second.rows] == ["Siap 0"]
    assert first.count == 3


def test_removing_the_contact_makes_it_not_ready(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    complete_kit(rimba, innovator_diy, ministry)
    rimba.refresh_from_db()
    assert rimba.is_kit_complete
    data = {**innovation_data(rimba), "sdgs": rimba.sdg_numbers, "contact_email": ""}
    revision = services.save_revision(innovation=rimba, by=innovator_diy, data=data)
    services.submit_revision(revision=revision, by=innovator_diy)
    services.decide(innovation=rimba, by=ministry, decision="approve", note="")
    rimba.refresh_from_db()
    assert rimba.contact_email == "" and not rimba.is_kit_complete


def test_check_data_finds_a_stored_readiness_that_the_rule_denies(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    approve(add(rimba, innovator_diy), ministry)
    type(rimba).objects.filter(pk=rimba.pk).update(is_kit_complete=True)
    promises = [v.promise for v in invariants.run()]
    assert any("ready to replicate" in promise for promise in promises)


# The ministry's queue and /work/ -------------------------------------------------------


def test_pending_documents_wait_in_the_review_queue_and_on_the_work_pages(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    first = add(rimba, innovator_diy, title="SOP pertama")
    add(rimba, innovator_diy, KitKind.BUDGET, title="RAB kedua")
    queue = client_for(ministry).get("/innovations/review/").text
    assert queue.index("SOP pertama") < queue.index("RAB kedua")
    assert f"/innovations/review/kit/{first.pk}/" in queue
    assert "SOP pertama" in client_for(ministry).get("/work/").text
    assert "SOP pertama" in client_for(innovator_diy).get("/work/").text
    kit_services.decide_kit_document(
        document=first, by=ministry, decision="reject", note="Perbaiki."
    )
    assert "SOP pertama" not in client_for(ministry).get("/innovations/review/").text
    assert "SOP pertama" in client_for(innovator_diy).get("/work/").text  # rejected: fix it
    add(rimba, innovator_diy, title="SOP pertama, diperbaiki")
    work = client_for(innovator_diy).get("/work/").text
    assert "SOP pertama, diperbaiki" in work


def test_the_review_page_shows_the_document_and_lets_the_ministry_download_it(
    rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    document = add(rimba, innovator_diy, title="SOP Sekolah Alam")
    page = client_for(ministry).get(f"/innovations/review/kit/{document.pk}/").text
    assert "SOP Sekolah Alam" in page and document.get_download_url() in page
    assert 'name="decision"' in page


# Pages in a constant number of queries --------------------------------------------------


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_innovation_page_and_the_queue_stay_constant_with_more_documents(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any
) -> None:
    complete_kit(rimba, innovator_diy, ministry)
    add(rimba, innovator_diy)
    page_few = _queries(client, rimba.get_absolute_url())
    queue_few = _queries(client_for(ministry), "/innovations/review/")
    kit_few = _queries(client_for(innovator_diy), f"/innovations/{rimba.slug}/kit/")
    for n in range(6):
        approve(add(rimba, innovator_diy, KitKind.TRAINING, title=f"Modul {n}"), ministry)
        add(rimba, innovator_diy, KitKind.REPORT, title=f"Laporan {n}")
        add(rimba, innovator_diy, KitKind.MEDIA, url=f"https://a.go.id/{n}")
    assert _queries(client, rimba.get_absolute_url()) == page_few
    assert _queries(client_for(ministry), "/innovations/review/") == queue_few
    assert _queries(client_for(innovator_diy), f"/innovations/{rimba.slug}/kit/") == kit_few


# The demo story -------------------------------------------------------------------------


def test_the_demo_kits_are_ready_partial_and_pending_and_load_once(settings: Any) -> None:
    from innovations import demo as innovation_demo
    from innovations import demo_kits
    from innovations.models import Innovation
    from jipp import demo as jipp_demo

    jipp_demo.seed()
    innovation_demo.seed()
    assert demo_kits.seed()
    assert demo_kits.seed() == []
    ready = set(Innovation.objects.filter(is_kit_complete=True).values_list("slug", flat=True))
    assert ready == {demo_kits.GENERASI_EMAS, demo_kits.SAHABAT_RIMBA}
    assert KitDocument.objects.filter(innovation__slug=demo_kits.OMSPAN).exists()
    pending = KitDocument.objects.filter(status=KitStatus.PENDING)
    assert pending.count() == 1 and pending.get().replaces is not None
    assert all(
        document.file.open("rb").read(5) == b"%PDF-"
        for document in KitDocument.objects.exclude(file="")
    )
    assert not [v for v in invariants.run() if "kit" in v.promise.lower()]
    assert len(mail.outbox) == 0


# Two reviewers at once ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_one_decision(
    rimba: Any, innovator_diy: Any, ministry: Any, make_user: Any, kemenpanrb: Any
) -> None:
    import threading

    from django.utils import translation

    second = make_user("budi", Role.MINISTRY, institution=kemenpanrb, first_name="Budi")
    document = add(rimba, innovator_diy)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def review(by: Any, decision: str, note: str) -> None:
        barrier.wait()
        translation.activate("en")
        try:
            kit_services.decide_kit_document(document=document, by=by, decision=decision, note=note)
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
    decided = AuditEvent.objects.filter(
        action__in=["kit_document_approved", "kit_document_rejected"]
    )
    assert decided.count() == 1
    assert KitDocument.objects.get(pk=document.pk).status == decided.get().to_status
