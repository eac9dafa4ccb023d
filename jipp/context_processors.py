from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jipp.work import work_of_request


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs to follow the signed-in user's role."""
    user = request.user
    if not user.is_authenticated:
        return {}
    # The inbox's unread count and the menu's badges: one statement, once per request.
    work = work_of_request(request)
    return {"unread_count": work.unread, "work": work}
