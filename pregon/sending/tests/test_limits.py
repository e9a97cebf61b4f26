"""Speed limits shared by all workers: a global pace, and per recipient domain."""

import datetime

import time_machine
from django.test import TestCase
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact
from pregon.sending import engine
from pregon.sending.models import DomainLimit, Message, MessageStatus, SendingLimits
from pregon.sending.transports import open_transport
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server


class LimitsTestCase(TestCase):
    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(40)
        # A quarter of the contacts use gmail.com.
        for contact in Contact.objects.all()[:10]:
            contact.email = contact.email.replace("example.pe", "gmail.com")
            contact.save()
        self.mailbox = Mailbox()
        self.server = smtp_server(self.mailbox)
        self.server.__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        campaign_to(self.mailing_list)
        scheduling.start_due_campaigns()
        self.worker = engine.Worker(open_transport())
        self.addCleanup(self.worker.transport.close)

    def sent(self) -> int:
        return Message.objects.filter(status=MessageStatus.SENT).count()

    def test_the_global_rate_paces_every_claim(self) -> None:
        SendingLimits.objects.create(per_second=5)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.assertTrue(engine.send_batch(self.worker, size=100))
            self.assertEqual(self.sent(), 5)
            # The next five may only go a second later, whoever claims them.
            self.assertFalse(engine.send_batch(self.worker, size=100))
        with time_machine.travel(start + datetime.timedelta(seconds=1), tick=False):
            self.assertTrue(engine.send_batch(self.worker, size=100))
            self.assertEqual(self.sent(), 10)
        # A long pause is not saved up: after a minute idle, still one second's worth.
        with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
            engine.send_batch(self.worker, size=100)
            self.assertEqual(self.sent(), 15)

    def test_a_domain_limit_holds_its_messages_and_lets_the_others_go(self) -> None:
        DomainLimit.objects.create(domain="gmail.com", per_minute=4)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            while engine.send_batch(self.worker, size=7):
                pass
        gmail = [m.recipient for m in self.mailbox.received if m.recipient.endswith("@gmail.com")]
        self.assertEqual(len(gmail), 4)
        self.assertEqual(len(self.mailbox.received), 34)  # The 30 others all went.
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            while engine.send_batch(self.worker, size=7):
                pass
        self.assertEqual(len(self.mailbox.received), 38)

    def test_without_limits_a_claim_takes_a_whole_batch(self) -> None:
        engine.send_batch(self.worker, size=25)
        self.assertEqual(self.sent(), 25)
