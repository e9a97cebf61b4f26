from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopupsConfig(AppConfig):
    name = "pregon.popups"
    verbose_name = _("Pop-ups")

    def ready(self) -> None:
        from pregon.contacts import segments
        from pregon.lib import events
        from pregon.popups import conversions, moodle_conversions
        from pregon.popups.segment_rules import POPUPS

        # Segment rules on pop-ups (saw, clicked): contacts may not import popups.
        segments.register(POPUPS)
        # Pop-up clicks' conversion tokens, at the conversion pixel: tracking may not import
        # popups.
        conversions.register()
        # A Moodle sync's new enrolments in the course a pop-up announced, after a click on
        # it, are its conversions: moodle may not import popups.
        events.listen([events.MOODLE_ENROLLED], moodle_conversions.record)
