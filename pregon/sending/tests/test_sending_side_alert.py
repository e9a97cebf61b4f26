"""The sending-side alert: receivers that refused our messages for something on our side (a
block of our server, SPF/DKIM/DMARC, the content) are named, with their last diagnostic, on
the dashboard, on the page of the domain the messages were sent from, and in the checklist."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, Status, Suppression
from pregon.sending import bounces
from pregon.sending.models import (
    Bounce,
    BounceCause,
    BounceKind,
    BounceSource,
)
from pregon.testing import BaseTestCase, drafts
from pregon.testing.refusals import BLOCKED, refused, sent

DMARC = "550 5.7.26 Unauthenticated email from otro.test is not accepted due to DMARC policy"


def receivers(response: object) -> dict[str, int]:
    found = re.findall(r'data-receiver="([^"]+)" data-count="(\d+)"', response.content.decode())
    return {receiver: int(count) for receiver, count in found}


class SendingSideAlertTestCase(BaseTestCase):
    """bueno.test's campaign was refused twice by gmail.com (a block, the last one a day ago)
    and once by outlook.com; otro.test's once by yahoo.com (DMARC). An older block, a hard
    bounce and a message nobody refused are not part of the alert."""

    def setUp(self) -> None:
        super().setUp()
        bueno = drafts.sender("hola@bueno.test")
        otro = drafts.sender("hola@otro.test")
        ana, luis, rosa, old, gone = sent(
            bueno,
            [
                "ana@gmail.com",
                "luis@gmail.com",
                "rosa@outlook.com",
                "vieja@hotmail.com",
                "nadie@gmail.com",
            ],
            "Curso de diciembre",
        )
        [pepe] = sent(otro, ["pepe@yahoo.com"], "Becas")
        refused(ana, "554 5.7.1 blocked (first)", BounceCause.BLOCKED, days_ago=2)
        refused(luis, BLOCKED, BounceCause.BLOCKED, days_ago=1)
        refused(rosa, "550 5.7.1 Message rejected as spam", BounceCause.SPAM_DETECTED)
        refused(old, BLOCKED, BounceCause.BLOCKED, days_ago=8)
        refused(pepe, DMARC, BounceCause.SECURITY_ERROR)
        bounces.record(
            gone.email,
            BounceKind.HARD,
            BounceSource.MAILBOX,
            cause=BounceCause.USER_UNKNOWN,
            reason="550 5.1.1 <nadie@gmail.com>: Recipient address rejected: User unknown",
            message=gone,
        )
        self.bueno = bueno.domain
        self.client.force_login(self.bob)

    def test_the_dashboard_names_every_receiver_and_its_last_diagnostic(self) -> None:
        response = self.client.get("/")
        self.assertEqual(receivers(response), {"gmail.com": 2, "outlook.com": 1, "yahoo.com": 1})
        self.assertContains(response, "Receivers are refusing our messages")
        self.assertContains(response, f'<q class="text-break" data-reason>{BLOCKED}</q>')
        self.assertNotContains(response, "blocked (first)")
        self.assertContains(response, "(Our server is blocked)")
        self.assertContains(response, f"{reverse('domains:checklist')}#item-refusals")
        campaign = Campaign.objects.get(name="Curso de diciembre")
        self.assertContains(
            response, reverse("reports:campaign_people", args=[campaign.code, "rebotes"])
        )
        # The bounce box counts 30 days: the 8-day-old block too.
        self.assertContains(response, 'data-bounces-sender="5"')

    def test_nobody_is_taken_off_the_lists_for_a_refusal(self) -> None:
        self.assertEqual(Suppression.objects.get().email, "nadie@gmail.com")
        self.assertEqual(Contact.objects.get(email="ana@gmail.com").status, Status.SUBSCRIBED)

    def test_the_domain_page_shows_only_its_own_messages(self) -> None:
        response = self.client.get(reverse("domains:detail", args=[self.bueno.code]))
        self.assertEqual(receivers(response), {"gmail.com": 2, "outlook.com": 1})
        self.assertContains(response, "(Taken for spam)")
        self.assertNotContains(response, "DMARC policy")

    def test_the_checklist_is_red_and_says_what_to_do(self) -> None:
        response = self.client.get(reverse("domains:checklist"))
        self.assertContains(response, 'id="item-refusals" data-item="refusals" data-state="fail"')
        self.assertEqual(receivers(response), {"gmail.com": 2, "outlook.com": 1, "yahoo.com": 1})
        self.assertContains(response, "ask the blocklist named in the receiver")
        self.assertContains(response, DMARC)

    def test_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get("/")
        self.assertContains(response, "Los servidores de destino están rechazando nuestros")
        self.assertContains(response, "Nuestro servidor está bloqueado")

    def test_analysts_see_the_alert_without_links_to_people(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get("/")
        self.assertEqual(len(receivers(response)), 3)
        self.assertNotContains(response, "/personas/rebotes/")

    def test_no_alert_once_the_refusals_are_a_week_old(self) -> None:
        Bounce.objects.update(at=timezone.now() - datetime.timedelta(days=8))
        self.assertNotContains(self.client.get("/"), 'id="refusals"')
        response = self.client.get(reverse("domains:checklist"))
        self.assertContains(response, 'data-item="refusals" data-state="ok"')
