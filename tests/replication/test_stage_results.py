"""Results carried by stages: achieved values at evaluation, the legal basis after it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jipp.models import AuditEvent
from replication import services, stage_services
from replication.models import STAGE_ORDER, Evidence, Indicator, ReplicationPlan
from replication.result_services import LegalBasis, Measurement, Results
from tests.conftest import client_for
from tests.replication.conftest import finish, pdf, results_for, stage

pytestmark = pytest.mark.django_db


def english(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def today(plan: ReplicationPlan):
    return plan.local_today()


def walk_to(plan: ReplicationPlan, kind: str, officer, *, verify_by=None) -> None:
    """Every stage before `kind` done (verified too, with a reviewer), then `kind` started."""
    for earlier in STAGE_ORDER[: STAGE_ORDER.index(kind)]:
        finish(plan, earlier, officer, verify_by=verify_by)
    stage_services.start_stage(stage=stage(plan, kind), by=officer)


@pytest.fixture
def plan(make_plan, bappeda_kalsel, ministry) -> ReplicationPlan:
    """An approved plan with two indicators: satisfaction (up) and days of waiting (down)."""
    draft = make_plan("draft")
    Indicator.objects.create(
        plan=draft,
        order=2,
        name="Lama layanan izin",
        unit="hari",
        direction="decrease",
        baseline=Decimal("14"),
        baseline_date=draft.start_date,
        target=Decimal("7"),
        source="Catatan loket",
    )
    services.submit_plan(plan=draft, by=bappeda_kalsel)
    services.approve_plan(plan=draft, by=ministry)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def at_evaluation(plan, bappeda_kalsel, ministry) -> ReplicationPlan:
    walk_to(plan, "evaluation", bappeda_kalsel)
    return plan


@pytest.fixture
def at_institutionalisation(plan, bappeda_kalsel) -> ReplicationPlan:
    walk_to(plan, "institutionalization", bappeda_kalsel)
    return plan


def indicators(plan: ReplicationPlan) -> list[Indicator]:
    return list(plan.indicators.order_by("order", "id"))


def url(plan: ReplicationPlan, kind: str) -> str:
    return f"/replication/plans/{plan.pk}/stages/{kind}/complete/"


def evaluation_post(plan: ReplicationPlan, **values: str) -> dict[str, object]:
    """A complete evaluation form; `values` replace fields by name."""
    data: dict[str, object] = {
        "note": "Evaluasi dengan survei SKM.",
        "files": [pdf("evaluasi.pdf")],
    }
    for indicator in indicators(plan):
        data[f"achieved_{indicator.pk}"] = "80"
        data[f"measured_on_{indicator.pk}"] = today(plan).isoformat()
    data.update(values)
    return data


def nothing_saved(plan: ReplicationPlan, kind: str) -> None:
    assert stage(plan, kind).status == "in_progress"
    assert not Evidence.objects.filter(stage__plan=plan, stage__kind=kind).exists()
    assert not plan.indicators.filter(achieved__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="indicator_achieved").exists()
    assert stage(plan, kind).completed_at is None


# Evaluation ---------------------------------------------------------------------------


def test_the_evaluation_form_asks_every_indicators_value_and_says_it_becomes_public(
    at_evaluation, bappeda_kalsel
):
    page = english(bappeda_kalsel).get(at_evaluation.get_absolute_url()).content.decode()
    for indicator in indicators(at_evaluation):
        assert f'name="achieved_{indicator.pk}"' in page
        assert f'name="measured_on_{indicator.pk}"' in page
    assert "shown to the public on the replication" in page


def test_the_evaluation_is_refused_without_values_and_stores_nothing(at_evaluation, bappeda_kalsel):
    post = evaluation_post(at_evaluation)
    for indicator in indicators(at_evaluation):
        post.pop(f"achieved_{indicator.pk}")
        post.pop(f"measured_on_{indicator.pk}")
    response = english(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post)
    page = unescape(response.content.decode())
    assert response.status_code == 200
    for indicator in indicators(at_evaluation):
        assert f"{indicator.name}: give the achieved value." in page
        assert f"{indicator.name}: give the date the achieved value was measured." in page
    assert "Evaluasi dengan survei SKM." in page  # the note is kept
    nothing_saved(at_evaluation, "evaluation")


def test_a_value_that_is_not_a_number_is_refused_by_name_and_kept_in_the_form(
    at_evaluation, bappeda_kalsel
):
    first, second = indicators(at_evaluation)
    post = evaluation_post(at_evaluation, **{f"achieved_{first.pk}": "delapan puluh"})
    response = english(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post)
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{first.name}: " in page and "is not one" in page
    assert 'value="delapan puluh"' in page  # what was typed stays
    assert "Choose the evidence files again" in page  # a browser cannot keep them
    assert f"{second.name}: give" not in page  # the other indicator was fine
    nothing_saved(at_evaluation, "evaluation")


def test_a_measurement_in_the_future_or_before_the_baseline_is_refused(
    at_evaluation, bappeda_kalsel
):
    first, second = indicators(at_evaluation)
    post = evaluation_post(
        at_evaluation,
        **{
            f"measured_on_{first.pk}": (today(at_evaluation) + timedelta(days=1)).isoformat(),
            f"measured_on_{second.pk}": (second.baseline_date - timedelta(days=1)).isoformat(),
        },
    )
    page = unescape(
        english(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post).content.decode()
    )
    assert f"{first.name}: the measurement date" in page and "is in the future" in page
    assert f"{second.name}: the measurement date" in page and "before the baseline date" in page
    nothing_saved(at_evaluation, "evaluation")


def test_one_indicator_missing_of_several_refuses_all_and_stores_no_evidence(
    at_evaluation, bappeda_kalsel
):
    first, second = indicators(at_evaluation)
    post = evaluation_post(at_evaluation)
    post.pop(f"achieved_{second.pk}")
    page = unescape(
        english(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post).content.decode()
    )
    assert f"{second.name}: give the achieved value." in page
    assert f"{first.name}: give" not in page
    nothing_saved(at_evaluation, "evaluation")


def test_the_service_refuses_too_without_every_indicator(at_evaluation, bappeda_kalsel):
    first, _second = indicators(at_evaluation)
    partial = Results(measurements={first.pk: Measurement(Decimal("80"), today(at_evaluation))})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        stage_services.complete_stage(
            stage=stage(at_evaluation, "evaluation"),
            by=bappeda_kalsel,
            note="Selesai.",
            evidence_files=[pdf()],
            results=partial,
        )
    assert any("give the achieved value" in message for message in refused.value.messages)
    nothing_saved(at_evaluation, "evaluation")


def test_the_evaluation_is_done_with_a_decimal_comma_and_audited_old_and_new(
    at_evaluation, bappeda_kalsel, ministry
):
    first, second = indicators(at_evaluation)
    post = evaluation_post(
        at_evaluation, **{f"achieved_{first.pk}": "86,5", f"achieved_{second.pk}": "12,5"}
    )
    response = client_for(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.achieved, second.achieved) == (Decimal("86.5"), Decimal("12.5"))
    assert first.measured_on == today(at_evaluation) and first.reached is True
    assert second.reached is False  # 12,5 days is more than the 7 aimed at: lower is better
    assert stage(at_evaluation, "evaluation").status == "done"
    notes = list(
        AuditEvent.objects.filter(action="indicator_achieved").values_list("note", flat=True)
    )
    assert len(notes) == 2 and any("— → 12,5 hari" in note for note in notes)


def test_a_plan_without_indicators_cannot_complete_the_evaluation(at_evaluation, bappeda_kalsel):
    at_evaluation.indicators.all().delete()
    client = english(bappeda_kalsel)
    page = unescape(client.get(at_evaluation.get_absolute_url()).content.decode())
    assert "add the plan's indicators first" in page
    response = client.post(url(at_evaluation, "evaluation"), evaluation_post(at_evaluation))
    assert "add the plan's indicators first" in unescape(response.content.decode())
    assert stage(at_evaluation, "evaluation").status == "in_progress"
    assert not Evidence.objects.filter(stage__kind="evaluation").exists()


def test_values_are_read_in_english_too(at_evaluation, bappeda_kalsel):
    first, second = indicators(at_evaluation)
    post = evaluation_post(
        at_evaluation, **{f"achieved_{first.pk}": "86.5", f"achieved_{second.pk}": "1,250"}
    )
    assert english(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.achieved, second.achieved) == (Decimal("86.5"), Decimal("1250"))


# Reviewing ----------------------------------------------------------------------------


def test_the_reviewer_sees_the_values_beside_the_evidence_and_in_the_queue(
    at_evaluation, bappeda_kalsel, ministry
):
    first, second = indicators(at_evaluation)
    post = evaluation_post(
        at_evaluation, **{f"achieved_{first.pk}": "86,5", f"achieved_{second.pk}": "6"}
    )
    client_for(bappeda_kalsel).post(url(at_evaluation, "evaluation"), post)
    reviewer = english(ministry)
    page = reviewer.get(at_evaluation.get_absolute_url()).content.decode()
    block = page[
        page.index('id="stage-evaluation"') : page.index('id="stage-institutionalization"')
    ]
    assert "evaluasi.pdf" in block and "Achieved values" in block
    assert "86.5" in block and "14 → 7 hari" in block and "Reached" in block
    assert "stages/evaluation/verify/" in block and "stages/evaluation/return/" in block
    queue = reviewer.get("/replication/review/").content.decode()
    assert "86.5" in queue and "Lama layanan izin" in queue


def test_a_returned_evaluation_keeps_its_values_to_correct_and_audits_the_change(
    at_evaluation, bappeda_kalsel, ministry
):
    first, second = indicators(at_evaluation)
    client = client_for(bappeda_kalsel)
    client.post(url(at_evaluation, "evaluation"), evaluation_post(at_evaluation))
    returned = english(ministry).post(
        f"/replication/plans/{at_evaluation.pk}/stages/evaluation/return/",
        {"note": "Nilai SKM belum sesuai laporan survei."},
    )
    assert returned.status_code == 302
    assert stage(at_evaluation, "evaluation").status == "in_progress"
    first.refresh_from_db()
    assert first.achieved == Decimal("80")  # kept for correction
    page = english(bappeda_kalsel).get(at_evaluation.get_absolute_url()).content.decode()
    assert "Nilai SKM belum sesuai laporan survei." in page
    assert f'name="achieved_{first.pk}" value="80"' in page
    # Completed again with a corrected value: the change is on the audit trail.
    post = evaluation_post(at_evaluation, **{f"achieved_{first.pk}": "84,25"})
    post.pop("files")  # the evidence stored the first time still counts
    post[f"achieved_{second.pk}"] = "80"
    assert client.post(url(at_evaluation, "evaluation"), post).status_code == 302
    first.refresh_from_db()
    assert first.achieved == Decimal("84.25")
    last = AuditEvent.objects.filter(action="indicator_achieved").latest("id")
    assert "80 → 84,25" in last.note


def test_verification_freezes_the_values(at_evaluation, bappeda_kalsel, ministry):
    finish_evaluation = results_for(at_evaluation, "evaluation")
    stage_services.complete_stage(
        stage=stage(at_evaluation, "evaluation"),
        by=bappeda_kalsel,
        note="Selesai.",
        evidence_files=[pdf()],
        results=finish_evaluation,
    )
    stage_services.verify_stage(stage=stage(at_evaluation, "evaluation"), by=ministry)
    response = english(bappeda_kalsel).post(
        url(at_evaluation, "evaluation"),
        evaluation_post(at_evaluation, **{f"achieved_{indicators(at_evaluation)[0].pk}": "1"}),
    )
    assert response.status_code == 200 and "verified now: this cannot be done" in unescape(
        response.content.decode()
    )
    assert indicators(at_evaluation)[0].achieved != Decimal("1")


def test_a_done_evaluation_missing_a_value_cannot_be_verified(
    at_evaluation, bappeda_kalsel, ministry
):
    stage_services.complete_stage(
        stage=stage(at_evaluation, "evaluation"),
        by=bappeda_kalsel,
        note="Selesai.",
        evidence_files=[pdf()],
        results=results_for(at_evaluation, "evaluation"),
    )
    at_evaluation.indicators.update(achieved=None, measured_on=None)
    with translation.override("en"), pytest.raises(ValidationError, match="Return the stage"):
        stage_services.verify_stage(stage=stage(at_evaluation, "evaluation"), by=ministry)


# Institutionalisation -----------------------------------------------------------------


def institution_post(plan: ReplicationPlan, **values: str) -> dict[str, object]:
    data: dict[str, object] = {
        "note": "Pergub ditetapkan.",
        "files": [pdf("pergub.pdf")],
        "legal_basis_kind": "pergub",
        "legal_basis_number": "12 Tahun 2022",
        "legal_basis_date": today(plan).isoformat(),
        "lessons": "Libatkan kelompok tani sejak perencanaan.",
    }
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("legal_basis_kind", "", "Choose the kind of legal basis"),
        ("legal_basis_kind", "undang_undang", "Choose the kind of legal basis"),
        ("legal_basis_number", "", "Give the number of the legal basis"),
        ("legal_basis_date", "", "Give the date the legal basis was enacted."),
        ("legal_basis_date", "2020-02-30", "is not a calendar date"),
        ("lessons", "  ", "Write the lessons for other adopters"),
    ],
)
def test_the_institutionalisation_is_refused_without_its_legal_basis_or_lessons(
    at_institutionalisation, bappeda_kalsel, field, value, message
):
    post = institution_post(at_institutionalisation, **{field: value})
    response = english(bappeda_kalsel).post(
        url(at_institutionalisation, "institutionalization"), post
    )
    page = unescape(response.content.decode())
    assert response.status_code == 200 and message in page
    assert "Libatkan kelompok tani" in page or field == "lessons"  # typed text kept
    plan = ReplicationPlan.objects.get(pk=at_institutionalisation.pk)
    assert (plan.legal_basis_kind, plan.lessons) == ("", "")
    assert not Evidence.objects.filter(stage__kind="institutionalization").exists()


def test_a_legal_basis_dated_before_the_plan_started_or_in_the_future_is_refused(
    at_institutionalisation, bappeda_kalsel
):
    client = english(bappeda_kalsel)
    before = (at_institutionalisation.start_date - timedelta(days=1)).isoformat()
    page = unescape(
        client.post(
            url(at_institutionalisation, "institutionalization"),
            institution_post(at_institutionalisation, legal_basis_date=before),
        ).content.decode()
    )
    assert "before the plan started" in page
    ahead = (today(at_institutionalisation) + timedelta(days=3)).isoformat()
    page = unescape(
        client.post(
            url(at_institutionalisation, "institutionalization"),
            institution_post(at_institutionalisation, legal_basis_date=ahead),
        ).content.decode()
    )
    assert "in the future" in page
    assert ReplicationPlan.objects.get(pk=at_institutionalisation.pk).legal_basis_kind == ""


def test_the_institutionalisation_needs_its_document(at_institutionalisation, bappeda_kalsel):
    post = institution_post(at_institutionalisation)
    post.pop("files")
    page = unescape(
        english(bappeda_kalsel)
        .post(url(at_institutionalisation, "institutionalization"), post)
        .content.decode()
    )
    assert "Upload the legal basis document" in page
    assert ReplicationPlan.objects.get(pk=at_institutionalisation.pk).legal_basis_kind == ""


def test_the_institutionalisation_records_the_legal_basis_and_says_the_lessons_are_public(
    at_institutionalisation, bappeda_kalsel, ministry
):
    client = english(bappeda_kalsel)
    form = client.get(at_institutionalisation.get_absolute_url()).content.decode()
    assert 'name="lessons"' in form and "Shown to the public" in form
    response = client.post(
        url(at_institutionalisation, "institutionalization"),
        institution_post(at_institutionalisation),
    )
    assert response.status_code == 302
    plan = ReplicationPlan.objects.get(pk=at_institutionalisation.pk)
    assert (plan.legal_basis_kind, plan.legal_basis_number) == ("pergub", "12 Tahun 2022")
    assert plan.legal_basis_date == today(plan)
    assert plan.lessons == "Libatkan kelompok tani sejak perencanaan."
    event = AuditEvent.objects.get(action="legal_basis_recorded")
    assert event.note.startswith("— → ") and "12 Tahun 2022" in event.note
    assert AuditEvent.objects.filter(action="lessons_recorded").count() == 1
    page = english(ministry).get(plan.get_absolute_url()).content.decode()
    block = page[page.index('id="stage-institutionalization"') :]
    assert "pergub.pdf" in block and "12 Tahun 2022" in block
    assert "Libatkan kelompok tani sejak perencanaan." in block
    assert "12 Tahun 2022" in english(ministry).get("/replication/review/").content.decode()


def test_verifying_all_seven_completes_the_plan_with_its_results(plan, bappeda_kalsel, ministry):
    for kind in STAGE_ORDER:
        finish(plan, kind, bappeda_kalsel, verify_by=ministry)
    plan.refresh_from_db()
    assert plan.status == "completed" and plan.legal_basis_kind == "pergub"
    assert not plan.indicators.filter(achieved__isnull=True).exists()


# Access -------------------------------------------------------------------------------


def test_only_the_provinces_officers_complete_the_results_stages(
    at_evaluation, ministry, innovator_diy, bappeda_jateng, forum_admin
):
    post = evaluation_post(at_evaluation)
    for user in (ministry, innovator_diy):
        assert client_for(user).post(url(at_evaluation, "evaluation"), post).status_code == 403
    assert (
        client_for(bappeda_jateng).post(url(at_evaluation, "evaluation"), post).status_code == 404
    )
    assert client_for(forum_admin).post(url(at_evaluation, "evaluation"), post).status_code == 404
    nothing_saved(at_evaluation, "evaluation")


def test_the_review_queue_reads_the_values_in_a_constant_number_of_queries(
    make_plan, make_institution, bappeda_kalsel, ministry
):
    def evaluation_done(number: int) -> None:
        done = make_plan("approved", adopter=make_institution(f"Dinas {number}", "63"))
        walk_to(done, "evaluation", bappeda_kalsel)
        finish_stage = results_for(done, "evaluation")
        stage_services.complete_stage(
            stage=stage(done, "evaluation"),
            by=bappeda_kalsel,
            note="Selesai.",
            evidence_files=[pdf()],
            results=finish_stage,
        )

    def queries() -> int:
        client = client_for(ministry)
        client.get("/replication/review/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/replication/review/").status_code == 200
        return len(captured)

    evaluation_done(0)
    few = queries()
    for number in (1, 2, 3):
        evaluation_done(number)
    assert queries() == few


def test_legal_basis_is_a_fixed_list(at_institutionalisation, bappeda_kalsel):
    with pytest.raises(ValidationError):
        stage_services.complete_stage(
            stage=stage(at_institutionalisation, "institutionalization"),
            by=bappeda_kalsel,
            note="Selesai.",
            evidence_files=[pdf()],
            results=Results(
                legal_basis=LegalBasis("keppres", "1", today(at_institutionalisation)),
                lessons="x",
            ),
        )
    assert not Evidence.objects.filter(stage__kind="institutionalization").exists()
