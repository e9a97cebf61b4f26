from django.urls import path

from pregon.webhooks.views import endpoints, hosts, log

app_name = "webhooks"

urlpatterns = [
    path("", endpoints.endpoint_index, name="index"),
    path("nuevo/", endpoints.endpoint_create, name="create"),
    path("hosts/", hosts.host_add, name="host_add"),
    path("hosts/<int:pk>/quitar/", hosts.host_delete, name="host_delete"),
    path("llamadas/rotar-secreto/", endpoints.call_secret_rotate, name="call_rotate"),
    path("<uuid:code>/", log.endpoint_detail, name="detail"),
    path("<uuid:code>/editar/", endpoints.endpoint_edit, name="edit"),
    path("<uuid:code>/rotar-secreto/", endpoints.endpoint_rotate, name="rotate"),
    path("<uuid:code>/activar/", endpoints.endpoint_toggle, name="toggle"),
    path("<uuid:code>/eliminar/", endpoints.endpoint_delete, name="delete"),
    path("<uuid:code>/entregas/<int:pk>/reenviar/", log.delivery_resend, name="resend"),
]
