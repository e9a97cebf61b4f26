from django.urls import path

from pregon.campaigns.views import ab, approval, campaigns, resend, sending, sharing

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
    # The A/B test (views/ab.py).
    path("<uuid:code>/prueba-ab/", ab.campaign_ab, name="ab"),
    path("<uuid:code>/prueba-ab/quitar/", ab.campaign_ab_remove, name="ab_remove"),
    path("<uuid:code>/prueba-ab/ganadora/", ab.campaign_ab_winner, name="ab_winner"),
    # Resends to those who did not open, and to those not reached (views/resend.py).
    path("<uuid:code>/reenviar/", resend.resend_non_openers, name="resend_non_openers"),
    path("<uuid:code>/no-recibieron/", resend.resend_unreached, name="resend_unreached"),
    # Sharing: the public version's switch, and the public page itself (views/sharing.py).
    path("<uuid:code>/version-publica/", sharing.campaign_publish, name="publish"),
    path("publica/<str:token>/", sharing.public_page, name="public"),
    # Approval (views/approval.py).
    path("aprobacion/", approval.approval_settings, name="approval_settings"),
    path("<uuid:code>/pedir-aprobacion/", approval.approval_request, name="approval_request"),
    path("<uuid:code>/aprobar/", approval.approval_decide, name="approval_decide"),
]
