"""Events from mail-privacy proxies and link scanners are kept, but flagged as machines';
Gmail's image proxy, which fetches only when a person opens the message, is that person."""

import datetime
from urllib.parse import urlsplit

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.sending import links
from pregon.sending.models import Message, MessageStatus
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import spool
from pregon.tracking.models import Event

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)
OUTLOOK = (
    "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; Microsoft Outlook 16.0.5200; "
    "ms-office; MSOffice 16)"
)
GMAIL_PROXY = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)


class MachinesTestCase(TestCase):
    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(1))
        scheduling.start_due_campaigns()
        self.message = Message.objects.get()
        self.message.mailing.links = [
            "https://aula.example.gob.pe/a",
            "https://aula.example.gob.pe/b",
        ]
        self.message.mailing.save()
        self.sent(hours_ago=1)

    def sent(self, hours_ago: float = 0, seconds_ago: float = 0) -> None:
        at = timezone.now() - datetime.timedelta(hours=hours_ago, seconds=seconds_ago)
        Message.objects.filter(pk=self.message.pk).update(status=MessageStatus.SENT, sent_at=at)

    def open(self, user_agent: str, ip: str = "190.12.34.56") -> Event:
        token = links.open_token(self.message.pk)
        self.client.get(f"/t/o/{token}.gif", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
        spool.flush()
        return Event.objects.latest("pk")

    def click(self, position: int, user_agent: str = IPHONE, method: str = "get") -> Event:
        path = urlsplit(links.context(self.message.pk, 2)[f"tracking_link_{position}"]).path
        response = getattr(self.client, method)(path, HTTP_USER_AGENT=user_agent)
        self.assertEqual(response.status_code, 302)
        spool.flush()
        return Event.objects.latest("pk")

    def test_a_person_on_a_phone(self) -> None:
        event = self.open(IPHONE)
        self.assertEqual((event.machine, event.client, event.device), ("", "Apple Mail", "mobile"))
        event = self.click(0, OUTLOOK)
        self.assertEqual((event.machine, event.client, event.device), ("", "Outlook", "desktop"))

    def test_apple_s_privacy_proxy_opens_everything(self) -> None:
        self.assertEqual(self.open("Mozilla/5.0", ip="17.58.101.4").machine, "apple_privacy")
        self.assertEqual(self.open("Mozilla/5.0", ip="190.12.34.56").machine, "")

    def test_gmail_s_image_proxy_opens_for_a_person(self) -> None:
        for user_agent in (GMAIL_PROXY, GMAIL_PROXY.replace("ggpht.com ", "")):
            with self.subTest(user_agent):
                event = self.open(user_agent, ip="66.249.84.12")
                self.assertEqual((event.machine, event.client, event.device), ("", "Gmail", ""))

    def test_a_gmail_open_soon_after_delivery_is_a_person_s(self) -> None:
        self.sent(seconds_ago=3)
        self.assertEqual(self.open(GMAIL_PROXY, ip="66.249.84.12").machine, "")
        self.assertEqual(self.click(0).machine, "too_fast")

    def test_link_scanners(self) -> None:
        self.assertEqual(self.click(0, method="head").machine, "head")
        self.assertEqual(self.click(0, "Mimecast URL Protect/1.0").machine, "scanner")
        self.sent(seconds_ago=3)
        self.assertEqual(self.click(0).machine, "too_fast")

    def test_every_link_clicked_at_once_was_a_scanner(self) -> None:
        first = self.click(0)
        self.assertEqual(first.machine, "")
        self.click(1)
        self.assertEqual(set(Event.objects.values_list("machine", flat=True)), {"all_links"})

    def test_clicks_on_every_link_far_apart_were_a_person(self) -> None:
        first = self.click(0)
        Event.objects.filter(pk=first.pk).update(at=first.at - datetime.timedelta(minutes=1))
        self.click(1)
        self.assertEqual(set(Event.objects.values_list("machine", flat=True)), {""})

    def test_microsoft_s_mail_servers_follow_links_for_safe_links(self) -> None:
        token = links.open_token(self.message.pk)
        self.client.get(f"/t/o/{token}.gif", HTTP_USER_AGENT=OUTLOOK, REMOTE_ADDR="40.107.22.9")
        path = urlsplit(links.context(self.message.pk, 2)["tracking_link_0"]).path
        self.client.get(
            path, HTTP_USER_AGENT=OUTLOOK, REMOTE_ADDR="2800:200:e840::7"
        )  # A person in Lima.
        spool.flush()
        machines = dict(Event.objects.values_list("kind", "machine"))
        self.assertEqual(machines, {"opened": "scanner_network", "clicked": ""})


class ScannersOnManyMessagesTestCase(TestCase):
    """A scanner that clicks every link of many messages is flagged on each of them, and
    the flusher asks the database as often for ten messages as for two."""

    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(10))
        scheduling.start_due_campaigns()
        self.messages = list(Message.objects.order_by("pk"))
        mailing = self.messages[0].mailing
        mailing.links = ["https://aula.example.gob.pe/a", "https://aula.example.gob.pe/b"]
        mailing.save()
        sent_at = timezone.now() - datetime.timedelta(hours=1)
        Message.objects.update(status=MessageStatus.SENT, sent_at=sent_at)

    def scan(self, messages: list[Message]) -> int:
        """Click both links of ``messages``; the queries the flush took."""
        for message in messages:
            for position in (0, 1):
                path = urlsplit(links.context(message.pk, 2)[f"tracking_link_{position}"]).path
                self.client.get(path, HTTP_USER_AGENT=IPHONE)
        with CaptureQueriesContext(connection) as queries:
            spool.flush()
        return len(queries)

    def test_each_message_s_clicks_are_flagged_in_a_constant_number_of_queries(self) -> None:
        few = self.scan(self.messages[:2])
        many = self.scan(self.messages[2:])
        self.assertEqual(many, few)
        machines = Event.objects.values_list("machine", flat=True)
        self.assertEqual(len(machines), 20)
        self.assertEqual(set(machines), {"all_links"})
