"""Accounts the ministry manages: invitations, deactivation, and accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jipp import emails, services
from jipp.access import AuthedRequest, role_required
from jipp.forms import AcceptInvitationForm, InviteForm, UserFilterForm
from jipp.models import Role, User


def _filtered_users(form: UserFilterForm) -> QuerySet[User]:
    users = User.objects.select_related("institution", "province").prefetch_related("groups")
    if not form.is_valid():
        return users.none()
    data = form.cleaned_data
    if data["q"]:
        q = data["q"]
        users = users.filter(
            Q(username__icontains=q)
            | Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(institution__name__icontains=q)
        )
    if data["role"]:
        users = users.filter(groups__name=data["role"])
    if data["state"] == "active":
        users = users.filter(is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    elif data["state"] == "invited":
        users = users.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    elif data["state"] == "inactive":
        users = users.filter(is_active=False)
    return users.order_by("-is_active", "last_name", "first_name", "username")


@role_required(Role.MINISTRY)
def user_list(request: AuthedRequest) -> HttpResponse:
    form = UserFilterForm(request.GET)
    page = Paginator(_filtered_users(form), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@role_required(Role.MINISTRY)
def user_invite(request: AuthedRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("user_list")
    return render(request, "accounts/user_invite.html", {"form": form})


@require_POST
@role_required(Role.MINISTRY)
def user_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(by=request.user, user=user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
        messages.success(request, text % {"name": user.get_full_name() or user.username})
    return redirect("user_list")


@require_POST
@role_required(Role.MINISTRY)
def user_resend_invitation(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        services.resend_invitation(by=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
    return redirect("user_list")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    user = emails.user_for_invitation(token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to JIPP. Your password is set."))
        return redirect("work")  # where every sign-in lands
    return render(request, "accounts/accept_invitation.html", {"form": form, "invited": user})
