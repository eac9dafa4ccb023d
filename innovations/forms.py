"""Validation of what innovators type and what reviewers decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import REPLY_MAX_LENGTH, SDG, Category, Innovation, KippRecognition

FIRST_KIPP_YEAR = 2014
# Personal mailboxes: the registry publishes institutional contacts only (UU PDP 27/2022).
PERSONAL_MAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.id",
    "ymail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
}


class InnovationForm(forms.ModelForm):
    """An innovation's editable text: a new draft, an edit, or a proposed update."""

    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=SDG.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one goal.")},
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    reply = forms.CharField(
        label=_("Your reply to the reviewer"),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the reviewer with your resubmission: what you changed, or why not."),
    )
    # The newest event the form was read at (innovations.services._check_not_stale).
    seen = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("The form is incomplete: open it again from the innovation's page."),
            "invalid": _("The form is incomplete: open it again from the innovation's page."),
            "min_value": _("The form is incomplete: open it again from the innovation's page."),
        },
    )

    class Meta:
        model = Innovation
        fields = [
            "title",
            "category",
            "sdgs",
            "phase",
            "launched_year",
            "summary",
            "problem",
            "solution",
            "results",
            "replication_requirements",
            "contact_email",
            "website",
            "kipp_recognition",
            "kipp_year",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["summary", "problem", "solution", "results", "replication_requirements"]
        }

    def __init__(
        self, *args: Any, answering: bool = False, existing: bool = False, **kwargs: Any
    ) -> None:
        """`answering`: a change request is open, so the form takes a reply; `existing`:
        the form edits stored text, so it carries what it was read at."""
        super().__init__(*args, **kwargs)
        if not answering:
            del self.fields["reply"]
        if not existing:
            del self.fields["seen"]
        self.fields["category"].queryset = Category.objects.all()  # type: ignore[attr-defined]
        self.fields["sdgs"].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["kipp_year"].help_text = _("Required when the innovation won a KIPP award.")

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_launched_year(self) -> int:
        year = self.cleaned_data["launched_year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year launched cannot be in the future."))
        return year

    def clean_contact_email(self) -> str:
        email = self.cleaned_data["contact_email"].strip().lower()
        if email and email.rsplit("@", 1)[-1] in PERSONAL_MAIL_DOMAINS:
            raise forms.ValidationError(_("Give an institutional address, not a personal mailbox."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        recognition = data.get("kipp_recognition")
        year = data.get("kipp_year")
        this_year = timezone.localdate().year
        if recognition and recognition != KippRecognition.NONE and year is None:
            self.add_error("kipp_year", _("Give the year of the KIPP award."))
        elif recognition == KippRecognition.NONE and year is not None:
            self.add_error("kipp_year", _("A KIPP year needs a KIPP recognition."))
        elif year is not None and not FIRST_KIPP_YEAR <= year <= this_year:
            self.add_error(
                "kipp_year",
                _("The KIPP year must be between %(first)s and %(last)s.")
                % {"first": FIRST_KIPP_YEAR, "last": this_year},
            )
        return data


class DecisionForm(forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("request_changes", _("Request changes")),
        ("reject", _("Reject")),
        ("archive", _("Archive")),
    ]
    NOTE_REQUIRED = {"request_changes", "reject", "archive"}

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the innovator"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for every decision except approval."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["decision"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in self.DECISIONS if value in allowed
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["note"] = (data.get("note") or "").strip()
        if data.get("decision") in self.NOTE_REQUIRED and not data["note"]:
            self.add_error("note", _("Write a note: the innovator needs to know why."))
        return data
