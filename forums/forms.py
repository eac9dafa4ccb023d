"""Validation of what forum admins type; the services check the same rules again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums import services
from forums.display import local
from forums.materials import check_recording_url
from forums.models import DEFAULT_ZONE, ForumLevel, ForumMode, ForumSession, ParticipantAnswer
from jipp.models import Institution, Province
from jipp.pickers import InnovationPickerField, PickerInput, resolve_institution

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_FORMAT, **kwargs)


class SessionForm(forms.Form):
    """A session; its times are typed on the host province's clock (WIB without a host)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.IntegerField(
        label=_("Number in the year"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Optional. For example 6, for the 6th FRIPP of the year."),
        widget=forms.NumberInput(attrs={"placeholder": _("e.g. 6")}),
    )
    # National by default: a regional forum also needs its host, so the default saves.
    level = forms.ChoiceField(
        label=_("Level"), choices=ForumLevel.choices, initial=ForumLevel.NATIONAL
    )
    host_province = forms.ModelChoiceField(
        label=_("Host province"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("None (national or international forum)"),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        help_text=_("In the host province's local time (WIB, WITA or WIT; WIB without a host)."),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=ForumMode.choices)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    meeting_url = forms.URLField(
        label=_("Meeting link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to invited participants and forum staff."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, session: ForumSession | None = None, **kwargs: Any) -> None:
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(session)
        super().__init__(*args, **kwargs)
        self.session = session
        if session is None:
            del self.fields["version"]

    @staticmethod
    def initial_for(session: ForumSession) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(session, name) for name in services.SESSION_FIELDS}
        # Naive local times: the form shows what the host province's clock says.
        initial["starts_at"] = local(session.starts_at, session)
        initial["ends_at"] = local(session.ends_at, session)
        initial["version"] = services.version_of(session)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        host: Province | None = data.get("host_province")
        zone = host.tzinfo if host else Province(timezone=DEFAULT_ZONE).tzinfo
        for name in ("starts_at", "ends_at"):
            value: datetime | None = data.get(name)
            if value is not None:
                # Django read the typed time on the server's clock; it is the host's.
                naive = timezone.make_naive(value) if timezone.is_aware(value) else value
                data[name] = naive.replace(tzinfo=zone)
        try:
            services.check_host(data.get("level", ""), host)
            services.check_times(data.get("starts_at"), data.get("ends_at"))
            if data.get("starts_at") and data.get("ends_at") and host is not None:
                other = services.overlapping(
                    host,
                    data["starts_at"],
                    data["ends_at"],
                    exclude=self.session.pk if self.session else None,
                )
                if other is not None:
                    raise services.overlap_error(other)
        except ValidationError as error:
            self.add_error(None, error)
        return data


class PageForm(forms.Form):
    """One of several forms on the management page: its ids must not collide."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PresentationForm(PageForm):
    id_prefix = "presentation"

    innovation = InnovationPickerField(label=_("Innovation"))
    presenter = forms.CharField(
        label=_("Presenter (institution or role)"), max_length=200, required=False
    )


class InstitutionInviteForm(PageForm):
    id_prefix = "invite"
    institution = forms.CharField(
        label=_("Institution"),
        max_length=300,
        help_text=_(
            "Type a few letters of its name and choose from the list, or type its exact "
            "name; all its users are invited."
        ),
        widget=PickerInput("pick_institutions", include="#invite_province"),
    )
    province = forms.ModelChoiceField(
        label=_("Province of the institution"),
        queryset=Province.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any (needed only when names repeat)"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("institution"):
            province: Province | None = data.get("province")
            institutions = Institution.objects.all()
            if province is not None:
                institutions = institutions.filter(province=province)
            try:
                data["found"] = resolve_institution(data["institution"], institutions)
            except ValidationError as error:
                self.add_error("institution", error)
        return data

    @property
    def found_institution(self) -> Institution:
        return self.cleaned_data["found"]


class EmailInviteForm(PageForm):
    id_prefix = "guest"
    email = forms.EmailField(label=_("E-mail address"))


class CancelForm(PageForm):
    id_prefix = "cancel"
    reason = forms.CharField(
        label=_("Reason (participants will read it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(PageForm):
    id_prefix = "outcome"
    innovation = InnovationPickerField(label=_("Innovation to replicate"))
    province = forms.ModelChoiceField(
        label=_("Announcing province"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("The host province"),
    )


class AnswerForm(PageForm):
    """An invitee's answer, from the session page or an e-mailed link."""

    id_prefix = "answer"
    answer = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=ParticipantAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the answers: attending, not attending or not sure yet."),
            "invalid_choice": _(
                "Choose one of the answers: attending, not attending or not sure yet."
            ),
        },
    )


ATTENDANCE_CHOICES = [("", _("Not known")), ("yes", _("Attended")), ("no", _("Absent"))]


def attendance_marks(post: Any, participant_ids: list[int]) -> dict[int, bool | None]:
    """The attendance form's answers: unknown values are left as they were (not sent)."""
    marks: dict[int, bool | None] = {}
    for pk in participant_ids:
        value = post.get(f"attended-{pk}")
        if value in ("", "yes", "no"):
            marks[pk] = {"": None, "yes": True, "no": False}[value]
    return marks


class MaterialsForm(forms.Form):
    """A presentation's slides and recording link; what is published needs the consent."""

    slides = forms.FileField(
        label=_("Slides"),
        required=False,
        help_text=_(
            "PDF, PowerPoint (.pptx, .ppt) or OpenDocument (.odp), at most 10 MB. A new file "
            "replaces the one there. Once the session is held, anyone can download it."
        ),
    )
    recording_url = forms.CharField(
        label=_("Recording link"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://www.youtube.com/watch?v=…"}),
        help_text=_(
            "The address of the recording on a video site, starting with https://. It is shown "
            "as a link, never played inside the portal. Leave it empty to remove the link."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I confirm that the people shown in the slides and the recording agreed to their "
            "publication (Law 27/2022 on Personal Data Protection)."
        ),
        error_messages={
            "required": _(
                "Confirm that the people shown in the slides and the recording agreed to "
                "their publication: the materials become public."
            )
        },
    )

    def clean_recording_url(self) -> str:
        url = check_recording_url(self.cleaned_data.get("recording_url") or "")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as error:
                raise ValidationError(
                    _("Enter the recording's web address, starting with https:// or http://."),
                    code="invalid",
                ) from error
        return url
