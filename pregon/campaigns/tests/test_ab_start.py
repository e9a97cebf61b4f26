"""What an A/B test's start freezes and queues, for each kind of test: the variants'
content, links numbered across variants, sender names, and send times."""

import datetime
import re
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from pregon.campaigns import ab, scheduling
from pregon.campaigns.ab_forms import AbTestForm
from pregon.campaigns.models import AbKind, AbMetric, Campaign, CampaignStatus
from pregon.sending.models import Message
from pregon.testing import drafts
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking.models import Event

LIMA = ZoneInfo("America/Lima")


def template_with(url: str, name: str) -> object:
    return drafts.template(
        name,
        f'<html><body><p><a href="{url}">Ver</a></p>'
        '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>',
    )


class AbStartTestCase(TestCase):
    def setUp(self) -> None:
        self.campaign = campaign_to(contacts_on_a_list(23))
        self.campaign.unschedule()
        self.mailbox = Mailbox()
        self.enterContext(smtp_server(self.mailbox))

    def set_up(self, kind: str, field: str, values: list[object], **extra: object) -> None:
        data = {"kind": kind, "portion": 50, "wait_hours": 2, "metric": AbMetric.CLICKS}
        data.update({f"{field}_{n}": value for n, value in enumerate(values, start=1)})
        data.update(extra)
        form = AbTestForm(self.campaign, data)
        self.assertTrue(form.is_valid(), form.errors)
        form.save()

    def start(self) -> Campaign:
        self.campaign.schedule(timezone.now())
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()
        return self.campaign

    def test_content_variants_have_their_links_one_after_another(self) -> None:
        urls = [f"https://aula.example.gob.pe/{name}" for name in ("uno", "dos", "tres")]
        templates = [template_with(url, f"Plantilla {n}") for n, url in enumerate(urls)]
        self.set_up(AbKind.CONTENT, "template", [template.pk for template in templates])
        campaign = self.start()
        mailing = campaign.mailing
        # 23 contacts, half of them rounded: 12, four each.
        self.assertEqual(
            Counter(mailing.messages.values_list("variant", flat=True)), {1: 4, 2: 4, 3: 4}
        )
        self.assertEqual([link.split("?")[0] for link in mailing.links], urls)
        self.assertIn("tracking_link_0", mailing.html)
        variants = list(mailing.variants.all())
        self.assertEqual([variant.number for variant in variants], [1, 2, 3])
        for position, variant in enumerate(variants):
            self.assertIn(f"tracking_link_{position}", variant.html)
            self.assertEqual(variant.subject, campaign.subject)
        send_all()
        # Each person's link leads to their variant's address.
        site = re.escape(settings.SITE_URL)
        for received in self.mailbox.received:
            message = Message.objects.get(email=received.recipient)
            html = received.parsed().get_body(("html",)).get_content()
            link = re.findall(rf'href="{site}(/t/c/[^"]+)"', html)[0]
            response = self.client.get(link)
            self.assertTrue(response["Location"].startswith(urls[message.variant - 1]))
        self.assertEqual(Event.objects.count(), 0)  # Clicks are spooled, then flushed.

    def test_sender_names_change_only_the_name(self) -> None:
        self.set_up(AbKind.SENDER_NAME, "from_name", ["Escuela", "Ana de la Escuela"])
        self.start()
        send_all()
        senders = Counter(str(received.parsed()["From"]) for received in self.mailbox.received)
        address = "capacitacion@escuela.example.pe"
        self.assertEqual(senders, {f"Escuela <{address}>": 6, f"Ana de la Escuela <{address}>": 6})

    @time_machine.travel(datetime.datetime(2026, 12, 1, 8, tzinfo=LIMA), tick=False)
    def test_send_times_wait_and_the_rest_goes_at_the_winning_hour(self) -> None:
        self.set_up(
            AbKind.SEND_TIME,
            "send_at",
            ["2026-12-01T09:00", "2026-12-01T19:30"],
            metric=AbMetric.OPENS,
            automatic="on",
        )
        campaign = self.start()
        test = campaign.ab_test
        at = {
            message.variant: timezone.localtime(message.send_after, LIMA)
            for message in campaign.mailing.messages.all()
        }
        self.assertEqual(at[1].hour, 9)
        self.assertEqual((at[2].hour, at[2].minute), (19, 30))
        # Two hours after the last variant's time.
        self.assertEqual(timezone.localtime(test.decide_at, LIMA).hour, 21)
        self.assertEqual(timezone.localtime(test.decide_at, LIMA).minute, 30)
        with time_machine.travel(test.decide_at, tick=False):
            self.assertEqual(ab.decide_due(), 1)
        rest = Message.objects.filter(mailing=campaign.mailing, pk__gt=test.portion_end)
        self.assertEqual(rest.count(), 11)
        # A tie goes to A: the rest waits for 9:00 the next morning.
        self.assertEqual(
            {timezone.localtime(message.send_after, LIMA) for message in rest},
            {datetime.datetime(2026, 12, 2, 9, tzinfo=LIMA)},
        )

    def test_a_template_broken_since_fails_the_campaign_visibly(self) -> None:
        templates = [
            template_with("https://aula.example.gob.pe/a", "A"),
            template_with("https://aula.example.gob.pe/b", "B"),
        ]
        self.set_up(AbKind.CONTENT, "template", [template.pk for template in templates])
        templates[1].delete()
        self.campaign.schedule(timezone.now())
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.FAILED)
        self.assertFalse(Message.objects.exists())
