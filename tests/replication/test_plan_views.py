"""The plan pages: the form, the plan's page and its actions, downloads, lists, the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replication import due_dates, listing, services, stage_services
from replication.models import Evidence, ReplicationPlan
from tests.conftest import client_for
from tests.replication.conftest import PDF, finish, pdf, plan_data, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(plan_or_innovation, adopter, **changes):
    data = plan_data(None, adopter, **changes)
    post = {
        "adopter": adopter.name,
        "local_name": data["local_name"],
        "summary": data["summary"],
        "start_date": data["start_date"].isoformat(),
        "target_end_date": data["target_end_date"].isoformat(),
        "budget_source": "apbd",
        "budget_amount": "500000000",
    }
    if hasattr(plan_or_innovation, "slug"):
        post["innovation"] = plan_or_innovation.slug
    return post


def test_the_form_preselects_the_innovation_and_picks_the_adopter_by_name(
    officer, sahabat_rimba, dinas_kehutanan
):
    response = officer.get(f"/replication/plans/new/?innovation={sahabat_rimba.slug}")
    page = response.content.decode()
    assert sahabat_rimba.title in page and f'value="{sahabat_rimba.slug}"' in page
    assert 'name="adopter"' in page and 'role="combobox"' in page
    assert 'data-hx-get="/pick/institutions/"' in page
    assert page.count('type="date"') == 10  # 2 dates, 7 due dates, a baseline date


def test_the_adopter_must_be_an_institution_of_the_plans_province(
    officer, sahabat_rimba, dinas_kehutanan, make_institution
):
    make_institution("Dinas Kehutanan Jawa Tengah", "33")
    post = form_data(sahabat_rimba, dinas_kehutanan)
    post["adopter"] = "Dinas Kehutanan Jawa Tengah"
    page = officer.post("/replication/plans/new/", post).content.decode()
    assert "Not found. Did you mean: Dinas Kehutanan Provinsi Kalimantan Selatan?" in page
    assert not ReplicationPlan.objects.exists()


def test_an_unapproved_innovation_cannot_be_chosen(officer, make_innovation):
    draft = make_innovation("Draf", status="submitted")
    page = officer.get(f"/replication/plans/new/?innovation={draft.slug}").content.decode()
    assert "not an approved innovation" in page and '<form method="post" novalidate' not in page


def test_filing_a_plan_through_the_form(officer, sahabat_rimba, dinas_kehutanan):
    response = officer.post("/replication/plans/new/", form_data(sahabat_rimba, dinas_kehutanan))
    plan = ReplicationPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.stages.count() == 7


def test_a_second_open_plan_is_refused_with_a_link_to_the_first(
    officer, sahabat_rimba, dinas_kehutanan
):
    officer.post("/replication/plans/new/", form_data(sahabat_rimba, dinas_kehutanan))
    first = ReplicationPlan.objects.get()
    response = officer.post("/replication/plans/new/", form_data(sahabat_rimba, dinas_kehutanan))
    assert response.status_code == 200
    assert f'href="{first.get_absolute_url()}"' in response.content.decode()
    assert ReplicationPlan.objects.count() == 1


def test_a_bad_form_keeps_what_was_typed_and_says_why(officer, sahabat_rimba, dinas_kehutanan):
    post = form_data(sahabat_rimba, dinas_kehutanan)
    post["due_learning"] = "2000-01-01"
    response = officer.post("/replication/plans/new/", post)
    page = response.content.decode()
    assert response.status_code == 200 and not ReplicationPlan.objects.exists()
    assert "Sahabat Hutan Banua" in page and "2000-01-01" in page
    assert "must be between the start and the target end date" in page


def test_the_errors_are_in_indonesian_by_default(bappeda_kalsel, sahabat_rimba, dinas_kehutanan):
    post = form_data(sahabat_rimba, dinas_kehutanan)
    post.pop("start_date")
    page = client_for(bappeda_kalsel).post("/replication/plans/new/", post).content.decode()
    assert "Bidang ini harus diisi" in page


def test_an_edit_from_a_stale_page_shows_who_changed_what(officer, make_plan, make_user):
    plan = make_plan()
    colleague = make_user("budi", "bappeda", province_code="63", first_name="Budi")
    services.update_plan(
        plan=plan,
        by=colleague,
        data=plan_data(plan.innovation, plan.adopter, budget_amount=1),
        stage_due_dates=None,
        version=plan.version,
    )
    post = form_data(plan, plan.adopter, local_name="Nama Baru")
    post["version"] = str(plan.version)
    response = officer.post(f"/replication/plans/{plan.pk}/edit/", post)
    page = response.content.decode()
    assert response.status_code == 200 and "Budi" in page and "budget (IDR)" in page
    assert 'value="Nama Baru"' in page
    assert ReplicationPlan.objects.get(pk=plan.pk).local_name == "Sahabat Hutan Banua"


def test_completing_a_stage_with_an_upload(officer, approved_plan, bappeda_kalsel):
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    url = f"/replication/plans/{approved_plan.pk}/stages/identification/complete/"
    response = officer.post(
        url, {"note": "Analisis masalah selesai.", "files": [pdf(), pdf("b.pdf")]}
    )
    assert response.status_code == 302
    assert stage(approved_plan).status == "done" and Evidence.objects.count() == 2


def test_completing_without_evidence_keeps_the_note(officer, approved_plan, bappeda_kalsel):
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    url = f"/replication/plans/{approved_plan.pk}/stages/identification/complete/"
    response = officer.post(url, {"note": "Analisis masalah selesai."})
    page = response.content.decode()
    assert response.status_code == 200 and "Analisis masalah selesai." in page
    assert "Upload at least one evidence file" in page


def test_evidence_downloads_as_an_attachment(officer, approved_plan, bappeda_kalsel):
    finish(approved_plan, "identification", bappeda_kalsel)
    evidence = Evidence.objects.get()
    response = officer.get(f"/replication/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="laporan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_plan_page_shows_stages_evidence_history_and_slips(
    officer, approved_plan, bappeda_kalsel, ministry
):
    finish(approved_plan, "identification", bappeda_kalsel)
    second = stage(approved_plan, "learning")
    request = due_dates.request_due_date(
        stage=second,
        by=bappeda_kalsel,
        proposed_date=second.due_date + timedelta(days=4),
        reason="x",
    )
    due_dates.decide_due_date(request=request, by=ministry, accept=True)
    page = officer.get(approved_plan.get_absolute_url()).content.decode()
    for text in ["Identification &amp; preparation", "laporan.pdf", "Stage done", "4 days in all"]:
        assert text in page, text
    assert 'id="stage-institutionalization"' in page


def test_an_innovator_reads_the_plan_writes_messages_and_decides_nothing(
    innovator_diy, approved_plan
):
    client = client_for(innovator_diy)
    assert client.get(approved_plan.get_absolute_url()).status_code == 200
    url = f"/replication/plans/{approved_plan.pk}/"
    assert client.post(url + "messages/", {"body": "Selamat!"}).status_code == 302
    assert approved_plan.messages.get().body == "Selamat!"
    assert client.post(url + "cancel/", {"reason": "x"}).status_code == 403
    assert client.post(url + "stages/identification/start/").status_code == 403


def other_province_urls(plan, evidence, request) -> list[tuple[str, str]]:
    base = f"/replication/plans/{plan.pk}/"
    stage_url = base + "stages/learning/"
    return [
        ("get", base),
        ("get", base + "edit/"),
        ("get", f"/replication/evidence/{evidence.pk}/"),
        ("post", base + "edit/"),
        ("post", base + "submit/"),
        ("post", base + "approve/"),
        ("post", base + "return/"),
        ("post", base + "cancel/"),
        ("post", base + "messages/"),
        ("post", stage_url + "start/"),
        ("post", stage_url + "complete/"),
        ("post", stage_url + "verify/"),
        ("post", stage_url + "return/"),
        ("post", stage_url + "evidence/"),
        ("post", stage_url + "due-date/"),
        ("post", base + f"evidence/{evidence.pk}/remove/"),
        ("post", base + f"due-dates/{request.pk}/decide/"),
    ]


def test_an_officer_of_another_province_gets_404_everywhere(
    bappeda_jateng, approved_plan, bappeda_kalsel
):
    finish(approved_plan, "identification", bappeda_kalsel)
    second = stage(approved_plan, "learning")
    request = due_dates.request_due_date(
        stage=second,
        by=bappeda_kalsel,
        proposed_date=second.due_date + timedelta(days=1),
        reason="x",
    )
    client = client_for(bappeda_jateng)
    for method, url in other_province_urls(approved_plan, Evidence.objects.get(), request):
        data = {"note": "x", "reason": "x", "body": "x", "proposed_date": "2030-01-01"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, f"{method} {url}"
    assert approved_plan.local_name not in client.get("/replication/plans/").content.decode()
    for export in ("export.csv", "export.xlsx"):
        response = client.get(f"/replication/plans/{export}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert approved_plan.local_name.encode() not in body


def test_the_csv_export_has_the_plans_with_their_stages(officer, approved_plan):
    response = officer.get("/replication/plans/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "Sahabat Hutan Banua" in lines[1]
    assert "Institutionalisation: due date" in lines[0]
    assert "ahmad" not in text  # nobody's name


def test_the_export_headings_are_all_in_indonesian_by_default(bappeda_kalsel, approved_plan):
    response = client_for(bappeda_kalsel).get("/replication/plans/export.csv")
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert "Identifikasi & Persiapan: selesai pada" in header
    assert "completed on" not in header and "due date" not in header


def test_the_xlsx_export_of_many_plans_goes_to_a_worker(
    officer, approved_plan, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    queued: list[int] = []
    monkeypatch.setattr("jipp.exports._queue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.get("/replication/plans/export.xlsx")
    assert response.status_code == 302 and len(queued) == 1
    from jipp.exports import run_export

    assert run_export(queued[0]) == "ready"


def test_the_list_filters(ministry, make_plan, make_institution, bappeda_kalsel):
    approved = make_plan("approved")
    make_plan(adopter=make_institution("Dinas Sosial Kalsel", "63"), local_name="Draf Sosial")
    client = client_for(ministry)
    page = client.get("/replication/plans/?status=approved").content.decode()
    assert approved.local_name in page and "Draf Sosial" not in page
    assert (
        "Draf Sosial" not in client.get("/replication/plans/?stage=identification").content.decode()
    )
    assert "Draf Sosial" not in client.get("/replication/plans/?province=33").content.decode()
    first = stage(approved)
    first.due_date = approved.start_date
    first.save()
    page = client.get("/replication/plans/?overdue=on").content.decode()
    assert approved.local_name in page and "Draf Sosial" not in page


def test_the_review_queue_lists_what_waits_oldest_first(
    ministry, make_plan, make_institution, bappeda_kalsel
):
    older = make_plan("submitted", local_name="Lama")
    make_plan("submitted", adopter=make_institution("Dinas Sosial Kalsel", "63"), local_name="Baru")
    page = client_for(ministry).get("/replication/review/").content.decode()
    assert page.index(older.local_name) < page.index("Baru")


def test_a_long_review_queue_lists_the_oldest_of_each_kind_and_counts_them_all(
    ministry, make_plan, make_institution, bappeda_kalsel
):
    many(make_plan, make_institution, bappeda_kalsel, 0, 3)  # 3 done stages, 3 submitted
    everything = {s.kind: s for s in listing.review_sections(limit=100)}
    queue = {s.kind: s for s in listing.review_sections(limit=2)}
    assert [queue[kind].total for kind in ("plan", "stage", "due_date")] == [3, 3, 0]
    for kind in ("plan", "stage"):
        assert len(everything[kind].items) == 3
        assert queue[kind].items == everything[kind].items[:2]  # the oldest two


def test_the_public_page_shows_approved_and_completed_plans_only(
    client, make_plan, make_institution, bappeda_kalsel, ministry
):
    approved = make_plan("approved")
    make_plan("submitted", adopter=make_institution("Dinas B", "63"))
    make_plan("draft", adopter=make_institution("Dinas C", "63"))
    cancelled = make_plan("approved", adopter=make_institution("Dinas D", "63"))
    services.cancel_plan(plan=cancelled, by=ministry, reason="x")
    response = client.get(approved.innovation.get_absolute_url())
    assert [row.url for row in response.context["replications"]] == [approved.get_case_url()]
    assert "Kalimantan Selatan" in response.content.decode()


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def many(make_plan, make_institution, bappeda_kalsel, start: int, n: int) -> None:
    for i in range(start, start + n):
        plan = make_plan("approved", adopter=make_institution(f"Dinas {i}", "63"))
        finish(plan, "identification", bappeda_kalsel)
        make_plan("submitted", adopter=make_institution(f"Badan {i}", "63"))


def test_the_plan_list_and_the_review_queue_stay_constant(
    make_plan, make_institution, bappeda_kalsel, ministry
):
    many(make_plan, make_institution, bappeda_kalsel, 0, 1)
    list_few = queries(client_for(bappeda_kalsel), "/replication/plans/")
    queue_few = queries(client_for(ministry), "/replication/review/")
    many(make_plan, make_institution, bappeda_kalsel, 1, 5)
    assert queries(client_for(bappeda_kalsel), "/replication/plans/") == list_few
    assert queries(client_for(ministry), "/replication/review/") == queue_few


def test_a_text_too_long_is_refused_not_cut_short(officer, approved_plan):
    reason = "Anggaran dialihkan. " * 300  # 6,000 characters
    response = officer.post(f"/replication/plans/{approved_plan.pk}/cancel/", {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 200 and "at most 5000 fit" in page
    assert ReplicationPlan.objects.get(pk=approved_plan.pk).status == "approved"
    # Said at the top of the page as well, before the plan's long body.
    top = page.index('class="messages"')
    assert top < page.index("<h1") and "Not saved:" in page[top : top + 600]
