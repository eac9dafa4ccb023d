"""Declared interest: the officer's form, the demand view's filters and its selection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.filters import category_choices, province_choices
from jipp.models import Institution, User
from jipp.pickers import InstitutionPickerField
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


class DemandForm(forms.Form):
    """The demand view's filters: sector, province, hub provinces only, and age. An invalid
    value is ignored, never an error: demand_filters() keeps the valid ones, and the page's
    statements (replication.interest_demand) apply them."""

    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=lambda: [("", _("All sectors")), *category_choices()],
        required=False,
    )
    province = forms.ChoiceField(
        label=_("Province"),
        choices=lambda: [("", _("All provinces")), *province_choices()],
        required=False,
    )
    hub = forms.BooleanField(label=_("JIPP hub provinces only"), required=False)
    age = forms.ChoiceField(label=_("Waiting"), choices=[("", _("Any age")), *AGES], required=False)

    def demand_filters(self) -> Filters:
        """The valid values (an invalid one is left out of cleaned_data)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the valid fields only
            data = self.cleaned_data
        age = data.get("age")
        return Filters(
            sector=data.get("sector") or None,
            province=data.get("province") or None,
            hub=bool(data.get("hub")),
            cutoff=timezone.now() - timedelta(days=int(age)) if age else None,
        )


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
