"""What an innovator types to add a kit document, and what a reviewer decides on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innovations.kit import KitDocument, KitKind, KitLanguage, KitStatus
from innovations.kit_services import check_link
from innovations.models import Innovation
from jipp.uploads import ALLOWED, check_upload


class KitDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=KitKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Shown publicly on the innovation's page once approved."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=KitLanguage.choices, initial=KitLanguage.INDONESIAN
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, image or office document, at most 10 MB. Once approved, anyone "
            "can download it: remove personal data (names, phone numbers) first."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED)}),
    )
    url = forms.URLField(
        label=_("Or a link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("An http:// or https:// address, e.g. a video or the regulation's page."),
    )
    replaces = forms.ModelChoiceField(
        label=_("New version of"),
        queryset=KitDocument.objects.none(),
        required=False,
        empty_label=_("None: a new document"),
        help_text=_("Once this one is approved, the older version is no longer shown."),
    )

    def __init__(self, *args: Any, innovation: Innovation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = KitDocument.objects.filter(  # type: ignore[attr-defined]
            innovation=innovation, status=KitStatus.APPROVED
        ).order_by("kind", "title", "id")

    def clean_url(self) -> str:
        url = (self.cleaned_data.get("url") or "").strip()
        return check_link(url) if url else ""

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_file, has_url = bool(data.get("file")), bool(data.get("url"))
        if "file" not in self.errors and "url" not in self.errors and has_file == has_url:
            raise ValidationError(_("Upload a file or give a link, not both."))
        replaces = data.get("replaces")
        if replaces is not None and data.get("kind") and replaces.kind != data["kind"]:
            self.add_error(
                "replaces", _("A new version must be of the same kind as the document it replaces.")
            )
        return data


class KitDecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve and publish")), ("reject", _("Reject"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the innovator"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["note"] = (data.get("note") or "").strip()
        if data.get("decision") == "reject" and not data["note"]:
            self.add_error("note", _("Write a note: the innovator needs to know why."))
        return data
