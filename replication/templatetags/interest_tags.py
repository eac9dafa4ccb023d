"""Declared interest where other pages show it: the innovation page's panel (the dashboards
write theirs into their kept body, replication.dashboard.views).

Each tag reads what it needs itself, so the pages that carry it include one line. The
public sees nothing of it (and costs no query): interest is the province's working
intention, not a commitment.
"""

from __future__ import annotations

from typing import Any

from django import template

from innovations.models import Innovation
from replication.interest import Interest, InterestStatus
from replication.interest_forms import InterestForm
from replication.interest_services import open_plan

register = template.Library()


@register.inclusion_tag("replication/_interest_panel.html", takes_context=True)
def interest_panel(context: template.Context, innovation: Innovation) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    panel: dict[str, Any] = {"innovation": innovation, "csrf_token": context.get("csrf_token")}
    if user is None or not user.is_authenticated:
        return panel
    if user.is_bappeda and user.province_id:
        own = (
            Interest.objects.filter(innovation=innovation, province_id=user.province_id)
            .exclude(status=InterestStatus.WITHDRAWN)
            .select_related("institution", "plan")
            .order_by("status", "-created_at")  # the open one before a planned one
            .first()
        )
        panel["officer"] = True
        panel["own"] = own
        if own is None:
            # With an open plan already, interest says nothing new: the plan is shown instead.
            panel["open_plan"] = open_plan(innovation.pk, user.province_id)
            if panel["open_plan"] is None:
                panel["form"] = InterestForm(user=user)
    origin = user.is_innovator and user.institution_id == innovation.innovator_id
    if origin or user.is_ministry or user.is_forum_admin:
        panel["interested"] = list(
            Interest.objects.filter(
                innovation=innovation, status__in=[InterestStatus.OPEN, InterestStatus.PLANNED]
            )
            .select_related("province", "institution")
            .order_by("status", "province__name")
        )
        panel["show_interested"] = True
        panel["staff"] = user.is_ministry or user.is_forum_admin
    return panel
