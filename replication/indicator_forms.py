"""The indicators typed into a plan: one to five rows of the plan form, and their edits later.

Rows are a formset (prefix "indicators") that works without JavaScript: an untouched row
(the suggested SKM/IKM index included) is ignored, "add indicator" shows one more row.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from replication.numbers import LocalNumberField
from replication.results import MAX_INDICATORS, SDG_TARGET_PATTERN, Direction, Indicator

PREFIX = "indicators"
# The fields an officer types for each indicator (DESIGN.md section 8).
FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline",
    "baseline_date",
    "target",
    "sdg_target",
    "source",
)
# Corrected freely until the evaluation stage is verified; the others need the ministry.
FREE_FIELDS = ("name", "unit", "baseline_date", "sdg_target", "source")
DECIDED_FIELDS = ("baseline", "target", "direction")

SKM_NAME = gettext_lazy("Public satisfaction index (SKM/IKM)")
SKM_SCALE = (Decimal(25), Decimal(100))


def skm_suggestion() -> dict[str, Any]:
    """The suggested first indicator of a new plan: the officer fills in its numbers."""
    return {"name": str(SKM_NAME), "unit": "indeks", "direction": Direction.INCREASE}


def _is_skm(name: str) -> bool:
    return bool(re.search(r"\b(SKM|IKM)\b", name or "", re.I))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


NUMBER_HELP = gettext_lazy("A comma for decimals: 12,5. Dots may separate thousands: 1.500.")


class IndicatorForm(forms.Form):
    """One indicator: what is measured, from what baseline to what target."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=gettext_lazy("Indicator"),
        max_length=200,
        error_messages={"required": gettext_lazy("Name the indicator.")},
        help_text=gettext_lazy("Public: shown on the plan's public case page."),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        max_length=40,
        error_messages={"required": gettext_lazy('Give the unit: "%", "hari", "orang", "indeks".')},
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Direction.choices, initial=Direction.INCREASE
    )
    baseline = LocalNumberField(
        label=gettext_lazy("Baseline"),
        help_text=NUMBER_HELP,
        error_messages={"required": gettext_lazy("Type the baseline: the value before.")},
    )
    baseline_date = forms.DateField(
        label=gettext_lazy("Baseline measured on"),
        widget=DateInput(),
        error_messages={"required": gettext_lazy("Give the date the baseline was measured.")},
    )
    target = LocalNumberField(
        label=gettext_lazy("Target"),
        help_text=NUMBER_HELP,
        error_messages={"required": gettext_lazy("Type the target: the value aimed for.")},
    )
    sdg_target = forms.CharField(
        label=gettext_lazy("SDG target (optional)"),
        max_length=12,
        required=False,
        help_text=gettext_lazy(
            'An SDG target code such as "4.1" or "16.6", if the indicator serves one.'
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Source (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "How and by whom it is measured. Public: shown on the plan's public case page."
        ),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def is_blank(self) -> bool:
        """Nothing typed in the row (a direction alone is not typing)."""
        if not self.is_bound:
            return False
        return not any(
            str(self.data.get(self.add_prefix(name), "") or "").strip()
            for name in FIELDS
            if name != "direction"
        )

    def has_changed(self) -> bool:
        if self.is_blank():
            return False
        return super().has_changed()

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_unit(self) -> str:
        return " ".join(self.cleaned_data["unit"].split())

    def clean_sdg_target(self) -> str:
        return clean_sdg_target(self.cleaned_data.get("sdg_target", ""))

    def clean_baseline_date(self) -> date:
        day: date = self.cleaned_data["baseline_date"]
        check_not_future(day, self.today)
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_values(self, data)
        return data


def clean_sdg_target(value: str) -> str:
    """ "SDG 4.1", " 16.A " -> "4.1", "16.a"; anything else is refused with an example."""
    code = re.sub(r"^(sdgs?|tpb)\s*", "", (value or "").strip().lower()).replace(" ", "")
    if code and not re.fullmatch(SDG_TARGET_PATTERN, code):
        raise ValidationError(
            _(
                "Write an SDG target as the goal's number, a dot and the target's number or "
                'letter, such as 4.1, 16.6 or 11.a: "%(value)s" is not one.'
            )
            % {"value": value[:12]},
            code="sdg_target",
        )
    return code


def check_not_future(day: date, today: date | None) -> None:
    if today is not None and day > today:
        raise ValidationError(
            _(
                "The baseline must already have been measured: the date cannot be after "
                "today (%(today)s) in the province."
            )
            % {"today": today.strftime("%d-%m-%Y")},
            code="future",
        )


def check_values(form: forms.Form, data: dict[str, Any]) -> None:
    """The target lies in the indicator's direction; the SKM/IKM index stays on its scale."""
    baseline, target = data.get("baseline"), data.get("target")
    if baseline is None or target is None:
        return
    if _is_skm(data.get("name", "")):
        low, high = SKM_SCALE
        for name, value in (("baseline", baseline), ("target", target)):
            if not low <= value <= high:
                form.add_error(name, _("The SKM/IKM index runs from 25 to 100: check the value."))
    direction = data.get("direction")
    if direction == Direction.INCREASE and target < baseline:
        form.add_error(
            "target",
            _(
                "The target is below the baseline while higher is better: check the numbers, "
                'or choose "Lower is better".'
            ),
        )
    elif direction == Direction.DECREASE and target > baseline:
        form.add_error(
            "target",
            _(
                "The target is above the baseline while lower is better: check the numbers, "
                'or choose "Higher is better".'
            ),
        )


class BaseIndicatorFormSet(forms.BaseFormSet):
    """Rows with an id are the plan's indicators; the other rows are new (or left empty)."""

    def initial_form_count(self) -> int:
        if self.is_bound:
            return super().initial_form_count()
        return sum(1 for row in self.initial or [] if row.get("id"))

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.has_changed() or form.cleaned_data.get("id")]
        kept = [form for form in kept if not self._deleted(form)]
        if len(kept) > MAX_INDICATORS:
            raise ValidationError(
                _(
                    "A plan has at most %(max)s indicators; %(count)s were given. Remove one "
                    '(tick its "Remove" box or empty its row) and save again.'
                )
                % {"max": MAX_INDICATORS, "count": len(kept)},
                code="too_many",
            )

    def _deleted(self, form: forms.Form) -> bool:
        return bool(self.can_delete and form.cleaned_data.get("DELETE"))

    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows to keep, in order: each with its id (None for a new one)."""
        rows = []
        for form in self.forms:
            if self._deleted(form):
                continue
            if not (form.has_changed() or form.cleaned_data.get("id")):
                continue
            rows.append({name: form.cleaned_data.get(name) for name in ("id", *FIELDS)})
        return rows

    def removed_ids(self) -> list[int]:
        return [
            form.cleaned_data["id"] for form in self.deleted_forms if form.cleaned_data.get("id")
        ]

    @property
    def can_add(self) -> bool:
        return self.total_form_count() < MAX_INDICATORS


def formset_class(extra: int, *, can_delete: bool) -> type[BaseIndicatorFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        IndicatorForm,
        formset=BaseIndicatorFormSet,
        extra=extra,
        max_num=MAX_INDICATORS,
        absolute_max=20,
        can_delete=can_delete,
        can_delete_extra=False,
    )


def row_of(indicator: Indicator) -> dict[str, Any]:
    return {"id": indicator.pk, **{name: getattr(indicator, name) for name in FIELDS}}


def indicator_formset(
    data: QueryDict | None,
    *,
    indicators: list[Indicator],
    today: date,
    suggest: bool = False,
) -> BaseIndicatorFormSet:
    """The rows of the plan form: the plan's indicators, then one empty row (the SKM/IKM
    suggestion on a plan that has none yet). A post without the rows leaves them alone."""
    initial = [row_of(indicator) for indicator in indicators]
    if suggest and not initial:
        initial = [skm_suggestion()]
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = data.copy()
        data[f"{PREFIX}-TOTAL_FORMS"] = data[f"{PREFIX}-INITIAL_FORMS"] = "0"
    extra = 1 if len(indicators) < MAX_INDICATORS else 0
    formset_type = formset_class(extra, can_delete=bool(indicators))
    return formset_type(data, initial=initial, prefix=PREFIX, form_kwargs={"today": today})


def one_more_row(data: QueryDict, *, today: date, can_delete: bool) -> BaseIndicatorFormSet:
    """The rows as typed, unchecked, and one more empty row ("add indicator")."""
    try:
        total = max(0, min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "0")), MAX_INDICATORS))
    except ValueError:
        total = 0
    names = ("id", *FIELDS, "DELETE")
    rows: list[dict[str, Any]] = [
        {name: data.get(f"{PREFIX}-{i}-{name}", "") for name in names} for i in range(total)
    ]
    for row in rows:
        row["DELETE"] = bool(row["DELETE"])
        row["id"] = row["id"] if str(row["id"]).isdigit() else None
    rows.sort(key=lambda row: not row["id"])  # the plan's own rows stay first
    extra = min(total + 1, MAX_INDICATORS) - sum(1 for row in rows if row["id"])
    formset_type = formset_class(extra, can_delete=can_delete)
    return formset_type(initial=rows, prefix=PREFIX, form_kwargs={"today": today})


class CorrectionForm(IndicatorForm):
    """An approved plan's indicator: free fields, and a reason when a decided one changes."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for changing the baseline, target or direction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "A changed baseline, target or direction waits for the ministry's decision; "
            "the other fields are saved at once."
        ),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id"]

    def has_changed(self) -> bool:
        return forms.Form.has_changed(self)

    def clean_baseline_date(self) -> date:
        day: date = self.cleaned_data["baseline_date"]
        if self.initial.get("baseline_date") != day:
            check_not_future(day, self.today)
        return day
