from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SEEN_KEY = "_jipp_seen"  # when the session was last renewed (seconds since the epoch)
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


class RequestIdMiddleware:
    """Keep a client's X-Request-ID only when it looks like one; django-guid, next, makes
    a new id when there is none.

    A proxy's id (a UUID, a hex or base64url token) is kept so logs join up; anything else
    (long, spaces, line breaks, markup) would go into every log line and the response.
    """

    META_KEY = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get(self.META_KEY)
        if given is not None and not REQUEST_ID.fullmatch(given):
            del request.META[self.META_KEY]
            request.__dict__.pop("headers", None)  # a cached copy of the headers
        return self.get_response(request)


class LanguageMiddleware:
    """Bahasa Indonesia unless the visitor chose English with the switch in the header.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted:
    an officer on an English-language browser still gets the portal in Indonesian.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE after its last request.

    Each save of a session moves its expiry on; saving on every request
    (SESSION_SAVE_EVERY_REQUEST) would cost three queries a page, so the session is
    touched at most once every IDLE_REFRESH_SECONDS. The idle limit is thus met to within
    those few minutes, always on the short side.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(SEEN_KEY, 0) >= settings.IDLE_REFRESH_SECONDS:
                session[SEEN_KEY] = now  # modified: SessionMiddleware saves it, expiry renewed
        return response
