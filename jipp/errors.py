"""The pages a visitor meets when something goes wrong, in the visitor's language.

404 and 403 are Django's own handlers with our templates (templates/404.html, 403.html).
The others are views of ours: a refused form (CSRF), so that its page has the whole
navigation and a fresh token to try again with; a request not understood (400), which may
come before the middleware knows the user; and the server error, whose page gives the
request's reference, the one in the logs, for whoever is asked for help.
"""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER
from django.shortcuts import render
from django.template import loader
from django_guid import get_guid


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused because its security token was missing or stale (settings.CSRF_FAILURE_VIEW).

    Most often the page stayed open past the session, or the person signed in or out in
    another tab; the page says so, and that nothing was saved.
    """
    context = {
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
        "no_referer": reason == REASON_NO_REFERER,
    }
    return render(request, "403_csrf.html", context, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, rendered without the request: a bad Host header is refused before
    the authentication middleware has run, so the layout's user would not be there."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered from nothing but the reference, since whatever broke the
    request (the database, a context processor) may break anything more."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"reference": get_guid() or ""}))
