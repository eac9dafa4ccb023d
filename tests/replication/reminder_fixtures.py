"""Plans of any province with chosen due dates, for the reminder tests (import the fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from jipp.models import Role, User
from replication import services
from replication.models import STAGE_ORDER, ReplicationPlan, Stage
from tests.conftest import indicator_rows
from tests.replication.conftest import plan_data


@pytest.fixture
def officer_of(make_user, make_institution) -> Callable[..., User]:
    """The (first) Bappeda officer of a province, made on first use."""

    def make(code: str, username: str | None = None, **fields: Any) -> User:
        name = username or f"bappeda{code}"
        found = User.objects.filter(username=name).first()
        if found:
            return found
        office = make_institution(f"Bappeda Provinsi {code}", code)
        return make_user(name, Role.BAPPEDA, province_code=code, institution=office, **fields)

    return make


@pytest.fixture
def plan_in(
    officer_of, make_institution, sahabat_rimba, ministry
) -> Callable[..., ReplicationPlan]:
    """An approved plan of the province whose first stage is due on `due`; the other
    stages fall 60 days apart after it."""

    def make(
        code: str, due: date, *, approve: bool = True, by: User | None = None
    ) -> ReplicationPlan:
        officer = officer_of(code)
        n = ReplicationPlan.objects.filter(province__code=code).count() + 1
        adopter = make_institution(f"Dinas Kehutanan {code} {n}", code)
        dues = {kind: due + timedelta(days=60 * number) for number, kind in enumerate(STAGE_ORDER)}
        data = plan_data(
            sahabat_rimba,
            adopter,
            start_date=due - timedelta(days=90),
            target_end_date=due + timedelta(days=400),
        )
        plan = services.file_plan(
            by=officer, data=data, stage_due_dates=dues, indicators=indicator_rows()
        )
        if approve:
            services.submit_plan(plan=plan, by=officer)
            services.approve_plan(plan=plan, by=by or ministry)
        plan.refresh_from_db()
        return plan

    return make


def first_stage(plan: ReplicationPlan) -> Stage:
    return plan.stages.select_related("plan", "plan__province").get(kind=STAGE_ORDER[0])
