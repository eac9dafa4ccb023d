"""Work items of declared interest (jipp/work.py; imported by replication/work.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from jipp.models import Role, User
from jipp.work import Total, WorkRow, work_item
from replication.interest import Interest, InterestStatus
from replication.rollups import RollupInterestProvince


def _open() -> QuerySet[Interest]:
    return Interest.objects.filter(status=InterestStatus.OPEN, innovation__status="approved")


def _province_open_count(user: User) -> Total:
    """How many interest_open(user) holds: the province's row of the rollup of open
    interest in approved innovations per province."""
    if not user.province_id:
        return Total()
    return Total.sum(RollupInterestProvince, province_id=user.province_id)


@work_item(
    Role.BAPPEDA,
    "interest_open",
    label=gettext_lazy("Declared interest without a plan yet"),
    url=lambda user: reverse("replication:interest_mine"),
    row=lambda interest: WorkRow(
        interest.innovation.title,
        interest.get_absolute_url(),
        interest.institution.name if interest.institution else "",
        interest.created_at,
    ),
    order=60,
    count=_province_open_count,
)
def interest_open(user: User) -> QuerySet[Interest]:
    if not user.province_id:
        return Interest.objects.none()
    return (
        _open()
        .filter(province_id=user.province_id)
        .select_related("innovation", "institution")
        .order_by("created_at", "id")
    )


@work_item(
    Role.INNOVATOR,
    "interest_received",
    label=gettext_lazy("Provinces interested in your innovations"),
    url=lambda user: reverse("replication:interest_mine"),
    row=lambda interest: WorkRow(
        interest.innovation.title,
        interest.get_absolute_url(),
        interest.province.name,
        interest.created_at,
    ),
    order=60,
)
def interest_received(user: User) -> QuerySet[Interest]:
    if not user.institution_id:
        return Interest.objects.none()
    return (
        _open()
        .filter(innovation__innovator_id=user.institution_id)
        .select_related("innovation", "province")
        .order_by("created_at", "id")
    )


@work_item(
    Role.FORUM_ADMIN,
    "interest_demand",
    label=gettext_lazy("Open interest to plan forums from"),
    url=lambda user: reverse("replication:interest"),
    row=lambda interest: WorkRow(
        interest.innovation.title,
        reverse("replication:interest"),
        interest.province.name,
        interest.created_at,
    ),
    order=60,
    shared=True,
)
def interest_demand(user: User) -> QuerySet[Interest]:
    return _open().select_related("innovation", "province").order_by("created_at", "id")
