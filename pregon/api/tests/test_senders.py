from pregon.accounts.models import AuditAction, AuditEntry
from pregon.domains.models import SendingDomain
from pregon.sending.models import SenderIdentity
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase


class SendersTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación",
            from_email="capacitacion@escuela.example.pe",
            reply_to="consultas@escuela.example.pe",
        )
        self.url = f"/senders/{self.sender.code}"

    def test_it_lists_senders_with_their_domain(self) -> None:
        SenderIdentity.objects.create(from_name="Área de TI", from_email="ti@escuela.example.pe")
        response = self.call("GET", "/senders")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(item["from_name"], item["domain"]) for item in response.json()],
            [
                ("Escuela de Capacitación", "escuela.example.pe"),
                ("Área de TI", "escuela.example.pe"),
            ],
        )

    def test_it_gets_a_sender(self) -> None:
        response = self.call("GET", self.url)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["code"], str(self.sender.code))
        self.assertEqual(body["from_email"], "capacitacion@escuela.example.pe")
        self.assertEqual(body["reply_to"], "consultas@escuela.example.pe")
        self.assertEqual(body["domain"], "escuela.example.pe")

    def test_it_creates_a_sender_and_its_domain(self) -> None:
        payload = {"from_name": "Biblioteca", "from_email": " Biblioteca@Cultura.example.pe "}
        response = self.call("POST", "/senders", payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["from_email"], body["reply_to"]), ("biblioteca@cultura.example.pe", "")
        )
        self.assertEqual(body["domain"], "cultura.example.pe")
        domain = SendingDomain.objects.get(name="cultura.example.pe")
        self.assertEqual(domain.keys.count(), 2)

    def test_creation_is_checked_like_the_sender_form(self) -> None:
        cases = [
            ({"from_email": "a@example.pe"}, ["from_name"]),
            ({"from_name": "X", "from_email": "no-es-correo"}, ["from_email"]),
            ({"from_name": "X", "from_email": "CAPACITACION@escuela.example.pe"}, ["from_email"]),
            ({"from_name": "X", "from_email": "a@example.pe", "reply_to": "mal"}, ["reply_to"]),
            ({"from_name": "X", "from_email": "a@example.pe", "domain": "x.pe"}, ["domain"]),
        ]
        for payload, fields in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/senders", payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), fields)
        response = self.call(
            "POST", "/senders", {"from_name": "X", "from_email": "capacitacion@escuela.example.pe"}
        )
        self.assertEqual(
            response.json()["errors"]["from_email"],
            ["Another sender identity already uses this address."],
        )
        self.assertEqual(SenderIdentity.objects.count(), 1)

    def test_patch_changes_only_the_keys_sent(self) -> None:
        response = self.call("PATCH", self.url, {"from_name": "Escuela de Gobierno"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["reply_to"], "consultas@escuela.example.pe")
        response = self.call(
            "PATCH", self.url, {"reply_to": "", "from_email": "hola@otra.example.pe"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["from_name"], body["reply_to"]), ("Escuela de Gobierno", ""))
        self.assertEqual(body["domain"], "otra.example.pe")
        # Its own address is no clash.
        response = self.call("PATCH", self.url, {"from_email": "hola@otra.example.pe"})
        self.assertEqual(response.status_code, 200)

    def test_it_deletes_an_unused_sender_and_audits_it(self) -> None:
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(SenderIdentity.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(
            (entry.target, entry.detail["kind"]), ("capacitacion@escuela.example.pe", "sender")
        )

    def test_a_sender_campaigns_use_is_a_409(self) -> None:
        drafts.draft(sender=self.sender)
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 409)
        self.assertTrue(
            response.json()["detail"].startswith(
                "“capacitacion@escuela.example.pe” can't be deleted"
            )
        )
        self.assertTrue(SenderIdentity.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_unknown_codes_are_404(self) -> None:
        for method in ["GET", "PATCH", "DELETE"]:
            with self.subTest(method=method):
                response = self.call(
                    method, "/senders/nope", {"from_name": "X"} if method == "PATCH" else None
                )
                self.assertEqual(response.status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        charlie = self.token_for(self.charlie)
        for method, path, data in [
            ("GET", "/senders", None),
            ("POST", "/senders", {"from_name": "X", "from_email": "x@example.pe"}),
            ("GET", self.url, None),
            ("PATCH", self.url, {"from_name": "X"}),
            ("DELETE", self.url, None),
        ]:
            with self.subTest(method=method, path=path):
                self.assertEqual(self.call(method, path, data, token=charlie).status_code, 403)
                self.assertEqual(self.client.generic(method, "/api/v1" + path).status_code, 401)
        self.assertEqual(SenderIdentity.objects.get().from_name, "Escuela de Capacitación")
