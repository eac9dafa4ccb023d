"""Small access helpers the views of every app share."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from jipp.models import Role, User


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a real User."""

    user: User


def role_required(*roles: str) -> Callable[..., Any]:
    """Anonymous visitors go to the login page; a signed-in user without the role gets 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not any(user.has_role(role) for role in roles):  # type: ignore[union-attr]
                # The 403 page shows this: who the page is for, hence what to ask for.
                labels = ", ".join(str(Role(role).label) for role in roles)
                raise PermissionDenied(_("This page is for: %(roles)s.") % {"roles": labels})
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
