import asyncio
import email
import email.policy
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.urls import reverse

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact
from pregon.sending.models import Backend, BackendKind, Message, QuotaDebit, Security
from pregon.testing import BaseTestCase, drafts


class Inbox:
    """An SMTP server's handler that keeps what it accepts, and refuses "rechazo@"."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address.startswith("rechazo@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append((envelope.rcpt_tos[0], envelope.original_content))
        return "250 2.0.0 Ok: queued as 4XyZ"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CampaignTestSendTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(to=drafts.mailing_list())
        self.url = reverse("campaigns:test", args=[self.campaign.code])
        self.detail = reverse("campaigns:detail", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def serve(self) -> Inbox:
        """A real SMTP server on loopback, made the delivery backend in use."""
        inbox, port, loop = Inbox(), free_port(), asyncio.new_event_loop()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, loop=loop)
        controller.start()
        self.addCleanup(loop.close)
        self.addCleanup(controller.stop)
        Backend.objects.create(
            name="Relé local",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=port,
            security=Security.NONE,
        )
        return inbox

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_analysts_may_not_send_tests(self) -> None:
        inbox = self.serve()
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.post(self.url, {"addresses": "jefa@example.pe"}).status_code, 403
        )
        self.assertEqual(inbox.received, [])

    def test_it_sends_and_shows_each_outcome(self) -> None:
        inbox = self.serve()
        data = {"addresses": "jefa@example.pe, rechazo@example.pe\nJEFA@example.pe"}
        response = self.client.post(self.url, data, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-address="jefa@example.pe" data-outcome="sent"')
        self.assertContains(response, 'data-address="rechazo@example.pe" data-outcome="failed"')
        self.assertContains(response, "No such user")
        self.assertEqual([to for to, _ in inbox.received], ["jefa@example.pe"])
        message = email.message_from_bytes(inbox.received[0][1], policy=email.policy.default)
        self.assertEqual(message["Subject"].strip(), "[Test] Hola")
        self.assertFalse(Message.objects.exists())
        self.assertFalse(QuotaDebit.objects.exists())

    def test_reloading_the_page_after_a_test_sends_nothing_again(self) -> None:
        inbox = self.serve()
        response = self.client.post(self.url, {"addresses": "jefa@example.pe"})
        self.assertRedirects(
            response, self.detail + "#campaign-test", fetch_redirect_response=False
        )
        shown = self.client.get(self.detail)
        self.assertContains(shown, 'data-address="jefa@example.pe" data-outcome="sent"')
        self.assertContains(shown, ">\njefa@example.pe</textarea>")  # The addresses stay.
        again = self.client.get(self.detail)
        self.assertNotContains(again, 'id="test-results"')
        self.assertEqual(len(inbox.received), 1)

    def test_it_works_in_any_status(self) -> None:
        inbox = self.serve()
        Campaign.objects.filter(pk=self.campaign.pk).update(status="sent")
        response = self.client.post(self.url, {"addresses": "jefa@example.pe"}, follow=True)
        self.assertContains(response, 'data-outcome="sent"')
        self.assertEqual(len(inbox.received), 1)

    def test_a_bad_address_fails_alone_and_the_others_still_go(self) -> None:
        inbox = self.serve()
        self.use_spanish()
        data = {"addresses": "admin@localhost, jefa@example.pe\nno-es-correo"}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, 'data-address="admin@localhost" data-outcome="failed"')
        self.assertContains(response, "“admin@localhost” no es un correo electrónico válido.")
        self.assertContains(response, 'data-address="no-es-correo" data-outcome="failed"')
        self.assertContains(response, 'data-address="jefa@example.pe" data-outcome="sent"')
        self.assertEqual([to for to, _ in inbox.received], ["jefa@example.pe"])

    def test_an_empty_or_too_long_list_is_refused_and_nothing_is_sent(self) -> None:
        inbox = self.serve()
        for addresses, message in (
            (", ,", "Write at least one address."),
            ("", "This field is required."),
            (" ".join(f"p{n}@example.pe" for n in range(6)), "Send a test to 5 addresses at most."),
        ):
            with self.subTest(addresses=addresses):
                response = self.client.post(self.url, {"addresses": addresses}, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertNotContains(response, 'id="test-results"')
        self.assertEqual(inbox.received, [])

    def test_every_message_shows_the_chosen_sample_contacts_data(self) -> None:
        inbox = self.serve()
        Contact.objects.filter(email="participantes1@example.pe").update(first_name="Rosa")
        sample = Contact.objects.get(email="participantes1@example.pe")
        data = {"addresses": "jefa@example.pe, participantes0@example.pe", "contact": sample.code}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "data-sample")
        self.assertContains(response, "Sent with the data of Rosa")
        subjects = {
            to: email.message_from_bytes(data, policy=email.policy.default)["Subject"].strip()
            for to, data in inbox.received
        }
        self.assertEqual(
            subjects,
            {
                "jefa@example.pe": "[Test] Hola Rosa",
                "participantes0@example.pe": "[Test] Hola Rosa",
            },
        )

    def test_without_a_choice_the_audiences_first_contact_is_the_sample(self) -> None:
        inbox = self.serve()
        Contact.objects.update(first_name="Luis")
        Contact.objects.filter(email="participantes2@example.pe").update(first_name="Ana")
        self.client.post(self.url, {"addresses": "jefa@example.pe"}, follow=True)
        [(_to, data)] = inbox.received
        message = email.message_from_bytes(data, policy=email.policy.default)
        self.assertEqual(message["Subject"].strip(), "[Test] Hola Ana")

    def test_without_recipients_yet_a_subscribed_contact_is_the_sample(self) -> None:
        # A newcomer tests a draft before choosing its lists: "Hola Ana", not "Hola ".
        inbox = self.serve()
        self.campaign.include_lists.clear()
        Contact.objects.create(email="baja@example.pe", first_name="Baja", status="unsubscribed")
        Contact.objects.filter(email="participantes2@example.pe").update(first_name="Ana")
        page = self.client.get(reverse("campaigns:detail", args=[self.campaign.code]))
        self.assertContains(page, "Ana &lt;participantes2@example.pe&gt;")
        self.assertNotContains(page, "baja@example.pe")
        self.client.post(self.url, {"addresses": "jefa@example.pe"}, follow=True)
        [(_to, data)] = inbox.received
        message = email.message_from_bytes(data, policy=email.policy.default)
        self.assertEqual(message["Subject"].strip(), "[Test] Hola Ana")

    def test_a_contact_outside_the_audience_is_refused(self) -> None:
        inbox = self.serve()
        outsider = Contact.objects.create(email="ajeno@example.pe", first_name="Ajeno")
        data = {"addresses": "jefa@example.pe", "contact": outsider.code}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "That contact is not in the campaign&#x27;s audience.")
        self.assertEqual(inbox.received, [])

    def test_the_form_is_filled_with_the_users_address_and_offers_the_audience(self) -> None:
        Contact.objects.filter(email="participantes1@example.pe").update(first_name="Rosa")
        Contact.objects.create(email="ajeno@example.pe")
        response = self.client.get(reverse("campaigns:detail", args=[self.campaign.code]))
        form = response.context["test_form"]
        self.assertEqual(form["addresses"].value(), self.bob.email)
        self.assertContains(response, f">\n{self.bob.email}</textarea>")
        self.assertContains(response, "Rosa &lt;participantes1@example.pe&gt;")
        self.assertNotContains(response, "ajeno@example.pe")
        # The search narrows the offered contacts down.
        response = self.client.get(
            reverse("campaigns:detail", args=[self.campaign.code]), {"muestra": "rosa"}
        )
        offered = [
            value for value, _label in response.context["test_form"].fields["contact"].choices
        ]
        self.assertEqual(offered, [Contact.objects.get(first_name="Rosa").code])

    def test_it_needs_a_sender_and_a_template(self) -> None:
        inbox = self.serve()
        Campaign.objects.filter(pk=self.campaign.pk).update(template=None)
        response = self.client.post(self.url, {"addresses": "jefa@example.pe"}, follow=True)
        self.assertContains(response, "Choose a sender and a template before sending a test.")
        self.assertEqual(inbox.received, [])

    def test_a_contact_found_by_a_search_stays_chosen_after_sending(self) -> None:
        self.serve()
        extra = drafts.mailing_list("Muchos", 60)
        self.campaign.include_lists.add(extra)
        sample = Contact.objects.get(email="participantes0@example.pe")
        data = {"addresses": "jefa@example.pe", "contact": sample.code}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, f'<option value="{sample.code}" selected>')
