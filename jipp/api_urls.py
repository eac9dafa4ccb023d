"""The open-data API under /api/: one router for every app, its schema and its docs.

Innovations live here now; forums and the replication figures join the same router.
No format-suffix routes (`.json`): JSON is the only format.
"""

from __future__ import annotations

import base64
import hashlib
import re

from csp.decorators import csp_update
from django.http import HttpRequest, JsonResponse
from django.template.loader import get_template
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.routers import SimpleRouter

from forums.api import ForumSessionViewSet
from innovations.api import InnovationViewSet
from replication.case_api import CaseViewSet
from replication.dashboard.api import InnovationFiguresViewSet, ProvinceFiguresViewSet

SWAGGER_TEMPLATE = "drf_spectacular/swagger_ui.html"


def swagger_style_hashes() -> tuple[str, ...]:
    """CSP hashes of the <style> blocks of drf-spectacular's Swagger UI page.

    The page (its own template, not ours) carries one small inline <style> for the page
    box; Swagger UI itself needs no other inline style (its CSS is a file; React sets
    the rest through the DOM, which CSP does not restrict). Allowing exactly that block
    by its hash keeps style-src free of 'unsafe-inline'; script-src is untouched, since
    the split view serves its start-up script as a file ('self').
    """
    source = get_template(SWAGGER_TEMPLATE).template.source  # type: ignore[attr-defined]
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.DOTALL)
    digests = (hashlib.sha256(block.encode()).digest() for block in blocks)
    return tuple(f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests)


# Swagger UI from drf-spectacular-sidecar (served by us, no CDN), under our CSP.
api_docs = csp_update({"style-src": list(swagger_style_hashes())})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)


router = SimpleRouter(trailing_slash=True)
router.register("innovations", InnovationViewSet, basename="innovation")
router.register("replication/provinces", ProvinceFiguresViewSet, basename="replication-provinces")
router.register(
    "replication/innovations", InnovationFiguresViewSet, basename="replication-innovations"
)
router.register("replication/cases", CaseViewSet, basename="replication-cases")
router.register("forums", ForumSessionViewSet, basename="forum")


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under /api/ (a malformed slug, an unknown path) is a JSON 404 too."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


urlpatterns = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    # Last: only what nothing above matched. [\s\S], not ".": a path may hold a newline
    # (%0A), and "." stops there, which let such a path fall to the HTML 404.
    re_path(r"^(?P<rest>[\s\S]*)$", not_found, name="api-not-found"),
]
