"""The catalogue's filters, shared by the page, the exports and the open-data API.

Choices come from small reference tables that rarely change; each process reads them
once per language and five minutes instead of on every request.
"""

from __future__ import annotations

import time

import django_filters
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innovations.models import (
    SDG,
    Category,
    Innovation,
    InnovatorKind,
    KippRecognition,
    Phase,
)
from jipp.models import Province

SORTS = [("relevance", _("Relevance")), ("newest", _("Newest")), ("title", _("Title"))]


_choices: dict[tuple[str, str | None], tuple[float, tuple[tuple[str, str], ...]]] = {}
CHOICES_TTL = 300  # seconds: a category added in the admin shows within five minutes


def _reference_choices(kind: str, language: str | None) -> tuple[tuple[str, str], ...]:
    # language is part of the key: SDG and category names are per language.
    cached = _choices.get((kind, language))
    if cached and cached[0] > time.monotonic():
        return cached[1]
    if kind == "province":
        choices = tuple(Province.objects.values_list("code", "name"))
    elif kind == "category":
        choices = tuple((c.slug, c.name) for c in Category.objects.order_by("name_id"))
    else:
        choices = tuple((str(s.number), str(s)) for s in SDG.objects.all())
    _choices[(kind, language)] = (time.monotonic() + CHOICES_TTL, choices)
    return choices


def province_choices() -> tuple[tuple[str, str], ...]:
    return _reference_choices("province", None)


def category_choices() -> tuple[tuple[str, str], ...]:
    return _reference_choices("category", get_language())


def sdg_choices() -> tuple[tuple[str, str], ...]:
    return _reference_choices("sdg", get_language())


class InnovationFilter(django_filters.FilterSet):
    """Every filter is a plain value in the URL, so any result list can be shared."""

    q = django_filters.CharFilter(label=_("Search"), method="keep", max_length=200)
    province = django_filters.ChoiceFilter(
        label=_("Province of origin"),
        field_name="province__code",
        choices=province_choices,
        empty_label=_("All provinces"),
    )
    innovator_kind = django_filters.ChoiceFilter(
        label=_("Innovator"),
        choices=InnovatorKind.choices,
        method="filter_innovator_kind",
        empty_label=_("All levels of government"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="category__slug",
        choices=category_choices,
        empty_label=_("All sectors"),
    )
    sdg = django_filters.ChoiceFilter(
        label=_("SDG"), choices=sdg_choices, method="filter_sdg", empty_label=_("All SDGs")
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Phase.choices, empty_label=_("All phases")
    )
    kipp = django_filters.ChoiceFilter(
        label=_("KIPP recognition"),
        field_name="kipp_recognition",
        choices=KippRecognition.choices,
        empty_label=_("Any recognition"),
    )
    kit = django_filters.ChoiceFilter(
        label=_("Replication kit"),
        choices=[("complete", _("Ready to replicate"))],
        method="filter_kit",
        empty_label=_("Any kit"),
    )
    year = django_filters.NumberFilter(
        label=_("Year launched"), field_name="launched_year", min_value=1990, max_value=2100
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORTS, method="keep", empty_label=None
    )

    class Meta:
        model = Innovation
        fields: list[str] = []

    def keep(self, queryset: QuerySet[Innovation], name: str, value: str) -> QuerySet[Innovation]:
        return queryset  # search and sort are applied by innovations.search

    def filter_sdg(
        self, queryset: QuerySet[Innovation], name: str, value: str
    ) -> QuerySet[Innovation]:
        return queryset.filter(sdg_numbers__contains=[int(value)])

    def filter_kit(
        self, queryset: QuerySet[Innovation], name: str, value: str
    ) -> QuerySet[Innovation]:
        # A stored column (innovations.kit_services), served by innovation_kit_newest.
        return queryset.filter(is_kit_complete=True) if value == "complete" else queryset

    def filter_innovator_kind(
        self, queryset: QuerySet[Innovation], name: str, value: str
    ) -> QuerySet[Innovation]:
        # The kind stored on the innovation (migration 0014): no join with the institutions,
        # and innovation_kind_year_newest answers it with the year.
        return queryset.filter(innovator_kind=InnovatorKind(value))

    def cleaned(self, name: str) -> str:
        """A valid value of one filter, or '' (invalid values are ignored, not errors)."""
        self.form.is_valid()  # fills cleaned_data with the valid fields only
        value = self.form.cleaned_data.get(name)
        return str(value) if value not in (None, "") else ""
