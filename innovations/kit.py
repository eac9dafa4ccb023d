"""The replication kit of an innovation (DESIGN.md section 8): documents an adopter needs.

Model only; the writes live in innovations.kit_services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KitKind(models.TextChoices):
    SOP = "sop", _("Standard operating procedure (SOP)")
    REGULATION = "regulation", _("Regulation")
    BUDGET = "budget", _("Budget breakdown")
    TRAINING = "training", _("Training material")
    TECHNICAL = "technical", _("Technical guide")
    REPORT = "report", _("Report")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


# An innovation is ready to replicate when its approved kit holds one of each of these.
REQUIRED_KINDS = (KitKind.SOP, KitKind.REGULATION, KitKind.BUDGET)


class KitLanguage(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other language")


class KitStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REPLACED = "replaced", _("Replaced by a newer version")


def kit_path(_instance: object, filename: str) -> str:
    """A random stored name: the typed name is kept apart, never used as a path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"kit/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class KitDocument(models.Model):
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="kit_documents",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=KitKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=kit_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=KitLanguage.choices, default=KitLanguage.INDONESIAN
    )
    status = models.CharField(
        _("status"), max_length=10, choices=KitStatus.choices, default=KitStatus.PENDING
    )
    # A newer version: once approved, the document it replaces becomes `replaced`.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newer_versions",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["innovation", "kind", "-created_at", "-id"]
        verbose_name = _("kit document")
        verbose_name_plural = _("kit documents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="kit_document_file_or_link",
            ),
        ]
        indexes = [
            models.Index(fields=["innovation", "status", "kind"], name="kit_document_innovation"),
            models.Index(
                fields=["created_at", "id"],
                name="kit_document_waiting",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.innovation.get_absolute_url() + f"#kit-{self.pk}"

    def get_download_url(self) -> str:
        return reverse("innovations:kit_download", args=[self.pk])

    @property
    def is_link(self) -> bool:
        return bool(self.url)
