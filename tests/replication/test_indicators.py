"""Indicators in the plan form: one to five rows, the decimal comma, and what submission needs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jipp.models import AuditEvent
from replication import indicator_services, services
from replication.models import Indicator, ReplicationPlan
from replication.numbers import format_number, parse_number
from tests.conftest import client_for, indicator_rows
from tests.replication.conftest import plan_data
from tests.replication.test_plan_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def row(**changes) -> dict[str, str]:
    return {
        "name": "Angka putus sekolah anak keluarga miskin",
        "unit": "%",
        "direction": "decrease",
        "baseline": "12,5",
        "baseline_date": (date.today() - timedelta(days=30)).isoformat(),
        "target": "5",
        "sdg_target": "4.1",
        "source": "Dapodik, Dinas Pendidikan",
        **changes,
    }


def with_rows(post: dict[str, str], *rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    post = dict(post)
    post["indicators-TOTAL_FORMS"] = str(len(rows))
    post["indicators-INITIAL_FORMS"] = str(initial)
    for number, values in enumerate(rows):
        for name, value in values.items():
            post[f"indicators-{number}-{name}"] = value
    return post


# Numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", "12.5"),
        ("1.500", "1500"),
        ("1.234,5", "1234.5"),
        ("-3,25", "-3.25"),
        ("0,75", "0.75"),
        ("12.5", "12.5"),
        (" 85 ", "85"),
    ],
)
def test_numbers_are_read_the_indonesian_way(typed, expected):
    with translation.override("id"):
        assert parse_number(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["dua belas", "12%", "1e5", "NaN", "\uff11\uff12", "1,2,3", "12,34567"]
)
def test_what_is_not_a_number_is_refused_with_a_message(typed):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_number(typed)
    assert "number" in refused.value.messages[0] or "decimal" in refused.value.messages[0]


@hypothesis_settings(max_examples=80, deadline=None)
@given(
    value=st.decimals(
        min_value=-(10**11), max_value=10**11, places=4, allow_nan=False, allow_infinity=False
    ),
    language=st.sampled_from(["id", "en"]),
)
def test_a_number_as_shown_reads_back_the_same(value, language):
    with translation.override(language):
        assert parse_number(format_number(value)) == value


@hypothesis_settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789.,-+ e\u00a0x", max_size=20) | st.text(max_size=20))
def test_no_typed_text_breaks_the_reading_of_numbers(text):
    try:
        number = parse_number(text)
    except ValidationError:
        return
    assert number.is_finite() and abs(number) < 10**12


def test_numbers_are_shown_the_indonesian_way():
    with translation.override("id"):
        assert format_number(Decimal("12.5000")) == "12,5"
        assert format_number(Decimal("1500.0000")) == "1.500"
    with translation.override("en"):
        assert format_number(Decimal("12.5000")) == "12.5"


# Filing -----------------------------------------------------------------------------


def test_the_new_form_suggests_the_satisfaction_index_and_says_what_is_public(
    officer, sahabat_rimba
):
    page = officer.get(f"/replication/plans/new/?innovation={sahabat_rimba.slug}").content.decode()
    assert 'value="Public satisfaction index (SKM/IKM)"' in page and 'value="indeks"' in page
    assert "shown on the plan's public case page" in page
    assert 'name="add_indicator"' in page and 'data-hx-post="/replication/plans/new/"' in page


def test_filing_a_plan_with_indicators_and_a_decimal_comma(
    bappeda_kalsel, sahabat_rimba, dinas_kehutanan
):
    officer = client_for(bappeda_kalsel)  # in Indonesian: "1.500" is fifteen hundred
    post = with_rows(
        form_data(sahabat_rimba, dinas_kehutanan),
        row(),
        row(
            name="Kunjungan layanan",
            unit="orang",
            direction="increase",
            baseline="72,5",
            target="1.500",
            sdg_target="SDG 16.6",
        ),
    )
    response = officer.post("/replication/plans/new/", post)
    assert response.status_code == 302, response.content.decode()
    plan = ReplicationPlan.objects.get()
    first, second = plan.indicators.all()
    assert first.baseline == Decimal("12.5") and first.direction == "decrease"
    assert first.order == 1 and second.order == 2
    assert second.baseline == Decimal("72.5") and second.target == Decimal("1500")
    assert second.sdg_target == "16.6"
    added = AuditEvent.objects.filter(action="indicator_added")
    assert added.count() == 2 and "12,5 → 5" in added.first().note


def test_an_untouched_suggestion_is_not_an_indicator(officer, sahabat_rimba, dinas_kehutanan):
    suggestion = {
        "name": "Public satisfaction index (SKM/IKM)",
        "unit": "indeks",
        "direction": "increase",
    }
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), suggestion)
    response = officer.post("/replication/plans/new/", post, follow=True)
    assert not Indicator.objects.exists()
    assert "without indicators" in response.content.decode()


def test_missing_and_non_numeric_values_are_refused_per_field_and_nothing_is_saved(
    officer, sahabat_rimba, dinas_kehutanan
):
    post = with_rows(
        form_data(sahabat_rimba, dinas_kehutanan),
        row(baseline="dua belas", target=""),
    )
    response = officer.post("/replication/plans/new/", post)
    page = response.content.decode()
    assert response.status_code == 200 and not ReplicationPlan.objects.exists()
    assert "&quot;dua belas&quot; is not one" in page
    assert "Type the target: the value aimed for." in page
    assert 'value="dua belas"' in page  # kept as typed
    assert 'id="id_indicators-0-baseline_error"' in page


def test_six_indicators_are_refused(officer, sahabat_rimba, dinas_kehutanan):
    rows = [row(name=f"Indikator {n}") for n in range(6)]
    response = officer.post(
        "/replication/plans/new/", with_rows(form_data(sahabat_rimba, dinas_kehutanan), *rows)
    )
    assert response.status_code == 200 and not ReplicationPlan.objects.exists()
    assert "at most 5 indicators; 6 were given" in response.content.decode()


def test_six_indicators_are_refused_by_the_service_too(
    bappeda_kalsel, sahabat_rimba, dinas_kehutanan
):
    with pytest.raises(ValidationError, match="at most 5"):
        services.file_plan(
            by=bappeda_kalsel,
            data=plan_data(sahabat_rimba, dinas_kehutanan),
            indicators=indicator_rows(6),
        )
    assert not ReplicationPlan.objects.exists()


def test_a_baseline_date_in_the_future_is_refused(officer, sahabat_rimba, dinas_kehutanan):
    later = (date.today() + timedelta(days=3)).isoformat()
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), row(baseline_date=later))
    page = officer.post("/replication/plans/new/", post).content.decode()
    assert "cannot be after today" in page and not ReplicationPlan.objects.exists()


def test_a_wrong_sdg_target_says_how_to_write_one(officer, sahabat_rimba, dinas_kehutanan):
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), row(sdg_target="4-1"))
    page = officer.post("/replication/plans/new/", post).content.decode()
    assert "such as 4.1, 16.6 or 11.a" in page and not ReplicationPlan.objects.exists()


def test_a_target_on_the_wrong_side_of_the_baseline_is_questioned(
    officer, sahabat_rimba, dinas_kehutanan
):
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), row(direction="increase"))
    page = officer.post("/replication/plans/new/", post).content.decode()
    assert "The target is below the baseline while higher is better" in page


def test_adding_a_row_without_javascript_keeps_what_was_typed_and_saves_nothing(
    officer, sahabat_rimba, dinas_kehutanan
):
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), row(baseline="12,5"))
    post["add_indicator"] = "1"
    response = officer.post("/replication/plans/new/", post)
    page = response.content.decode()
    assert response.status_code == 200 and not ReplicationPlan.objects.exists()
    assert 'name="indicators-TOTAL_FORMS" value="2"' in page
    assert 'value="12,5"' in page and 'value="Sahabat Hutan Banua"' in page
    assert "invalid-feedback" not in page  # nothing checked yet


def test_adding_a_row_with_htmx_answers_the_rows_only(officer, sahabat_rimba, dinas_kehutanan):
    post = with_rows(form_data(sahabat_rimba, dinas_kehutanan), row(), row(name="Dua"))
    post["add_indicator"] = "1"
    page = officer.post("/replication/plans/new/", post, HTTP_HX_REQUEST="true").content.decode()
    assert page.startswith('<fieldset class="mb-3" id="indicators">') and "<html" not in page
    assert 'name="indicators-TOTAL_FORMS" value="3"' in page
    assert 'id="id_indicators-2-name"' in page and "autofocus" in page


def test_no_sixth_row_is_offered(officer, sahabat_rimba, dinas_kehutanan):
    post = with_rows(
        form_data(sahabat_rimba, dinas_kehutanan), *[row(name=f"I{n}") for n in range(5)]
    )
    post["add_indicator"] = "1"
    page = officer.post("/replication/plans/new/", post).content.decode()
    assert 'name="indicators-TOTAL_FORMS" value="5"' in page
    assert 'name="add_indicator"' not in page and "at most 5 indicators" in page


# Editing a draft ----------------------------------------------------------------------


def test_editing_changes_and_removes_indicators_with_old_and_new_values_audited(
    officer, bappeda_kalsel, sahabat_rimba, dinas_kehutanan
):
    plan = services.file_plan(
        by=bappeda_kalsel,
        data=plan_data(sahabat_rimba, dinas_kehutanan),
        indicators=indicator_rows(2),
    )
    first, second = plan.indicators.all()
    post = form_data(plan, dinas_kehutanan)
    post["version"] = str(plan.version)
    first_row = row(
        id=str(first.pk),
        name=first.name,
        unit="indeks",
        direction="increase",
        baseline="72,5",
        target="90",
        sdg_target="16.6",
        baseline_date=first.baseline_date.isoformat(),
    )
    second_row = row(id=str(second.pk), DELETE="on")
    response = officer.post(
        f"/replication/plans/{plan.pk}/edit/", with_rows(post, first_row, second_row, initial=2)
    )
    assert response.status_code == 302
    assert list(plan.indicators.values_list("target", flat=True)) == [Decimal("90")]
    changed = AuditEvent.objects.get(action="indicator_changed")
    assert "target 85 → 90" in changed.note
    assert AuditEvent.objects.filter(action="indicator_removed").count() == 1
    plan.refresh_from_db()
    assert plan.version == 2
    assert "indicators" in AuditEvent.objects.get(action="plan_edited").note


def test_a_stale_edit_changes_no_indicator(officer, make_plan, make_user):
    plan = make_plan()
    indicator = plan.indicators.get()
    colleague = make_user("budi", "bappeda", province_code="63", first_name="Budi")
    services.update_plan(
        plan=plan,
        by=colleague,
        data=plan_data(plan.innovation, plan.adopter),
        stage_due_dates=None,
        version=plan.version,
        indicators=[{**indicator_rows()[0], "id": indicator.pk, "target": Decimal("90")}],
    )
    post = form_data(plan, plan.adopter)
    post["version"] = str(plan.version)  # the page was read before Budi's change
    stale = row(
        id=str(indicator.pk),
        target="99",
        direction="increase",
        baseline="72,5",
        baseline_date=indicator.baseline_date.isoformat(),
    )
    response = officer.post(
        f"/replication/plans/{plan.pk}/edit/", with_rows(post, stale, initial=1)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Budi" in page and "indicators" in page
    assert plan.indicators.get().target == Decimal("90")


def test_a_post_without_the_rows_leaves_the_indicators_alone(officer, make_plan):
    plan = make_plan()
    post = form_data(plan, plan.adopter, local_name="Nama Baru")
    post["version"] = str(plan.version)
    assert officer.post(f"/replication/plans/{plan.pk}/edit/", post).status_code == 302
    assert plan.indicators.count() == 1


# Submitting and approving -------------------------------------------------------------


def test_submitting_a_plan_without_indicators_is_refused(make_plan, bappeda_kalsel):
    plan = make_plan(with_indicators=False)
    with pytest.raises(ValidationError, match="Add at least one indicator"):
        services.submit_plan(plan=plan, by=bappeda_kalsel)


def test_the_officer_is_told_at_the_top_when_submitting_without_indicators(officer, make_plan):
    plan = make_plan(with_indicators=False)
    response = officer.post(f"/replication/plans/{plan.pk}/submit/", follow=True)
    assert "Add at least one indicator" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_submitted_plan_without_indicators_cannot_be_approved(make_plan, ministry):
    plan = make_plan("submitted")
    plan.indicators.all().delete()  # a plan of before indicators existed
    with pytest.raises(ValidationError, match="no indicators yet"):
        services.approve_plan(plan=plan, by=ministry)
    page = client_for(ministry).get(plan.get_absolute_url()).content.decode()
    assert "/approve/" not in page and 'href="/replication/plans/' in page


def test_the_plan_page_prompts_for_missing_indicators(officer, make_plan, ministry):
    draft = make_plan(with_indicators=False)
    page = officer.get(draft.get_absolute_url()).content.decode()
    assert "no indicators yet" in page and f"/replication/plans/{draft.pk}/edit/#indicators" in page


def test_an_approved_plan_without_indicators_links_to_adding_them(officer, approved_plan):
    approved_plan.indicators.all().delete()
    page = officer.get(approved_plan.get_absolute_url()).content.decode()
    assert f"/replication/plans/{approved_plan.pk}/indicators/" in page


# The plan page -----------------------------------------------------------------------


def test_the_plan_page_shows_baseline_target_and_achieved_in_indonesian(
    bappeda_kalsel, approved_plan
):
    indicator = approved_plan.indicators.get()
    Indicator.objects.filter(pk=indicator.pk).update(
        achieved=Decimal("86.25"), measured_on=date.today()
    )
    page = client_for(bappeda_kalsel).get(approved_plan.get_absolute_url()).content.decode()
    section = page[page.index('id="indicators"') :]
    assert "72,5" in section and "86,25" in section and "16.6" in section
    assert "Tercapai" in section


def test_the_plan_page_reads_the_same_number_of_queries_for_more_indicators(
    bappeda_kalsel, make_plan
):
    plan = make_plan("approved")
    client = client_for(bappeda_kalsel)

    def count() -> int:
        client.get(plan.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(plan.get_absolute_url()).status_code == 200
        return len(captured)

    one = count()
    for number in range(2, 6):
        Indicator.objects.create(plan=plan, order=number, **indicator_rows()[0])
    assert count() == one


def test_writing_rows_of_a_submitted_plan_is_refused(make_plan, bappeda_kalsel):
    plan = make_plan("submitted")
    with translation.override("en"), pytest.raises(ValidationError, match="draft or a returned"):
        indicator_services.write_rows(plan=plan, by=bappeda_kalsel, rows=indicator_rows())
