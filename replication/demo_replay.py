"""Replays a plan's story (replication.demo_story) into rows dated when each step happened.

Writes what the services would have written at the time, straight through the ORM with
the past moment instead of now: the plan and its stages with their timestamps, evidence
(small real PDF files), indicators, due-date requests, the audit trail, the reminders
(fired when their moment came, cancelled when the stage was finished first) and the
notifications, stored as already sent and read. So nothing old is mailed again, and the
reminder sweep finds nothing of the past to catch up on. A live plan's open stages get
their reminders from replication.reminders.write_generation, as of now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation

from jipp.models import (
    AuditEvent,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Province,
    Role,
    User,
)
from jipp.services import one_line
from replication import reminder_texts, reminders
from replication.demo_story import Step, StoryPlan, When
from replication.demo_verbs import VERBS
from replication.models import (
    FINISHED_STAGE_STATUSES,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    ReplicationPlan,
    Stage,
)
from replication.notices import plan_title

FIRING_DELAY = timedelta(minutes=3)  # beat's sweep runs every few minutes
UNREAD_DAYS = 7  # notifications of the last week are still unread


def exists(story: StoryPlan) -> bool:
    """The plan's natural key: province, adopting office, innovation."""
    return ReplicationPlan.objects.filter(
        province__code=story.province,
        adopter__name=story.adopter,
        innovation__slug=story.innovation,
    ).exists()


class Replay:
    """One plan's story, step by step; the in-memory rows are the plan as it is then."""

    def __init__(self, story: StoryPlan, now: datetime) -> None:
        self.story, self.now = story, now
        self.province = Province.objects.get(code=story.province)
        self.zone = self.province.tzinfo
        self.today = now.astimezone(self.zone).date()
        self.last = datetime.min.replace(tzinfo=self.zone)
        self.plan: ReplicationPlan
        self.stages: dict[str, Stage] = {}
        self.open: list[Reminder] = []  # scheduled, not yet fired or cancelled
        self.plan_type = ContentType.objects.get_for_model(ReplicationPlan)
        self.stage_type = ContentType.objects.get_for_model(Stage)
        self.users = {user.username: user for user in User.objects.all()}
        self.roles = {
            role: [
                self.users[name]
                for name in User.objects.in_role(role)
                .values_list("username", flat=True)
                .order_by("pk")
            ]
            for role in (Role.MINISTRY, Role.BAPPEDA, Role.INNOVATOR)
        }

    # Time --------------------------------------------------------------------------

    def day(self, value: When) -> date:
        if isinstance(value, int):
            return self.today + timedelta(days=value)
        return date.fromisoformat(value)

    def moment(self, value: When) -> datetime:
        """A step's moment; steps of one plan never share a minute, nor reach now."""
        if isinstance(value, int):
            at = datetime.combine(self.day(value), time(10, 0), self.zone)
        else:
            at = datetime.fromisoformat(value).replace(tzinfo=self.zone)
        at = max(at, self.last + timedelta(minutes=20))
        self.last = min(at, self.now - timedelta(minutes=5))
        return self.last

    # Rows --------------------------------------------------------------------------

    def event(
        self,
        at: datetime,
        actor: User | None,
        action: str,
        target: models.Model,
        from_status: str = "",
        to_status: str = "",
        note: str = "",
    ) -> AuditEvent:
        kind = self.stage_type if isinstance(target, Stage) else self.plan_type
        return AuditEvent.objects.create(
            actor=actor,
            action=action,
            target_type=kind,
            target_id=target.pk,
            from_status=from_status,
            to_status=to_status,
            note=note,
            created_at=at,
        )

    def tell(
        self,
        users: Iterable[User],
        at: datetime,
        *,
        kind: str,
        key: str,
        subject: Any,
        body: Any,
        url: str,
        reminder: bool = False,
        **params: Any,
    ) -> None:
        """What replication.notices.notify_users wrote at the time, already delivered."""
        for user in users:
            with translation.override(user.language):
                values = {name: str(value) for name, value in params.items()}
                self.deliver(
                    user,
                    at,
                    kind=kind,
                    key=f"{key}:{user.pk}",
                    subject=str(subject) % values,
                    body=str(body) % values,
                    url=url,
                    reminder=reminder,
                )

    def deliver(
        self,
        user: User,
        at: datetime,
        *,
        kind: str,
        key: str,
        subject: str,
        body: str,
        url: str,
        reminder: bool,
    ) -> None:
        channel = NotificationChannel(user.reminder_channel if reminder else "email")
        if channel == NotificationChannel.EMAIL and not user.email:
            channel = NotificationChannel.INBOX
        status = {
            NotificationChannel.EMAIL: NotificationStatus.SENT,
            NotificationChannel.DIGEST: NotificationStatus.DIGESTED,
            NotificationChannel.INBOX: NotificationStatus.HELD,
        }[channel]
        old = at < self.now - timedelta(days=UNREAD_DAYS)
        Notification.objects.get_or_create(
            dedupe_key=key,
            defaults={
                "user": user,
                "email": user.email,
                "kind": kind,
                "subject": one_line(subject),
                "body": body,
                "url": url,
                "language": user.language,
                "channel": channel,
                "status": status,
                "attempts": 1 if channel == NotificationChannel.EMAIL else 0,
                "sent_at": at + timedelta(minutes=1) if status == "sent" else None,
                "read_at": at + timedelta(hours=3) if old else None,
                "created_at": at,
            },
        )

    def people(self, role: Role) -> list[User]:
        return [
            user
            for user in self.roles[role]
            if role != Role.BAPPEDA or user.province_id == self.province.pk
        ]

    # Reminders ---------------------------------------------------------------------

    def write_reminders(self, stages: Iterable[Stage], at: datetime) -> None:
        """What reminders.write_generation wrote at `at` (older rounds cancelled)."""
        for stage in stages:
            for reminder in [r for r in self.open if r.stage_id == stage.pk]:
                self.cancel(reminder)
            for item in reminders.schedule(stage.due_date, self.zone, at):
                row = Reminder.objects.create(
                    stage=stage,
                    generation=stage.reminder_generation,
                    kind=item.kind,
                    due_at=item.due_at,
                    status=item.status,
                    created_at=at,
                )
                if item.status == ReminderStatus.SCHEDULED:
                    self.open.append(row)

    def cancel(self, reminder: Reminder) -> None:
        reminder.status = ReminderStatus.CANCELLED
        reminder.save(update_fields=["status"])
        self.open.remove(reminder)

    def fire_until(self, until: datetime) -> None:
        """The sweep's work up to `until`: each due reminder fired a few minutes after
        its moment (or after it was written, for a catch-up)."""
        for reminder in sorted(self.open, key=lambda r: r.due_at):
            fired = max(reminder.due_at, reminder.created_at) + FIRING_DELAY
            if fired > until:
                continue
            stage = next(s for s in self.stages.values() if s.pk == reminder.stage_id)
            users = self.people(Role.BAPPEDA)
            if reminder.kind == ReminderKind.ESCALATION_14D:
                approver = [u for u in self.people(Role.MINISTRY) if u == self.plan.approved_by]
                users += approver or self.people(Role.MINISTRY)
            today = fired.astimezone(self.zone).date()
            for user in users:
                with translation.override(user.language):
                    text = reminder_texts.build(stage, reminder.kind, today)
                self.deliver(
                    user,
                    fired,
                    kind=f"reminder_{reminder.kind}",
                    key=f"reminder:{reminder.pk}:{user.pk}",
                    subject=text.subject,
                    body=text.body,
                    url=text.url,
                    reminder=True,
                )
            reminder.status, reminder.fired_at = ReminderStatus.FIRED, fired
            reminder.save(update_fields=["status", "fired_at"])
            self.open.remove(reminder)

    # The story -----------------------------------------------------------------------

    def run(self) -> ReplicationPlan:
        for step in self.story.steps:
            at = self.moment(step.when)
            if hasattr(self, "plan"):
                self.fire_until(at)
            VERBS[step.verb](self, step, at, self.users[step.who])
        for stage in self.stages.values():
            stage.save()
        self.plan.current_stage = next(
            (s.kind for s in self.stages.values() if s.status not in FINISHED_STAGE_STATUSES), ""
        )
        self.plan.save()
        if self.plan.status == PlanStatus.APPROVED:
            self.schedule_from_now()
        return self.plan

    def schedule_from_now(self) -> None:
        """A live plan's open stages: their current round written as of now, so the
        reminders due around today are real scheduled ones (one catch-up at most)."""
        waiting = [s for s in self.stages.values() if s.status not in FINISHED_STAGE_STATUSES]
        Reminder.objects.filter(pk__in=[r.pk for r in self.open]).delete()
        self.open = []
        reminders.write_generation(plan=self.plan, stages=waiting)

    def stage(self, step: Step) -> Stage:
        return self.stages[step.stage]

    def title(self) -> str:
        return plan_title(self.plan)


def replay(story: StoryPlan, now: datetime | None = None) -> ReplicationPlan:
    """Write the plan of `story` with its whole history; the caller checks it is new."""
    return Replay(story, now or timezone.now()).run()
