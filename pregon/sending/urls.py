from django.urls import path
from django.views.generic import RedirectView

from pregon.sending import views

app_name = "sending"

urlpatterns = [
    path("remitentes/", views.sender_index, name="senders"),
    path("remitentes/nuevo/", views.sender_create, name="sender_create"),
    path("remitentes/<uuid:code>/editar/", views.sender_edit, name="sender_edit"),
    path("remitentes/<uuid:code>/eliminar/", views.sender_delete, name="sender_delete"),
    path("servidores/", views.backend_index, name="backends"),
    path("servidores/nuevo/<slug:kind>/", views.backend_create, name="backend_create"),
    path("servidores/<uuid:code>/editar/", views.backend_edit, name="backend_edit"),
    path("servidores/<uuid:code>/eliminar/", views.backend_delete, name="backend_delete"),
    path("servidores/<uuid:code>/probar/", views.backend_check, name="backend_check"),
    path("limites/", views.limits_edit, name="limits"),
    path("buzon-de-prueba/", views.outbox_index, name="outbox"),
    path("buzon-de-prueba/<str:name>/", views.outbox_detail, name="outbox_detail"),
    path("buzon-de-prueba/<str:name>/html/", views.outbox_html, name="outbox_html"),
    # The quota page became the consumption report; old bookmarks still lead there.
    path(
        "cuota/",
        RedirectView.as_view(pattern_name="reports:consumption", permanent=True),
        name="quota",
    ),
    path("enviarme-una-prueba/", views.header_test, name="header_test"),
]
