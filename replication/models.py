"""Replication plans: a province adopts an approved innovation in seven stages, with evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from jipp.models import ZONE_LABELS, Institution, Province
from replication.choices import (
    EDITABLE_STATUSES,
    FINISHED_STAGE_STATUSES,
    OPEN_STAGE_STATUSES,
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    STAGE_ORDER,
    BudgetSource,
    DueDateRequestStatus,
    PlanStatus,
    ReminderKind,
    ReminderStatus,
    StageKind,
    StageStatus,
)
from replication.interest import Interest, InterestStatus
from replication.results import (
    MAX_INDICATORS,
    Direction,
    Indicator,
    IndicatorChangeRequest,
    LegalBasisKind,
)
from replication.rollups import (
    RollupCancel,
    RollupDue,
    RollupInterest,
    RollupMoment,
    RollupPlan,
    RollupResult,
    RollupResultGoal,
    RollupResultPart,
)
from replication.uploads import evidence_path

__all__ = [
    "EDITABLE_STATUSES",
    "FINISHED_STAGE_STATUSES",
    "MAX_INDICATORS",
    "OPEN_STAGE_STATUSES",
    "OPEN_STATUSES",
    "PUBLIC_STATUSES",
    "STAGE_ORDER",
    "BudgetSource",
    "Direction",
    "DueDateRequestStatus",
    "Indicator",
    "IndicatorChangeRequest",
    "Interest",
    "InterestStatus",
    "LegalBasisKind",
    "PlanStatus",
    "ReminderKind",
    "ReminderStatus",
    "RollupCancel",
    "RollupDue",
    "RollupInterest",
    "RollupMoment",
    "RollupPlan",
    "RollupResult",
    "RollupResultGoal",
    "RollupResultPart",
    "StageKind",
    "StageStatus",
]


def overdue_stages(prefix: str = "") -> Q:
    """Unfinished stages of approved plans whose due date is before today in their province.

    "Today" differs between WIB, WITA and WIT: one condition per zone.
    """
    now = timezone.now()
    by_zone = Q(pk__in=[])
    for zone in ZONE_LABELS:
        today = now.astimezone(Province(timezone=zone).tzinfo).date()
        by_zone |= Q(**{f"{prefix}plan__province__timezone": zone, f"{prefix}due_date__lt": today})
    return (
        Q(**{f"{prefix}status__in": OPEN_STAGE_STATUSES})
        & Q(**{f"{prefix}plan__status": PlanStatus.APPROVED})
        & by_zone
    )


class ReplicationPlanQuerySet(models.QuerySet["ReplicationPlan"]):
    def visible_to(self, user: Any) -> ReplicationPlanQuerySet:
        """Ministry: all; Bappeda: its province's; innovators: plans of their innovations."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_ministry:
            return self.all()
        scope = Q(pk__in=[])
        if user.is_bappeda and user.province_id:
            scope |= Q(province_id=user.province_id)
        if user.is_innovator and user.institution_id:
            scope |= Q(innovation__innovator_id=user.institution_id)
        return self.filter(scope)

    def editable_by(self, user: Any) -> ReplicationPlanQuerySet:
        """Open plans of the officer's own province."""
        if not user.is_authenticated or not user.is_bappeda or not user.province_id:
            return self.none()
        return self.filter(province_id=user.province_id, status__in=OPEN_STATUSES)

    def public(self) -> ReplicationPlanQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES)

    def with_overdue(self) -> ReplicationPlanQuerySet:
        late = Stage.objects.filter(overdue_stages(), plan=OuterRef("pk"))
        return self.annotate(is_overdue=Exists(late))


class ReplicationPlan(models.Model):
    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="replication_plans",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("adopting province"),
        on_delete=models.PROTECT,
        related_name="replication_plans",
    )
    adopter = models.ForeignKey(
        Institution,
        verbose_name=_("adopting institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replication_plans",
    )
    forum = models.ForeignKey(
        "forums.ForumSession",
        verbose_name=_("forum"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text=_("The FRIPP where the province announced this replication."),
    )
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    start_date = models.DateField(_("start date"))
    target_end_date = models.DateField(_("target end date"))
    budget_source = models.CharField(
        _("budget source"), max_length=10, choices=BudgetSource.choices
    )
    budget_amount = models.DecimalField(
        _("budget (IDR)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    current_stage = models.CharField(
        _("current stage"), max_length=24, choices=StageKind.choices, blank=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    return_note = models.TextField(_("note on return"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Asked for when the institutionalisation stage is marked done (DESIGN.md section 8);
    # public on the case page once that stage is verified.
    legal_basis_kind = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasisKind.choices, blank=True
    )
    legal_basis_number = models.CharField(
        _("number of the legal basis"), max_length=120, blank=True
    )
    legal_basis_date = models.DateField(_("date of the legal basis"), null=True, blank=True)
    lessons = models.TextField(
        _("lessons for other adopters"),
        blank=True,
        help_text=_("What another province should know before replicating. Shown to the public."),
    )

    objects = ReplicationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replication plan")
        verbose_name_plural = _("replication plans")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "adopter", "innovation"],
                condition=Q(status__in=OPEN_STATUSES),
                name="plan_one_open_per_adopter",
            ),
            models.CheckConstraint(
                condition=Q(target_end_date__gt=models.F("start_date")),
                name="plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="plan_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "-created_at", "-id"], name="plan_province_list"),
            models.Index(fields=["innovation", "status"], name="plan_innovation"),
            models.Index(fields=["status", "-created_at"], name="plan_status_list"),
            # Approved plans of a province, or all of them, by id alone (index-only): the
            # work counts' joins from stages (stage_done_by_plan) on every signed-in page.
            models.Index(
                fields=["province", "id"],
                name="plan_approved_by_province",
                condition=Q(status="approved"),
            ),
            models.Index(
                fields=["submitted_at"],
                name="plan_waiting_review",
                condition=Q(status="submitted"),
            ),
            # "Provinces that replicate this also replicate" (innovations.similarity): the
            # public plans of a few provinces, read from the index alone.
            models.Index(
                fields=["province", "innovation"],
                name="plan_public_province",
                condition=Q(status__in=PUBLIC_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.local_name or f"{self.innovation} ({self.province})"

    def get_absolute_url(self) -> str:
        return reverse("replication:plan_detail", args=[self.pk])

    def get_case_url(self) -> str:
        """The public case page: answers only while the plan is approved or completed."""
        return reverse("replication:case_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def local_today(self) -> date:
        """Today in the adopting province: the calendar its due dates are in."""
        return self.province.local_now().date()


class Stage(models.Model):
    plan = models.ForeignKey(
        ReplicationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=24, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("what was done"), blank=True)
    return_note = models.TextField(_("note on return"), blank=True)
    # Raised whenever the stage's reminders must be written again (DESIGN.md section 4).
    reminder_generation = models.PositiveIntegerField(_("reminder generation"), default=0)
    slip_count = models.PositiveIntegerField(_("times moved later"), default=0)
    slip_days = models.PositiveIntegerField(_("days moved later"), default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="stage_unique_per_plan"),
        ]
        indexes = [
            models.Index(
                fields=["completed_at"],
                name="stage_waiting_verification",
                condition=Q(status="done"),
            ),
            models.Index(fields=["status", "due_date"], name="stage_due"),
            # The work counts on every ministry page (jipp.work): done stages of approved
            # plans, read from this index and plan_approved_by_province alone.
            models.Index(
                fields=["plan", "kind"], name="stage_done_by_plan", condition=Q(status="done")
            ),
            # "With verified results" on the case list: an index-only probe a plan.
            models.Index(
                fields=["plan", "kind"],
                name="stage_verified_by_plan",
                condition=Q(status="verified"),
            ),
            # The Bappeda's count of stages the ministry returned (replication/work.py):
            # the few returned ones, not every stage of the province's approved plans.
            models.Index(
                fields=["plan"],
                name="stage_returned",
                condition=Q(status="in_progress") & ~Q(return_note=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.plan}"

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#stage-{self.kind}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STAGE_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Not finished and due before today in the province (reads plan and province)."""
        return (
            self.plan.status == PlanStatus.APPROVED
            and self.status in OPEN_STAGE_STATUSES
            and self.due_date < self.plan.local_today()
        )


class Evidence(models.Model):
    """Bukti dukung: a document proving a stage was done."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("replication:evidence_download", args=[self.pk])


class DueDateRequest(models.Model):
    """After approval a due date moves only when a ministry reviewer accepts the reason."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="due_date_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    previous_date = models.DateField(_("due date before"))
    proposed_date = models.DateField(_("proposed due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DueDateRequestStatus.choices,
        default=DueDateRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("due date change request")
        verbose_name_plural = _("due date change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["stage"],
                condition=Q(status="pending"),
                name="due_date_request_one_pending_per_stage",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="due_date_request_waiting",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.proposed_date}"

    def get_absolute_url(self) -> str:
        return f"{self.stage.plan.get_absolute_url()}#stage-{self.stage.kind}"

    @property
    def queue_title(self) -> str:
        """How a queue names it: a request waiting for a decision, not a stage.

        "Permintaan perubahan tenggat: Uji Coba, 1 Maret 2027 → 15 April 2027".
        """
        return gettext("Due-date change request: %(stage)s, %(before)s → %(after)s") % {
            "stage": self.stage.get_kind_display(),
            "before": date_format(self.previous_date, "j F Y"),
            "after": date_format(self.proposed_date, "j F Y"),
        }


class PlanMessage(models.Model):
    """The conversation on a plan: the province, the origin innovator and the ministry."""

    plan = models.ForeignKey(
        ReplicationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("plan message")
        verbose_name_plural = _("plan messages")

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#message-{self.pk}"


class Reminder(models.Model):
    """One moment a stage is brought to mind (DESIGN.md section 4); text built when it fires."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="reminders"
    )
    generation = models.PositiveIntegerField(_("generation"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReminderStatus.choices,
        default=ReminderStatus.SCHEDULED,
    )
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["stage", "generation", "due_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "generation", "kind"], name="reminder_unique_per_generation"
            ),
        ]
        indexes = [
            # The sweep reads only this small partial index: scheduled rows by due time.
            models.Index(
                fields=["due_at"],
                name="reminder_due",
                condition=Q(status="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.stage}"

    def get_absolute_url(self) -> str:
        return self.stage.get_absolute_url()
