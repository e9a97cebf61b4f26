"""/api/v1/tickets: an external help desk lists support requests, reads one with its thread,
replies and changes its status; users open and follow their own; the screens' checks and
emails apply."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.help.models import Ticket, TicketStatus
from pregon.help.support import tickets
from pregon.testing.api import ApiTestCase


@override_settings(SUPPORT_EMAIL="mesa@ayuda.gob.pe")
class TicketsApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = self.token_for(self.alice)
        self.analyst = self.token_for(self.charlie)

    def call(self, *args: object, **kwargs: object) -> object:
        # Emails leave once the change is committed.
        with self.captureOnCommitCallbacks(execute=True):
            return super().call(*args, **kwargs)

    def open(self, token: str | None = None, **fields: str) -> dict:
        data = {"subject": "No llega la prueba", "body": "Envié una prueba y no llegó.", **fields}
        response = self.call("POST", "/tickets", data, token=token)
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def test_a_user_opens_a_request_and_the_staff_are_emailed(self) -> None:
        body = self.open(page="/campanas/")
        self.assertEqual(
            (body["status"], body["email"], body["page"]), ("new", "bob@example.org", "/campanas/")
        )
        [entry] = body["entries"]
        self.assertEqual((entry["via"], entry["body"]), ("api", "Envié una prueba y no llegó."))
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            ["alice@example.org", "mesa@ayuda.gob.pe"],
        )

    def test_a_page_elsewhere_is_not_kept(self) -> None:
        self.assertEqual(self.open(page="https://evil.example/")["page"], "")

    def test_an_empty_subject_is_a_422_naming_the_field(self) -> None:
        response = self.call("POST", "/tickets", {"subject": " ", "body": "x"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("subject", response.json()["errors"])
        self.assertFalse(Ticket.objects.exists())

    def test_users_list_and_read_only_their_own(self) -> None:
        bobs = self.open()
        self.open(token=self.analyst, subject="De Charlie")
        listing = self.call("GET", "/tickets").json()
        self.assertEqual([item["id"] for item in listing["items"]], [bobs["id"]])
        theirs = self.call("GET", f"/tickets/{bobs['id']}", token=self.analyst)
        self.assertEqual(theirs.status_code, 404)
        everyone = self.call("GET", "/tickets", token=self.admin).json()
        self.assertEqual(everyone["count"], 2)

    def test_the_help_desk_replies_resolves_and_filters(self) -> None:
        ticket = self.open()
        mail.outbox.clear()
        url = f"/tickets/{ticket['id']}"
        reply = self.call("POST", url + "/replies", {"body": "Revise su spam."}, token=self.admin)
        self.assertEqual(reply.status_code, 201)
        resolved = self.call("PATCH", url, {"status": "resolved"}, token=self.admin)
        self.assertEqual(resolved.json()["status"], "resolved")
        history = [(e["kind"], e["status"]) for e in resolved.json()["entries"]]
        self.assertEqual(
            history,
            [("message", ""), ("message", ""), ("status", "in_progress"), ("status", "resolved")],
        )
        self.assertEqual([m.to for m in mail.outbox], [["bob@example.org"]] * 2)
        again = self.call("PATCH", url, {"status": "resolved"}, token=self.admin)
        self.assertEqual(again.status_code, 409)
        only = self.call("GET", "/tickets", {"status": "resolved"}, token=self.admin).json()
        self.assertEqual([item["id"] for item in only["items"]], [ticket["id"]])
        none = self.call("GET", "/tickets", {"status": "new"}, token=self.admin).json()
        self.assertEqual(none["items"], [])
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.TICKET_CHANGED, actor=self.alice)
        )

    def test_only_administrators_change_the_status(self) -> None:
        ticket = self.open()
        response = self.call("PATCH", f"/tickets/{ticket['id']}", {"status": "resolved"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Ticket.objects.get().status, TicketStatus.NEW)

    def test_an_unknown_status_is_a_422(self) -> None:
        ticket = self.open()
        response = self.call(
            "PATCH", f"/tickets/{ticket['id']}", {"status": "closed"}, token=self.admin
        )
        self.assertEqual(response.status_code, 422)

    def test_without_a_token_it_is_a_401(self) -> None:
        self.assertEqual(self.client.get("/api/v1/tickets").status_code, 401)

    def test_an_attachment_from_the_screen_can_be_downloaded(self) -> None:
        self.use_temporary_media()
        upload = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        tickets.open_ticket(self.bob, "Acta", "Adjunto el acta.", upload=upload)
        ticket = Ticket.objects.get()
        [entry] = self.call("GET", f"/tickets/{ticket.pk}", token=self.admin).json()["entries"]
        [attachment] = entry["attachments"]
        self.assertEqual((attachment["name"], attachment["size"]), ("acta.pdf", 15))
        url = f"/tickets/{ticket.pk}/attachments/{attachment['id']}"
        response = self.call("GET", url, token=self.admin)
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4\n%%EOF\n")
        self.assertEqual(self.call("GET", url, token=self.analyst).status_code, 404)
