from django.urls import path

from pregon.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_index, name="index"),
    path("nuevo/", views.endpoint_create, name="create"),
    path("hosts/", views.host_add, name="host_add"),
    path("hosts/<int:pk>/quitar/", views.host_delete, name="host_delete"),
    path("<uuid:code>/", views.endpoint_detail, name="detail"),
    path("<uuid:code>/editar/", views.endpoint_edit, name="edit"),
    path("<uuid:code>/rotar-secreto/", views.endpoint_rotate, name="rotate"),
    path("<uuid:code>/activar/", views.endpoint_toggle, name="toggle"),
    path("<uuid:code>/eliminar/", views.endpoint_delete, name="delete"),
    path("<uuid:code>/entregas/<int:pk>/reenviar/", views.delivery_resend, name="resend"),
]
