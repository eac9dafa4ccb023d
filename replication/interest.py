"""Declared interest (DESIGN.md section 8): a province says it would like to replicate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InterestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLANNED = "planned", _("A plan is filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Interest(models.Model):
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="interests",
    )
    province = models.ForeignKey(
        "jipp.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="interests",
    )
    institution = models.ForeignKey(
        "jipp.Institution",
        verbose_name=_("prospective adopting institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interests",
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InterestStatus.choices, default=InterestStatus.OPEN
    )
    # The plan that turned it `planned`; cancelling that plan opens the interest again.
    plan = models.ForeignKey(
        "replication.ReplicationPlan",
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "province"],
                condition=Q(status="open"),
                name="interest_one_open_per_province",
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(plan__isnull=False),
                name="interest_planned_has_plan",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "province", "innovation"], name="interest_demand"),
            models.Index(fields=["innovation", "status"], name="interest_innovation"),
            # A province's open interest, oldest first (its dashboard's ten oldest).
            models.Index(
                fields=["province", "created_at", "id"],
                name="interest_open_by_province",
                condition=models.Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.innovation}"

    def get_absolute_url(self) -> str:
        return self.innovation.get_absolute_url() + "#interest"
