from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SendingConfig(AppConfig):
    name = "pregon.sending"
    verbose_name = _("Sending")
