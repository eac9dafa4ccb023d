"""A forum's outcomes: the replications a province announces there, as draft plans.

An outcome is a ReplicationPlan in draft with `forum` set, filed for the announcing
province without an adopting institution: that province's Bappeda officers choose the
adopter, complete the plan and submit it through the plan pages like any other.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forums import notices
from forums.models import ForumLevel, ForumSession, ForumStatus
from forums.services import lock, require_staff, status_label
from innovations.models import Innovation, InnovationStatus
from jipp.models import Province, User
from jipp.services import record_event
from replication import interest_services, schedule
from replication.models import (
    STAGE_ORDER,
    BudgetSource,
    PlanStatus,
    ReplicationPlan,
    Stage,
)

# Forums where any province may announce; elsewhere the host announces.
OPEN_LEVELS = (ForumLevel.NATIONAL, ForumLevel.INTERNATIONAL)


def outcomes_of(session: ForumSession) -> list[ReplicationPlan]:
    """The intentions announced at the session (cancelled plans are withdrawn ones)."""
    return list(
        session.outcomes.exclude(status=PlanStatus.CANCELLED)
        .select_related("innovation", "province")
        .order_by("province__name", "innovation__title", "pk")
    )


def outcomes_seen_by(session: ForumSession, user: User | AnonymousUser) -> list[ReplicationPlan]:
    """The intentions announced, each with `may_open`: whether this user may open its plan.

    One rule for the public session page and the management page: the plan's own
    visibility, never the page's audience (a forum admin runs forums, not plans).
    """
    announced = outcomes_of(session)
    visible = set(
        ReplicationPlan.objects.visible_to(user)
        .filter(pk__in=[plan.pk for plan in announced])
        .values_list("pk", flat=True)
    )
    for plan in announced:
        plan.may_open = plan.pk in visible  # type: ignore[attr-defined]
    return announced


def next_year(session: ForumSession) -> int:
    """FRIPP practice: what is chosen at a forum is implemented the next fiscal year."""
    return session.starts_at.astimezone(session.tzinfo).year + 1


@transaction.atomic
def record_outcome(
    *,
    session: ForumSession,
    by: User,
    innovation: Innovation,
    province: Province | None = None,
) -> ReplicationPlan:
    """A draft plan of the announcing province (the host by default), its officers told."""
    require_staff(by)
    locked = lock(session)
    if locked.status != ForumStatus.HELD:
        raise ValidationError(
            _("Outcomes are recorded once the session is held: this session is %(status)s.")
            % {"status": status_label(locked)}
        )
    province = province or locked.host_province
    if province is None:
        raise ValidationError(
            {"province": [_("Choose the province that announced the replication.")]}
        )
    if (
        locked.level not in OPEN_LEVELS
        and locked.host_province_id
        and province.pk != locked.host_province_id
    ):
        raise ValidationError(
            {
                "province": [
                    _(
                        "At a regional or sectoral forum the host province announces its "
                        "replications; other provinces only at national or international forums."
                    )
                ]
            }
        )
    if innovation.status != InnovationStatus.APPROVED:
        raise ValidationError(
            {"innovation": [_("Only an approved innovation of the registry can be replicated.")]}
        )
    if ReplicationPlan.objects.filter(
        forum=locked, innovation=innovation, province=province
    ).exists():
        raise ValidationError(
            _("%(province)s's intention to replicate %(innovation)s is already recorded.")
            % {"province": province.name, "innovation": innovation.title}
        )
    year = next_year(locked)
    start, end = date(year, 1, 1), date(year, 12, 31)
    plan = ReplicationPlan.objects.create(
        innovation=innovation,
        province=province,
        forum=locked,
        start_date=start,
        target_end_date=end,
        budget_source=BudgetSource.NONE,
        status=PlanStatus.DRAFT,
        current_stage=STAGE_ORDER[0],
        filed_by=by,
    )
    dues = schedule.spread_due_dates(start, end)
    Stage.objects.bulk_create(
        Stage(plan=plan, kind=kind, order=number, due_date=dues[kind])
        for number, kind in enumerate(STAGE_ORDER, 1)
    )
    record_event(actor=by, action="plan_created", target=plan, to_status=plan.status, note="forum")
    record_event(
        actor=by,
        action="forum_outcome",
        target=locked,
        note=f"{innovation.title} · {province.name}",
    )
    interest_services.mark_planned(plan=plan)  # the province's interest is now planned
    notices.tell_officers_of_outcome(plan, locked, by)
    return plan
