"""The minute cache: a figure or a ranking reused for a minute, in every app.

What it holds is never wrong for long: the registry changes a few times a day, and the
pages that use it say when their figures were computed. Without Redis, everything is
computed every time: the cache speeds the portal up, it is never what keeps it up.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache
from redis.exceptions import RedisError

CACHE_TTL = 60  # seconds a count, a ranking or a figure is reused

T = TypeVar("T")


def remembered(key: str, compute: Callable[[], T]) -> T:
    """compute(), kept in the cache for CACHE_TTL; with an empty key, never kept."""
    cache_key = f"{key.split(':', 1)[0]}:{hashlib.sha256(key.encode()).hexdigest()}"
    if key:
        try:
            value = cache.get(cache_key)
        except RedisError:
            value = None
        if value is not None:
            return cast(T, value)
    value = compute()
    if key:
        with contextlib.suppress(RedisError):
            cache.set(cache_key, value, CACHE_TTL)
    return value
