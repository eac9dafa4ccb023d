"""Building and sending e-mail. Only this module talks to the mail backend."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from jipp.models import Notification, User

INVITATION_SALT = "jipp.invitation"


def absolute(url: str) -> str:
    return url if url.startswith("http") else settings.SITE_URL + url


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
        }
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject, body=text, to=[notification.recipient]
    )
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
    EmailMultiAlternatives(subject=subject, body=text, to=[user.email]).send()
