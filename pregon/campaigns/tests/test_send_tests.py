"""Test sends (R19): sent at once, marked in the subject, never queued or billed (R20)."""

from django.test import TestCase
from django.utils import translation

from pregon.contacts.models import Contact
from pregon.sending import engine
from pregon.sending.models import Message, QuotaDebit
from pregon.sending.transports import Outcome
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server


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
                sample = Contact.objects.get(email="persona0002@example.pe")
                results = engine.send_tests(
                    campaign,
                    ["persona0001@example.pe", "jefa@example.pe", "nadie@example.pe"],
                    sample,
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
        # Every test shows the sample contact's data, whoever it goes to.
        self.assertEqual(
            subjects,
            {
                "persona0001@example.pe": "[Prueba] Hola Nombre0002",
                "jefa@example.pe": "[Prueba] Hola Nombre0002",
            },
        )
        # The campaign's preheader, as its recipients will get it.
        [first] = [m for m in mailbox.received if m.recipient == "jefa@example.pe"]
        html = first.parsed().get_body(("html",)).get_content()
        self.assertIn("Inscríbete antes del viernes, Nombre0002", html)
        self.assertFalse(Message.objects.exists())
        self.assertFalse(QuotaDebit.objects.exists())

    def test_the_samples_name_is_not_put_on_another_persons_address(self) -> None:
        mailbox = Mailbox(lambda recipient, attempt: None)
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(3))
            campaign.unschedule()
            sample = Contact.objects.get(email="persona0002@example.pe")
            sample.last_name = "Peña"
            sample.save()
            engine.send_tests(campaign, ["jefa@example.pe", "persona0002@example.pe"], sample)
        to = {message.recipient: message.parsed()["To"] for message in mailbox.received}
        self.assertEqual(
            to,
            {
                "jefa@example.pe": "jefa@example.pe",
                "persona0002@example.pe": "Nombre0002 Peña <persona0002@example.pe>",
            },
        )

    def test_without_a_sample_the_merge_tags_show_their_fallbacks(self) -> None:
        mailbox = Mailbox(lambda recipient, attempt: None)
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(1))
            campaign.unschedule()
            with translation.override("es"):
                engine.send_tests(campaign, ["persona0000@example.pe"])
        [message] = mailbox.received
        self.assertEqual(message.parsed()["Subject"], "[Prueba] Hola")

    def test_an_address_that_is_not_valid_fails_alone(self) -> None:
        mailbox = Mailbox(lambda recipient, attempt: None)
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(1))
            campaign.unschedule()
            with translation.override("es"):
                results = engine.send_tests(
                    campaign, ["admin@localhost", "jefa@example.pe", "no-es-correo"]
                )
        self.assertEqual(
            [(address, result.outcome) for address, result in results],
            [
                ("admin@localhost", Outcome.FAILED),
                ("jefa@example.pe", Outcome.SENT),
                ("no-es-correo", Outcome.FAILED),
            ],
        )
        self.assertEqual(
            results[0][1].reply, "“admin@localhost” no es un correo electrónico válido."
        )
        self.assertEqual([message.recipient for message in mailbox.received], ["jefa@example.pe"])
