"""An approved plan's indicators: free corrections, changes the ministry decides, additions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jipp.models import AuditEvent, Notification, User
from replication import indicator_services, listing
from replication.models import Indicator, IndicatorChangeRequest, Stage
from tests.conftest import client_for, indicator_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def indicator(approved_plan) -> Indicator:
    found = approved_plan.indicators.select_related("plan", "plan__province").get()
    return found


def form_post(indicator: Indicator, **changes: str) -> dict[str, str]:
    prefix = f"indicator-{indicator.pk}"
    values = {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline": "72,5",
        "baseline_date": indicator.baseline_date.isoformat(),
        "target": "85",
        "sdg_target": indicator.sdg_target,
        "source": indicator.source,
        "reason": "",
        "version": indicator.updated_at.isoformat(),
        **changes,
    }
    return {f"{prefix}-{name}": value for name, value in values.items()}


def set_evaluation(plan, status: str) -> None:
    Stage.objects.filter(plan=plan, kind="evaluation").update(status=status)


# Free corrections --------------------------------------------------------------------


def test_a_name_and_source_are_corrected_at_once_and_audited(officer, indicator):
    url = f"/replication/plans/{indicator.plan_id}/indicators/{indicator.pk}/"
    post = form_post(indicator, name="Indeks Kepuasan Masyarakat Dinas", source="Survei BPS")
    response = officer.post(url, post)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Indeks Kepuasan Masyarakat Dinas" and indicator.source == "Survei BPS"
    event = AuditEvent.objects.get(action="indicator_changed")
    assert "Indeks Kepuasan Masyarakat (SKM) → Indeks Kepuasan Masyarakat Dinas" in event.note
    assert not IndicatorChangeRequest.objects.exists()


def test_the_indicators_page_shows_a_form_per_indicator(officer, indicator):
    page = officer.get(f"/replication/plans/{indicator.plan_id}/indicators/").content.decode()
    assert f'action="/replication/plans/{indicator.plan_id}/indicators/{indicator.pk}/"' in page
    assert 'value="72.5"' in page  # English page: a decimal point
    assert f'action="/replication/plans/{indicator.plan_id}/indicators/add/"' in page


def test_a_draft_edits_its_indicators_in_the_plan_form(officer, make_plan):
    draft = make_plan()
    response = officer.get(f"/replication/plans/{draft.pk}/indicators/")
    assert response.status_code == 302 and response.url.endswith("/edit/#indicators")


# Changes decided by the ministry -----------------------------------------------------


def test_a_new_target_needs_a_reason(officer, indicator):
    url = f"/replication/plans/{indicator.plan_id}/indicators/{indicator.pk}/"
    response = officer.post(url, form_post(indicator, target="90"))
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    assert not IndicatorChangeRequest.objects.exists()
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("85")


def test_a_new_target_becomes_a_request_the_reviewers_hear_of(officer, indicator, ministry):
    url = f"/replication/plans/{indicator.plan_id}/indicators/{indicator.pk}/"
    post = form_post(indicator, target="90", reason="Survei awal menunjukkan ruang lebih.")
    assert officer.post(url, post).status_code == 302
    request = IndicatorChangeRequest.objects.get()
    assert request.status == "pending" and request.proposed_target == Decimal("90")
    assert request.previous_target == Decimal("85")
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("85")  # not yet
    assert Notification.objects.filter(user=ministry, kind="indicator_change_requested").exists()
    assert "target 85 → 90" in AuditEvent.objects.get(action="indicator_change_requested").note
    # A second request waits for the first.
    with pytest.raises(ValidationError, match="already waiting"):
        indicator_services.correct_indicator(
            indicator=indicator,
            by=_filer(indicator),
            data={"target": Decimal("95")},
            reason="Lagi.",
        )


def test_the_request_waits_in_the_queue_and_on_the_work_page(officer, indicator, ministry):
    indicator_services.correct_indicator(
        indicator=indicator,
        by=_filer(indicator),
        data={"baseline": Decimal("70")},
        reason="Data baseline diperbaiki BPS.",
    )
    sections = {s.kind: s for s in listing.review_sections()}
    assert sections["indicator"].total == 1
    page = client_for(ministry).get("/replication/review/?kind=indicator").content.decode()
    assert indicator.name in page and "Data baseline diperbaiki BPS." in page
    work = client_for(ministry).get("/work/").content.decode()
    assert "?kind=indicator" in work


def _requested(indicator: Indicator) -> IndicatorChangeRequest:
    request = indicator_services.correct_indicator(
        indicator=indicator,
        by=_filer(indicator),
        data={"target": Decimal("90"), "direction": "increase"},
        reason="Target provinsi dinaikkan.",
    )
    assert request is not None
    return request


def test_an_accepted_change_moves_the_values_and_tells_the_province(
    indicator, ministry, bappeda_kalsel
):
    request = _requested(indicator)
    client = client_for(ministry)
    url = f"/replication/plans/{indicator.plan_id}/indicator-changes/{request.pk}/decide/"
    assert client.post(url, {"decision": "accept", "note": "Setuju."}).status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("90")
    request.refresh_from_db()
    assert request.status == "accepted" and request.decided_by == ministry
    event = AuditEvent.objects.get(action="indicator_change_accepted")
    assert "target 85 → 90" in event.note and "Setuju." in event.note
    told = Notification.objects.get(user=bappeda_kalsel, kind="indicator_change_decided")
    assert indicator.name in told.subject


def test_a_declined_change_needs_a_note_and_leaves_the_values(indicator, ministry):
    request = _requested(indicator)
    with pytest.raises(ValidationError, match="Write a note"):
        indicator_services.decide_indicator_change(request=request, by=ministry, accept=False)
    indicator_services.decide_indicator_change(
        request=request, by=ministry, accept=False, note="Target awal sudah tepat."
    )
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("85")
    assert AuditEvent.objects.filter(action="indicator_change_declined").count() == 1
    with pytest.raises(ValidationError, match="already decided"):
        indicator_services.decide_indicator_change(request=request, by=ministry, accept=True)


def test_only_the_ministry_decides(indicator, bappeda_kalsel, innovator_diy, bappeda_jateng):
    request = _requested(indicator)
    url = f"/replication/plans/{indicator.plan_id}/indicator-changes/{request.pk}/decide/"
    assert client_for(bappeda_kalsel).post(url, {"decision": "accept"}).status_code == 403
    assert client_for(innovator_diy).post(url, {"decision": "accept"}).status_code == 403
    assert client_for(bappeda_jateng).post(url, {"decision": "accept"}).status_code == 404
    with pytest.raises(PermissionDenied):
        indicator_services.decide_indicator_change(request=request, by=bappeda_kalsel, accept=True)
    assert IndicatorChangeRequest.objects.get().status == "pending"


def test_other_provinces_and_roles_cannot_edit(indicator, bappeda_jateng, ministry, innovator_diy):
    url = f"/replication/plans/{indicator.plan_id}/indicators/"
    assert client_for(bappeda_jateng).get(url).status_code == 404
    assert client_for(ministry).get(url).status_code == 403
    assert client_for(innovator_diy).get(url).status_code == 403
    post = form_post(indicator, name="Lain")
    correct = f"{url}{indicator.pk}/"
    assert client_for(bappeda_jateng).post(correct, post).status_code == 404
    assert client_for(ministry).post(correct, post).status_code == 403
    with pytest.raises(PermissionDenied):
        indicator_services.correct_indicator(
            indicator=indicator, by=bappeda_jateng, data={"name": "Lain"}
        )
    assert Indicator.objects.get(pk=indicator.pk).name == indicator.name


def test_a_stale_correction_is_refused(officer, indicator):
    url = f"/replication/plans/{indicator.plan_id}/indicators/{indicator.pk}/"
    post = form_post(indicator, name="Nama A")
    Indicator.objects.filter(pk=indicator.pk).update(name="Nama B", updated_at="2020-01-01T00:00Z")
    page = officer.post(url, post).content.decode()
    assert "changed by someone else" in page
    assert Indicator.objects.get(pk=indicator.pk).name == "Nama B"


# The evaluation stage closes them ----------------------------------------------------


def test_numbers_are_fixed_once_the_evaluation_is_done_but_names_are_not(indicator):
    set_evaluation(indicator.plan, "done")
    with pytest.raises(ValidationError, match="evaluation stage"):
        _requested(indicator)
    indicator_services.correct_indicator(
        indicator=indicator, by=_filer(indicator), data={"source": "Survei ulang"}
    )
    assert Indicator.objects.get(pk=indicator.pk).source == "Survei ulang"


def test_nothing_changes_once_the_evaluation_is_verified(officer, indicator):
    set_evaluation(indicator.plan, "verified")
    with pytest.raises(ValidationError, match="evaluation stage"):
        indicator_services.correct_indicator(
            indicator=indicator, by=_filer(indicator), data={"source": "Survei ulang"}
        )
    page = officer.get(f"/replication/plans/{indicator.plan_id}/indicators/").content.decode()
    assert "can no longer change" in page and "Save this indicator" not in page


# Adding to an approved plan -----------------------------------------------------------


def test_an_indicator_is_added_to_an_approved_plan_and_the_reviewers_hear_of_it(
    officer, approved_plan, ministry
):
    approved_plan.indicators.all().delete()
    values = {
        f"new-{name}": value
        for name, value in {
            "name": "Angka putus sekolah",
            "unit": "%",
            "direction": "decrease",
            "baseline": "12,5",
            "baseline_date": "2026-01-05",
            "target": "5",
            "sdg_target": "",
            "source": "",
        }.items()
    }
    url = f"/replication/plans/{approved_plan.pk}/indicators/add/"
    assert officer.post(url, values).status_code == 302
    added = approved_plan.indicators.get()
    assert added.baseline == Decimal("12.5")
    assert AuditEvent.objects.filter(action="indicator_added").count() == 2  # filed, added
    assert Notification.objects.filter(user=ministry, kind="indicator_added").exists()


def test_no_sixth_indicator_and_none_after_the_evaluation(approved_plan, bappeda_kalsel):
    for number in range(2, 6):
        indicator_services.add_indicator(
            plan=approved_plan, by=bappeda_kalsel, data=indicator_rows()[0] | {"name": f"I{number}"}
        )
    with pytest.raises(ValidationError, match="already has 5"):
        indicator_services.add_indicator(
            plan=approved_plan, by=bappeda_kalsel, data=indicator_rows()[0]
        )
    approved_plan.indicators.last().delete()
    set_evaluation(approved_plan, "done")
    with pytest.raises(ValidationError, match="evaluation stage"):
        indicator_services.add_indicator(
            plan=approved_plan, by=bappeda_kalsel, data=indicator_rows()[0]
        )


def test_the_timeline_names_the_indicator_changes(officer, indicator):
    _requested(indicator)
    page = officer.get(indicator.plan.get_absolute_url()).content.decode()
    assert "Indicator change requested" in page and "Target provinsi dinaikkan." in page


def test_the_queue_reads_the_same_number_of_queries_for_more_changes(
    make_plan, make_institution, ministry, bappeda_kalsel
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(ministry)

    def count() -> int:
        client.get("/replication/review/?kind=indicator")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/replication/review/?kind=indicator").status_code == 200
        return len(captured)

    def another(n: int) -> None:
        plan = make_plan("approved", adopter=make_institution(f"Dinas {n}", "63"))
        indicator_services.correct_indicator(
            indicator=plan.indicators.get(),
            by=bappeda_kalsel,
            data={"target": Decimal(90)},
            reason=f"Alasan {n}.",
        )

    another(0)
    one = count()
    for n in range(1, 4):
        another(n)
    assert count() == one


def _filer(indicator: Indicator) -> User:
    filer = indicator.plan.filed_by
    assert filer is not None
    return filer
