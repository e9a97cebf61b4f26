from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "pregon.forms"
    label = "signup_forms"
    verbose_name = _("Signup forms")
