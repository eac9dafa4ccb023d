"""Who hears of what happens to a plan, in their own language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from jipp.models import Role, User
from jipp.services import notify
from replication.models import ReplicationPlan


def person(user: User | None) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.username


def plan_title(plan: ReplicationPlan) -> str:
    name = plan.local_name or plan.innovation.title
    return f"{name} ({plan.province.name})"


def notify_users(
    users: Any, *, kind: str, key: str, subject: Any, body: Any, url: str, **params: Any
) -> None:
    """One notification per user, in the user's language: subject and body are lazy
    source strings with %(name)s placeholders, filled from params."""
    for user in users:
        with translation.override(user.language):
            values = {name: str(value) for name, value in params.items()}
            notify(
                user=user,
                kind=kind,
                subject=str(subject) % values,
                body=str(body) % values,
                url=url,
                dedupe_key=f"{key}:{user.pk}",
            )


def reviewers() -> Any:
    return User.objects.in_role(Role.MINISTRY)


def officers_of(plan: ReplicationPlan, *, but: User | None = None) -> Any:
    officers = User.objects.in_role(Role.BAPPEDA).filter(province_id=plan.province_id)
    return officers.exclude(pk=but.pk) if but is not None else officers


def innovators_of(plan: ReplicationPlan) -> Any:
    return User.objects.in_role(Role.INNOVATOR).filter(institution_id=plan.innovation.innovator_id)
