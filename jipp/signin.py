"""Sign-in protection around django-axes: the lockout page, the client address, the record.

Sign-ins are logged by django-axes (Django admin, Axes > Access logs: who, when, from
where, until when), failures and lockouts too (Access attempts, Access failures).
Lockouts and password changes also go on the account's own audit trail, beside the
ministry's decisions about it (invited, deactivated).
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from jipp.middleware import SEEN_KEY
from jipp.models import User
from jipp.services import record_event

logger = logging.getLogger(__name__)


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


def _pair_failures(request: HttpRequest, credentials: Any) -> int:
    """Failures of this username from this address within the cool-off time."""
    username = get_client_username(request, credentials)
    total = AccessAttempt.objects.filter(
        username=username,
        ip_address=getattr(request, "axes_ip_address", None) or client_address(request),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def _pair_locked(request: HttpRequest, credentials: Any) -> bool:
    return _pair_failures(request, credentials) >= settings.SIGNIN_PAIR_FAILURE_LIMIT


def failure_limit(request: HttpRequest, credentials: Any) -> int:
    """AXES_FAILURE_LIMIT: the pair's limit once the pair has reached it, else the address's.

    Axes counts the pair and the address (AXES_LOCKOUT_PARAMETERS) and compares the larger
    count, always the address's, with one number: this one.
    """
    if _pair_locked(request, credentials):
        return int(settings.SIGNIN_PAIR_FAILURE_LIMIT)
    return int(settings.SIGNIN_ADDRESS_FAILURE_LIMIT)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """A page that says what happened and what to do, answered 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    address = not _pair_locked(request, credentials)
    limit = settings.SIGNIN_ADDRESS_FAILURE_LIMIT if address else settings.SIGNIN_PAIR_FAILURE_LIMIT
    context = {"minutes": minutes, "failure_limit": limit, "address_locked": address}
    return render(request, "registration/locked_out.html", context, status=429)


@receiver(user_logged_in, dispatch_uid="jipp.signin.forgive_own_failures")
def forgive_own_failures(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    # The pair's failures only (AXES_RESET_ON_SUCCESS is off): a success must not wipe
    # the address's count of other names, or one account would hide a spray.
    if request is not None:
        axes_reset(ip=client_address(request), username=user.get_username())


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
    # Nor is a lockout of the address (a spray) the typed name's doing.
    user = User.objects.filter(username=username).first() if username else None
    if user is not None and not _pair_locked(request, {"username": username}):
        return
    if user is not None:
        record_event(actor=None, action="sign_in_locked", target=user, note=ip_address or "")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (it ends the user's other sessions: their session hash no longer
    matches), plus the change on the account's audit trail."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_event(actor=form.user, action="password_changed", target=form.user)
        return response


def _reset_address(group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()


def _too_many_resets(request: HttpRequest) -> bool:
    """Count the post per typed address and per address of origin. Redis down: allowed."""
    try:
        limited = [
            is_ratelimited(
                request,
                group="password-reset-address",
                key=_reset_address,
                rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
                increment=True,
            ),
            is_ratelimited(
                request,
                group="password-reset-origin",
                key="ip",
                rate=settings.PASSWORD_RESET_RATE_PER_ORIGIN,
                increment=True,
            ),
        ]
    except RedisError:
        logger.warning("password reset rate limit unavailable: Redis does not answer")
        return False
    return any(limited)


def _queue_reset(user_id: int | None) -> None:
    from jipp.tasks import send_password_reset

    send_password_reset.delay(user_id)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form and pages; the link is built and mailed by the worker.

    The request does the same work whether the address has an account: one lookup and
    one queued task (with the account's id, or none), so neither its answer nor its time
    tells an account apart. The token exists only in the worker and in the e-mail.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _too_many_resets(request):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        ids: list[int | None] = [user.pk for user in form.get_users(form.cleaned_data["email"])]
        for user_id in ids or [None]:
            # robust: with Redis down the answer is still the same page.
            transaction.on_commit(partial(_queue_reset, user_id), robust=True)
        return HttpResponseRedirect(self.get_success_url())
