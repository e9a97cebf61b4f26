from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoodleConfig(AppConfig):
    name = "pregon.moodle"
    verbose_name = _("Moodle")
