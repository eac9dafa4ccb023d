"""Work items of the registry (jipp/work.py): the ministry's plan queue, the province's plans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import ZONE_LABELS, Notification, Role, User
from jipp.work import Total, WorkRow, unread_count, work_item
from replication import interest_work, listing  # noqa: F401 (interest_work: its items)
from replication.choices import RESULT_STAGES
from replication.models import (
    OPEN_STAGE_STATUSES,
    DueDateRequest,
    IndicatorChangeRequest,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)
from replication.rollups import RollupPlan, RollupStageDone

DUE_SOON_DAYS = 14
# The inbox kinds of messages written on a plan (replication.notices).
MESSAGE_KINDS = ["plan_message"]


def _review_url(kind: str) -> str:
    return f"{reverse('replication:review')}?kind={kind}"


def _where(plan: ReplicationPlan) -> str:
    """The province, and the local name when the plan has one."""
    if plan.local_name:
        return f"{plan.province.name} · {plan.local_name}"
    return plan.province.name


def _stage_title(stage: Stage) -> str:
    return f"{stage.plan.innovation.title}: {stage.get_kind_display()}"


# The ministry ---------------------------------------------------------------------------


@work_item(
    Role.MINISTRY,
    "plans_to_decide",
    label=gettext_lazy("Plans to decide"),
    url=lambda user: _review_url("plan"),
    row=lambda plan: WorkRow(
        plan.innovation.title, plan.get_absolute_url(), _where(plan), plan.submitted_at
    ),
    menu="plan_review",
    order=30,
    count=lambda user: _plans_count(PlanStatus.SUBMITTED),
)
def plans_to_decide(user: User) -> QuerySet[ReplicationPlan]:
    return listing.plans_to_decide()


@work_item(
    Role.MINISTRY,
    "stages_to_verify",
    label=gettext_lazy("Stages to verify"),
    url=lambda user: _review_url("stage"),
    row=lambda stage: WorkRow(
        _stage_title(stage), stage.get_absolute_url(), _where(stage.plan), stage.completed_at
    ),
    menu="plan_review",
    order=40,
    count=lambda user: _done_count(results=False),
)
def stages_to_verify(user: User) -> QuerySet[Stage]:
    """The stages that carry no results: those are the next item, so no stage counts twice
    in the page's total."""
    return listing.stages_to_verify().exclude(kind__in=RESULT_STAGES)


def _result_row(stage: Stage) -> WorkRow:
    """What the stage reports: achieved values, or the legal basis and the lessons."""
    if stage.kind == StageKind.EVALUATION:
        what = _("achieved values of the indicators")
    else:
        what = _("legal basis and lessons")
    return WorkRow(
        _stage_title(stage),
        stage.get_absolute_url(),
        f"{_where(stage.plan)} · {what}",
        stage.completed_at,
    )


@work_item(
    Role.MINISTRY,
    "results_to_verify",
    label=gettext_lazy("Results waiting for verification"),
    url=lambda user: _review_url("stage"),
    row=_result_row,
    menu="plan_review",
    order=45,
    count=lambda user: _done_count(results=True),
)
def results_to_verify(user: User) -> QuerySet[Stage]:
    """Evaluation and institutionalisation stages done and not yet verified, oldest first:
    the stages to verify whose verification publishes results."""
    return listing.stages_to_verify().filter(kind__in=RESULT_STAGES)


def _request_row(request: DueDateRequest) -> WorkRow:
    """Read as a request to decide ("Permintaan perubahan tenggat: ..."), not as a stage."""
    plan = request.stage.plan
    return WorkRow(
        request.queue_title,
        request.get_absolute_url(),
        f"{plan.innovation.title} · {_where(plan)}",
        request.created_at,
    )


@work_item(
    Role.MINISTRY,
    "due_date_requests",
    label=gettext_lazy("Due-date requests"),
    url=lambda user: _review_url("due_date"),
    row=_request_row,
    menu="plan_review",
    order=50,
    shared=True,
)
def due_date_requests(user: User) -> QuerySet[DueDateRequest]:
    return listing.due_date_requests()


def _change_row(change: IndicatorChangeRequest) -> WorkRow:
    plan = change.indicator.plan
    return WorkRow(
        _("Indicator change: %(indicator)s") % {"indicator": change.indicator.name},
        change.get_absolute_url(),
        f"{plan.innovation.title} · {_where(plan)}",
        change.created_at,
    )


@work_item(
    Role.MINISTRY,
    "indicator_changes",
    label=gettext_lazy("Indicator changes"),
    url=lambda user: _review_url("indicator"),
    row=_change_row,
    menu="plan_review",
    order=55,
    shared=True,
)
def indicator_changes(user: User) -> QuerySet[IndicatorChangeRequest]:
    return listing.indicator_changes()


# The province's Bappeda -------------------------------------------------------------------


def _done_count(*, results: bool) -> Total:
    """How many done stages of approved plans wait for verification, nationally, from
    their rollup (38 rows a kind): counting them joined every approved plan, 120 ms a
    ministry page at 500,000 plans."""
    return Total.sum(RollupStageDone, results=results)


def _plans_count(status: str) -> Total:
    """How many plans of the country have the status, from the rollup of plans per
    province, status and current stage (at most eight rows a province): counting the
    submitted plans read 43,000 index entries, 5 ms of every ministry page, at 500,000."""
    return Total.sum(RollupPlan, status=status)


def _province_plans(user: User) -> QuerySet[ReplicationPlan]:
    """The officer's own province only, whatever other roles the user has."""
    if not user.province_id:
        return ReplicationPlan.objects.none()
    return ReplicationPlan.objects.filter(province_id=user.province_id)


def _province_plans_count(user: User, status: str) -> Total:
    """_plans_count of the officer's own province; none without one."""
    if not user.province_id:
        return Total()
    return Total.sum(RollupPlan, status=status, province_id=user.province_id)


def _province_stages(user: User) -> QuerySet[Stage]:
    if not user.province_id:
        return Stage.objects.none()
    return Stage.objects.filter(
        plan__province_id=user.province_id, plan__status=PlanStatus.APPROVED
    ).select_related("plan", "plan__innovation", "plan__province")


def _plans_url(**filters: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"{reverse('replication:plan_list')}?{query}"


def _soon() -> list[tuple[str, date]]:
    """(zone, the last due date that counts as soon there): "today" in each zone."""
    now = timezone.now()
    return [
        (zone, now.astimezone(ZoneInfo(zone)).date() + timedelta(days=DUE_SOON_DAYS))
        for zone in ZONE_LABELS
    ]


# The rollup of unfinished stages of approved plans per province and due date (a few
# hundred rows a province, not its stages), up to "today" in the province's own zone.
DUE_SOON = """
SELECT SUM(due.n) FROM replication_rollup_due due
  JOIN jipp_province province ON province.id = due.province_id
 WHERE due.province_id = %s
   AND due.due_date <= (%s::timestamptz AT TIME ZONE province.timezone)::date + %s
"""


def _stages_due_count(user: User) -> Total:
    """How many stages_due(user) holds, from the rollup of due dates (DUE_SOON)."""
    if not user.province_id:
        return Total()
    return Total(DUE_SOON, (user.province_id, timezone.now(), DUE_SOON_DAYS))


# The officer's other counts, written out like the rollups' (Total): they are small, and
# building and compiling their querysets on every page cost more than running them.
# tests/test_work.py holds each to its item's queryset counted.
RETURNED_STAGES = """
SELECT COUNT(*) FROM replication_stage s
  JOIN replication_replicationplan p ON p.id = s.plan_id
 WHERE p.province_id = %s AND p.status = %s AND s.status = %s AND s.return_note <> ''
"""
DRAFTS_FROM_FORUMS = """
SELECT COUNT(*) FROM replication_replicationplan
 WHERE province_id = %s AND status = %s AND forum_id IS NOT NULL
"""


def _province_count(sql: str, *values: str) -> Callable[[User], Total]:
    """A count of the officer's own province by `sql` (the province, then `values`)."""

    def count(user: User) -> Total:
        return Total(sql, (user.province_id, *values)) if user.province_id else Total()

    return count


def _due_row(stage: Stage) -> WorkRow:
    late = stage.is_overdue
    due = date_format(stage.due_date, "j F Y")
    return WorkRow(
        _stage_title(stage),
        stage.get_absolute_url(),
        _("Due %(date)s") % {"date": due},
        badge=_("Overdue") if late else "",
    )


@work_item(
    Role.BAPPEDA,
    "stages_due",
    label=gettext_lazy("Stages due within 14 days or late"),
    url=lambda user: _plans_url(status=PlanStatus.APPROVED),
    row=_due_row,
    order=10,
    count=_stages_due_count,
)
def stages_due(user: User) -> QuerySet[Stage]:
    # Due dates are days in the province's calendar (_soon).
    soon = Q(pk__in=[])
    for zone, day in _soon():
        soon |= Q(plan__province__timezone=zone, due_date__lte=day)
    return (
        _province_stages(user)
        .filter(soon, status__in=OPEN_STAGE_STATUSES)
        .order_by("due_date", "plan_id", "order")
    )


@work_item(
    Role.BAPPEDA,
    "plans_returned",
    label=gettext_lazy("Plans returned by the ministry"),
    url=lambda user: _plans_url(status=PlanStatus.RETURNED),
    row=lambda plan: WorkRow(
        plan.innovation.title,
        plan.get_absolute_url(),
        plan.return_note[:120],
        plan.submitted_at,
    ),
    order=20,
    count=lambda user: _province_plans_count(user, PlanStatus.RETURNED),
)
def plans_returned(user: User) -> QuerySet[ReplicationPlan]:
    return (
        _province_plans(user)
        .filter(status=PlanStatus.RETURNED)
        .select_related("innovation", "province")
        .order_by("submitted_at", "id")
    )


@work_item(
    Role.BAPPEDA,
    "stages_returned",
    label=gettext_lazy("Stages returned by the ministry"),
    url=lambda user: _plans_url(status=PlanStatus.APPROVED),
    row=lambda stage: WorkRow(
        _stage_title(stage), stage.get_absolute_url(), stage.return_note[:120], stage.completed_at
    ),
    order=30,
    count=_province_count(RETURNED_STAGES, PlanStatus.APPROVED, StageStatus.IN_PROGRESS),
)
def stages_returned(user: User) -> QuerySet[Stage]:
    # A returned stage is back in progress with the ministry's note (cleared when done again).
    return (
        _province_stages(user)
        .filter(status=StageStatus.IN_PROGRESS)
        .exclude(return_note="")
        .order_by("completed_at", "id")
    )


@work_item(
    Role.BAPPEDA,
    "unread_messages",
    label=gettext_lazy("Unread messages on plans"),
    url=lambda user: f"{reverse('inbox')}?show=unread",
    row=lambda note: WorkRow(note.subject, note.get_absolute_url(), since=note.created_at),
    order=40,
    count=lambda user: unread_count(user, kinds=MESSAGE_KINDS),
)
def unread_messages(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.for_inbox(user)
        .unread()
        .filter(kind__in=MESSAGE_KINDS)
        .only("subject", "created_at")
        .order_by("created_at", "id")
    )


@work_item(
    Role.BAPPEDA,
    "plans_from_forums",
    label=gettext_lazy("Draft plans from forum outcomes"),
    url=lambda user: _plans_url(status=PlanStatus.DRAFT),
    row=lambda plan: WorkRow(
        plan.innovation.title, plan.get_absolute_url(), plan.forum.title, plan.created_at
    ),
    order=50,
    count=_province_count(DRAFTS_FROM_FORUMS, PlanStatus.DRAFT),
)
def plans_from_forums(user: User) -> QuerySet[ReplicationPlan]:
    return (
        _province_plans(user)
        .filter(status=PlanStatus.DRAFT, forum__isnull=False)
        .select_related("innovation", "forum")
        .order_by("created_at", "id")
    )
