from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "pregon.webhooks"
    verbose_name = _("Outgoing webhooks")

    def ready(self) -> None:
        from pregon.lib import events
        from pregon.webhooks import outbox

        # Every event may have subscribers: the listener looks the endpoints up itself.
        events.listen(events.NAMES, outbox.record)
