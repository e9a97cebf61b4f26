from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "pregon.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from pregon.campaigns.segment_rules import ENGAGEMENT
        from pregon.contacts import segments

        # Segment rules on opens and clicks: contacts may not import campaigns, tracking or
        # sending, so campaigns hands it the rules (pregon.contacts.segments.fields.register).
        segments.register(ENGAGEMENT)
