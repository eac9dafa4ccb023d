from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from jipp import account_requests
from jipp.models import AccountRequest, Institution, InstitutionKind, Province, Role, User
from jipp.pickers import InstitutionPickerField


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    # Typed with suggestions (jipp.pickers): a list of every institution is too long.
    institution = InstitutionPickerField(
        label=_("Institution"),
        required=False,
        help_text=_(
            "Required for innovators: the institution whose innovations they manage. Type a "
            "few letters of its name and choose from the list, or type its exact name."
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        help_text=_("Required for Bappeda officers: the province whose plans they file."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role == Role.BAPPEDA and not data.get("province"):
            self.add_error("province", _("A Bappeda officer needs a province."))
        if role == Role.INNOVATOR and not data.get("institution"):
            self.add_error("institution", _("An innovator needs an institution."))
        return data


class AcceptInvitationForm(SetPasswordForm):
    """Choosing a password is what accepts an invitation."""


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("invited", _("Invitation pending")),
            ("inactive", _("Deactivated")),
        ],
    )


# Account requests ---------------------------------------------------------------------

CENTRAL_KINDS = {InstitutionKind.MINISTRY, InstitutionKind.AGENCY, InstitutionKind.SOE}


class AccountRequestForm(forms.ModelForm):
    class Meta:
        model = AccountRequest
        fields = [
            "institution_name",
            "institution_kind",
            "province",
            "contact_name",
            "contact_email",
            "position",
            "phone",
            "message",
        ]
        labels = {"contact_name": _("Your name"), "position": _("Your position")}
        help_texts = {
            "contact_email": _("Your institutional address: the invitation is sent there."),
            "message": _(
                "Which innovations you want to register, or anything reviewers should know."
            ),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def clean_contact_email(self) -> str:
        # No word on whether the address has an account or a request: see submit_account_request.
        return str(self.cleaned_data["contact_email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("institution_kind")
        if kind and kind not in CENTRAL_KINDS and not data.get("province"):
            self.add_error("province", _("A regional institution needs its province."))
        return data


class ApproveAccountRequestForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Existing institution"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("None: create the institution from the request"),
    )

    confirmed = forms.BooleanField(
        label=_("I have checked that this person works for this institution"),
        required=False,
        help_text=_("Needed when the e-mail address does not show it."),
    )
    record_domain = forms.BooleanField(
        label=_("Record the address's domain as the institution's e-mail domain"),
        required=False,
        help_text=_("Later requests from this domain are then matched to the institution."),
    )

    def __init__(self, account_request: AccountRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_request = account_request
        # The account belongs to an institution of the requester's province (or a central one).
        field = cast(forms.ModelChoiceField, self.fields["institution"])
        field.queryset = Institution.objects.filter(province=account_request.province)
        if account_requests.is_personal_mailbox(account_request.contact_email):
            del self.fields["record_domain"]
        else:
            self.fields["record_domain"].label = _(
                "Record %(domain)s as the institution's e-mail domain"
            ) % {"domain": account_requests.email_domain(account_request.contact_email)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        warning = account_requests.institution_warning(
            self.account_request, data.get("institution")
        )
        if warning and not data.get("confirmed"):
            self.add_error("confirmed", warning)
        return data


class DeclineAccountRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the requester"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the requester by e-mail."),
    )
