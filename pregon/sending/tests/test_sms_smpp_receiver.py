"""The SMPP receiver bind (``pregon.sending.sms.receiver.Listener``, the loop of
``pregon runsmpp``) against a real SMSC on 127.0.0.1 (pregon.testing.smpp): receipts of the
SMS it accepted, replies from phones, a dropped connection, gateways added later."""

import binascii
import re
import time

from cryptography.fernet import Fernet
from standardwebhooks.webhooks import Webhook

from pregon.contacts.models import Contact, Status
from pregon.lib import events, vault
from pregon.sending import sms
from pregon.sending.models import GatewayKind, SmsGateway, SmsMessage, SmsStatus
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms import sender
from pregon.sending.sms.receiver import Listener
from pregon.testing import BaseTestCase
from pregon.testing.smpp import PASSWORD, SYSTEM_ID, Smsc, pump
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries
from pregon.webhooks.models import Delivery


def smpp_gateway(port: int, password: str = PASSWORD) -> SmsGateway:
    return SmsGateway.objects.create(
        name="Operador",
        kind=GatewayKind.SMPP,
        sender="PREGON",
        username=SYSTEM_ID,
        secret=vault.encrypt(password),
        options={"host": "127.0.0.1", "port": port},
    )


class SmppReceiverTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.smsc = Smsc()
        self.addCleanup(self.smsc.stop)
        sms_quota.ensure_plan()
        self.gateway = smpp_gateway(self.smsc.port)
        self.ana = Contact.objects.create(
            email="ana@example.org", phone="+51987654321", status=Status.SUBSCRIBED
        )
        self.listener = Listener()
        self.addCleanup(self.listener.close)

    def listen(self) -> None:
        self.listener.listen(wait=0.05)

    def bind(self) -> None:
        pump(self.listen, lambda: self.smsc.receivers)

    def push(self, sequence: int) -> None:
        """Let the listener read the pushed PDU; assert it answered OK."""
        pump(self.listen, lambda: sequence in self.smsc.answers)
        self.assertEqual(self.smsc.answers[sequence], 0)

    def sent(self, key: str = "k1") -> SmsMessage:
        message = sms.enqueue(self.ana, "Hola Ana, su curso empieza el lunes.", key)
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.SENT, message.reply)
        return message

    def test_a_receipt_marks_the_sms_delivered(self) -> None:
        message = self.sent()
        self.assertEqual(self.smsc.submitted[0].registered_delivery, 1)
        self.bind()
        self.push(self.smsc.receipt(message.gateway_message_id))
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.DELIVERED)
        self.assertIsNotNone(message.delivered_at)

    def test_undeliv_in_the_text_alone_marks_it_not_delivered_with_the_reason(self) -> None:
        message = self.sent()
        self.bind()
        self.push(self.smsc.receipt(message.gateway_message_id, "UNDELIV", "001", tlv=False))
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.UNDELIVERED)
        self.assertEqual(message.reply, "UNDELIV err:001")

    def test_an_intermediate_state_changes_nothing(self) -> None:
        message = self.sent()
        self.bind()
        self.push(self.smsc.receipt(message.gateway_message_id, "ENROUTE", tlv=False))
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.SENT)

    def test_a_receipt_in_decimal_finds_the_id_given_in_hexadecimal(self) -> None:
        self.smsc.hex_ids = True
        message = self.sent()
        other = self.sent("k2")
        self.assertEqual((message.gateway_message_id, other.gateway_message_id), ("3E9", "3EA"))
        self.bind()
        self.push(self.smsc.receipt(str(0x3E9), tlv=False))
        message.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((message.status, other.status), (SmsStatus.DELIVERED, SmsStatus.SENT))

    def test_a_receipt_that_comes_before_its_sms_is_recorded_is_asked_for_again(self) -> None:
        message = sms.enqueue(self.ana, "Hola", "k1")
        # A worker is handing it over: the SMSC accepted it, the row is not updated yet.
        SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SENDING)
        self.bind()
        early = self.smsc.receipt("smsc-1")
        pump(self.listen, lambda: early in self.smsc.answers)
        self.assertEqual(self.smsc.answers[early], 0x64)  # ESME_RX_T_APPN: send it again later
        SmsMessage.objects.filter(pk=message.pk).update(
            status=SmsStatus.SENT, gateway=self.gateway, gateway_message_id="smsc-1"
        )
        self.push(self.smsc.receipt("smsc-1"))
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.DELIVERED)
        # With nothing being handed over, a receipt for no SMS of ours is taken and dropped.
        self.push(self.smsc.receipt("smsc-404"))

    def test_baja_in_ucs2_opts_the_phone_out_of_sms_only(self) -> None:
        other = Contact.objects.create(email="beto@example.org", phone="+51912345678")
        self.bind()
        self.push(self.smsc.reply("51987654321", "baja, gracias por la información", ucs2=True))
        self.ana.refresh_from_db()
        other.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
        self.assertEqual(self.ana.status, Status.SUBSCRIBED)
        self.assertIsNone(other.sms_opted_out_at)
        self.assertIsNone(sms.enqueue(self.ana, "Hola", "after"))

    def test_stop_in_gsm7_opts_out_and_other_replies_do_not(self) -> None:
        self.bind()
        self.push(self.smsc.reply("51987654321", "¿A qué hora empieza? Ñoño"))
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.sms_opted_out_at)
        self.push(self.smsc.reply("51987654321", "STOP"))
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)

    def test_it_binds_again_when_the_smsc_drops_the_connection(self) -> None:
        message = self.sent()
        self.bind()
        self.smsc.drop_receivers()
        pump(self.listen, lambda: self.smsc.receiver_binds == 2 and self.smsc.receivers)
        self.push(self.smsc.receipt(message.gateway_message_id))
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.DELIVERED)

    def test_it_answers_enquire_link_and_asks_its_own_after_a_quiet_spell(self) -> None:
        listener = Listener(enquire_every=0.2)
        self.addCleanup(listener.close)

        def listen() -> None:
            listener.listen(wait=0.05)

        pump(listen, lambda: self.smsc.receivers)
        sequence = self.smsc.enquire()
        pump(listen, lambda: sequence in self.smsc.answers)
        self.assertEqual(self.smsc.answers[sequence], 0)
        pump(listen, lambda: self.smsc.enquire_links >= 2)
        self.assertEqual(self.smsc.receiver_binds, 1)

    def test_it_idles_without_a_gateway_and_binds_to_one_added_later(self) -> None:
        self.gateway.delete()
        self.assertFalse(self.listener.listen(wait=0.05))
        self.assertEqual(self.smsc.binds, [])
        smpp_gateway(self.smsc.port)
        self.bind()
        self.assertEqual(self.smsc.receiver_binds, 1)

    def test_it_unbinds_when_closed(self) -> None:
        self.bind()
        self.listener.close()
        pump(lambda: time.sleep(0.05), lambda: self.smsc.unbinds == 1)

    def test_a_refused_bind_is_logged_without_the_password(self) -> None:
        password = "clave-Secreta-4821"
        self.gateway.secret = vault.encrypt(password)
        self.gateway.save()
        with self.assertLogs(level="DEBUG") as logs:
            self.listener.listen(wait=0.05)
        output = "\n".join(logs.output)
        self.assertIn("refused the bind (0xe)", output)
        self.assertNotIn(password, output)
        self.assertNotIn(binascii.b2a_hex(password.encode()).decode(), output)
        self.assertEqual(self.smsc.receivers, [])

    def test_a_gateway_whose_password_cannot_be_read_keeps_no_other_from_binding(self) -> None:
        # Saved under an encryption key since changed: the secret no longer decrypts.
        unreadable = smpp_gateway(self.smsc.port)
        unreadable.secret = Fernet(Fernet.generate_key()).encrypt(PASSWORD.encode()).decode()
        unreadable.save()
        with self.assertLogs("pregon.sending.sms.receiver", level="WARNING") as logs:
            self.bind()
        self.assertEqual(self.smsc.receiver_binds, 1)
        self.assertIn(f"SMPP gateway {unreadable.pk}: its stored password", "\n".join(logs.output))

    def test_webhooks_get_the_sms_delivery_and_the_failure(self) -> None:
        receiver = start_receiver(self)
        self.client.force_login(self.alice)
        response = self.client.post(
            "/webhooks/nuevo/",
            {"url": receiver.url, "events": [events.MESSAGE_DELIVERED, events.MESSAGE_BOUNCED]},
        )
        secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', response.content.decode())[1]
        delivered, failed = self.sent(), self.sent("k2")
        self.bind()
        self.push(self.smsc.receipt(delivered.gateway_message_id))
        self.push(self.smsc.receipt(failed.gateway_message_id, "EXPIRED", "027"))
        # A second copy of a receipt changes nothing and announces nothing.
        self.push(self.smsc.receipt(delivered.gateway_message_id))
        self.assertEqual(Delivery.objects.count(), 2)
        deliveries.deliver_due()
        got = [Webhook(secret).verify(item.body, item.headers) for item in receiver.received]
        self.assertEqual([item["type"] for item in got], ["message.delivered", "message.bounced"])
        first, second = (
            {key: value for key, value in item["data"].items() if key != "at"} for item in got
        )
        base = {"message": None, "contact": self.ana.pk, "campaign": None, "workflow": None}
        self.assertEqual(first, {**base, "sms": delivered.pk, "channel": "sms"})
        self.assertEqual(
            second,
            {
                **base,
                "sms": failed.pk,
                "channel": "sms",
                "phone": "+51987654321",
                "reason": "EXPIRED err:027",
            },
        )
