from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from jipp.models import Institution, Province, Role, User


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.select_related("province"),
        required=False,
        help_text=_("Required for innovators: the institution whose innovations they manage."),
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
