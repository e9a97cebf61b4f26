"""Template injection at send time, through the scheduler, the engine and a real SMTP server.

Content saved before the merge-tag rules (written here straight to the database) never
runs: each message fails with the reason, and nothing reaches anybody. A message over its
time or size budget fails alone, and the others go out.
"""

from django.test import TestCase, override_settings
from django.utils import timezone, translation

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, Field, MailingList, Subscription
from pregon.content.models import EmailTemplate, Format
from pregon.content.plaintext import html_to_text
from pregon.sending import quota
from pregon.sending.models import Message, MessageStatus
from pregon.testing import drafts
from pregon.testing.campaigns import send_all
from pregon.testing.injection import LONGEST_FIELD, PAYLOADS, html
from pregon.testing.smtp import Mailbox, smtp_server


class SendInjectionTestCase(TestCase):
    def setUp(self) -> None:
        quota.ensure_plan()
        self.audience = drafts.mailing_list("Participantes", 3)
        self.enterContext(translation.override("es"))

    def send(self, **fields: object) -> tuple[Campaign, Mailbox]:
        """Start a campaign of ``fields`` now and send it all through a real SMTP server."""
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = drafts.draft(self.audience, **fields)
            campaign.schedule(timezone.now())
            self.assertEqual(scheduling.start_due_campaigns(), 1)
            send_all()
        campaign.refresh_from_db()
        return campaign, mailbox

    def replies(self, campaign: Campaign) -> list[tuple[str, str]]:
        messages = Message.objects.filter(mailing=campaign.mailing).order_by("email")
        return list(messages.values_list("status", "reply"))

    def assertAllFailed(self, campaign: Campaign, mailbox: Mailbox, *words: str) -> None:
        self.assertEqual(mailbox.received, [])
        replies = self.replies(campaign)
        self.assertEqual(len(replies), 3)
        for status, reply in replies:
            self.assertEqual(status, MessageStatus.FAILED)
            for word in words:
                self.assertIn(word, reply)

    def old_template(self, source: str) -> EmailTemplate:
        """A template as an older version saved it: HTML and derived text never checked."""
        return EmailTemplate.objects.create(
            name="Antigua",
            format=Format.HTML,
            source=source,
            html=source,
            text=html_to_text(source),
        )

    def test_a_template_saved_before_the_rules_runs_no_code(self) -> None:
        for payload, words in PAYLOADS:
            with self.subTest(payload=payload[:40]):
                campaign, mailbox = self.send(template=self.old_template(html(payload)))
                if payload.startswith("{<"):
                    # Harmless in the HTML; the text made from it was not.
                    words = "La versión de texto plano no se puede enviar: Línea 1: aquí solo"
                self.assertAllFailed(campaign, mailbox, "no se puede enviar", words)

    def test_a_subject_saved_before_the_rules_runs_no_code(self) -> None:
        for payload, words in PAYLOADS[1:]:
            if len(payload) > LONGEST_FIELD:
                continue  # Longer than a subject's column may be (PostgreSQL refuses it).
            with self.subTest(payload=payload[:40]):
                campaign, mailbox = self.send(subject=payload)
                self.assertAllFailed(campaign, mailbox, "El asunto no se puede enviar", words)

    def test_a_preheader_saved_before_the_rules_runs_no_code(self) -> None:
        for payload, words in PAYLOADS[1:]:
            if len(payload) > LONGEST_FIELD:
                continue  # Longer than a preheader's column may be.
            with self.subTest(payload=payload[:40]):
                campaign, mailbox = self.send(preheader=payload)
                self.assertAllFailed(campaign, mailbox, "El HTML no se puede enviar", words)

    def test_a_preheader_is_text_with_merge_tags(self) -> None:
        _campaign, mailbox = self.send(preheader='Hola {{ nombre | default("colega") }} <b>&')
        self.assertEqual(len(mailbox.received), 3)
        body = mailbox.received[0].parsed().get_body(("html",)).get_content()
        self.assertIn("Hola colega &lt;b&gt;&amp;</div>", body)

    def test_a_sender_name_is_data_not_a_template(self) -> None:
        sender = drafts.sender()
        sender.from_name = "{{ 7*7 }} {% for x in range(9) %}"
        sender.save()
        _campaign, mailbox = self.send(sender=sender)
        self.assertEqual(len(mailbox.received), 3)
        sent_from = mailbox.received[0].parsed()["From"].addresses[0]
        self.assertEqual(sent_from.display_name, "{{ 7*7 }} {% for x in range(9) %}")


class SendBudgetTestCase(TestCase):
    def setUp(self) -> None:
        quota.ensure_plan()
        self.enterContext(translation.override("es"))
        Field.objects.create(key="biografia", label="Biografía", type="text")
        self.audience = MailingList.objects.create(name="Participantes")
        for n, biography in enumerate(["Breve.", "x" * 50_000, "Corta."]):
            contact = Contact.objects.create(
                email=f"persona{n}@example.pe", attributes={"biografia": biography}
            )
            Subscription.objects.create(contact=contact, mailing_list=self.audience)
        source = '<html><body><p>{{ biografia }}</p><a href="{{ enlace_baja }}">Baja</a>'
        self.template = drafts.template(html=source + "</body></html>")

    def send(self) -> tuple[Campaign, Mailbox]:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = drafts.draft(self.audience, template=self.template)
            campaign.schedule(timezone.now())
            scheduling.start_due_campaigns()
            send_all()
        campaign.refresh_from_db()
        return campaign, mailbox

    def outcomes(self, campaign: Campaign) -> dict[str, tuple[str, str]]:
        messages = Message.objects.filter(mailing=campaign.mailing)
        return {
            email: (status, reply)
            for email, status, reply in messages.values_list("email", "status", "reply")
        }

    @override_settings(RENDER_MAX_BYTES=40_000)
    def test_a_message_too_large_fails_alone_with_the_reason(self) -> None:
        campaign, mailbox = self.send()
        self.assertEqual(
            sorted(received.recipient for received in mailbox.received),
            ["persona0@example.pe", "persona2@example.pe"],
        )
        status, reply = self.outcomes(campaign)["persona1@example.pe"]
        self.assertEqual(status, MessageStatus.FAILED)
        self.assertIn("El mensaje personalizado ocuparía más de", reply)

    @override_settings(RENDER_TIMEOUT_MS=0)
    def test_a_message_over_its_time_fails_with_the_reason(self) -> None:
        campaign, mailbox = self.send()
        self.assertEqual(mailbox.received, [])
        for status, reply in self.outcomes(campaign).values():
            self.assertEqual(status, MessageStatus.FAILED)
            self.assertEqual(reply, "Personalizar el mensaje tomó más de 0 s.")
