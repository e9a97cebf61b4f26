"""The SMPP gateway against a real SMPP server on 127.0.0.1 (pregon.testing.smpp)."""

from django.test import TestCase

from pregon.contacts.models import Contact
from pregon.lib import vault
from pregon.sending import sms
from pregon.sending.models import GatewayKind, SmsGateway, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms import sender
from pregon.testing.smpp import PASSWORD, SYSTEM_ID, Smsc


class SmppGatewayTestCase(TestCase):
    def setUp(self) -> None:
        self.smsc = Smsc()
        self.addCleanup(self.smsc.stop)
        sms_quota.ensure_plan()
        self.gateway = SmsGateway.objects.create(
            name="Operador",
            kind=GatewayKind.SMPP,
            sender="PREGON",
            username=SYSTEM_ID,
            secret=vault.encrypt(PASSWORD),
            options={"host": "127.0.0.1", "port": self.smsc.port},
        )
        self.ana = Contact.objects.create(email="ana@example.org", phone="+51987654321")

    def test_a_long_accented_text_goes_in_ucs2_parts_and_is_debited_per_part(self) -> None:
        message = sms.enqueue(self.ana, "Información del curso: " + "ó" * 100, "k1")
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.SENT, message.reply)
        self.assertEqual(self.smsc.binds, [SYSTEM_ID])
        parts = self.smsc.submitted
        self.assertEqual((len(parts), message.segments, message.encoding), (2, 2, "ucs2"))
        self.assertEqual(parts[0].destination_addr, b"51987654321")
        self.assertEqual(int(parts[0].data_coding), 8)  # UCS-2
        self.assertEqual(message.gateway_message_id, "smsc-1")
        self.assertEqual(SmsQuotaDebit.objects.get().count, 2)

    def test_a_refusal_fails_and_throttling_is_retried(self) -> None:
        self.smsc.status = 0x0B  # ESME_RINVDSTADR: invalid destination address
        message = sms.enqueue(self.ana, "Hola", "k1")
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.FAILED)
        self.assertIn("0xb", message.reply)
        self.smsc.status = 0x58
        other = sms.enqueue(self.ana, "Hola", "k2")
        sender.send_due()
        other.refresh_from_db()
        self.assertEqual(other.status, SmsStatus.QUEUED)
        self.assertFalse(SmsQuotaDebit.objects.exists())

    def test_a_wrong_password_is_a_failure_with_the_reason(self) -> None:
        self.gateway.secret = vault.encrypt("wrong")
        self.gateway.save()
        message = sms.enqueue(self.ana, "Hola", "k1")
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.FAILED)
        self.assertIn("0xe", message.reply)
        self.assertEqual(self.smsc.submitted, [])
