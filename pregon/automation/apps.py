from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "pregon.automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        from pregon.automation import triggers

        # Events from contacts, sending, tracking and pop-ups enrol contacts and end waits,
        # in the emitters' transactions (pregon.lib.events).
        triggers.listen()
