"""The dashboard's first-run checklist: each step ticked from what exists, each linking to
its screen; an empty account told what to do next instead of zeros."""

import re

from django.urls import reverse
from django.utils import timezone

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact
from pregon.content.models import BrandKit
from pregon.domains.models import DomainStatus
from pregon.reports import getting_started
from pregon.sending import engine
from pregon.sending.models import Backend, BackendKind
from pregon.testing import BaseTestCase, drafts
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.sms_campaigns import sms_draft, sms_segment
from pregon.testing.smtp import Mailbox, smtp_server

STEP = re.compile(r'data-step="(\w+)" data-done="(\w+)">(.*?)</li>', re.DOTALL)
STEPS = ["brand_kit", "relay", "sender", "contacts", "template", "test_send", "campaign"]


class GettingStartedTestCase(BaseTestCase):
    def steps(self, user: object = None) -> dict[str, tuple[bool, str]]:
        """Each step of the dashboard's checklist: whether it is done, and its link."""
        self.client.force_login(user or self.alice)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        found = {}
        for key, is_done, body in STEP.findall(response.content.decode()):
            link = re.search(r'href="([^"]*)"', body)
            found[key] = (is_done == "true", link.group(1) if link else "")
        return found

    def done(self) -> set[str]:
        return {key for key, (is_done, _url) in self.steps().items() if is_done}

    def test_an_empty_account_is_told_what_to_do_next_instead_of_zeros(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        response = self.client.get("/")
        self.assertContains(response, "Nada que contar todavía")
        self.assertContains(response, 'id="what-next-link"')
        self.assertContains(response, "Complete su identidad de marca")
        self.assertNotContains(response, "data-stat=")
        self.assertNotContains(response, "Crecimiento de la audiencia")
        self.assertNotContains(response, "chart.umd.min.js")

    def test_every_step_links_to_its_screen(self) -> None:
        steps = self.steps()
        self.assertEqual(list(steps), STEPS)
        self.assertEqual({key for key, (is_done, _url) in steps.items() if is_done}, set())
        self.assertEqual(
            {key: url for key, (_done, url) in steps.items()},
            {
                "brand_kit": reverse("content:brand"),
                "relay": reverse("sending:backends"),
                "sender": reverse("sending:sender_create"),
                "contacts": reverse("contacts:imports"),
                "template": reverse("content:gallery"),
                "test_send": reverse("campaigns:create"),
                "campaign": reverse("campaigns:create"),
            },
        )
        for _done, url in steps.values():
            # The gallery may first ask for the brand kit: a page that opens, either way.
            self.assertEqual(self.client.get(url, follow=True).status_code, 200, url)

    def test_an_editor_sees_no_link_to_administrators_screens(self) -> None:
        steps = self.steps(self.bob)
        self.assertEqual(steps["relay"], (False, ""))
        self.assertEqual(steps["brand_kit"][1], reverse("content:brand"))

    def test_analysts_get_no_checklist(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get("/")
        self.assertNotContains(response, 'id="getting-started"')
        self.assertNotContains(response, "/contactos/")
        self.assertContains(response, 'id="what-next"')

    def test_the_brand_kit_is_done_once_name_website_and_address_are_set(self) -> None:
        brand = BrandKit.load()
        brand.name = "Escuela Nacional"
        brand.save()
        self.assertNotIn("brand_kit", self.done())
        brand.website_url = "https://escuela.example.gob.pe"
        brand.address = "Av. Arequipa 123, Lima"
        brand.save()
        self.assertIn("brand_kit", self.done())

    def test_the_relay_is_done_by_a_backend_in_use_not_the_test_mailbox(self) -> None:
        Backend.objects.create(name="Buzón", kind=BackendKind.FILE)
        self.assertNotIn("relay", self.done())
        Backend.objects.create(name="Relé", kind=BackendKind.SMTP, host="127.0.0.1", port=2525)
        self.assertIn("relay", self.done())

    def test_a_sender_on_an_unverified_domain_links_to_its_records(self) -> None:
        sender = drafts.sender()
        self.assertEqual(
            self.steps()["sender"],
            (True, reverse("domains:detail", args=[sender.domain.code])),
        )
        sender.domain.status = DomainStatus.VERIFIED
        sender.domain.save()
        self.assertEqual(self.steps()["sender"], (True, reverse("sending:senders")))

    def test_contacts_and_a_template_tick_their_steps(self) -> None:
        Contact.objects.create(email="ana@example.pe")
        self.assertEqual(self.done(), {"contacts"})
        drafts.template()
        self.assertEqual(self.done(), {"contacts", "template"})

    def test_a_test_send_a_relay_accepted_ticks_its_step(self) -> None:
        mailbox = Mailbox(
            lambda recipient, attempt: "550 5.1.1 no" if "nadie" in recipient else None
        )
        campaign = drafts.draft(drafts.mailing_list())
        anchor = reverse("campaigns:detail", args=[campaign.code]) + "#campaign-test"
        self.assertEqual(self.steps()["test_send"], (False, anchor))
        with smtp_server(mailbox):
            engine.send_tests(campaign, ["nadie@example.pe"])
            self.assertNotIn("test_send", self.done())
            engine.send_tests(campaign, ["alice@example.org"])
        self.assertEqual(len(mailbox.received), 1)
        self.assertIn("test_send", self.done())
        self.assertIsNotNone(Campaign.objects.get().tested_at)

    def test_a_test_sms_neither_ticks_the_email_test_nor_is_its_link(self) -> None:
        # The step checks that a relay takes the account's email: an SMS gateway says nothing.
        provider = FakeProvider()
        self.addCleanup(provider.stop)
        http_gateway(provider.url + "/api/sms")
        provider.answer(200, {"id": "gw-1", "status": "accepted"})
        email = drafts.draft(drafts.mailing_list())
        text = sms_draft(sms_segment())
        self.client.force_login(self.bob)
        url = reverse("campaigns:test_sms", args=[text.code])
        self.client.post(url, {"phone": "+51987654321"})
        self.assertEqual(len(provider.received), 1)
        anchor = reverse("campaigns:detail", args=[email.code]) + "#campaign-test"
        self.assertEqual(self.steps()["test_send"], (False, anchor))

    def test_a_scheduled_campaign_ticks_the_last_step(self) -> None:
        campaign = drafts.draft(drafts.mailing_list())
        self.assertNotIn("campaign", self.done())
        campaign.schedule(timezone.now() + timezone.timedelta(days=1))
        self.assertIn("campaign", self.done())

    def test_it_goes_away_once_every_step_is_done(self) -> None:
        brand = BrandKit.load()
        brand.name, brand.website_url = "Escuela", "https://escuela.example.gob.pe"
        brand.address = "Lima"
        brand.save()
        Backend.objects.create(name="Relé", kind=BackendKind.SMTP, host="127.0.0.1", port=2525)
        campaign = drafts.draft(drafts.mailing_list())
        campaign.record_test()
        self.assertEqual(self.done(), set(STEPS) - {"campaign"})
        campaign.schedule(timezone.now())
        self.client.force_login(self.alice)
        response = self.client.get("/")
        self.assertNotContains(response, 'id="getting-started"')
        self.assertContains(response, "data-stat=")

    def test_it_keeps_to_one_query_a_step(self) -> None:
        drafts.draft(drafts.mailing_list())
        # Brand kit, backends, senders, contacts, templates, campaigns' figures, newest draft.
        with self.assertNumQueries(7):
            getting_started.checklist(self.alice)
