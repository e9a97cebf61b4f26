from django.urls import path
from django.views.generic import RedirectView

from pregon.sending.views import backends, header_test, limits, outbox, senders, sms

app_name = "sending"

urlpatterns = [
    path("remitentes/", senders.sender_index, name="senders"),
    path("remitentes/nuevo/", senders.sender_create, name="sender_create"),
    path("remitentes/<uuid:code>/editar/", senders.sender_edit, name="sender_edit"),
    path("remitentes/<uuid:code>/eliminar/", senders.sender_delete, name="sender_delete"),
    path("servidores/", backends.backend_index, name="backends"),
    path("servidores/nuevo/<slug:kind>/", backends.backend_create, name="backend_create"),
    path("servidores/<uuid:code>/editar/", backends.backend_edit, name="backend_edit"),
    path("servidores/<uuid:code>/eliminar/", backends.backend_delete, name="backend_delete"),
    path("servidores/<uuid:code>/probar/", backends.backend_check, name="backend_check"),
    path("sms/", sms.gateway_index, name="sms_gateways"),
    path("sms/nuevo/<slug:kind>/", sms.gateway_create, name="sms_gateway_create"),
    path("sms/<uuid:code>/editar/", sms.gateway_edit, name="sms_gateway_edit"),
    path("sms/<uuid:code>/eliminar/", sms.gateway_delete, name="sms_gateway_delete"),
    path("sms/probar/", sms.gateway_test, name="sms_gateway_test"),
    path("limites/", limits.limits_edit, name="limits"),
    path("buzon-de-prueba/", outbox.outbox_index, name="outbox"),
    path("buzon-de-prueba/<str:name>/", outbox.outbox_detail, name="outbox_detail"),
    path("buzon-de-prueba/<str:name>/html/", outbox.outbox_html, name="outbox_html"),
    # The quota page became the consumption report; old bookmarks still lead there.
    path(
        "cuota/",
        RedirectView.as_view(pattern_name="reports:consumption", permanent=True),
        name="quota",
    ),
    path("enviarme-una-prueba/", header_test.header_test, name="header_test"),
]
