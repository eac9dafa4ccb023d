from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jipp.models import Notification


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs to follow the signed-in user's role."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "unread_count": Notification.objects.for_inbox(user).unread().count(),
    }
