"""Who hears of what happens to a plan, in their own language."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import AuditEvent, Role, User
from jipp.services import notify
from replication.models import PlanMessage, ReplicationPlan, Stage


def person(user: User | None) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.username


def plan_title(plan: ReplicationPlan) -> str:
    name = plan.local_name or plan.innovation.title
    return f"{name} ({plan.province.name})"


def notify_users(
    users: Any,
    *,
    kind: str,
    key: str,
    subject: Any,
    body: Any,
    url: str,
    reminder: bool = False,
    **params: Any,
) -> None:
    """One notification per user, in the user's language: subject and body are lazy
    source strings with %(name)s placeholders, filled from params. `reminder`: the row
    follows the user's reminder channel (e-mail, digest or inbox only)."""
    for user in users:
        with translation.override(user.language):
            values = {name: str(value) for name, value in params.items()}
            notify(
                user=user,
                kind=kind,
                subject=str(subject) % values,
                body=str(body) % values,
                url=url,
                reminder=reminder,
                dedupe_key=f"{key}:{user.pk}",
            )


def reviewers() -> Any:
    return User.objects.in_role(Role.MINISTRY)


def officers_of(plan: ReplicationPlan, *, but: User | None = None) -> Any:
    officers = User.objects.in_role(Role.BAPPEDA).filter(province_id=plan.province_id)
    return officers.exclude(pk=but.pk) if but is not None else officers


def innovators_of(plan: ReplicationPlan) -> Any:
    return User.objects.in_role(Role.INNOVATOR).filter(institution_id=plan.innovation.innovator_id)


# What a reviewer does on a plan or its stages (audit actions): the reviewers who did one
# of these are the ministry's side of the plan's conversation.
DECISIONS = (
    "plan_approved",
    "plan_returned",
    "plan_cancelled",
    "stage_verified",
    "stage_returned",
    "due_date_accepted",
    "due_date_declined",
    "indicator_change_accepted",
    "indicator_change_declined",
)


def deciding_reviewers(plan: ReplicationPlan) -> Any:
    """The active reviewers who decided something on the plan (or already wrote in its
    conversation); all active reviewers when none has, or none is active any more."""
    stage_ids = Stage.objects.filter(plan_id=plan.pk).values("pk")
    events = AuditEvent.objects.filter(action__in=DECISIONS).filter(
        Q(target_type=ContentType.objects.get_for_model(ReplicationPlan), target_id=plan.pk)
        | Q(target_type=ContentType.objects.get_for_model(Stage), target_id__in=stage_ids)
    )
    deciders = reviewers().filter(
        Q(pk__in=events.values("actor_id"))
        | Q(pk__in=PlanMessage.objects.filter(plan_id=plan.pk).values("author_id"))
    )
    return deciders if deciders.exists() else reviewers()


def message_recipients(message: PlanMessage) -> list[User]:
    """The other parties of the plan's conversation: the province's officers, the
    reviewers of the plan, the origin innovator's users; never the author."""
    plan = message.plan
    people: dict[int, User] = {}
    for group in (officers_of(plan), deciding_reviewers(plan), innovators_of(plan)):
        for user in group:
            people.setdefault(user.pk, user)
    people.pop(message.author_id or 0, None)
    return list(people.values())


def tell_about_message(message: PlanMessage) -> int:
    """Every other party hears of a new message, by their reminder channel; returns how
    many were told."""
    plan = message.plan
    recipients = message_recipients(message)
    notify_users(
        recipients,
        kind="plan_message",
        key=f"plan-message:{message.pk}",
        subject=gettext_lazy("Message on %(title)s from %(who)s"),
        body=gettext_lazy(
            "%(name)s (%(who)s) wrote on the replication plan %(title)s:\n\n%(message)s\n\n"
            "Reply on the plan's page."
        ),
        url=message.get_absolute_url(),
        reminder=True,
        title=plan_title(plan),
        name=person(message.author),
        who=party(message.author, plan),
        message=message.body,
    )
    return len(recipients)


def party(user: User | None, plan: ReplicationPlan) -> Any:
    """Which side of the plan someone speaks for: their institution, else their role
    (lazy, so each recipient reads it in their own language)."""
    if user is None:
        return gettext_lazy("someone")
    if user.institution is not None:
        return user.institution.name
    if user.is_ministry:
        return gettext_lazy("the ministry")
    return plan.province.name
