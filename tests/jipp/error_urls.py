"""The portal's URLs and one that fails, for the server-error page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from jipp.urls import handler400, handler500
from jipp.urls import urlpatterns as portal

__all__ = ["handler400", "handler500", "urlpatterns"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *portal]
