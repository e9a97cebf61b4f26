from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "pregon.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from pregon.campaigns import moodle_conversions
        from pregon.campaigns.segment_rules import ENGAGEMENT
        from pregon.contacts import segments
        from pregon.lib import events

        # Segment rules on opens and clicks: contacts may not import campaigns, tracking or
        # sending, so campaigns hands it the rules (pregon.contacts.segments.fields.register).
        segments.register(ENGAGEMENT)
        # A Moodle sync's new enrolments in the course a campaign announced, after a click,
        # are its conversions: moodle may not import campaigns.
        events.listen([events.MOODLE_ENROLLED], moodle_conversions.record)
