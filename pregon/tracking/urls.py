from django.urls import path

from pregon.tracking import webhooks
from pregon.tracking.views import conversions, links, mailboxes, preferences, sms, web_version

app_name = "tracking"

urlpatterns = [
    path("t/baja/<str:token>/", links.unsubscribe, name="unsubscribe"),
    path("preferencias/<str:token>/", preferences.preferences, name="preferences"),
    path("t/ver/<str:token>", web_version.web_version_page, name="web_version"),
    path("t/o/<str:token>.gif", links.opened, name="open"),
    path("t/c/<str:token>", links.clicked, name="click"),
    path("t/v/<str:token>.gif", conversions.converted, name="convert"),
    path("t/v.js", conversions.script, name="conversion_script"),
    # SMS: short links inside them, and each gateway's receipts and replies.
    path("s/<str:token>", sms.short_link, name="sms_link"),
    path("t/sms/<uuid:code>/dlr/", sms.receipt, name="sms_receipt"),
    path("t/sms/<uuid:code>/entrante/", sms.inbound, name="sms_inbound"),
    # Providers' webhooks: the addresses given to each provider (docs/manual/webhooks.md).
    path(
        "t/webhooks/amazon_ses/",
        webhooks.endpoint(webhooks.AmazonSes),
        name="webhook_amazon_ses",
    ),
    path("t/webhooks/brevo/", webhooks.endpoint(webhooks.Brevo), name="webhook_brevo"),
    path(
        "t/webhooks/mailgun/",
        webhooks.endpoint(webhooks.Mailgun, "MAILGUN_WEBHOOK_SIGNING_KEY"),
        name="webhook_mailgun",
    ),
    path("t/webhooks/postmark/", webhooks.endpoint(webhooks.Postmark), name="webhook_postmark"),
    path("t/webhooks/sendgrid/", webhooks.endpoint(webhooks.SendGrid), name="webhook_sendgrid"),
    # Administration: the bounce mailboxes.
    path("rebotes/buzones/", mailboxes.mailbox_index, name="mailboxes"),
    path("rebotes/buzones/nuevo/", mailboxes.mailbox_create, name="mailbox_create"),
    path("rebotes/buzones/<uuid:code>/editar/", mailboxes.mailbox_edit, name="mailbox_edit"),
    path(
        "rebotes/buzones/<uuid:code>/eliminar/",
        mailboxes.mailbox_delete,
        name="mailbox_delete",
    ),
    path("rebotes/buzones/<uuid:code>/revisar/", mailboxes.mailbox_check, name="mailbox_check"),
]
