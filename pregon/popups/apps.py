from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopupsConfig(AppConfig):
    name = "pregon.popups"
    verbose_name = _("Pop-ups")
