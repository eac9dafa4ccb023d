"""Beranda kerja: the signed-in user's work page, where sign-in lands (DESIGN.md section 5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from jipp.access import AuthedRequest
from jipp.work import work_of_request


@login_required
def work(request: AuthedRequest) -> HttpResponse:
    """What waits for each of the user's roles, with counts and the oldest few of each."""
    work = work_of_request(request)
    work.fill_rows()
    return render(request, "jipp/work.html", {"work": work})
