"""The states and kinds of plans and stages (DOMAIN.md's seven stages, in order)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [
    PlanStatus.DRAFT,
    PlanStatus.SUBMITTED,
    PlanStatus.RETURNED,
    PlanStatus.APPROVED,
]
EDITABLE_STATUSES = [PlanStatus.DRAFT, PlanStatus.RETURNED]
PUBLIC_STATUSES = [PlanStatus.APPROVED, PlanStatus.COMPLETED]


class BudgetSource(models.TextChoices):
    APBD = "apbd", "APBD"
    APBN = "apbn", "APBN"
    DAK = "dak", "DAK"
    OTHER = "other", _("Other")
    NONE = "none", _("No budget")


class StageKind(models.TextChoices):
    """DOMAIN.md's seven stages, in their order."""

    IDENTIFICATION = "identification", _("Identification & preparation")
    LEARNING = "learning", _("Learning")
    PLANNING = "planning", _("Planning & adaptation")
    TRIAL = "trial", _("Trial")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation")
    INSTITUTIONALIZATION = "institutionalization", _("Institutionalisation")


STAGE_ORDER = [kind.value for kind in StageKind]
# The stages that carry a plan's results (DESIGN.md section 8): achieved values, and the
# legal basis with the lessons.
RESULT_STAGES = [StageKind.EVALUATION, StageKind.INSTITUTIONALIZATION]


class StageStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, waiting for verification")
    VERIFIED = "verified", _("Verified")


FINISHED_STAGE_STATUSES = [StageStatus.DONE, StageStatus.VERIFIED]
OPEN_STAGE_STATUSES = [StageStatus.PENDING, StageStatus.IN_PROGRESS]


class DueDateRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ReminderKind(models.TextChoices):
    """When a stage is brought to mind, counted from its due date (DESIGN.md section 4)."""

    DUE_IN_7D = "due_in_7d", _("7 days before the due date")
    DUE_IN_1D = "due_in_1d", _("1 day before the due date")
    OVERDUE_1D = "overdue_1d", _("1 day late")
    OVERDUE_7D = "overdue_7d", _("7 days late")
    ESCALATION_14D = "escalation_14d", _("14 days late: escalated to the ministry")


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    FIRED = "fired", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped (already past when written)")
