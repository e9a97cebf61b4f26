import re

from django.urls import reverse

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.sending.models import Mailing, Message, MessageStatus
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


class ProgressAgreesTestCase(ApiTestCase):
    """The campaign's progress card and GET /api/v1/campaigns/{code}/progress give the same
    figures for the same campaign: skipped messages are dealt with on both."""

    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft()
        self.mailing = Mailing.objects.create(
            subject="Hola", html="<p>Hola</p>", text="Hola", sender=self.campaign.sender
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(
            status=CampaignStatus.SENDING, mailing=self.mailing
        )
        self.client.force_login(self.bob)

    def add(self, status: MessageStatus, count: int, **fields: object) -> None:
        start = self.mailing.messages.count()
        Message.objects.bulk_create(
            Message(mailing=self.mailing, email=f"p{n}@example.pe", status=status, **fields)
            for n in range(start, start + count)
        )

    def screen(self) -> dict[str, object]:
        """The figures of the progress card the campaign's page polls."""
        url = reverse("campaigns:progress", args=[self.campaign.code])
        html = self.client.get(url, {"shown": "sending"}, **HTMX).content.decode()
        counts = {
            status: int(re.search(rf'data-count="{status}">(\d+)<', html)[1])
            for status in MessageStatus.values
        }
        failure = re.search(r"The commonest answer \((\d+) messages?\): “([^”]*)”", html)
        return {
            "counts": counts,
            "total": int(re.search(r'data-count="total">(\d+)<', html)[1]),
            "percent": int(re.search(r'aria-valuenow="(\d+)"', html)[1]),
            "failure": (int(failure[1]), failure[2]) if failure else None,
        }

    def api(self) -> dict[str, object]:
        body = self.call("GET", f"/campaigns/{self.campaign.code}/progress").json()
        failure = body["failure"]
        return {
            "counts": body["counts"],
            "total": body["total"],
            "percent": body["percent"],
            "failure": (failure["count"], f"{failure['code']} {failure['reply']}")
            if failure
            else None,
        }

    def test_sent_failed_skipped_and_queued_give_the_same_figures(self) -> None:
        self.add(MessageStatus.SENT, 3)
        self.add(MessageStatus.FAILED, 2, smtp_code=550, reply="5.1.1 no such user")
        self.add(MessageStatus.FAILED, 1, smtp_code=421, reply="4.7.0 try again later")
        self.add(MessageStatus.SKIPPED, 2)
        self.add(MessageStatus.QUEUED, 2)
        screen, api = self.screen(), self.api()
        self.assertEqual(screen, api)
        self.assertEqual((api["total"], api["percent"]), (10, 80))
        self.assertEqual(api["failure"], (2, "550 5.1.1 no such user"))

    def test_both_reach_100_when_every_message_was_sent_or_skipped(self) -> None:
        self.add(MessageStatus.SENT, 3)
        self.add(MessageStatus.SKIPPED, 2)
        screen, api = self.screen(), self.api()
        self.assertEqual(screen, api)
        self.assertEqual((api["total"], api["percent"], api["failure"]), (5, 100, None))
