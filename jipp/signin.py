"""Sign-in protection around django-axes: the lockout page, the client address, the record.

Sign-ins are logged by django-axes (Django admin, Axes > Access logs: who, when, from
where, until when), failures and lockouts too (Access attempts, Access failures).
Lockouts and password changes also go on the account's own audit trail, beside the
ministry's decisions about it (invited, deactivated).
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jipp.middleware import SEEN_KEY
from jipp.models import User
from jipp.services import record_event


def client_address(request: HttpRequest) -> str:
    """The address a lockout is counted for: the peer, or what our own proxy saw.

    Behind the TLS proxy (BEHIND_TLS_PROXY) every request comes from the proxy; the last
    X-Forwarded-For entry is the one it added. Earlier entries are the client's to forge.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if last := forwarded.rsplit(",", 1)[-1].strip():
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """A page that says what happened and what to do, answered 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


@receiver(user_logged_in, dispatch_uid="jipp.signin.start_idle_clock")
def start_idle_clock(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # The idle clock starts at sign-in (jipp.middleware.IdleSessionMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


@receiver(user_locked_out, dispatch_uid="jipp.signin.record_lockout")
def record_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # A lockout of a name nobody has is in the axes log only: there is no account to tell.
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        record_event(actor=None, action="sign_in_locked", target=user, note=ip_address or "")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (it ends the user's other sessions: their session hash no longer
    matches), plus the change on the account's audit trail."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_event(actor=form.user, action="password_changed", target=form.user)
        return response
