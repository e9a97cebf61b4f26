"""The whole loop of a campaign's report, through real servers only.

Our engine sends a campaign to a private Postfix. Postfix relays people's mail to an
aiosmtpd server (their mailboxes), bounces the rest with DSNs of its own to the VERP return
path, and a private Dovecot serves those. The test then behaves as the recipients' mail
programs would, and as machines would: it fetches pixels and links from the messages as
received, one person unsubscribes with the one-click button, one converts on the landing
page, a feedback loop reports a complaint by mail, and the bounce poller reads the mailbox
over IMAP. Every figure of the report, its lists and the API must then be exactly right.
"""

import csv
import datetime
import io
import re
import smtplib
import unittest
from asyncio import new_event_loop
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, MailingList, Status, Subscription
from pregon.lib import vault
from pregon.reports import stats
from pregon.sending.models import Backend, BackendKind, Message, Security
from pregon.testing import mailservers
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, send_all
from pregon.testing.smtp import Mailbox, Received
from pregon.testing.smtp import free_port as smtp_port
from pregon.tracking import mailbox, spool
from pregon.tracking.models import BounceMailbox, Protocol

MISSING = mailservers.missing()
PEOPLE = [f"p{n}@{mailservers.RELAYED}" for n in range(6)]
# Postfix bounces these itself: two unknown users, and a mailbox over its quota.
UNKNOWN = ["nadie@example.pe", "tampoco@example.pe"]
FULL = "lleno@example.pe"
HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Inscríbete</a></p>'
    '<p><a href="https://aula.example.gob.pe/temario">Temario</a></p>'
    '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
OUTLOOK = "Mozilla/5.0 (Windows NT 10.0; Microsoft Outlook 16.0.5200; ms-office)"
GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via GoogleImageProxy)"


def refuse_p5(recipient: str, attempt: int) -> str | None:
    """p5's own server knows no such user: Postfix bounces it (a DSN, 5.1.1)."""
    return "550 5.1.1 <p5@personas.example.pe>: no such user" if recipient == PEOPLE[5] else None


def addresses(received: Received) -> dict[str, object]:
    """The tracking addresses in a message as a mail program shows it: pixel, links,
    unsubscribe (the List-Unsubscribe header's https address), as local paths."""
    message = received.parsed()
    html = message.get_body(("html",)).get_content()
    site = re.escape(settings.SITE_URL)
    header = str(message["List-Unsubscribe"])
    return {
        "pixel": re.findall(rf'src="{site}(/t/o/[^"]+)"', html)[0],
        "links": re.findall(rf'href="{site}(/t/c/[^"]+)"', html),
        "unsubscribe": urlsplit(re.search(r"<(https?://[^>]+)>", header).group(1)).path,
    }


def feedback_report(original: Received) -> bytes:
    """A mailbox provider's complaint (an ARF report, RFC 5965) about ``original``, with the
    message attached as delivered (its Return-Path added by the final delivery)."""
    head = (
        "From: fbl@proveedor.example.net\r\nTo: rebote@escuela.example.pe\r\n"
        "Subject: Abuse report\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"\r\n\r\n'
        "--arf\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
        "--arf\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: ProveedorFBL/1.0\r\nVersion: 1\r\n\r\n"
        "--arf\r\nContent-Type: message/rfc822\r\n\r\n"
        f"Return-Path: <{original.mail_from}>\r\n"
    )
    return head.encode() + original.data + b"\r\n--arf--\r\n"


@unittest.skipIf(MISSING, MISSING)
class FullLoopTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = Mailbox(refuse_p5)
        port = smtp_port()
        controller = Controller(self.people, hostname="127.0.0.1", port=port, loop=new_event_loop())
        controller.start()
        self.addCleanup(controller.stop)
        self.servers = self.enterContext(mailservers.running(relay=port))
        Backend.objects.create(
            name="Postfix",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=self.servers.smtp_port,
            security=Security.NONE,
        )
        self.bounce_mailbox = BounceMailbox.objects.create(
            protocol=Protocol.IMAP,
            host="127.0.0.1",
            port=self.servers.imap_port,
            security=Security.NONE,
            username=mailservers.USER,
            password=vault.encrypt(mailservers.PASSWORD),
        )

    def send_campaign(self) -> None:
        mailing_list = MailingList.objects.create(name="Docentes")
        for address in [*PEOPLE, *UNKNOWN, FULL]:
            contact = Contact.objects.create(email=address, first_name=address[:2])
            Subscription.objects.create(contact=contact, mailing_list=mailing_list)
        self.campaign = campaign_to(mailing_list)
        self.campaign.template.set_source(HTML)
        self.campaign.template.save()
        scheduling.start_due_campaigns()
        send_all()
        self.servers.wait_for_mail(4)  # Postfix's DSNs for nadie@, tampoco@, lleno@ and p5.
        # Delivered a minute ago, so that people's clicks are not taken for a scanner's.
        a_minute_ago = timezone.now() - datetime.timedelta(minutes=1)
        Message.objects.update(sent_at=a_minute_ago)

    def received(self) -> dict[str, Received]:
        return {message.recipient: message for message in self.people.received}

    def test_every_figure_of_the_report(self) -> None:
        self.send_campaign()
        inbox = self.received()
        self.assertEqual(sorted(inbox), PEOPLE[:5])
        mail = {person: addresses(inbox[person]) for person in PEOPLE[:5]}
        reader = Client()

        def fetch(path: str, user_agent: str, method: str = "get", **extra: str) -> object:
            return getattr(reader, method)(path, HTTP_USER_AGENT=user_agent, **extra)

        # p0 reads on an iPhone, clicks the course and enrols.
        fetch(mail[PEOPLE[0]]["pixel"], IPHONE)
        landing = fetch(mail[PEOPLE[0]]["links"][0], IPHONE)
        self.assertEqual(landing.status_code, 302)
        target = urlsplit(landing["Location"])
        self.assertEqual(target.netloc + target.path, "aula.example.gob.pe/curso")
        token = parse_qs(target.query)["pregon"][0]
        enrolled = fetch(f"/t/v/{token}.gif?objetivo=matricula", IPHONE)
        self.assertEqual(enrolled.status_code, 200)
        # p1 opens twice in Outlook and clicks the syllabus; later complains to its provider.
        fetch(mail[PEOPLE[1]]["pixel"], OUTLOOK)
        fetch(mail[PEOPLE[1]]["pixel"], OUTLOOK)
        fetch(mail[PEOPLE[1]]["links"][1], OUTLOOK)
        # p2 reads in Gmail, whose proxy fetches the images only then: p2's open.
        fetch(mail[PEOPLE[2]]["pixel"], GMAIL_PROXY)
        # p3's company scanner checks every link: a HEAD, then a scanner's GET.
        fetch(mail[PEOPLE[3]]["links"][0], OUTLOOK, method="head")
        fetch(mail[PEOPLE[3]]["links"][1], "Mimecast URL Protect/1.0")
        # p4 presses the mail program's unsubscribe button (RFC 8058).
        unsubscribed = reader.post(
            mail[PEOPLE[4]]["unsubscribe"], {"List-Unsubscribe": "One-Click"}
        )
        self.assertEqual(unsubscribed.status_code, 200)
        # The feedback loop's complaint about p1's message arrives by mail.
        with smtplib.SMTP("127.0.0.1", self.servers.smtp_port, timeout=10) as smtp:
            smtp.sendmail(
                "fbl@proveedor.example.net",
                ["rebote@escuela.example.pe"],
                feedback_report(inbox[PEOPLE[1]]),
            )
        self.servers.wait_for_mail(5)
        check = mailbox.poll(self.bounce_mailbox)
        self.assertEqual(check.error, "")
        spool.flush()

        mailing = Message.objects.first().mailing
        figures = stats.figures(mailing)
        self.assertEqual((figures.recipients, figures.sent, figures.delivered), (9, 9, 5))
        self.assertEqual((figures.bounced_hard, figures.bounced_soft), (3, 1))
        self.assertEqual((figures.complaints, figures.unsubscribed, figures.conversions), (1, 1, 1))
        self.assertEqual(figures.conversion_rate, 1 / 5)
        human, raw = figures.human, figures.raw
        self.assertEqual((human.opened_unique, human.opened_total, human.not_opened), (3, 4, 2))
        self.assertEqual((human.clicked_unique, human.clicked_total), (2, 2))
        self.assertEqual((human.click_through_rate, human.click_to_open_rate), (2 / 5, 2 / 3))
        self.assertEqual((raw.opened_unique, raw.opened_total), (4, 4))
        self.assertEqual((raw.clicked_unique, raw.clicked_total), (3, 4))
        links = stats.clicks_per_link(mailing)
        self.assertEqual([(link.unique, link.total) for link in links], [(1, 1), (1, 1)])
        # Gmail's proxy hides the reader's device.
        self.assertEqual(dict(stats.devices(mailing)), {"mobile": 1, "desktop": 1, "": 1})
        self.assertEqual(dict(stats.mail_clients(mailing))["Gmail"], 1)

        # Whom the report names, and what its exports hold.
        self.client.force_login(self.bob)
        expected = {
            "abrieron": [PEOPLE[0], PEOPLE[1], PEOPLE[2]],
            "no-abrieron": [PEOPLE[3], PEOPLE[4]],
            "clics": [PEOPLE[0], PEOPLE[1]],
            "rebotes": sorted([*UNKNOWN, FULL, PEOPLE[5], PEOPLE[1]]),
            "bajas": [PEOPLE[4]],
            "conversiones": [PEOPLE[0]],
        }
        for slug, people in expected.items():
            with self.subTest(slug):
                url = reverse("reports:campaign_export", args=[self.campaign.code, slug])
                body = b"".join(self.client.get(url).streaming_content).decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(body)))[1:]
                self.assertEqual(sorted(row[0] for row in rows), sorted(people))

        # The API says the same.
        token = self.token_for(self.charlie)
        report = self.call("GET", f"/campaigns/{self.campaign.code}/report", token=token).json()
        self.assertEqual(report["figures"]["delivered"], 5)
        self.assertEqual(report["figures"]["human"]["opened_unique"], 3)
        self.assertEqual(report["figures"]["raw"]["clicked_total"], 4)

        # And the addresses are out of every later campaign.
        statuses = dict(Contact.objects.values_list("email", "status"))
        self.assertEqual(statuses[PEOPLE[1]], Status.COMPLAINED)
        self.assertEqual(statuses[PEOPLE[4]], Status.UNSUBSCRIBED)
        self.assertEqual(statuses[UNKNOWN[0]], Status.BOUNCED)
        self.assertEqual(statuses[PEOPLE[0]], Status.SUBSCRIBED)
