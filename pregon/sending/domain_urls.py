"""The sending domains screens and the deliverability checklist (pregon.sending.domain_views)."""

from django.urls import path

from pregon.sending import domain_views

app_name = "domains"

urlpatterns = [
    path("", domain_views.domain_index, name="index"),
    path("nuevo/", domain_views.domain_create, name="create"),
    path("entregabilidad/", domain_views.checklist, name="checklist"),
    path("<uuid:code>/", domain_views.domain_detail, name="detail"),
    path("<uuid:code>/verificar/", domain_views.domain_verify, name="verify"),
    path("<uuid:code>/rotar-claves/", domain_views.domain_rotate, name="rotate"),
    path("<uuid:code>/ruta-de-retorno/", domain_views.domain_return_path, name="return_path"),
]
