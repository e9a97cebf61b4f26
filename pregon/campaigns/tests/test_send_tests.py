"""Test sends (R19): sent at once, marked in the subject, never queued or billed (R20)."""

from django.test import TestCase
from django.utils import translation

from pregon.campaigns.tests.data import campaign_to, contacts_on_a_list
from pregon.campaigns.tests.smtp import Mailbox, smtp_server
from pregon.sending import engine
from pregon.sending.backends import Outcome
from pregon.sending.models import Message, QuotaDebit


class SendTestsTestCase(TestCase):
    def test_they_arrive_marked_and_are_not_billed(self) -> None:
        mailbox = Mailbox(
            lambda recipient, attempt: "550 5.1.1 no" if "nadie" in recipient else None
        )
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(3))
            campaign.unschedule()
            campaign.preheader = "Inscríbete antes del viernes, {{ nombre }}"
            with translation.override("es"):
                results = engine.send_tests(
                    campaign, ["persona0001@example.pe", "jefa@example.pe", "nadie@example.pe"]
                )
        self.assertEqual(
            [(address, result.outcome) for address, result in results],
            [
                ("persona0001@example.pe", Outcome.SENT),
                ("jefa@example.pe", Outcome.SENT),
                ("nadie@example.pe", Outcome.FAILED),
            ],
        )
        subjects = {message.recipient: message.parsed()["Subject"] for message in mailbox.received}
        # A contact's test shows their data; an address that is no contact, the fallbacks.
        self.assertEqual(subjects["persona0001@example.pe"], "[Prueba] Hola Nombre0001")
        self.assertEqual(subjects["jefa@example.pe"], "[Prueba] Hola")
        # The campaign's preheader, as its recipients will get it.
        [first] = [m for m in mailbox.received if m.recipient == "persona0001@example.pe"]
        html = first.parsed().get_body(("html",)).get_content()
        self.assertIn("Inscríbete antes del viernes, Nombre0001", html)
        self.assertFalse(Message.objects.exists())
        self.assertFalse(QuotaDebit.objects.exists())
