"""Building and sending e-mail. Only this module talks to the mail backend."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jipp.models import Notification, User

INVITATION_SALT = "jipp.invitation"


def absolute(url: str) -> str:
    return url if url.startswith("http") else settings.SITE_URL + url


def _message(*, subject: str, body: str, to: str) -> EmailMultiAlternatives:
    """Every e-mail of the portal: marked automatic (RFC 3834), so no mailbox answers it."""
    return EmailMultiAlternatives(
        subject=subject, body=body, to=[to], headers={"Auto-Submitted": "auto-generated"}
    )


def send_notification_email(notification: Notification) -> None:
    """Send one outbox row; raises on a mail-server error (the caller retries)."""
    # The frame of the e-mail in the language its text was written in.
    language = notification.language or (
        notification.user.language if notification.user else settings.LANGUAGE_CODE
    )
    with translation.override(language):
        context = {
            "notification": notification,
            "link": absolute(notification.url) if notification.url else "",
            # An account holder chooses there how reminders and messages reach them.
            "preferences": absolute(reverse("preferences")) if notification.user_id else "",
        }
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = _message(subject=notification.subject, body=text, to=notification.recipient)
    message.attach_alternative(html, "text/html")
    if notification.attachment:
        message.attach(
            notification.attachment_name or "attachment.txt",
            notification.attachment,
            notification.attachment_type or "text/plain",
        )
    message.send()


# Invitations: a signed, expiring link bound to the password hash, so it works once.


def _password_fingerprint(user: User) -> str:
    return salted_hmac(INVITATION_SALT, user.password).hexdigest()[:16]


def invitation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "p": _password_fingerprint(user)}, salt=INVITATION_SALT)


def user_for_invitation(token: str) -> User | None:
    """The invited user, or None when the link is forged, used or expired."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    if _password_fingerprint(user) != data.get("p"):
        return None
    return user


def send_invitation(user_id: int) -> None:
    """Mail the set-password link directly: it is a secret and is stored nowhere."""
    user = User.objects.select_related("institution", "province", "invited_by").get(pk=user_id)
    link = absolute(reverse("accept_invitation", args=[invitation_token(user)]))
    with translation.override(user.language):
        context = {"user": user, "link": link, "days": settings.INVITATION_MAX_AGE // 86400}
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        text = render_to_string("emails/invitation.txt", context)
    _message(subject=subject, body=text, to=user.email).send()


def send_password_reset(user_id: int) -> bool:
    """Mail a set-password link, built here in the worker: a secret, stored nowhere.

    The request only queued the id (jipp.signin.PasswordResetView), so it answered in the
    same time whether the address had an account. False when the account cannot reset.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "protocol": site.scheme or "https",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
    }
    with translation.override(user.language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        text = render_to_string("registration/password_reset_email.html", context)
    _message(subject=" ".join(subject.split()), body=text, to=user.email).send()
    return True
