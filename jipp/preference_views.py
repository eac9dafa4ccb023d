"""The signed-in user's own preferences: how reminders and plan messages reach them, the
language of e-mail."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.access import AuthedRequest
from jipp.models import ZONE_LABELS, NotificationChannel, User


class PreferencesForm(forms.ModelForm):
    reminder_channel = forms.ChoiceField(
        label=gettext_lazy("Reminders and messages"),
        choices=NotificationChannel.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of e-mail"), choices=settings.LANGUAGES
    )

    class Meta:
        model = User
        fields = ["reminder_channel", "language"]


def digest_zone(user: User) -> str:
    """The digest goes at 08:30 in the user's province; WIB without a province."""
    return user.province.zone_label if user.province else ZONE_LABELS[settings.TIME_ZONE]


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    user = User.objects.select_related("province").get(pk=request.user.pk)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(
        request, "accounts/preferences.html", {"form": form, "digest_zone": digest_zone(user)}
    )
