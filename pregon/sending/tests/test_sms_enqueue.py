"""pregon.sending.sms.enqueue: idempotent on the key, refuses opted-out or unreachable contacts."""

import datetime

from django.test import TestCase
from django.utils import timezone

from pregon.contacts.models import Contact, Status
from pregon.sending import sms
from pregon.sending.models import SmsMessage, SmsStatus


class SmsEnqueueTestCase(TestCase):
    def setUp(self) -> None:
        self.ana = Contact.objects.create(email="ana@example.org", phone="+51987654321")

    def test_it_queues_once_per_key(self) -> None:
        later = timezone.now() + datetime.timedelta(hours=3)
        first = sms.enqueue(self.ana, "Hola {{ nombre }}", "wf1:e1:n2", not_before=later)
        again = sms.enqueue(self.ana, "Hola {{ nombre }}", "wf1:e1:n2")
        self.assertEqual(first, again)
        self.assertEqual(SmsMessage.objects.count(), 1)
        self.assertEqual(
            (first.phone, first.status, first.send_after), ("+51987654321", SmsStatus.QUEUED, later)
        )
        self.assertEqual((first.encoding, first.segments), ("gsm7", 1))

    def test_it_refuses_contacts_opted_out_of_sms_or_without_a_phone(self) -> None:
        self.ana.sms_opted_out_at = timezone.now()
        self.assertIsNone(sms.enqueue(self.ana, "Hola", "k1"))
        nobody = Contact.objects.create(email="b@example.org", phone="")
        self.assertIsNone(sms.enqueue(nobody, "Hola", "k2"))
        # A number saved before validation existed, or written past it.
        broken = Contact.objects.create(email="c@example.org", phone="12")
        self.assertIsNone(sms.enqueue(broken, "Hola", "k3"))
        landline = Contact.objects.create(email="d@example.org", phone="+5114123456")
        self.assertIsNone(sms.enqueue(landline, "Hola", "k4"))
        self.assertFalse(SmsMessage.objects.exists())

    def test_a_signup_not_yet_confirmed_gets_no_sms(self) -> None:
        pending = Contact.objects.create(
            email="e@example.org", phone="+51987654322", status=Status.PENDING
        )
        self.assertIsNone(sms.enqueue(pending, "Hola", "k1"))
        everyone = Contact.objects.filter(pk__in=[self.ana.pk, pending.pk])
        self.assertEqual(sms.enqueue_many(everyone, "Hola", "c1:"), 1)
        self.assertEqual(list(SmsMessage.objects.values_list("contact", flat=True)), [self.ana.pk])
