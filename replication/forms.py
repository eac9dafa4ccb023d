"""Validation of what Bappeda officers type into a plan, and the list's filters."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from jipp.models import Institution, Province, User
from jipp.pickers import InstitutionPickerField
from replication import schedule
from replication.models import STAGE_ORDER, BudgetSource, PlanStatus, ReplicationPlan, StageKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    """A new plan (with its innovation) or the edit of one (with the version read)."""

    innovation = forms.ModelChoiceField(
        label=_("Innovation"),
        queryset=Innovation.objects.none(),
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose an approved innovation of the registry.")},
    )
    adopter = InstitutionPickerField(
        label=_("Adopting institution"),
        queryset=Institution.objects.none(),
        help_text=_(
            "An institution of your province: type a few letters of its name and choose "
            "from the list, or type its exact name."
        ),
    )
    local_name = forms.CharField(
        label=_("Local name"),
        max_length=200,
        required=False,
        help_text=_("The name the replica will have in your province, if any."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    target_end_date = forms.DateField(label=_("Target end date"), widget=DateInput())
    budget_source = forms.ChoiceField(label=_("Budget source"), choices=BudgetSource.choices)
    budget_amount = forms.DecimalField(
        label=_("Budget (IDR)"), required=False, min_value=0, max_digits=16, decimal_places=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, plan: ReplicationPlan | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan = plan
        province_id = plan.province_id if plan else (user.province_id or 0)
        adopters = Institution.objects.filter(province_id=province_id).order_by("name")
        cast(InstitutionPickerField, self.fields["adopter"]).queryset = adopters
        if plan is None:
            self.fields["innovation"].queryset = Innovation.objects.public().only(  # type: ignore[attr-defined]
                "id", "slug", "title", "status"
            )
            del self.fields["version"]
        else:
            del self.fields["innovation"]
        for kind in STAGE_ORDER:
            self.fields[schedule.due_field(kind)] = forms.DateField(
                label=_("Due date: %(stage)s") % {"stage": StageKind(kind).label},
                required=False,
                widget=DateInput(),
            )
        if plan is None:
            self.fields[schedule.due_field(STAGE_ORDER[0])].help_text = _(
                "Leave the due dates empty to spread the stages evenly between the start "
                "and the target end date."
            )

    def due_fields(self) -> list[forms.BoundField]:
        return [self[schedule.due_field(kind)] for kind in STAGE_ORDER]

    def plan_fields(self) -> list[forms.BoundField]:
        names = ["adopter", "local_name", "summary", "start_date", "target_end_date"]
        return [self[name] for name in [*names, "budget_source", "budget_amount"]]

    def stage_due_dates(self) -> dict[str, date | None]:
        return {kind: self.cleaned_data.get(schedule.due_field(kind)) for kind in STAGE_ORDER}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and data.get("target_end_date"):
            try:
                dues = (
                    schedule.fill_schedule(data, self.stage_due_dates())
                    if data["target_end_date"] > data["start_date"]
                    else {}
                )
                schedule.check_schedule(data["start_date"], data["target_end_date"], dues)
            except ValidationError as error:
                self.add_error(None, error)
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PlanStatus.choices]
    )
    stage = forms.ChoiceField(
        label=_("Current stage"), required=False, choices=[("", _("All")), *StageKind.choices]
    )
    overdue = forms.BooleanField(label=_("Only plans with an overdue stage"), required=False)
    innovation = forms.SlugField(label=_("Innovation"), required=False, widget=forms.HiddenInput)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.is_ministry:
            self.fields["province"].choices = [  # type: ignore[attr-defined]
                ("", _("All")),
                *Province.objects.values_list("code", "name"),
            ]
        else:
            del self.fields["province"]

    def cleaned(self, name: str) -> Any:
        if not self.is_valid():
            return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
        return self.cleaned_data.get(name)


class ReviewFilterForm(forms.Form):
    """The ministry's queue: one kind of work, one province, or everything."""

    kind = forms.ChoiceField(label=_("Waiting for"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from replication.listing import REVIEW_KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *REVIEW_KINDS.items()]  # type: ignore[attr-defined]
        self.fields["province"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *Province.objects.values_list("code", "name"),
        ]
