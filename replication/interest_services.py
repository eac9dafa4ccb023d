"""Writes of declared interest: declare, withdraw, and the plan hooks (planned, reopened).

A province declares interest in an innovation; it turns `planned` by itself when the
province files any plan for that innovation (replication.services.file_plan and the
forum outcomes call `mark_planned`), and opens again when that plan is cancelled
(`reopen_for`), unless another open plan of the province for the innovation remains.
Each function is one transaction that locks the interest and re-checks its status there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innovations.models import Innovation, InnovationStatus
from jipp.models import Institution, Role, User
from jipp.services import record_event
from replication import notices
from replication.interest import Interest, InterestStatus
from replication.models import OPEN_STATUSES, PlanStatus, ReplicationPlan

NOTE_LIMIT = 2000


def innovators_of(innovation: Innovation) -> QuerySet[User]:
    """The origin institution's active innovator users."""
    return User.objects.in_role(Role.INNOVATOR).filter(institution_id=innovation.innovator_id)


def open_interest(innovation_id: int, province_id: int) -> Interest | None:
    return (
        Interest.objects.filter(
            innovation_id=innovation_id, province_id=province_id, status=InterestStatus.OPEN
        )
        .order_by("pk")
        .first()
    )


def open_plan(
    innovation_id: int, province_id: int, *, but: int | None = None
) -> ReplicationPlan | None:
    """The province's first open plan for the innovation (draft to approved)."""
    plans = ReplicationPlan.objects.filter(
        innovation_id=innovation_id, province_id=province_id, status__in=OPEN_STATUSES
    )
    if but is not None:
        plans = plans.exclude(pk=but)
    return plans.order_by("pk").first()


def _lock(interest: Interest) -> Interest:
    return (
        Interest.objects.select_for_update(of=("self",))
        .select_related("innovation", "province")
        .get(pk=interest.pk)
    )


def already_open_error(existing: Interest) -> ValidationError:
    """Refuses a second open interest; `params["interest"]` names the first, for a link."""
    return ValidationError(
        _(
            "Your province has already declared its interest in this innovation (on "
            "%(date)s). Nothing was saved: see it in your province's declared interest, or "
            "withdraw it there first."
        )
        % {"date": formats.date_format(timezone.localtime(existing.created_at), "j F Y")},
        code="interest_exists",
        params={"interest": existing.pk},
    )


@transaction.atomic
def declare_interest(
    *,
    innovation: Innovation,
    by: User,
    institution: Institution | None = None,
    note: str = "",
) -> Interest:
    """The officer's province declares its interest; the origin innovator's users are told."""
    if not by.is_bappeda or by.province_id is None:
        raise PermissionDenied(_("Only Bappeda officers declare their province's interest."))
    if innovation.status != InnovationStatus.APPROVED:
        raise ValidationError(_("Only an approved innovation of the registry can be replicated."))
    if institution is not None and institution.province_id != by.province_id:
        raise ValidationError(
            {"institution": [_("The prospective adopting office must be in your province.")]}
        )
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": [_("Keep the note to %(limit)s characters.") % {"limit": NOTE_LIMIT}]}
        )
    # The innovation's row serialises two officers of one province declaring at once.
    Innovation.objects.select_for_update(of=("self",)).filter(pk=innovation.pk).first()
    existing = open_interest(innovation.pk, by.province_id)
    if existing is not None:
        raise already_open_error(existing)
    plan = open_plan(innovation.pk, by.province_id)
    if plan is not None:
        raise ValidationError(
            _(
                "Your province already has an open replication plan for this innovation: "
                "follow it on the plan's page instead of declaring interest."
            ),
            code="plan_exists",
            params={"plan": plan.pk},
        )
    interest = Interest(
        innovation=innovation,
        province_id=by.province_id,
        institution=institution,
        note=note,
        status=InterestStatus.OPEN,
        created_by=by,
    )
    try:
        with transaction.atomic():
            interest.save()
    except IntegrityError as error:  # declared a moment ago by a colleague
        found = open_interest(innovation.pk, by.province_id)
        if found is None:
            raise
        raise already_open_error(found) from error
    event = record_event(
        actor=by, action="interest_declared", target=interest, to_status=InterestStatus.OPEN
    )
    tell_innovators(interest, key=f"interest-declared:{event.pk}")
    return interest


def tell_innovators(interest: Interest, *, key: str) -> None:
    """The origin institution's innovator users hear of a province's new interest."""
    innovation = interest.innovation
    notices.notify_users(
        innovators_of(innovation),
        kind="interest_declared",
        key=key,
        subject=gettext_lazy("%(province)s is interested in replicating %(innovation)s"),
        body=gettext_lazy(
            "The Bappeda of %(province)s declared the province's interest in replicating your "
            "innovation %(innovation)s. See the interested provinces on the innovation's page; "
            "the ministry may invite you to present it at a forum."
        ),
        url=interest.get_absolute_url(),
        province=interest.province.name,
        innovation=innovation.title,
    )


@transaction.atomic
def withdraw_interest(*, interest: Interest, by: User) -> Interest:
    """An officer of the province withdraws its open interest."""
    if not (by.is_bappeda and by.province_id == interest.province_id):
        raise PermissionDenied(
            _("Only Bappeda officers of the province may withdraw its interest.")
        )
    locked = _lock(interest)
    if locked.status != InterestStatus.OPEN:
        raise ValidationError(
            _("This interest is no longer open (%(status)s): nothing to withdraw.")
            % {"status": str(InterestStatus(locked.status).label).lower()}
        )
    locked.status = InterestStatus.WITHDRAWN
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    record_event(
        actor=by,
        action="interest_withdrawn",
        target=locked,
        from_status=InterestStatus.OPEN,
        to_status=InterestStatus.WITHDRAWN,
    )
    return locked


# The plan hooks ---------------------------------------------------------------------


@transaction.atomic
def mark_planned(*, plan: ReplicationPlan) -> Interest | None:
    """The province filed a plan for the innovation: its open interest becomes `planned`."""
    interest = (
        Interest.objects.select_for_update(of=("self",))
        .filter(
            innovation_id=plan.innovation_id,
            province_id=plan.province_id,
            status=InterestStatus.OPEN,
        )
        .order_by("pk")
        .first()
    )
    if interest is None:
        return None
    interest.status = InterestStatus.PLANNED
    interest.plan = plan
    interest.updated_at = timezone.now()
    interest.save(update_fields=["status", "plan", "updated_at"])
    record_event(
        actor=plan.filed_by,
        action="interest_planned",
        target=interest,
        from_status=InterestStatus.OPEN,
        to_status=InterestStatus.PLANNED,
        note=f"plan:{plan.pk}",
    )
    return interest


@transaction.atomic
def reopen_for(*, plan: ReplicationPlan, by: User | None = None) -> list[Interest]:
    """The plan was cancelled: its interest follows another open plan of the province for
    the innovation if there is one, else it is open again."""
    if plan.status != PlanStatus.CANCELLED:
        return []
    changed = []
    for interest in Interest.objects.select_for_update(of=("self",)).filter(
        plan=plan, status=InterestStatus.PLANNED
    ):
        other = open_plan(plan.innovation_id, plan.province_id, but=plan.pk)
        interest.updated_at = timezone.now()
        if other is not None:
            interest.plan = other
            note = f"plan:{other.pk}"
            to_status = InterestStatus.PLANNED
        elif open_interest(plan.innovation_id, plan.province_id) is not None:
            # Declared again since (only possible once no plan was open): keep that one.
            interest.status = to_status = InterestStatus.WITHDRAWN
            note = f"cancelled plan:{plan.pk}"
        else:
            interest.status = to_status = InterestStatus.OPEN
            interest.plan = None
            note = f"cancelled plan:{plan.pk}"
        interest.save(update_fields=["status", "plan", "updated_at"])
        record_event(
            actor=by,
            action="interest_reopened" if to_status == InterestStatus.OPEN else "interest_moved",
            target=interest,
            from_status=InterestStatus.PLANNED,
            to_status=to_status,
            note=note,
        )
        changed.append(interest)
    return changed
