"""The results of a plan (DESIGN.md section 8): indicators, their changes, the legal basis.

Models only; the writes live in replication.indicator_services and replication.stage_services.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from replication.choices import DueDateRequestStatus

MAX_INDICATORS = 5
# "4.1", "16.b", "11.a": an SDG goal (1-17), a dot, a target number or letter.
SDG_TARGET_PATTERN = r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])$"


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class LegalBasisKind(models.TextChoices):
    PERDA = "perda", _("Regional regulation (Perda)")
    PERGUB = "pergub", _("Governor regulation (Pergub)")
    PERBUP = "perbup", _("Regent regulation (Perbup)")
    PERWALI = "perwali", _("Mayor regulation (Perwali)")
    SK_KEPALA_DAERAH = "sk_kepala_daerah", _("Decree of the regional head (SK Kepala Daerah)")
    SK_KEPALA_OPD = "sk_kepala_opd", _("Decree of the head of the office (SK Kepala OPD)")
    OTHER = "other", _("Other")


class Indicator(models.Model):
    """One measure of what the replication changes: baseline -> target -> achieved."""

    plan = models.ForeignKey(
        "replication.ReplicationPlan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    baseline_date = models.DateField(_("baseline date"))
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    achieved = models.DecimalField(
        _("achieved"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    sdg_target = models.CharField(
        _("SDG target"),
        max_length=5,
        blank=True,
        help_text=_('An SDG target code such as "4.1" or "16.6", if the indicator serves one.'),
    )
    # The goal of sdg_target ("4.1" -> 4), kept by PostgreSQL for the figures by SDG.
    sdg_goal = models.GeneratedField(
        expression=Cast(
            NullIf(
                models.Func(
                    models.F("sdg_target"),
                    models.Value("."),
                    models.Value(1),
                    function="split_part",
                    output_field=models.CharField(),
                ),
                models.Value(""),
            ),
            models.PositiveSmallIntegerField(),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(sdg_target="") | Q(sdg_target__regex=SDG_TARGET_PATTERN),
                name="indicator_sdg_target_code",
            ),
            models.CheckConstraint(
                condition=Q(achieved__isnull=True, measured_on__isnull=True)
                | Q(achieved__isnull=False, measured_on__isnull=False),
                name="indicator_achieved_with_date",
            ),
        ]
        indexes = [models.Index(fields=["sdg_goal"], name="indicator_sdg_goal")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#indicators"

    @property
    def reached(self) -> bool | None:
        """Whether the achieved value meets the target in the indicator's direction."""
        if self.achieved is None:
            return None
        if self.direction == Direction.DECREASE:
            return Decimal(self.achieved) <= Decimal(self.target)
        return Decimal(self.achieved) >= Decimal(self.target)


def reached_condition(prefix: str = "") -> Q:
    """The SQL form of Indicator.reached, for the figures' aggregates."""
    target = models.F(f"{prefix}target")
    return Q(**{f"{prefix}direction": Direction.INCREASE, f"{prefix}achieved__gte": target}) | Q(
        **{f"{prefix}direction": Direction.DECREASE, f"{prefix}achieved__lte": target}
    )


class IndicatorChangeRequest(models.Model):
    """After approval a baseline or target moves only when a ministry reviewer accepts it."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    previous_baseline = models.DecimalField(_("baseline before"), max_digits=16, decimal_places=4)
    previous_target = models.DecimalField(_("target before"), max_digits=16, decimal_places=4)
    proposed_baseline = models.DecimalField(_("proposed baseline"), max_digits=16, decimal_places=4)
    proposed_target = models.DecimalField(_("proposed target"), max_digits=16, decimal_places=4)
    # The direction decides whether a target is reached: it moves like the numbers do.
    previous_direction = models.CharField(
        _("direction before"), max_length=8, choices=Direction.choices, blank=True
    )
    proposed_direction = models.CharField(
        _("proposed direction"), max_length=8, choices=Direction.choices, blank=True
    )
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
        verbose_name = _("indicator change request")
        verbose_name_plural = _("indicator change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(status="pending"),
                name="indicator_change_one_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="indicator_change_waiting",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.proposed_baseline} → {self.proposed_target}"

    def get_absolute_url(self) -> str:
        return f"{self.indicator.plan.get_absolute_url()}#indicators"
