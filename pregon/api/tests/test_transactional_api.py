"""POST /api/v1/transactional and GET /api/v1/transactional/{id}: one email to one address,
through the engine to a real SMTP server, idempotent on its key, rate-limited per token."""

import datetime
import re

import time_machine
from django.conf import settings
from django.test import override_settings

from pregon.contacts.models import Contact, Field, FieldType, Status
from pregon.content.models import EmailTemplate, Format
from pregon.sending import quota
from pregon.sending.models import Mailing, Message, QuotaDebit, SenderIdentity, SendingLimits
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking import spool

HTML = (
    "<html><body><p>Hola {{ nombre | default('estudiante') }}:</p>"
    "<p>Su matrícula en {{ curso }} está confirmada.</p>"
    '<p><a href="https://aula.example.pe/curso/42">Entrar al aula</a></p>'
    "</body></html>"
)


class TransactionalApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        quota.ensure_plan()
        Field.objects.create(key="curso", label="Curso", type=FieldType.TEXT)
        self.template = EmailTemplate(name="Matrícula", format=Format.HTML)
        self.template.set_source(HTML)
        self.template.save()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="aula@escuela.example.pe"
        )

    def payload(self, **changes: object) -> dict[str, object]:
        return {
            "to": "Luis@Example.pe",
            "template": str(self.template.code),
            "sender": str(self.sender.code),
            "subject": "Matrícula confirmada: {{ curso }}",
            "data": {"nombre": "Luis", "curso": "Excel básico"},
            **changes,
        }

    def post(self, payload: dict[str, object], key: str | None = None, **extra: object):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return self.call("POST", "/transactional", payload, **headers, **extra)

    def test_the_same_key_sends_once(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            first = self.post(self.payload(), key="matricula-42")
            again = self.post(self.payload(), key="matricula-42")
            send_all()
            after_sending = self.post(self.payload(), key="matricula-42")
            send_all()
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual((again.status_code, after_sending.status_code), (200, 200))
        self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(after_sending.json()["id"], first.json()["id"])
        self.assertEqual(after_sending.json()["status"], "sent")
        [received] = mailbox.received
        self.assertEqual(received.recipient, "luis@example.pe")
        parsed = received.parsed()
        self.assertEqual(parsed["Subject"], "Matrícula confirmada: Excel básico")
        self.assertIn("DKIM-Signature", parsed)
        html = parsed.get_body(("html",)).get_content()
        self.assertIn("Hola Luis:", html)
        self.assertIn("Su matrícula en Excel básico está confirmada.", html)
        # No tracking unless asked.
        self.assertIn('href="https://aula.example.pe/curso/42"', html)
        self.assertNotIn(settings.SITE_URL + "/t/", html)
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(sum(QuotaDebit.objects.values_list("count", flat=True)), 1)
        status = self.call("GET", f"/transactional/{first.json()['id']}")
        self.assertEqual(status.status_code, 200)
        body = status.json()
        self.assertEqual(
            (body["status"], body["to"], body["smtp_code"]), ("sent", "luis@example.pe", 250)
        )
        self.assertFalse(body["opened"])

    def test_a_key_is_the_users_own(self) -> None:
        with smtp_server(Mailbox()):
            bobs = self.post(self.payload(), key="k-1")
            alices = self.post(self.payload(), key="k-1", token=self.token_for(self.alice))
            # Another token of the same user: the same message.
            bobs_again = self.post(self.payload(), key="k-1", token=self.token_for(self.bob))
        self.assertEqual((bobs.status_code, alices.status_code), (201, 201))
        self.assertNotEqual(bobs.json()["id"], alices.json()["id"])
        self.assertEqual(
            (bobs_again.status_code, bobs_again.json()["id"]), (200, bobs.json()["id"])
        )
        # Without a key, each request is a message of its own.
        self.assertEqual(self.post(self.payload()).status_code, 201)
        self.assertEqual(self.post(self.payload()).status_code, 201)
        self.assertEqual(Message.objects.count(), 4)

    def test_a_contact_who_unsubscribed_and_is_capped_gets_it_with_opens_and_clicks_counted(
        self,
    ) -> None:
        SendingLimits.objects.create(pk=1, frequency_cap=1)
        Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana",
            status=Status.UNSUBSCRIBED,
            attributes={"curso": "Word"},
        )
        mailbox = Mailbox()
        with smtp_server(mailbox):
            earlier = self.post(self.payload(to="ana@example.pe", data={}), key="a-1")
            self.assertEqual(earlier.status_code, 201, earlier.content)
            send_all()
            tracked = self.payload(to="ana@example.pe", data={"curso": "Excel"})
            response = self.post({**tracked, "track_opens": True, "track_clicks": True}, key="a-2")
            send_all()
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(len(mailbox.received), 2)
        first, second = (r.parsed().get_body(("html",)).get_content() for r in mailbox.received)
        # The contact's own data, then the request's, which wins for its message.
        self.assertIn("Hola Ana:", first)
        self.assertIn("Su matrícula en Word", first)
        self.assertIn("Su matrícula en Excel", second)
        self.assertNotIn("aula.example.pe/curso/42", second)
        click = re.search(r'href="([^"]*/t/[^"]+)"', second).group(1)
        pixel = re.search(r'<img src="([^"]*/t/o/[^"]+)"', second).group(1)
        self.assertEqual(self.client.get(pixel.removeprefix(settings.SITE_URL)).status_code, 200)
        redirect = self.client.get(click.removeprefix(settings.SITE_URL))
        self.assertTrue(redirect["Location"].startswith("https://aula.example.pe/curso/42?"))
        spool.flush()
        body = self.call("GET", f"/transactional/{response.json()['id']}").json()
        self.assertEqual((body["opened"], body["clicked"]), (True, True))
        self.assertEqual((body["track_opens"], body["track_clicks"]), (True, True))

    @override_settings(TRANSACTIONAL_PER_MINUTE=2)
    # Within one minute's window, whenever the test runs.
    @time_machine.travel(datetime.datetime(2026, 12, 6, 10, 0, 30, tzinfo=datetime.UTC), tick=False)
    def test_each_token_is_limited_a_minute(self) -> None:
        for number in range(2):
            self.assertEqual(self.post(self.payload(), key=f"r-{number}").status_code, 201)
        refused = self.post(self.payload(), key="r-2")
        self.assertEqual(refused.status_code, 429)
        self.assertIn("2", refused.json()["detail"])
        self.assertEqual(refused.json()["errors"], {})
        self.assertEqual(refused["Retry-After"], "30")
        other = self.post(self.payload(), key="r-2", token=self.token_for(self.bob))
        self.assertEqual(other.status_code, 201)
        self.assertEqual(Mailing.objects.count(), 3)

    def test_bad_requests_answer_why_and_queue_nothing(self) -> None:
        broken = EmailTemplate.objects.create(
            name="Rota",
            format=Format.HTML,
            source="x",
            html="x",
            checks=[{"code": "text", "level": "error", "params": {}}],
        )
        cases = [
            (self.payload(to="no-es-correo"), "to"),
            (self.payload(template="5d0e8f4e-0000-4000-8000-000000000000"), "template"),
            (self.payload(template="plantilla"), "template"),
            (self.payload(template=str(broken.code)), "template"),
            (self.payload(sender="nadie@escuela.example.pe"), "sender"),
            (self.payload(subject="Hola {{ nombre.upper() }}"), "subject"),
            (self.payload(subject="Hola {{ apodo }}"), "subject"),
            (self.payload(data={"apodo": "Lu"}), "data"),
            (self.payload(data={"enlace_baja": "https://otro.example"}), "data"),
            (self.payload(data={"view_in_browser": "https://otro.example"}), "data"),
            ({key: value for key, value in self.payload().items() if key != "to"}, "to"),
            ({**self.payload(), "cc": "x@example.pe"}, "cc"),
        ]
        for payload, field in cases:
            with self.subTest(field=field, payload=payload):
                response = self.post(payload, key="bad")
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["errors"])
        long_key = self.post(self.payload(), key="k" * 151)
        self.assertEqual(long_key.status_code, 422)
        self.assertIn("Idempotency-Key", long_key.json()["errors"])
        not_json = self.client.post(
            "/api/v1/transactional",
            "{",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        self.assertEqual(not_json.status_code, 400)
        self.assertIn("detail", not_json.json())
        self.assertFalse(Mailing.objects.exists())
        # By address, a sender is found too.
        by_address = self.post(self.payload(sender="AULA@escuela.example.pe"), key="ok")
        self.assertEqual(by_address.status_code, 201, by_address.content)

    def test_it_needs_an_editors_token(self) -> None:
        analyst = self.post(self.payload(), token=self.token_for(self.charlie))
        self.assertEqual(analyst.status_code, 403)
        anonymous = self.client.post(
            "/api/v1/transactional", self.payload(), content_type="application/json"
        )
        self.assertEqual(anonymous.status_code, 401)
        self.assertFalse(Mailing.objects.exists())

    def test_its_status_is_for_the_user_who_sent_it(self) -> None:
        with smtp_server(Mailbox()):
            sent = self.post(self.payload(), key="k-9").json()["id"]
        self.assertEqual(self.call("GET", f"/transactional/{sent}").status_code, 200)
        bobs_other = self.call("GET", f"/transactional/{sent}", token=self.token_for(self.bob))
        self.assertEqual(bobs_other.json()["id"], sent)
        alices = self.call("GET", f"/transactional/{sent}", token=self.token_for(self.alice))
        self.assertEqual(alices.status_code, 404)

    def test_an_unknown_id_is_a_404(self) -> None:
        for id in ("5d0e8f4e-0000-4000-8000-000000000000", "nada"):
            response = self.call("GET", f"/transactional/{id}")
            self.assertEqual(response.status_code, 404)
            self.assertIn("detail", response.json())
