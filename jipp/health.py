"""`/healthz`: is this web process able to serve? For load balancers and monitoring.

Answers 200 when PostgreSQL and Redis both answer, 503 otherwise, naming only which
part failed: never an address, a message or a version (the page is public).
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: the database did not answer")
        return False


def _redis() -> bool:
    # The broker carries "look now" to the workers; the cache holds sessions' neighbours
    # (rate limits, counts). Both must answer for the portal to work as designed.
    urls = {str(settings.CELERY_BROKER_URL), str(settings.CACHES["default"]["LOCATION"])}
    try:
        for url in urls:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            try:
                client.ping()
            finally:
                client.close()
    except Exception:
        logger.exception("healthz: Redis did not answer")
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )
