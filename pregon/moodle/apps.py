from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoodleConfig(AppConfig):
    name = "pregon.moodle"
    verbose_name = _("Moodle")

    def ready(self) -> None:
        from pregon.contacts import segments
        from pregon.moodle.segment_rules import CATEGORIES, COMPLETIONS, ENROLMENTS

        # Segment rules on courses, completions and categories: contacts may not import
        # moodle, so moodle hands it the rules (pregon.contacts.segments.fields.register).
        segments.register(ENROLMENTS)
        segments.register(COMPLETIONS)
        segments.register(CATEGORIES)
