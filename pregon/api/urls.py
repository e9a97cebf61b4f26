from django.urls import path, re_path

from pregon.api.api import api
from pregon.api.errors import endpoint_not_found

# Included at /api/v1/ by pregon/urls.py; the namespace lets the docs page find the document.
app_name = "api"
urlpatterns = [
    path("", endpoint_not_found),
    *api.urls[0],
    re_path(r"^(?P<path>.+)$", endpoint_not_found),
]
