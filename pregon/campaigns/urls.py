from django.urls import path

from pregon.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="index"),
    path("nueva/", views.campaign_create, name="create"),
    path("<uuid:code>/", views.campaign_detail, name="detail"),
    path("<uuid:code>/editar/", views.campaign_edit, name="edit"),
    path("<uuid:code>/eliminar/", views.campaign_delete, name="delete"),
    path("<uuid:code>/progreso/", views.campaign_progress, name="progress"),
    path("<uuid:code>/enviar-ahora/", views.campaign_send_now, name="send_now"),
    path("<uuid:code>/programar/", views.campaign_schedule, name="schedule"),
    path("<uuid:code>/desprogramar/", views.campaign_unschedule, name="unschedule"),
    path("<uuid:code>/pausar/", views.campaign_pause, name="pause"),
    path("<uuid:code>/reanudar/", views.campaign_resume, name="resume"),
    path("<uuid:code>/cancelar/", views.campaign_cancel, name="cancel"),
    path("<uuid:code>/duplicar/", views.campaign_duplicate, name="duplicate"),
    path("<uuid:code>/prueba/", views.campaign_test, name="test"),
]
