from django.urls import path

from pregon.campaigns.views import approval, campaigns, sending

app_name = "campaigns"

urlpatterns = [
    # The list and the draft (views/campaigns.py).
    path("", campaigns.campaign_index, name="index"),
    path("nueva/", campaigns.campaign_create, name="create"),
    path("nueva-sms/", campaigns.sms_campaign_create, name="create_sms"),
    path("<uuid:code>/editar/", campaigns.campaign_edit, name="edit"),
    path("<uuid:code>/eliminar/", campaigns.campaign_delete, name="delete"),
    path("<uuid:code>/duplicar/", campaigns.campaign_duplicate, name="duplicate"),
    # The detail page, its buttons and its progress card (views/sending.py).
    path("<uuid:code>/", sending.campaign_detail, name="detail"),
    path("<uuid:code>/progreso/", sending.campaign_progress, name="progress"),
    path("<uuid:code>/enviar-ahora/", sending.campaign_send_now, name="send_now"),
    path("<uuid:code>/programar/", sending.campaign_schedule, name="schedule"),
    path("<uuid:code>/desprogramar/", sending.campaign_unschedule, name="unschedule"),
    path("<uuid:code>/pausar/", sending.campaign_pause, name="pause"),
    path("<uuid:code>/reanudar/", sending.campaign_resume, name="resume"),
    path("<uuid:code>/cancelar/", sending.campaign_cancel, name="cancel"),
    path("<uuid:code>/prueba/", sending.campaign_test, name="test"),
    path("<uuid:code>/prueba-sms/", sending.campaign_test_sms, name="test_sms"),
    # Approval (views/approval.py).
    path("aprobacion/", approval.approval_settings, name="approval_settings"),
    path("<uuid:code>/pedir-aprobacion/", approval.approval_request, name="approval_request"),
    path("<uuid:code>/aprobar/", approval.approval_decide, name="approval_decide"),
]
