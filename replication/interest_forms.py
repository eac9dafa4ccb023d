"""Declared interest: the officer's form, the demand view's filters and its selection."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.filters import category_choices, province_choices
from jipp.models import Institution, User
from jipp.pickers import InstitutionPickerField
from replication.interest import Interest
from replication.interest_demand import Filters
from replication.interest_services import NOTE_LIMIT


class InterestForm(forms.Form):
    institution = InstitutionPickerField(
        label=_("Prospective adopting office (optional)"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_(
            "The office of your province that would adopt it, if already known: type a few "
            "letters of its name and choose from the list."
        ),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the province is interested, or what it would need. The ministry, forum "
            "admins and the innovator read it."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "interest_%s")  # unique beside the page's other forms
        super().__init__(*args, **kwargs)
        offices = Institution.objects.filter(province_id=user.province_id or 0).order_by("name")
        cast(InstitutionPickerField, self.fields["institution"]).queryset = offices


AGES = [
    ("30", _("Declared more than 30 days ago")),
    ("90", _("Declared more than 90 days ago")),
    ("180", _("Declared more than 180 days ago")),
]


class DemandFilter(django_filters.FilterSet):
    """Open interest by sector, hub provinces only, and age; invalid values are ignored."""

    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="innovation__category__slug",
        choices=category_choices,
        empty_label=_("All sectors"),
    )
    province = django_filters.ChoiceFilter(
        label=_("Province"),
        field_name="province__code",
        choices=province_choices,
        empty_label=_("All provinces"),
    )
    hub = django_filters.BooleanFilter(
        label=_("JIPP hub provinces only"),
        method="filter_hub",
        widget=forms.CheckboxInput,
    )
    age = django_filters.ChoiceFilter(
        label=_("Waiting"), choices=AGES, method="filter_age", empty_label=_("Any age")
    )

    class Meta:
        model = Interest
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = timezone.now()  # one moment for every query of the request

    def demand_filters(self) -> Filters:
        """The valid values, for the page's query (replication.interest_demand)."""
        # An invalid value is left out of cleaned_data: ignored, as by the filters.
        data: dict[str, Any] = {}
        if self.is_bound:
            self.form.errors  # noqa: B018 - validates the form once
            data = self.form.cleaned_data
        age = data.get("age")
        return Filters(
            sector=data.get("sector") or None,
            province=data.get("province") or None,
            hub=bool(data.get("hub")),
            cutoff=self.cutoff(age) if age else None,
        )

    def cutoff(self, age: str) -> datetime:
        return self.now - timedelta(days=int(age))

    def filter_hub(
        self, queryset: QuerySet[Interest], name: str, value: bool
    ) -> QuerySet[Interest]:
        return queryset.filter(province__hub_since__isnull=False) if value else queryset

    def filter_age(self, queryset: QuerySet[Interest], name: str, value: str) -> QuerySet[Interest]:
        return queryset.filter(created_at__lte=self.cutoff(value))


PAIR_LIMIT = 200


class SelectionForm(forms.Form):
    """The ticked innovation by province pairs, as "<innovation id>-<province id>"."""

    pair = forms.MultipleChoiceField(
        label=_("Interested provinces"),
        required=True,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _(
                "Tick at least one interested province of an innovation, then press the "
                "button again."
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any well-formed pair is accepted here; the service keeps only open interest.
        cast(forms.MultipleChoiceField, self.fields["pair"]).valid_value = _well_formed  # type: ignore[method-assign]

    def pairs(self) -> list[tuple[int, int]]:
        result = []
        for value in self.cleaned_data.get("pair", [])[:PAIR_LIMIT]:
            innovation, province = value.split("-")
            result.append((int(innovation), int(province)))
        return result


def _well_formed(value: str) -> bool:
    parts = str(value).split("-")
    return len(parts) == 2 and all(
        part.isascii() and part.isdigit() and 0 < len(part) < 10 for part in parts
    )
