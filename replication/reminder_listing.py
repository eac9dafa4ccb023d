"""A plan page's reminders: each stage's rounds and the notifications they produced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Prefetch, Q

from jipp.models import Notification
from replication.models import Reminder, ReminderStatus, Stage


def prefetch() -> Prefetch:
    """For the stages' query: every round of reminders, newest round first."""
    return Prefetch("reminders", queryset=Reminder.objects.order_by("-generation", "due_at", "id"))


def attach(stages: Sequence[Stage], *, notifications: bool) -> None:
    """Give each prefetched reminder its notifications when the viewer may see who was
    told (the province's officers, the ministry): one query for the whole page."""
    reminders = [reminder for stage in stages for reminder in stage.reminders.all()]
    sent: dict[int, list[Notification]] = defaultdict(list)
    fired = [r.pk for r in reminders if r.status == ReminderStatus.FIRED]
    if notifications and fired:
        # The dedupe key names the reminder ("reminder:<id>:<user id>"); its unique
        # index answers these prefixes.
        wanted = Q()
        for pk in fired:
            wanted |= Q(dedupe_key__startswith=f"reminder:{pk}:")
        rows = (
            Notification.objects.filter(wanted)
            .select_related("user")
            .only(
                "dedupe_key",
                "channel",
                "status",
                "attempts",
                "sent_at",
                "user__username",
                "user__first_name",
                "user__last_name",
            )
            .order_by("id")
        )
        for row in rows:
            sent[int(row.dedupe_key.split(":")[1])].append(row)
    for reminder in reminders:
        reminder.notifications = sent.get(reminder.pk, [])  # type: ignore[attr-defined]
