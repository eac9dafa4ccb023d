"""The pickers' answers: up to ten names like the typed text, as a listbox's options.

At the root (/pick/...) so no innovation's address can collide with them. Signed-in staff
who type these names only; never a non-public innovation, never another province's
institution for a Bappeda officer.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from jipp import pickers
from jipp.access import AuthedRequest, role_required
from jipp.models import Institution, InstitutionKind, InstitutionQuerySet, Role, User


def _options(request: AuthedRequest, options: list[pickers.Option]) -> HttpResponse:
    # Without the request's context processors: the options need none, and the menu's
    # work counts they would compute (one statement, 150 ms for the ministry at 500,000
    # plans) cost more than finding the names.
    html = render_to_string("pickers/_options.html", {"options": options})
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.FORUM_ADMIN, Role.MINISTRY)
def pick_innovations(request: AuthedRequest) -> HttpResponse:
    """Approved innovations only, by title or address name."""
    return _options(request, pickers.innovation_options(request.GET.get("q", "")))


def institutions_for(user: User, province: str = "", kind: str = "") -> InstitutionQuerySet:
    """What the user may pick: forum staff and the ministry any, an officer their province's."""
    institutions = Institution.objects.all()
    if not (user.is_ministry or user.is_forum_admin):
        institutions = institutions.filter(province_id=user.province_id or 0)
    if province.isascii() and province.isdigit() and len(province) == 2:  # a Kemendagri code
        institutions = institutions.filter(province__code=province)
    if kind in InstitutionKind.values:
        institutions = institutions.filter(kind=kind)
    return institutions


@require_GET
@role_required(Role.FORUM_ADMIN, Role.MINISTRY, Role.BAPPEDA)
def pick_institutions(request: AuthedRequest) -> HttpResponse:
    """`?q=` the name; `province=` a province code and `kind=` narrow it."""
    institutions = institutions_for(
        request.user, request.GET.get("province", ""), request.GET.get("kind", "")
    )
    return _options(request, pickers.institution_options(request.GET.get("q", ""), institutions))
