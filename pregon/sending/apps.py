from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SendingConfig(AppConfig):
    name = "pregon.sending"
    verbose_name = _("Sending")

    def ready(self) -> None:
        # The domains app sits below this one and may not import it; it is given what only
        # sending knows: the relays' SPF mechanisms, and the refusals on a domain's page.
        from pregon.contacts import segments
        from pregon.domains import records
        from pregon.domains.views import domains
        from pregon.sending import deliverability
        from pregon.sending.segment_rules import RECEIVED
        from pregon.sending.views import deliverability as deliverability_views

        records.register_spf_mechanisms(deliverability.spf_mechanisms)
        domains.register_panel(deliverability_views.refusal_panel)
        # The rule on emails received: contacts may not import sending.
        segments.register(RECEIVED)
