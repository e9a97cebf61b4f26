"""Contacts' last email (last_sent.roll_up, the scheduler's tick): the latest message a relay
accepted, written where newer; failed and test-mailbox messages do not count; each roll-up
reads back a while before where the last stopped, for batches that committed late."""

import datetime

import time_machine
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact
from pregon.sending import last_sent
from pregon.sending.models import Message, MessageStatus
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


def refuse_persona0001(recipient: str, attempt: int) -> str | None:
    return "550 5.1.1 No such user" if recipient.startswith("persona0001") else None


class LastSentTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = contacts_on_a_list(3)
        self.mailbox = Mailbox(answer=refuse_persona0001)
        self.enterContext(smtp_server(self.mailbox))

    def send(self) -> None:
        campaign_to(self.list)
        scheduling.start_due_campaigns()
        send_all()

    def last(self) -> dict[str, datetime.datetime | None]:
        return dict(Contact.objects.values_list("email", "last_sent_at"))

    def test_each_contacts_latest_email_accepted(self) -> None:
        with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
            self.send()
        self.send()
        self.assertEqual(last_sent.roll_up(), 2)
        latest = Message.objects.filter(status=MessageStatus.SENT).latest("sent_at").sent_at
        self.assertEqual(self.last()["persona0000@example.pe"].date(), latest.date())
        # Refused by the relay: never received one.
        self.assertIsNone(self.last()["persona0001@example.pe"])
        # Nothing new: nothing written.
        self.assertEqual(last_sent.roll_up(), 0)

    def test_a_batch_that_committed_after_the_last_roll_up_is_not_missed(self) -> None:
        self.send()
        last_sent.roll_up()
        # A message stamped a minute before the last roll-up, whose transaction committed
        # only afterwards.
        earlier = timezone.now() - datetime.timedelta(minutes=1)
        Message.objects.filter(email="persona0002@example.pe").update(sent_at=earlier)
        Contact.objects.filter(email="persona0002@example.pe").update(last_sent_at=None)
        self.assertEqual(last_sent.roll_up(), 1)
        self.assertEqual(self.last()["persona0002@example.pe"], earlier)

    def test_only_forward(self) -> None:
        self.send()
        later = timezone.now() + datetime.timedelta(hours=1)
        Contact.objects.filter(email="persona0000@example.pe").update(last_sent_at=later)
        last_sent.roll_up()
        self.assertEqual(self.last()["persona0000@example.pe"], later)
