"""What every app shares: provinces, institutions, users, the outbox and the audit trail."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import connection, models
from django.db.models.functions import Collate, Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from datetime import datetime

ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class Role(models.TextChoices):
    """The Django groups that make a user's role (DESIGN.md section 1)."""

    INNOVATOR = "innovator", _("Innovator")
    MINISTRY = "ministry", _("Ministry reviewer")
    BAPPEDA = "bappeda", _("Bappeda officer")
    FORUM_ADMIN = "forum_admin", _("Forum admin")


class Province(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=2, unique=True)
    bps_code = models.CharField(_("BPS code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    capital = models.CharField(_("capital"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=40)
    hub_since = models.PositiveSmallIntegerField(_("JIPP hub since"), null=True, blank=True)
    hub_decree = models.CharField(_("hub decree"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The public page about a province: for now its innovations in the registry."""
        return f"{reverse('innovations:list')}?province={self.code}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def zone_label(self) -> str:
        """WIB, WITA or WIT: how Indonesians name the province's time."""
        return ZONE_LABELS[self.timezone]

    @property
    def is_hub(self) -> bool:
        return self.hub_since is not None

    def local_now(self) -> datetime:
        return timezone.now().astimezone(self.tzinfo)


class InstitutionKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Government agency")
    PROVINCE_GOV = "province_gov", _("Provincial government")
    REGENCY_GOV = "regency_gov", _("Regency government")
    CITY_GOV = "city_gov", _("City government")
    SOE = "soe", _("State-owned enterprise")
    REGIONAL_SOE = "regional_soe", _("Regional enterprise")
    OTHER = "other", _("Other")


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def innovators(self) -> InstitutionQuerySet:
        """Institutions with at least one public (approved) innovation, with their count."""
        return self.annotate(
            innovation_count=models.Count(
                "innovations", filter=models.Q(innovations__status="approved")
            )
        ).filter(innovation_count__gt=0)

    def named_like(self, text: str) -> InstitutionQuerySet:
        """Names like `text` (prefix first, then trigram similarity), for the pickers."""
        from jipp import names

        return names.closest(self, text, field="name")


class Institution(models.Model):
    """An instansi: a body that owns innovations, adopts them, or both."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text=_("Empty for central government bodies."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent government"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    email = models.EmailField(_("institutional e-mail"), blank=True)
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=100,
        blank=True,
        help_text=_(
            "The domain of its staff's addresses, such as kalselprov.go.id. An account "
            "request is matched to this institution only by this domain."
        ),
    )
    website = models.URLField(_("website"), blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        indexes = [
            # The pickers (jipp.names): typed prefixes, then trigram similarity of names.
            models.Index(Collate(Upper("name"), "C"), name="institution_name_prefix"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="institution_name_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(
                "name",
                "province",
                name="institution_unique_name_per_province",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovations:innovator", args=[self.slug])


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("An e-mail each time")
    DIGEST = "digest", _("One daily digest e-mail")
    INBOX = "inbox", _("Inbox only")


class JippUserManager(UserManager["User"]):
    def in_role(self, role: str) -> models.QuerySet[User]:
        return self.filter(is_active=True, groups__name=role)


# What every signed-in page shows of its user besides the user's row (User.roles, .place).
PROFILE = """
SELECT ARRAY(SELECT g.name FROM auth_group g
               JOIN jipp_user_groups ug ON ug.group_id = g.id
              WHERE ug.user_id = %s),
       (SELECT name FROM jipp_province WHERE id = %s),
       (SELECT name FROM jipp_institution WHERE id = %s)
"""


class User(AbstractUser):
    """A person with an account. Work belongs to the institution or province, not to them."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Set for Bappeda officers: the province whose plans they file."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language for e-mail"),
        max_length=5,
        default="id",
        choices=[("id", "Indonesia"), ("en", "English")],
    )
    reminder_channel = models.CharField(
        _("reminders and messages by"),
        max_length=10,
        choices=NotificationChannel.choices,
        default=NotificationChannel.EMAIL,
    )
    invited_by = models.ForeignKey(
        "self",
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    objects: ClassVar[JippUserManager] = JippUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_unique_email"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("user_list") + f"?q={self.username}"

    def roles(self) -> set[str]:
        # Cached per instance: navigation asks several times per request.
        if not hasattr(self, "_roles"):
            if "groups" in getattr(self, "_prefetched_objects_cache", {}):
                self._roles = {group.name for group in self.groups.all()}
            else:
                self._read_profile()
        return self._roles

    @property
    def place(self) -> str:
        """Where the user works, as the account menu names it: the province, else the
        institution, else nothing."""
        if not hasattr(self, "_place"):
            self._read_profile()
        return self._place

    def _read_profile(self) -> None:
        """The role names and the place in one statement (PROFILE), where the ORM took
        three on every signed-in page: the groups, the province and the institution."""
        with connection.cursor() as cursor:
            cursor.execute(PROFILE, [self.pk, self.province_id, self.institution_id])
            roles, province, institution = cursor.fetchone()
        self._roles = set(roles)
        self._place = province or institution or ""

    def role_labels(self) -> list[str]:
        return [str(Role(name).label) for name in sorted(self.roles()) if name in Role.values]

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles()

    @property
    def is_ministry(self) -> bool:
        return self.has_role(Role.MINISTRY)

    @property
    def is_bappeda(self) -> bool:
        return self.has_role(Role.BAPPEDA)

    @property
    def is_innovator(self) -> bool:
        return self.has_role(Role.INNOVATOR)

    @property
    def is_forum_admin(self) -> bool:
        return self.has_role(Role.FORUM_ADMIN)

    @property
    def has_accepted_invitation(self) -> bool:
        return self.has_usable_password()


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    HELD = "held", _("Held for the inbox or digest")
    DIGESTED = "digested", _("Sent in a digest")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_inbox(self, user: User) -> NotificationQuerySet:
        # Digest e-mails are the envelope of rows the inbox already shows.
        return self.filter(user=user).exclude(kind="digest")

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one recipient: the e-mail outbox and the in-app inbox at once."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    kind = models.CharField(_("kind"), max_length=50)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    attachment = models.TextField(_("attachment"), blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=100, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    # The language the subject and body were written in ("" for rows older than this
    # field): the inbox says so when it is not the page's language.
    language = models.CharField(_("language"), max_length=5, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            # The sweep reads only unfinished e-mail rows: keep that index small.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notification_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["user", "created_at"],
                name="notification_held_digest",
                condition=models.Q(status="held", channel="digest"),
            ),
            # The notification health's first, partial hour (jipp/notification_health.py).
            models.Index(
                fields=["created_at"],
                name="notification_email_created",
                include=["status", "user"],
                condition=models.Q(channel="email"),
            ),
            # The menu's unread counts on every signed-in page (jipp.work.UNREAD): read
            # from the index alone, however many messages an officer has read before.
            models.Index(
                fields=["user", "kind"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True) & ~models.Q(kind="digest"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user__isnull=True, email=""),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("notification_open", args=[self.pk])

    @property
    def recipient(self) -> str:
        return self.email or (self.user.email if self.user else "")


class AuditEvent(models.Model):
    """One state change, written in the same transaction as the change itself."""

    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    from_status = models.CharField(_("from status"), max_length=30, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target"),
            models.Index(fields=["action", "created_at"], name="audit_action_period"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type.model}#{self.target_id}"

    def get_absolute_url(self) -> str:
        return reverse("admin:jipp_auditevent_change", args=[self.pk])


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def export_upload_to(instance: Export, filename: str) -> str:
    """A random name: the owner finds the file through the download view, nobody guesses it."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return timezone.now().strftime("exports/%Y/%m/") + f"{uuid.uuid4().hex}.{extension}"


class Export(models.Model):
    """A file generated for one user (a catalogue, a plan list, a dashboard), served to them only.

    Small exports are answered in the request; large ones are built by a worker, which
    fills this row and tells the user through the inbox.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(_("kind"), max_length=50)
    params = models.TextField(_("query string"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=200, blank=True)
    download_name = models.CharField(_("download name"), max_length=100, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set once Redis took the build task: a pending export without it was never queued.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("export_download", args=[self.pk])


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class AccountRequest(models.Model):
    """An institution not yet in the portal asks for an innovator account."""

    institution_name = models.CharField(_("institution name"), max_length=200)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionKind.choices
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for central government bodies."),
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_requests",
        help_text=_("The institution in the portal the account belongs to, set on approval."),
    )
    contact_name = models.CharField(_("name"), max_length=150)
    contact_email = models.EmailField(_("work e-mail address"))
    position = models.CharField(_("position"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        User,
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
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")
        constraints = [
            # One open request per address, whatever its case.
            models.UniqueConstraint(
                Lower("contact_email"),
                condition=models.Q(status="pending"),
                name="account_request_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_name} ({self.contact_email})"

    def get_absolute_url(self) -> str:
        return reverse("account_request_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == AccountRequestStatus.PENDING


class RollupNotificationHour(models.Model):
    """E-mail notifications per hour of creation (hours since 1970, UTC), recipient's
    province (0: none; -1: all provinces together) and status: the dashboards' notification
    health reads a week of these, whatever the number of notifications. Written only by the
    PostgreSQL triggers of jipp/notification_health.py (migration 0010); check_data compares
    it with the live rows."""

    pk = models.CompositePrimaryKey("province_id", "hour", "status")
    province_id = models.IntegerField()
    hour = models.BigIntegerField()
    status = models.CharField(max_length=10)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "jipp_rollup_notification_hour"

    def __str__(self) -> str:
        return f"province {self.province_id}, hour {self.hour}, {self.status}: {self.n}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("RollupNotificationHour is kept by PostgreSQL triggers; do not save it")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("RollupNotificationHour is kept by PostgreSQL triggers; do not delete")
