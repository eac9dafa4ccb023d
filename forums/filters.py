"""The schedule's filters (year, host province, level): plain values in the URL."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forums.models import ForumLevel, ForumSession
from innovations.filters import province_choices


class SessionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="starts_at", lookup_expr="year", min_value=2000, max_value=2100
    )
    province = django_filters.ChoiceFilter(
        label=_("Host province"),
        field_name="host_province__code",
        choices=province_choices,
        empty_label=_("All provinces"),
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=ForumLevel.choices, empty_label=_("All levels")
    )

    class Meta:
        model = ForumSession
        fields: list[str] = []


def filtered(params: object, queryset: QuerySet[ForumSession]) -> SessionFilter:
    """Invalid values are ignored (the whole schedule shows), never an error page."""
    return SessionFilter(params, queryset=queryset)
