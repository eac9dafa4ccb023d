"""FRIPP forums: innovators present to a host province, which then chooses what to replicate."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from jipp.models import ZONE_LABELS, Institution, Province

# Sessions without a host province (national, international) are shown in Jakarta's time.
DEFAULT_ZONE = "Asia/Jakarta"


class ForumLevel(models.TextChoices):
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")
    SECTORAL = "sectoral", _("Sectoral")


class ForumMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class ForumStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# Once held or cancelled, a session changes only in its attendance and outcomes (and its
# presentations' materials: forums.materials).
CLOSED_STATUSES = [ForumStatus.HELD, ForumStatus.CANCELLED]
PUBLIC_FORUM_STATUSES = [ForumStatus.SCHEDULED, ForumStatus.HELD, ForumStatus.CANCELLED]


class ParticipantAnswer(models.TextChoices):
    """An invitee's answer to the invitation (hadir / tidak hadir / belum pasti)."""

    ATTENDING = "attending", _("Attending")
    NOT_ATTENDING = "not_attending", _("Not attending")
    UNSURE = "unsure", _("Not sure yet")


class ForumSessionQuerySet(models.QuerySet["ForumSession"]):
    def public(self) -> ForumSessionQuerySet:
        """What the public schedule shows: everything but drafts."""
        return self.filter(status__in=PUBLIC_FORUM_STATUSES)


def slides_path(_instance: object, filename: str) -> str:
    """A random stored name: the uploaded name is kept apart, never used as a path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"slides/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class ForumSession(models.Model):
    """A FRIPP: one forum, announced as "FRIPP ke-N" of its year."""

    title = models.CharField(_("title"), max_length=200)
    number = models.PositiveSmallIntegerField(
        _("number in the year"),
        null=True,
        blank=True,
        help_text=_("The ordinal announced for the year: 6 for the 6th FRIPP."),
    )
    # Raised on every change participants must see; the iCalendar SEQUENCE.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    level = models.CharField(
        _("level"), max_length=16, choices=ForumLevel.choices, default=ForumLevel.REGIONAL
    )
    host_province = models.ForeignKey(
        Province,
        verbose_name=_("host province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(
        _("mode"), max_length=12, choices=ForumMode.choices, default=ForumMode.ONLINE
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ForumStatus.choices, default=ForumStatus.DRAFT
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ForumSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("forum session")
        verbose_name_plural = _("forum sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="forum_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="forum_schedule"),
            models.Index(fields=["host_province", "starts_at"], name="forum_host"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:detail", args=[self.pk])

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return self.host_province.tzinfo if self.host_province else zoneinfo.ZoneInfo(DEFAULT_ZONE)

    @property
    def zone_label(self) -> str:
        return ZONE_LABELS[self.host_province.timezone if self.host_province else DEFAULT_ZONE]

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Presentation(models.Model):
    session = models.ForeignKey(
        ForumSession,
        verbose_name=_("forum session"),
        on_delete=models.CASCADE,
        related_name="presentations",
    )
    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="presentations",
    )
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # Materials (DESIGN.md section 8): added also after the session is held, without raising
    # `sequence` or telling anyone; public once the session is held.
    slides = models.FileField(_("slides"), upload_to=slides_path, max_length=300, blank=True)
    slides_name = models.CharField(_("slides file name"), max_length=255, blank=True)
    slides_type = models.CharField(_("slides content type"), max_length=100, blank=True)
    slides_size = models.PositiveBigIntegerField(_("slides size"), null=True, blank=True)
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    materials_updated_at = models.DateTimeField(_("materials updated at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "innovation"], name="presentation_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.innovation}"

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#presentation-{self.pk}"


class Participant(models.Model):
    """An invited institution (all its users are told) or one person by e-mail."""

    session = models.ForeignKey(
        ForumSession,
        verbose_name=_("forum session"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_participations",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    # The invitee's answer; cleared when the session's time changes (asked again).
    answer = models.CharField(
        _("answer"), max_length=16, choices=ParticipantAnswer.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(email="") | Q(user__isnull=False),
                name="participant_names_someone",
            ),
            models.UniqueConstraint(
                fields=["session", "institution"],
                condition=Q(institution__isnull=False),
                name="participant_institution_once",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email=""),
                name="participant_email_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.institution or self.user or self.email)

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#participants"
