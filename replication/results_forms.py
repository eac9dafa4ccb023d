"""The results asked when the evaluation or institutionalisation stage is marked done.

Numbers are read as replication.numbers reads them ("12,5", "1.234,5"). The forms parse;
the rules about the values (dates, every indicator, the legal basis) live once, in
replication.result_services, which the service applies again under the plan's lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from replication.choices import RESULT_STAGES
from replication.forms import DateInput
from replication.models import PlanStatus, ReplicationPlan, Stage, StageKind, StageStatus
from replication.numbers import LocalNumberField
from replication.result_services import (
    MAX_LESSONS,
    MAX_NUMBER_LENGTH,
    LegalBasis,
    Measurement,
    Results,
    achieved_field,
    evidence_wanted,
    indicator_errors,
    indicators_of,
    measured_field,
    results_errors,
)
from replication.results import Indicator, LegalBasisKind


class AchievedField(LocalNumberField):
    """An indicator's achieved value; its refusals name the indicator."""

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subject = subject

    def to_python(self, value: Any) -> Decimal | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Joined, not formatted: the name may hold a "%" ("Cakupan 100%").
            raise ValidationError(
                f"{self.subject}: {' '.join(error.messages)}", code=error.code
            ) from error


class ResultsForm(forms.Form):
    """Asked beside the note and the evidence when a results stage is marked done."""

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{stage.kind}-%s")
        super().__init__(*args, **kwargs)
        self.stage = stage

    def results(self) -> Results:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service's rules, shown beside their fields; a field that failed to parse
        # keeps its own message only.
        for name, messages in self.rule_errors().items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data

    def rule_errors(self) -> dict[str, list[str]]:
        return results_errors(self.stage, self.results())

    def messages(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


class EvaluationForm(ResultsForm):
    """Every indicator's achieved value and the day it was measured."""

    def __init__(self, *args: Any, stage: Stage, indicators: list[Indicator], **kwargs: Any):
        super().__init__(*args, stage=stage, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            name = {"indicator": indicator.name}
            self.fields[achieved_field(indicator)] = AchievedField(
                label=_("Achieved (%(unit)s)") % {"unit": indicator.unit}
                if indicator.unit
                else _("Achieved"),
                initial=indicator.achieved,
                subject=indicator.name,
                help_text=_("A number; decimals with a comma, such as 12,5."),
                error_messages={"required": _("%(indicator)s: give the achieved value.") % name},
            )
            self.fields[measured_field(indicator)] = forms.DateField(
                label=_("Measured on"),
                initial=indicator.measured_on,
                widget=DateInput(),
                error_messages={
                    "required": _("%(indicator)s: give the date the achieved value was measured.")
                    % name,
                    "invalid": _(
                        "%(indicator)s: the measurement date is not a calendar date; choose the "
                        "day in the date field."
                    )
                    % name,
                },
            )

    def rule_errors(self) -> dict[str, list[str]]:
        if not self.indicators:
            return results_errors(self.stage, Results())
        data, today = self.cleaned_data, self.stage.plan.local_today()
        errors: dict[str, list[str]] = {}
        for indicator in self.indicators:
            errors |= indicator_errors(
                indicator,
                data.get(achieved_field(indicator)),
                data.get(measured_field(indicator)),
                today=today,
            )
        return errors

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "indicator": indicator,
                "achieved": self[achieved_field(indicator)],
                "measured_on": self[measured_field(indicator)],
            }
            for indicator in self.indicators
        ]

    def results(self) -> Results:
        data = getattr(self, "cleaned_data", {})
        measurements = {}
        for indicator in self.indicators:
            achieved = data.get(achieved_field(indicator))
            measured_on = data.get(measured_field(indicator))
            if achieved is not None and measured_on is not None:
                measurements[indicator.pk] = Measurement(achieved, measured_on)
        return Results(measurements=measurements)


class InstitutionalisationForm(ResultsForm):
    """The legal basis that institutionalises the replica, and the lessons for others."""

    legal_basis_kind = forms.ChoiceField(
        label=gettext_lazy("Legal basis"),
        choices=[("", gettext_lazy("Choose the kind")), *LegalBasisKind.choices],
        error_messages={
            "required": gettext_lazy(
                "Choose the kind of legal basis: Perda, Pergub, Perbup, Perwali, an SK or other."
            ),
            "invalid_choice": gettext_lazy(
                "Choose the kind of legal basis: Perda, Pergub, Perbup, Perwali, an SK or other."
            ),
        },
    )
    legal_basis_number = forms.CharField(
        label=gettext_lazy("Number"),
        max_length=MAX_NUMBER_LENGTH,
        help_text=gettext_lazy("As written on the document, such as 12 Tahun 2022."),
        error_messages={
            "required": gettext_lazy(
                "Give the number of the legal basis as written on it, such as 12 Tahun 2022."
            ),
            "max_length": gettext_lazy(
                "The number of the legal basis fits in %(limit_value)d characters: shorten it."
            ),
        },
    )
    legal_basis_date = forms.DateField(
        label=gettext_lazy("Date enacted"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Give the date the legal basis was enacted."),
            "invalid": gettext_lazy(
                "The date of the legal basis is not a calendar date; choose the day in the "
                "date field."
            ),
        },
    )
    lessons = forms.CharField(
        label=gettext_lazy("Lessons for other adopters"),
        max_length=MAX_LESSONS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What another province should know before replicating this innovation: what "
            "worked, what to avoid, what it took. Shown to the public on the replication's "
            "case page once the ministry verifies this stage; name no one."
        ),
        error_messages={
            "required": gettext_lazy(
                "Write the lessons for other adopters: what another province should know "
                "before replicating this innovation."
            ),
            "max_length": gettext_lazy(
                "The lessons are %(show_value)d characters long; at most %(limit_value)d fit: "
                "shorten them."
            ),
        },
    )

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        plan = stage.plan
        kwargs.setdefault(
            "initial",
            {
                "legal_basis_kind": plan.legal_basis_kind,
                "legal_basis_number": plan.legal_basis_number,
                "legal_basis_date": plan.legal_basis_date,
                "lessons": plan.lessons,
            },
        )
        super().__init__(*args, stage=stage, **kwargs)

    def results(self) -> Results:
        data = getattr(self, "cleaned_data", {})
        basis = LegalBasis(
            kind=data.get("legal_basis_kind") or "",
            number=data.get("legal_basis_number") or "",
            date=data.get("legal_basis_date"),
        )
        return Results(legal_basis=basis, lessons=data.get("lessons") or "")


def form_for(
    stage: Stage,
    data: Mapping[str, Any] | None = None,
    *,
    indicators: list[Indicator] | None = None,
) -> ResultsForm | None:
    """The results form of a results stage (bound to posted data, if given), else None."""
    if stage.kind == StageKind.EVALUATION:
        found = indicators if indicators is not None else indicators_of(stage.plan)
        return EvaluationForm(data, stage=stage, indicators=found)
    if stage.kind == StageKind.INSTITUTIONALIZATION:
        return InstitutionalisationForm(data, stage=stage)
    return None


def posted_results(
    stage: Stage, data: Mapping[str, Any], *, note: str, files: int
) -> Results | None:
    """The results a completion posted; every reason to refuse it at once, as one error.

    Only for a results stage that can be completed now: any other refusal (the plan's or
    the stage's status) is the service's to give.
    """
    if (
        stage.kind not in RESULT_STAGES
        or stage.status != StageStatus.IN_PROGRESS
        or stage.plan.status != PlanStatus.APPROVED
    ):
        return None
    form = form_for(stage, data)
    if form is None or form.is_valid():
        return form.results() if form else None
    messages = form.messages()
    if not note.strip():
        messages.insert(0, _("Write what was done in this stage."))
    if files:
        messages.append(_("Choose the evidence files again before sending: they are not kept."))
    elif not stage.evidence.exists():
        messages.append(evidence_wanted(stage))
    raise ValidationError(messages)


# Showing the results ----------------------------------------------------------------


def attach(
    plan: ReplicationPlan,
    stages: Iterable[Stage],
    *,
    posted: Mapping[str, Any],
    indicators: list[Indicator] | None = None,
) -> None:
    """Give the plan page's results stages their values and, in progress, their form.

    `stage.indicators` (evaluation) lists the values; `stage.results_form` is the form of
    a stage in progress, bound to what was typed when a completion was refused.
    `indicators`, when the page has read them already, saves reading them again.
    """
    stages = [stage for stage in stages if stage.kind in RESULT_STAGES]
    if indicators is None:
        evaluation = next((s for s in stages if s.kind == StageKind.EVALUATION), None)
        started = evaluation is not None and evaluation.status != StageStatus.PENDING
        indicators = indicators_of(plan) if started else []
    for stage in stages:
        stage.indicators = indicators  # type: ignore[attr-defined]
        stage.results_form = None  # type: ignore[attr-defined]
        if stage.status != StageStatus.IN_PROGRESS or plan.status != PlanStatus.APPROVED:
            continue
        mine = posted.get("name") == "stage_complete" and posted.get("key") == stage.kind
        stage.results_form = form_for(  # type: ignore[attr-defined]
            stage, posted.get("data") if mine else None, indicators=indicators
        )


def attach_indicators(stages: Iterable[Stage]) -> None:
    """The review queue's done evaluations get their plans' indicators: one query for all."""
    evaluations = [stage for stage in stages if stage.kind == StageKind.EVALUATION]
    if not evaluations:
        return
    by_plan: dict[int, list[Indicator]] = {}
    rows = Indicator.objects.filter(plan_id__in={stage.plan_id for stage in evaluations})
    for indicator in rows.order_by("plan_id", "order", "id"):
        by_plan.setdefault(indicator.plan_id, []).append(indicator)
    for stage in evaluations:
        stage.indicators = by_plan.get(stage.plan_id, [])  # type: ignore[attr-defined]
