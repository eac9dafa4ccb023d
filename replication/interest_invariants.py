"""What the interest services promise across rows (imported by replication/invariants.py)."""

from __future__ import annotations

from django.db.models import Count, F, Q

from jipp.invariants import invariant
from replication.interest import Interest, InterestStatus
from replication.models import PlanStatus


@invariant("One open interest per province and innovation")
def one_open_interest() -> list[str]:
    rows = (
        Interest.objects.filter(status=InterestStatus.OPEN)
        .values("province_id", "innovation_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("province_id", "innovation_id", "n")
    )
    return [
        f"province {province}, innovation {innovation}: {n} open interests"
        for province, innovation, n in rows
    ]


@invariant("A planned interest has a plan of its province and innovation that is not cancelled")
def planned_interest_has_plan() -> list[str]:
    rows = (
        Interest.objects.filter(status=InterestStatus.PLANNED)
        .filter(
            Q(plan__isnull=True)
            | Q(plan__status=PlanStatus.CANCELLED)
            | ~Q(plan__province_id=F("province_id"))
            | ~Q(plan__innovation_id=F("innovation_id"))
        )
        .values_list("pk", "province_id", "innovation_id", "plan_id", "plan__status")
    )
    return [
        f"interest {pk} (province {province}, innovation {innovation}): plan {plan} ({status})"
        for pk, province, innovation, plan, status in rows
    ]
