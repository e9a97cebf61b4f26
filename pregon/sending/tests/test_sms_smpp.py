"""The SMPP gateway against a real SMPP server on 127.0.0.1 (pregon.testing.smpp)."""

import smpplib.client
import smpplib.gsm
import smpplib.smpp
from django.test import TestCase

from pregon.contacts.models import Contact
from pregon.lib import vault
from pregon.sending import sms
from pregon.sending.models import GatewayKind, SmsGateway, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms import sender
from pregon.sending.sms.gateways import Inbound, smpp
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


class DeliverSmTestCase(TestCase):
    """What a deliver_sm from an SMSC means (``smpp.read``), on PDUs as they come off the wire."""

    def read(self, **fields: object) -> object:
        numbers = smpplib.client.SimpleSequenceGenerator()
        pdu = smpplib.smpp.make_pdu("deliver_sm", client=numbers, **fields)
        return smpp.read(smpplib.smpp.parse_pdu(pdu.generate(), client=numbers))

    def test_a_reply_is_decoded_from_gsm7_and_ucs2(self) -> None:
        text = "¿A qué hora? Ñoño {curso} €5"
        gsm = self.read(source_addr="987654321", short_message=smpplib.gsm.gsm_encode(text))
        self.assertEqual(gsm, Inbound("987654321", text))
        ucs2 = self.read(
            source_addr_ton=1,
            source_addr="51987654321",
            data_coding=8,
            short_message="Información: baja".encode("utf-16-be"),
        )
        self.assertEqual(ucs2, Inbound("+51987654321", "Información: baja"))

    def test_a_receipt_names_its_message_and_its_state(self) -> None:
        text = b"id:1001 sub:001 dlvrd:000 submit date:2612052300 done date:2612052301 "
        receipt = self.read(esm_class=4, short_message=text + b"stat:REJECTD err:0B1 text:x")
        self.assertEqual(receipt.ref, "1001")
        self.assertFalse(receipt.delivered)
        self.assertEqual(receipt.reason, "REJECTD err:0B1")
        self.assertIn("3E9", receipt.also)
        by_tlv = self.read(
            esm_class=4,
            short_message=b"",
            receipted_message_id="3E9",
            message_state=2,
        )
        self.assertEqual((by_tlv.ref, by_tlv.delivered), ("3E9", True))
        self.assertIn("1001", by_tlv.also)
        accepted = self.read(esm_class=4, short_message=text + b"stat:ACCEPTD err:000")
        self.assertIsNone(accepted)
