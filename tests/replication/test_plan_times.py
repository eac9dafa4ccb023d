"""Every time on a plan's page is on the adopting province's clock, labelled WIB/WITA/WIT.

Kalimantan Selatan is WITA (UTC+8): 02:30 UTC is 10.30 there and 09.30 in Jakarta.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from jipp import clock
from jipp.models import Province
from replication import services, stage_services
from tests.conftest import client_for
from tests.replication.conftest import finish, plan_data, stage

pytestmark = pytest.mark.django_db

MOMENT = "2026-03-10 02:30Z"  # 10.30 WITA, 09.30 WIB, 11.30 WIT


def text_of(html: str) -> str:
    """What the page's main part shows (not its attributes)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1]))


def times_on(text: str) -> list[str]:
    """Every hour:minute written, with what follows it."""
    return re.findall(r"\b\d\d[.:]\d\d\b(?: [A-Z]+)?", text)


def test_the_plan_page_shows_its_times_on_the_provinces_clock(
    make_plan, bappeda_kalsel, ministry, innovator_diy
):
    with time_machine.travel(MOMENT, tick=False):
        plan = make_plan("approved")
        finish(plan, "identification", bappeda_kalsel, verify_by=ministry)
        stage_services.start_stage(stage=stage(plan, "learning"), by=bappeda_kalsel)
        services.post_message(plan=plan, by=bappeda_kalsel, body="Kapan verifikasi?")
    for who in (bappeda_kalsel, ministry, innovator_diy):
        text = text_of(client_for(who).get(plan.get_absolute_url()).content.decode())
        assert "10 Maret 2026, 10.30 WITA" in text
        shown = times_on(text)
        assert shown, "the page shows times"
        unlabelled = [time for time in shown if not time.endswith(("WIB", "WITA", "WIT"))]
        assert unlabelled == []
        assert not re.search(r"09[.:]30", text), text  # Jakarta's clock nowhere


def test_a_stale_edit_names_the_time_on_the_provinces_clock(make_plan, make_user):
    plan = make_plan()
    colleague = make_user("budi", "bappeda", province_code="63", first_name="Budi")
    with time_machine.travel(MOMENT, tick=False):
        services.update_plan(
            plan=plan,
            by=colleague,
            data=plan_data(plan.innovation, plan.adopter, budget_amount=1),
            stage_due_dates=None,
            version=plan.version,
        )
    with pytest.raises(ValidationError) as refused:
        services.update_plan(
            plan=plan,
            by=colleague,
            data=plan_data(plan.innovation, plan.adopter, budget_amount=2),
            stage_due_dates=None,
            version=plan.version - 1,
        )
    assert "10.30 WITA" in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("63", "10 Maret 2026, 10.30 WITA"), ("91", "10 Maret 2026, 11.30 WIT"), (None, None)],
)
def test_a_moment_is_written_on_a_provinces_clock_or_jakartas(code, expected):
    moment = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    province = Province.objects.get(code=code) if code else None
    with translation.override("id"):
        assert clock.local_time(moment, province) == (expected or "10 Maret 2026, 09.30 WIB")
        assert clock.local_time(None, province) == ""
