"""Typing the name of an innovation or an institution: the combobox and the form fields.

The widget is a text input that htmx asks the server about as the person types
(/pick/innovations/, /pick/institutions/; static/js/picker.js does the keyboard). The
field never needs the script: the typed text is resolved on submit (exact title, name or
address name, ignoring case and extra spaces) and a miss names the closest ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innovations.models import Innovation
from jipp import names
from jipp.models import Institution, InstitutionQuerySet

SUGGESTIONS = 5  # names offered in a field's error


@dataclass(frozen=True)
class Option:
    """One line of a picker: what goes into the input, and what helps to tell rows apart."""

    value: str
    label: str
    detail: str


# Matching ---------------------------------------------------------------------------


def innovation_options(text: str, limit: int = names.LIMIT) -> list[Option]:
    rows = list(
        Innovation.objects.public()
        .named_like(text)
        .select_related("innovator")
        .only("id", "title", "slug", "innovator__name")[:limit]
    )
    return _options(rows, [row.title for row in rows], [row.innovator.name for row in rows])


def institution_options(
    text: str, queryset: InstitutionQuerySet, limit: int = names.LIMIT
) -> list[Option]:
    rows = list(
        queryset.named_like(text)
        .select_related("province")
        .only("id", "name", "slug", "kind", "province__name")[:limit]
    )
    central = _("central government")
    details = [
        f"{row.get_kind_display()} · {row.province.name if row.province else central}"
        for row in rows
    ]
    return _options(rows, [row.name for row in rows], details)


def _options(rows: list[Any], labels: list[str], details: list[str]) -> list[Option]:
    # Two rows of the same name are told apart by their address name (slug) when chosen.
    counts = Counter(label.upper() for label in labels)
    return [
        Option(value=row.slug if counts[label.upper()] > 1 else label, label=label, detail=detail)
        for row, label, detail in zip(rows, labels, details, strict=True)
    ]


# Resolving what was typed -----------------------------------------------------------


def not_found(text: str, suggestions: list[str]) -> ValidationError:
    if suggestions:
        return ValidationError(
            _(
                "Not found. Did you mean: %(names)s? Type one of these names or choose it "
                "from the list."
            )
            % {"names": ", ".join(suggestions)},
            code="not_found",
        )
    return ValidationError(
        _("Not found: nothing is named like “%(text)s”. Check the spelling or type fewer words.")
        % {"text": text},
        code="not_found",
    )


def resolve_innovation(text: str) -> Innovation:
    """An approved innovation by its exact title or address name (a pasted page address too)."""
    text = names.normalize(text)
    if not text:
        raise ValidationError(_("Enter the innovation's title or its address name."))
    slug = text.rstrip("/").rsplit("/", 1)[-1]
    public = Innovation.objects.public().select_related("innovator")
    found = list(public.filter(Q(slug=slug) | Q(title__iexact=text)).order_by("pk")[:5])
    found = [row for row in found if row.slug == slug] or found
    if len(found) > 1:
        raise ValidationError(
            _(
                "Several approved innovations are titled “%(text)s”: enter the address name "
                "(the last part of its page address), e.g. %(slugs)s."
            )
            % {"text": text, "slugs": ", ".join(row.slug for row in found)},
            code="ambiguous",
        )
    if found:
        return found[0]
    near = list(public.named_like(text)[:SUGGESTIONS])
    # A stored title with extra spaces is still the same name.
    same = [row for row in near if names.normalize(row.title).upper() == text.upper()]
    if len(same) == 1:
        return same[0]
    raise not_found(text, [row.title for row in near])


def resolve_institution(text: str, queryset: InstitutionQuerySet) -> Institution:
    """An institution of `queryset` by its exact name or address name."""
    text = names.normalize(text)
    if not text:
        raise ValidationError(_("Enter the institution's name."))
    found = list(
        queryset.filter(Q(slug=text) | Q(name__iexact=text)).select_related("province")[:5]
    )
    found = [row for row in found if row.slug == text] or found
    if len(found) > 1:
        raise ValidationError(
            _("Several institutions are named “%(text)s” (%(places)s): choose the province too.")
            % {
                "text": text,
                "places": ", ".join(
                    row.province.name if row.province else _("central government") for row in found
                ),
            },
            code="ambiguous",
        )
    if found:
        return found[0]
    near = list(queryset.named_like(text)[:SUGGESTIONS])
    same = [row for row in near if names.normalize(row.name).upper() == text.upper()]
    if len(same) == 1:
        return same[0]
    raise not_found(text, [row.name for row in near])


# The widget and the fields ----------------------------------------------------------


class PickerInput(forms.TextInput):
    """A text input that is an ARIA 1.2 combobox once static/js/picker.js runs."""

    template_name = "pickers/widget.html"

    def __init__(self, url_name: str, include: str = "", attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.url_name = url_name
        self.include = include  # a CSS selector of another field sent along (e.g. province)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        element_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"].update(
            {
                "id": element_id,
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": f"{element_id}_listbox",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-picker": "",
                "data-hx-get": reverse(self.url_name),
                "data-hx-trigger": "input changed delay:250ms",
                "data-hx-target": f"#{element_id}_listbox",
                "data-hx-swap": "innerHTML",
                "data-hx-sync": "this:replace",
            }
        )
        if self.include:
            widget["attrs"]["data-hx-include"] = self.include
        context["listbox_id"] = f"{element_id}_listbox"
        context["status_id"] = f"{element_id}_status"
        return context

    def _render(
        self, template_name: str, context: dict[str, Any], renderer: Any = None
    ) -> SafeString:
        # The project's templates, not the form renderer's (which knows only Django's).

        return mark_safe(render_to_string(template_name, context))  # noqa: S308


class InnovationPickerField(forms.CharField):
    """An approved innovation, typed by title or address name; cleans to the Innovation."""

    default_help_text = gettext_lazy(
        "Type a few letters of its title and choose from the list, or type the exact title "
        "or the address name from its page (e.g. omspan in /innovations/omspan/). Approved "
        "innovations only."
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", PickerInput("pick_innovations"))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.title if isinstance(value, Innovation) else value

    def clean(self, value: Any) -> Innovation | None:
        text = super().clean(value)
        return resolve_innovation(text) if text else None


class InstitutionPickerField(forms.CharField):
    """An institution of `queryset`, typed by name or address name; cleans to it."""

    default_help_text = gettext_lazy(
        "Type a few letters of its name and choose from the list, or type its exact name."
    )

    def __init__(
        self, *, queryset: InstitutionQuerySet | None = None, include: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", PickerInput("pick_institutions", include=include))
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Institution.objects.all()

    def prepare_value(self, value: Any) -> Any:
        return value.name if isinstance(value, Institution) else value

    def clean(self, value: Any) -> Institution | None:
        text = super().clean(value)
        return resolve_institution(text, self.queryset) if text else None
