"""The sending domains screens (pregon.domains.views). The deliverability checklist joins
this namespace in pregon/urls.py: it reads the sending app's data."""

from django.urls import path

from pregon.domains.views import domains

app_name = "domains"

urlpatterns = [
    path("", domains.domain_index, name="index"),
    path("nuevo/", domains.domain_create, name="create"),
    path("<uuid:code>/", domains.domain_detail, name="detail"),
    path("<uuid:code>/verificar/", domains.domain_verify, name="verify"),
    path("<uuid:code>/rotar-claves/", domains.domain_rotate, name="rotate"),
    path("<uuid:code>/ruta-de-retorno/", domains.domain_return_path, name="return_path"),
]
