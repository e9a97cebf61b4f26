"""The site's URLs and one screen that fails, for the delivery pack's evidence check."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from pregon.urls import urlpatterns as site


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this screen fails")


urlpatterns = [path("averia/", crash, name="crash"), *site]
