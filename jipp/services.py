"""Writes shared by every app: the audit trail, the outbox, and accounts.

Each function is one transaction; side effects (queuing a send) wait for commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jipp import emails
from jipp.models import (
    AuditEvent,
    Institution,
    Notification,
    NotificationChannel,
    NotificationStatus,
    Province,
    Role,
    User,
)

logger = logging.getLogger(__name__)


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> AuditEvent:
    """Write one AuditEvent; call it inside the service's own transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.pk else None,
        action=action,
        target=target,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def unique_slug(
    text: str, model: type[models.Model], *, reserved: Collection[str] = (), fallback: str = "item"
) -> str:
    """A slug from text that no row of model has yet, nor any reserved word."""
    base = slugify(text)[:180].strip("-") or fallback
    candidate, n = base, 1
    while candidate in reserved or model._default_manager.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Line breaks, tabs and other control characters (C0, DEL, C1, the Unicode line and
# paragraph separators): a mail header refuses them, and a subject is one line.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str, limit: int = 255) -> str:
    """A notification's subject as one line: control characters and runs of spaces
    become one space. Every subject goes through it where notifications are made."""
    return " ".join(_NOT_ONE_LINE.sub(" ", text).split())[:limit].rstrip()


def written_in() -> str:
    """The language the text being written is in: the active one (callers override it
    with the recipient's language)."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def _queue_send(notification_id: int) -> None:
    from jipp.tasks import send_notification

    send_notification.delay(notification_id)


@transaction.atomic
def notify(
    *,
    dedupe_key: str,
    kind: str,
    subject: str,
    body: str,
    user: User | None = None,
    email: str = "",
    url: str = "",
    reminder: bool = False,
    attachment: str = "",
    attachment_name: str = "",
    attachment_type: str = "",
) -> tuple[Notification, bool]:
    """Create one notification unless its dedupe key exists; return it and whether it is new.

    Reminders and plan messages (`reminder=True`) follow the recipient's chosen channel;
    everything else is e-mailed and also listed in the inbox. A recipient without an
    account is e-mailed only. The subject is made one line (`one_line`), and the row keeps
    the active language, the one its text was written in.
    """
    if user is None and not email:
        raise ValueError("A notification needs a user or an e-mail address.")
    channel = NotificationChannel.EMAIL
    if user is not None and reminder:
        channel = NotificationChannel(user.reminder_channel)
    address = email or (user.email if user else "")
    if channel == NotificationChannel.EMAIL and not address:
        channel = NotificationChannel.INBOX  # nobody to e-mail: the inbox still has it
    now = timezone.now()
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "user": user,
            "email": address,
            "kind": kind,
            "subject": one_line(subject),
            "body": body,
            "url": url,
            "attachment": attachment,
            "attachment_name": attachment_name,
            "attachment_type": attachment_type,
            "language": written_in(),
            "channel": channel,
            "status": NotificationStatus.PENDING
            if channel == NotificationChannel.EMAIL
            else NotificationStatus.HELD,
            "next_attempt_at": now if channel == NotificationChannel.EMAIL else None,
            "created_at": now,
        },
    )
    if created and channel == NotificationChannel.EMAIL:
        # robust: with Redis down the caller's request still succeeds; the sweep
        # (jipp.tasks.requeue_notifications) queues the row later.
        transaction.on_commit(partial(_queue_send, notification.pk), robust=True)
    return notification, created


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    rows = Notification.objects.for_inbox(user).unread()
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def retry_notification(*, notification: Notification) -> None:
    """Give a failed e-mail another five attempts (an operator's decision)."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(partial(_queue_send, notification.pk), robust=True)


# Accounts ---------------------------------------------------------------------------


def _require_ministry(by: User) -> None:
    if not by.is_ministry:
        raise PermissionDenied(_("Only ministry reviewers manage accounts."))


@transaction.atomic
def invite_user(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    institution: Institution | None = None,
    province: Province | None = None,
) -> User:
    """Create an account without a password and send its set-password link."""
    _require_ministry(by)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    if role == Role.BAPPEDA and province is None:
        raise ValidationError({"province": _("A Bappeda officer needs a province.")})
    if role == Role.INNOVATOR and institution is None:
        raise ValidationError({"institution": _("An innovator needs an institution.")})
    if role == Role.BAPPEDA and institution and institution.province_id != province.pk:  # type: ignore[union-attr]
        raise ValidationError(
            {"institution": _("The institution must be in the officer's province.")}
        )
    user = User(
        username=_unique_username(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        institution=institution,
        province=province,
        invited_by=by,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    record_event(actor=by, action="user_invited", target=user, to_status=role)
    # The link sets a password: it is secret, so it is mailed directly, never stored.
    transaction.on_commit(partial(emails.send_invitation, user.pk), robust=True)
    return user


def _unique_username(email: str) -> str:
    base = email.split("@", 1)[0][:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def resend_invitation(*, by: User, user: User) -> None:
    _require_ministry(by)
    if user.has_usable_password() or not user.is_active:
        raise ValidationError(_("Only a pending invitation can be sent again."))
    # A new unusable password changes the fingerprint the links carry: earlier links die.
    user.set_unusable_password()
    user.invited_at = timezone.now()
    user.save(update_fields=["password", "invited_at"])
    record_event(actor=by, action="user_invitation_resent", target=user)
    transaction.on_commit(partial(emails.send_invitation, user.pk), robust=True)


@transaction.atomic
def accept_invitation(*, user: User, password: str) -> None:
    """Set the invitee's password and tell the reviewer who invited them."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=user, action="user_invitation_accepted", target=user)
    inviter = user.invited_by
    if inviter is None or not inviter.is_active:
        return
    name = user.get_full_name() or user.username
    with translation.override(inviter.language):
        notify(
            user=inviter,
            kind="invitation_accepted",
            subject=_("%(name)s joined JIPP") % {"name": name},
            body=_("%(name)s (%(email)s) accepted your invitation and can now sign in.")
            % {"name": name, "email": user.email},
            url=f"{reverse('user_list')}?q={user.username}",
            dedupe_key=f"invitation_accepted:{user.pk}",
        )


@transaction.atomic
def set_active(*, by: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; its province's or institution's work stays."""
    _require_ministry(by)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied(_("Only a system administrator changes an administrator."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        # Refused at once by ModelBackend, but a kept session would work again after a
        # reactivation: delete it.
        end_sessions(user)
    record_event(
        actor=by,
        action="user_reactivated" if active else "user_deactivated",
        target=user,
        from_status="active" if not active else "inactive",
        to_status="active" if active else "inactive",
    )


def end_sessions(user: User) -> int:
    """Delete the user's open sessions; return how many there were.

    Database sessions are not indexed by user: the unexpired ones (an hour idle at most,
    SESSION_IDLE_MINUTES) are read. Deactivating is rare; the table stays small.
    """
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def invitation_expires_at(user: User) -> datetime | None:
    if user.invited_at is None:
        return None
    return user.invited_at + timedelta(seconds=settings.INVITATION_MAX_AGE)
