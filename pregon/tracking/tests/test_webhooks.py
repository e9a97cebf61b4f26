"""Providers' webhooks, posted as each provider posts them (payloads/<esp>-<event>.json), with
their credentials and signatures right and wrong: what each event becomes, that a wrong
credential or signature records nothing, and that a provider's retry counts once."""

import base64
import datetime
import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.core import checks
from django.db import transaction
from django.http import HttpResponse
from django.test import TestCase, override_settings

from pregon.contacts.models import Contact, Status, Suppression, SuppressionReason
from pregon.contacts.segments import count_contacts
from pregon.sending.models import (
    Bounce,
    BounceCause,
    BounceKind,
    BounceSource,
    Mailing,
    Message,
    MessageStatus,
    SenderIdentity,
)
from pregon.tracking import sns
from pregon.tracking.models import Event, EventKind

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "pregon:q8Vt2kR9wLx4Zc7N"
MAILGUN_KEY = "5b7d1e4c9a2f8b6d3e0c7a1f4b9d2e6c"
LINKS = ["https://aula.example.gob.pe/curso", "https://aula.example.gob.pe/horario"]
SENT_AT = datetime.datetime(2026, 11, 25, 17, 4, 12, tzinfo=datetime.UTC)

# SendGrid signs with ECDSA P-256 and shows its public key (base64 DER) to paste in settings.
SENDGRID_KEY = ec.generate_private_key(ec.SECP256R1())
SENDGRID_PUBLIC = base64.b64encode(
    SENDGRID_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()

# Amazon SNS signs with the RSA key of a certificate it publishes on its own host.
SNS_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SNS_CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"
SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:pregon-eventos"
_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
SNS_CERT_PEM = (
    x509.CertificateBuilder()
    .subject_name(_name)
    .issuer_name(_name)
    .public_key(SNS_KEY.public_key())
    .serial_number(1)
    .not_valid_before(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    .not_valid_after(datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))
    .sign(SNS_KEY, hashes.SHA256())
    .public_bytes(serialization.Encoding.PEM)
)

ANYMAIL = {
    "WEBHOOK_SECRET": SECRET,
    "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
    "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": SENDGRID_PUBLIC,
}


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def basic_auth(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def ever(field: str) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": "ever", "value": None}]}


OPENED_EVER, CLICKED_EVER = ever("opened"), ever("clicked")


class ProviderWebhookTests:
    """The same story for every provider; subclasses say how the provider posts."""

    url: str
    provider_message_id: str
    # Payload names for each kind of fact, and what the open and the click become.
    hard_bounce: str
    soft_bounce: str
    complaint: str
    opened: str
    clicked: str
    unsubscribed: str
    open_machine = ""
    click_link = 1
    # Bounces as the provider posts them: (payload, the Bounce's kind and cause). A hard one
    # suppresses the address; a soft or sending-side one leaves it subscribed.
    bounces: list[tuple[str, BounceKind, BounceCause]] = []

    # unittest's assertions, from TestCase, which every subclass also is.
    assertEqual: Any
    assertFalse: Any
    assertTrue: Any
    assertNotIn: Any
    assertLogs: Any
    skipTest: Any
    client: Any

    @classmethod
    def setUpTestData(cls) -> None:
        sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="capacitacion@escuela.example.pe"
        )
        cls.mailing = Mailing.objects.create(
            subject="Curso de diciembre",
            html="<p>Hola</p>",
            text="Hola",
            sender=sender,
            list_id="<participantes.escuela.example.pe>",
            feedback_id="1:pregon:escuela",
            links=LINKS,
        )

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.enterContext(override_settings(ANYMAIL=ANYMAIL))  # type: ignore[attr-defined]
        self.contact = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        self.message = Message.objects.create(
            mailing=self.mailing,
            contact=self.contact,
            email="ana@example.pe",
            status=MessageStatus.SENT,
            sent_at=SENT_AT,
            provider_message_id=self.provider_message_id,
        )

    def deliver(self, name: str, credentials: str = SECRET) -> HttpResponse:
        """Post the payload ``name`` as the provider would, with its signature."""
        raise NotImplementedError

    def status(self) -> str:
        self.contact.refresh_from_db()
        return self.contact.status

    def assert_nothing_recorded(self) -> None:
        self.assertFalse(Bounce.objects.exists())
        self.assertFalse(Event.objects.exists())
        self.assertFalse(Suppression.objects.exists())
        self.assertEqual(self.status(), Status.SUBSCRIBED)

    def test_a_hard_bounce_suppresses_the_address(self) -> None:
        self.assertEqual(self.deliver(self.hard_bounce).status_code, 200)
        bounce = Bounce.objects.get()
        self.assertEqual((bounce.kind, bounce.source), (BounceKind.HARD, BounceSource.WEBHOOK))
        self.assertEqual((bounce.message, bounce.email), (self.message, "ana@example.pe"))
        self.assertTrue(bounce.reason)
        self.assertEqual(self.status(), Status.BOUNCED)
        self.assertEqual(Suppression.objects.get().reason, SuppressionReason.BOUNCED)

    def test_a_soft_bounce_counts_but_does_not_suppress_yet(self) -> None:
        self.assertEqual(self.deliver(self.soft_bounce).status_code, 200)
        self.assertEqual(Bounce.objects.get().kind, BounceKind.SOFT)
        self.assertEqual(self.status(), Status.SUBSCRIBED)
        self.assertFalse(Suppression.objects.exists())

    def test_each_bounce_gets_the_receivers_cause(self) -> None:
        for name, kind, cause in self.bounces:
            # Each case in a savepoint rolled back after it: a fresh contact for the next.
            with self.subTest(name), transaction.atomic():
                self.assertEqual(self.deliver(name).status_code, 200)
                bounce = Bounce.objects.get()
                self.assertEqual((bounce.kind, bounce.cause), (kind, cause))
                suppressed = kind == BounceKind.HARD
                self.assertEqual(Suppression.objects.exists(), suppressed)
                self.assertEqual(self.status(), Status.BOUNCED if suppressed else Status.SUBSCRIBED)
                transaction.set_rollback(True)

    def test_a_complaint_suppresses_the_address(self) -> None:
        self.assertEqual(self.deliver(self.complaint).status_code, 200)
        self.assertEqual(Bounce.objects.get().kind, BounceKind.COMPLAINT)
        self.assertEqual(self.status(), Status.COMPLAINED)
        self.assertEqual(Suppression.objects.get().reason, SuppressionReason.COMPLAINED)

    def test_an_open_is_an_event(self) -> None:
        self.assertEqual(self.deliver(self.opened).status_code, 200)
        event = Event.objects.get()
        self.assertEqual((event.kind, event.message, event.link), ("opened", self.message, None))
        self.assertEqual(event.machine, self.open_machine)
        self.assertTrue(event.at > SENT_AT)
        # A person's open counts for the segment rule "opened ever".
        opened = count_contacts(OPENED_EVER)
        self.assertEqual(opened, 0 if self.open_machine else 1)

    def test_a_click_names_the_link(self) -> None:
        self.assertEqual(self.deliver(self.clicked).status_code, 200)
        event = Event.objects.get()
        self.assertEqual((event.kind, event.link, event.machine), ("clicked", self.click_link, ""))
        self.assertTrue(event.user_agent)
        self.assertEqual(len(event.ip_hash), 16)
        # A person's click counts for the segment rules on clicks and on opens.
        for rules in (OPENED_EVER, CLICKED_EVER):
            self.assertEqual(count_contacts(rules), 1)

    def test_an_unsubscription_takes_effect(self) -> None:
        if not self.unsubscribed:
            self.skipTest("This provider posts no unsubscriptions.")
        self.assertEqual(self.deliver(self.unsubscribed).status_code, 200)
        self.assertEqual(self.status(), Status.UNSUBSCRIBED)
        self.assertEqual(Event.objects.get().kind, EventKind.UNSUBSCRIBED)

    def test_a_retry_counts_once(self) -> None:
        for name in (self.hard_bounce, self.opened, self.clicked) * 2:
            self.assertEqual(self.deliver(name).status_code, 200)
        self.assertEqual(Bounce.objects.count(), 1)
        self.assertEqual(Event.objects.filter(kind=EventKind.OPENED).count(), 1)
        self.assertEqual(Event.objects.filter(kind=EventKind.CLICKED).count(), 1)

    def test_a_wrong_or_missing_secret_records_nothing(self) -> None:
        for credentials in ("pregon:wrong", ""):
            response = self.deliver(self.hard_bounce, credentials=credentials)
            self.assertTrue(400 <= response.status_code < 500, response.status_code)
        self.assert_nothing_recorded()

    def test_an_unknown_message_is_ignored(self) -> None:
        Message.objects.filter(id=self.message.id).update(provider_message_id="otro")
        self.assertEqual(self.deliver(self.hard_bounce).status_code, 200)
        self.assertEqual(self.deliver(self.opened).status_code, 200)
        self.assert_nothing_recorded()

    def test_another_recipient_of_the_same_id_is_not_this_one(self) -> None:
        Message.objects.filter(id=self.message.id).update(email="otra@example.pe")
        self.assertEqual(self.deliver(self.hard_bounce).status_code, 200)
        self.assert_nothing_recorded()

    def test_the_endpoint_is_closed_until_the_secret_is_set(self) -> None:
        with override_settings(ANYMAIL={**ANYMAIL, "WEBHOOK_SECRET": ""}):
            self.assertEqual(self.deliver(self.hard_bounce, credentials="").status_code, 404)
        self.assert_nothing_recorded()

    def test_no_secret_reaches_the_log(self) -> None:
        with self.assertLogs(level="DEBUG") as logs:
            self.deliver(self.hard_bounce, credentials="pregon:wrong")
            self.deliver(self.hard_bounce)
        text = "\n".join(logs.output)
        for secret in (SECRET.split(":")[1], MAILGUN_KEY, "pregon:wrong"):
            self.assertNotIn(secret, text)


class MailgunTestCase(ProviderWebhookTests, TestCase):
    url = "/t/webhooks/mailgun/"
    provider_message_id = "<20261125170412.3f1c9a2e7b5d4e61@mg.escuela.example.pe>"
    hard_bounce = "mailgun-failed-permanent"
    soft_bounce = ""
    complaint = "mailgun-complained"
    opened = "mailgun-opened"
    clicked = "mailgun-clicked"
    unsubscribed = "mailgun-unsubscribed"
    bounces = [
        ("mailgun-failed-permanent", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        ("mailgun-failed-dmarc", BounceKind.SENDER, BounceCause.SECURITY_ERROR),
        # Given up after retrying a full mailbox: Mailgun says "permanent", the receiver didn't.
        ("mailgun-failed-old-mailbox-full", BounceKind.SOFT, BounceCause.MAILBOX_FULL),
    ]

    def deliver(
        self, name: str, credentials: str = SECRET, key: str = MAILGUN_KEY, message_id: str = ""
    ) -> HttpResponse:
        body = payload(name)
        if message_id:
            body["event-data"]["message"]["headers"]["message-id"] = message_id
        signature = body["signature"]
        signature["signature"] = hmac.new(
            key.encode(), (signature["timestamp"] + signature["token"]).encode(), hashlib.sha256
        ).hexdigest()
        return self.client.post(
            self.url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(credentials),
        )

    def test_an_empty_message_id_names_no_message(self) -> None:
        """ "<>" names no message, not the messages that have no provider id (sent by SMTP)."""
        Message.objects.filter(id=self.message.id).update(provider_message_id="")
        self.assertEqual(self.deliver(self.hard_bounce, message_id="<>").status_code, 200)
        self.assert_nothing_recorded()

    def test_a_soft_bounce_counts_but_does_not_suppress_yet(self) -> None:
        """Mailgun posts a temporary failure while it still retries: that is nothing yet."""
        self.assertEqual(self.deliver("mailgun-failed-temporary").status_code, 200)
        self.assert_nothing_recorded()

    def test_a_wrong_signature_records_nothing(self) -> None:
        response = self.deliver(self.hard_bounce, key="not-the-signing-key")
        self.assertEqual(response.status_code, 400)
        self.assert_nothing_recorded()

    def test_the_endpoint_is_closed_without_the_signing_key(self) -> None:
        with override_settings(ANYMAIL={**ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": ""}):
            self.assertEqual(self.deliver(self.hard_bounce, key="").status_code, 404)
        self.assert_nothing_recorded()

    def test_a_malformed_payload_is_a_400(self) -> None:
        response = self.client.post(
            self.url, "{", content_type="application/json", HTTP_AUTHORIZATION=basic_auth(SECRET)
        )
        self.assertEqual(response.status_code, 400)


class PostmarkTestCase(ProviderWebhookTests, TestCase):
    url = "/t/webhooks/postmark/"
    provider_message_id = "5f0b9c1e-7d3a-4e7e-9c59-2c3f0d7a1b42"
    hard_bounce = "postmark-bounce-hard"
    soft_bounce = "postmark-bounce-soft"
    complaint = "postmark-spam-complaint"
    opened = "postmark-open"
    clicked = "postmark-click"
    click_link = 0
    unsubscribed = "postmark-subscription-change"
    bounces = [
        ("postmark-bounce-hard", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        # Words that say no more than "550": the provider's "HardBounce" decides.
        ("postmark-bounce-hard-vague", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        ("postmark-bounce-soft", BounceKind.SOFT, BounceCause.MAILBOX_FULL),
        # A receiver's filter, not a person: anymail calls it a complaint.
        ("postmark-spam-notification", BounceKind.SENDER, BounceCause.SPAM_DETECTED),
        ("postmark-blocked", BounceKind.SENDER, BounceCause.BLOCKED),
        ("postmark-virus-notification", BounceKind.SENDER, BounceCause.CONTENT_ERROR),
    ]

    def deliver(self, name: str, credentials: str = SECRET) -> HttpResponse:
        return self.client.post(
            self.url,
            json.dumps(payload(name)),
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(credentials),
        )

    def test_an_apple_privacy_open_is_flagged(self) -> None:
        """Postmark doesn't mark Apple's proxy; its bare agent from Apple's network does."""
        self.deliver("postmark-open-apple-proxy")
        self.assertEqual(Event.objects.get().machine, "apple_privacy")

    def test_a_gmail_proxy_open_is_a_person_s(self) -> None:
        """Gmail's proxy fetches only when the person opens the message."""
        self.deliver("postmark-open-gmail-proxy")
        event = Event.objects.get()
        self.assertEqual((event.machine, event.client, event.device), ("", "Gmail", ""))

    def test_a_malformed_payload_is_a_400(self) -> None:
        for body in ("{", "[]", '"Bounce"'):
            response = self.client.post(
                self.url,
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=basic_auth(SECRET),
            )
            self.assertEqual(response.status_code, 400, body)


class BrevoTestCase(ProviderWebhookTests, TestCase):
    url = "/t/webhooks/brevo/"
    provider_message_id = "<202611251704.41287365921@smtp-relay.mailin.fr>"
    hard_bounce = "brevo-hard-bounce"
    soft_bounce = "brevo-soft-bounce"
    complaint = "brevo-spam"
    opened = "brevo-opened"
    clicked = "brevo-click"
    unsubscribed = "brevo-unsubscribe"
    bounces = [
        ("brevo-hard-bounce", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        ("brevo-soft-bounce", BounceKind.SOFT, BounceCause.MAILBOX_FULL),
        ("brevo-blocked", BounceKind.SENDER, BounceCause.BLOCKED),
    ]

    def deliver(self, name: str, credentials: str = SECRET) -> HttpResponse:
        return self.client.post(
            self.url,
            json.dumps(payload(name)),
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(credentials),
        )

    def test_a_click_names_the_link(self) -> None:
        """Brevo's click has no user agent or address: the link is all it says."""
        self.assertEqual(self.deliver(self.clicked).status_code, 200)
        event = Event.objects.get()
        self.assertEqual((event.kind, event.link, event.machine), ("clicked", 1, ""))

    def test_a_proxy_open_is_flagged(self) -> None:
        self.deliver("brevo-unique-proxy-open")
        self.deliver(self.opened)
        machines = dict(Event.objects.values_list("at", "machine"))
        self.assertEqual(sorted(machines.values()), ["", "provider_proxy"])


class SendGridTestCase(ProviderWebhookTests, TestCase):
    url = "/t/webhooks/sendgrid/"
    provider_message_id = "1b8ac5a5-2a15-4f2c-9c2f-3f1f25b7f6a1"
    hard_bounce = "sendgrid-bounce"
    soft_bounce = "sendgrid-blocked"
    complaint = "sendgrid-spamreport"
    opened = "sendgrid-open"
    clicked = "sendgrid-click"
    unsubscribed = "sendgrid-unsubscribe"
    bounces = [
        ("sendgrid-bounce", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        ("sendgrid-blocked", BounceKind.SOFT, BounceCause.RATE_LIMITED),
        ("sendgrid-blocked-spamhaus", BounceKind.SENDER, BounceCause.BLOCKED),
        # A block of our IP that SendGrid files as a bounce: the receiver's words say which.
        ("sendgrid-bounce-spamhaus", BounceKind.SENDER, BounceCause.BLOCKED),
    ]

    def events(self, name: str) -> list[dict[str, Any]]:
        # The engagement events come in one batch, as SendGrid posts them; a test takes one.
        kinds = {"sendgrid-open": "open", "sendgrid-click": "click"}
        kinds["sendgrid-unsubscribe"] = "unsubscribe"
        if name in kinds:
            batch = payload("sendgrid-events")
            return [e for e in batch if e["event"] == kinds[name] and not e.get("sg_machine_open")]
        return payload(name)

    def deliver(
        self, name: str, credentials: str = SECRET, key: ec.EllipticCurvePrivateKey = SENDGRID_KEY
    ) -> HttpResponse:
        return self.post(json.dumps(self.events(name)).encode(), credentials, key)

    def post(
        self,
        body: bytes,
        credentials: str = SECRET,
        key: ec.EllipticCurvePrivateKey = SENDGRID_KEY,
    ) -> HttpResponse:
        timestamp = "1795629300"
        signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return self.client.post(
            self.url,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(credentials),
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE=base64.b64encode(signature).decode(),
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP=timestamp,
        )

    def test_a_whole_batch(self) -> None:
        """Processed, deferred and delivered are nothing; Apple's proxy open is flagged."""
        response = self.post(json.dumps(payload("sendgrid-events")).encode())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Bounce.objects.exists())
        opens = Event.objects.filter(kind=EventKind.OPENED).order_by("at")
        self.assertEqual([e.machine for e in opens], ["provider_proxy", ""])
        self.assertEqual(Event.objects.filter(kind=EventKind.CLICKED).get().link, 1)
        self.assertEqual(self.status(), Status.UNSUBSCRIBED)

    def test_a_dropped_invalid_address_is_a_hard_bounce(self) -> None:
        self.deliver("sendgrid-dropped")
        self.assertEqual(Bounce.objects.get().kind, BounceKind.HARD)
        self.assertEqual(self.status(), Status.BOUNCED)

    def test_a_wrong_signature_records_nothing(self) -> None:
        response = self.deliver(self.hard_bounce, key=ec.generate_private_key(ec.SECP256R1()))
        self.assertEqual(response.status_code, 400)
        body = json.dumps(payload(self.hard_bounce)).encode()
        response = self.client.post(  # Signed, then altered.
            self.url,
            body.replace(b"ana@", b"eva@"),
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(SECRET),
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE=base64.b64encode(
                SENDGRID_KEY.sign(b"1" + body, ec.ECDSA(hashes.SHA256()))
            ).decode(),
            HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP="1",
        )
        self.assertEqual(response.status_code, 400)
        self.assert_nothing_recorded()

    def test_a_batch_with_a_malformed_event_is_refused_whole(self) -> None:
        batch = [*payload("sendgrid-bounce"), {"anymail_id": self.provider_message_id}]
        self.assertEqual(self.post(json.dumps(batch).encode()).status_code, 400)
        self.assert_nothing_recorded()


class FakeResponse:
    def __init__(self, content: bytes = b"", status_code: int = 200) -> None:
        self.content, self.status_code = content, status_code

    def raise_for_status(self) -> None:
        pass


class AmazonSesTestCase(ProviderWebhookTests, TestCase):
    url = "/t/webhooks/amazon_ses/"
    provider_message_id = "0100019abcde1234-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000"
    hard_bounce = "amazon_ses-bounce-permanent"
    soft_bounce = "amazon_ses-bounce-transient"
    complaint = "amazon_ses-complaint"
    opened = "amazon_ses-open"
    clicked = "amazon_ses-click"
    click_link = 0
    unsubscribed = ""
    bounces = [
        ("amazon_ses-bounce-permanent", BounceKind.HARD, BounceCause.USER_UNKNOWN),
        ("amazon_ses-bounce-mailbox-full", BounceKind.SOFT, BounceCause.MAILBOX_FULL),
        # A recipient's status without the server's words: the status decides, not "General".
        ("amazon_ses-bounce-policy-status-only", BounceKind.SENDER, BounceCause.POLICY_VIOLATION),
        # "Permanent: General" is all SES says of a spam rejection; the receiver says more.
        ("amazon_ses-bounce-spam", BounceKind.SENDER, BounceCause.SPAM_DETECTED),
    ]

    def setUp(self) -> None:
        super().setUp()
        sns._public_key.cache_clear()
        self.fetched: list[str] = []
        self.enterContext(mock.patch("requests.get", side_effect=self.fake_get))

    def fake_get(self, url: str, **kwargs: Any) -> FakeResponse:
        """Amazon SNS's side of the network: its certificate, and subscription confirmations."""
        self.fetched.append(url)
        return FakeResponse(
            SNS_CERT_PEM if url == SNS_CERT_URL else b"<ConfirmSubscriptionResponse/>"
        )

    def envelope(self, name: str) -> dict[str, Any]:
        event = payload(name)
        happened = event.get(event["eventType"].lower(), {}).get("timestamp")
        return {
            "Type": "Notification",
            "MessageId": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "TopicArn": SNS_TOPIC,
            "Message": json.dumps(event),
            "Timestamp": happened or event["mail"]["timestamp"],
            "SignatureVersion": "2",
            "SigningCertURL": SNS_CERT_URL,
            "UnsubscribeURL": f"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={SNS_TOPIC}:5e1f",
        }

    def sign(self, message: dict[str, Any], key: rsa.RSAPrivateKey = SNS_KEY) -> dict[str, Any]:
        if message["Type"] == "Notification":
            names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        else:
            names = [
                "Message",
                "MessageId",
                "SubscribeURL",
                "Timestamp",
                "Token",
                "TopicArn",
                "Type",
            ]
        text = "".join(f"{n}\n{message[n]}\n" for n in names if n in message)
        signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
        return {**message, "Signature": base64.b64encode(signature).decode()}

    def post(self, message: dict[str, Any], credentials: str = SECRET) -> HttpResponse:
        auth = {"HTTP_AUTHORIZATION": basic_auth(credentials)} if credentials else {}
        return self.client.post(
            self.url,
            json.dumps(message),
            content_type="text/plain; charset=UTF-8",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE=message["Type"],
            HTTP_X_AMZ_SNS_MESSAGE_ID=message["MessageId"],
            HTTP_X_AMZ_SNS_TOPIC_ARN=SNS_TOPIC,
            **auth,
        )

    def deliver(self, name: str, credentials: str = SECRET) -> HttpResponse:
        return self.post(self.sign(self.envelope(name)), credentials)

    def test_no_credentials_get_the_challenge_sns_needs(self) -> None:
        response = self.deliver(self.hard_bounce, credentials="")
        self.assertEqual(response.status_code, 401)
        self.assertIn("Basic", response["WWW-Authenticate"])
        self.assertEqual(self.fetched, [])

    def test_a_wrong_signature_records_nothing(self) -> None:
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.assertEqual(
            self.post(self.sign(self.envelope(self.hard_bounce), other)).status_code, 400
        )
        altered = self.sign(self.envelope(self.hard_bounce))
        altered["Message"] = altered["Message"].replace("Permanent", "Transient")
        self.assertEqual(self.post(altered).status_code, 400)
        unsigned = self.envelope(self.hard_bounce)
        self.assertEqual(self.post(unsigned).status_code, 400)
        self.assert_nothing_recorded()

    def test_a_certificate_from_elsewhere_is_not_fetched(self) -> None:
        for url in (
            "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
            "http://sns.us-east-1.amazonaws.com/cert.pem",
            "https://evil.example/sns.us-east-1.amazonaws.com/cert.pem",
        ):
            message = self.sign({**self.envelope(self.hard_bounce), "SigningCertURL": url})
            self.assertEqual(self.post(message).status_code, 400, url)
        self.assertEqual(self.fetched, [])
        self.assert_nothing_recorded()

    def test_a_subscription_is_confirmed_at_sns_own_address(self) -> None:
        subscribe_url = (
            "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"
            f"&TopicArn={SNS_TOPIC}&Token=2336412f37fb687f5d51e6e2425a8a58"
        )
        message = {
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e2425a8a58",
            "TopicArn": SNS_TOPIC,
            "Message": f"You have chosen to subscribe to the topic {SNS_TOPIC}.",
            "SubscribeURL": subscribe_url,
            "Timestamp": "2026-11-25T16:00:00.000Z",
            "SignatureVersion": "2",
            "SigningCertURL": SNS_CERT_URL,
        }
        self.assertEqual(self.post(self.sign(message)).status_code, 200)
        self.assertEqual(self.fetched, [SNS_CERT_URL, subscribe_url])

    def test_a_malformed_payload_is_a_400(self) -> None:
        response = self.client.post(
            self.url,
            "{",
            content_type="text/plain",
            HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
            HTTP_AUTHORIZATION=basic_auth(SECRET),
        )
        self.assertEqual(response.status_code, 400)


class WebhookSettingsCheckTestCase(TestCase):
    def ids(self, **webhooks: str) -> list[str]:
        with override_settings(ANYMAIL={**ANYMAIL, **webhooks}):
            return [message.id for message in checks.run_checks(tags=["pregon"])]

    def test_good_settings_pass(self) -> None:
        self.assertNotIn("pregon.W050", self.ids())
        self.assertNotIn("pregon.W051", self.ids())

    def test_a_secret_without_a_user_is_reported(self) -> None:
        self.assertIn("pregon.W050", self.ids(WEBHOOK_SECRET="q8Vt2kR9wLx4Zc7N"))

    def test_a_sendgrid_key_that_is_no_key_is_reported(self) -> None:
        ids = self.ids(SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY="SG.abc123")
        self.assertIn("pregon.W051", ids)
