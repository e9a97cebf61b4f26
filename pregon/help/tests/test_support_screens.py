"""Support requests: asking for help from a screen (with a checked attachment and the page
it came from), who is emailed, who sees what, replies and changes of status with their
history and audit."""

import io

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.help.models import Ticket, TicketAttachment, TicketStatus
from pregon.testing import BaseTestCase

NEW = "/ayuda/solicitudes/nueva/"


def png() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(data, "PNG")
    return data.getvalue()


@override_settings(SUPPORT_EMAIL="mesa@ayuda.gob.pe")
class SupportScreensTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()

    def ask(self, user: object = None, **fields: object) -> object:
        self.client.force_login(user or self.charlie)
        data = {"subject": "No puedo importar", "body": "El archivo no sube.", **fields}
        return self.post(NEW, data)

    def post(self, url: str, data: dict, **extra: object) -> object:
        # Emails leave once the change is committed.
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data, **extra)

    def test_a_request_becomes_a_ticket_emailed_to_the_admins_and_the_support_address(self) -> None:
        response = self.ask(page="/contactos/importar/?x=1")
        ticket = Ticket.objects.get()
        self.assertRedirects(response, f"/ayuda/solicitudes/{ticket.pk}/")
        self.assertEqual(
            (ticket.requester, ticket.status, ticket.page),
            (self.charlie, TicketStatus.NEW, "/contactos/importar/?x=1"),
        )
        self.assertEqual(ticket.entries.get().body, "El archivo no sube.")
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            ["alice@example.org", "mesa@ayuda.gob.pe"],
        )
        message = mail.outbox[0]
        self.assertIn("No puedo importar", message.subject)
        self.assertIn(f"/ayuda/solicitudes/{ticket.pk}/", message.body)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.TICKET_CHANGED, actor=self.charlie)
        )

    def test_the_page_it_came_from_is_offered_and_kept_only_if_local(self) -> None:
        self.client.force_login(self.bob)
        form = self.client.get(NEW, {"pagina": "/campanas/?estado=draft"})
        self.assertContains(form, 'value="/campanas/?estado=draft"')
        for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            self.ask(self.bob, page=outside)
        self.assertEqual(set(Ticket.objects.values_list("page", flat=True)), {""})

    def test_a_form_sent_back_with_errors_never_links_to_another_site(self) -> None:
        for outside in ("javascript:alert(1)", "//evil.example/x"):
            response = self.ask(self.bob, subject="", page=outside)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, f'href="{outside}"')
            self.assertNotContains(response, "Sent from the screen:")

    def test_every_screen_offers_to_ask_for_help_from_itself(self) -> None:
        self.client.force_login(self.charlie)
        page = self.client.get("/ayuda/")
        self.assertContains(page, f'href="{NEW}?pagina=%2Fayuda%2F"')

    def test_a_screenshot_is_kept_and_shown_to_who_may_see_the_ticket(self) -> None:
        shot = SimpleUploadedFile("pantalla.png", png(), content_type="image/png")
        self.ask(attachment=shot)
        ticket = Ticket.objects.get()
        attachment = ticket.entries.get().attachments.get()
        self.assertEqual((attachment.name, attachment.content_type), ("pantalla.png", "image/png"))
        url = f"/ayuda/solicitudes/{ticket.pk}/adjuntos/{attachment.pk}/"
        self.assertContains(self.client.get(f"/ayuda/solicitudes/{ticket.pk}/"), url)
        self.assertEqual(b"".join(self.client.get(url).streaming_content), png())
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_file_that_is_not_what_it_claims_is_refused_in_spanish(self) -> None:
        self.use_spanish()
        fake = SimpleUploadedFile("pantalla.png", b"MZ\x90\x00 not an image", "image/png")
        response = self.ask(attachment=fake)
        self.assertContains(response, "captura de pantalla (PNG o JPEG), un PDF o un texto")
        self.assertFalse(Ticket.objects.exists())

    def test_a_pdf_and_a_text_file_are_told_by_their_content(self) -> None:
        pdf = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n", "application/octet-stream")
        self.ask(attachment=pdf)
        text = SimpleUploadedFile("error.txt", "Línea de error".encode(), "text/plain")
        self.ask(attachment=text)
        kept = TicketAttachment.objects.order_by("pk").values_list("name", "content_type")
        self.assertEqual(list(kept), [("acta.pdf", "application/pdf"), ("error.txt", "text/plain")])
        # A binary file called .txt is no text.
        binary = SimpleUploadedFile("datos.txt", b"\x00\x01\x02", "text/plain")
        self.assertContains(self.ask(attachment=binary), "this file is none")

    def test_a_file_over_5_mb_is_refused(self) -> None:
        big = SimpleUploadedFile("grande.txt", b"a" * (5 * 1024 * 1024 + 1), "text/plain")
        response = self.ask(attachment=big)
        self.assertContains(response, "the limit is 5 MB")
        self.assertFalse(Ticket.objects.exists())

    def test_an_empty_subject_says_what_to_fix(self) -> None:
        response = self.ask(subject="  ")
        self.assertContains(response, "This field is required.")
        self.assertFalse(Ticket.objects.exists())

    def test_users_see_only_their_own_requests_and_admins_all(self) -> None:
        self.ask(self.bob, subject="De Bob")
        self.ask(self.charlie, subject="De Charlie")
        bobs = Ticket.objects.get(subject="De Bob")
        listing = self.client.get("/ayuda/solicitudes/")
        self.assertContains(listing, "De Charlie")
        self.assertNotContains(listing, "De Bob")
        self.assertEqual(self.client.get(f"/ayuda/solicitudes/{bobs.pk}/").status_code, 404)
        self.client.force_login(self.alice)
        listing = self.client.get("/ayuda/solicitudes/")
        self.assertContains(listing, "De Bob")
        self.assertContains(listing, "De Charlie")

    def test_admins_filter_by_status(self) -> None:
        self.ask(subject="Nueva")
        self.ask(subject="Resuelta")
        resolved = Ticket.objects.get(subject="Resuelta")
        self.client.force_login(self.alice)
        self.post(f"/ayuda/solicitudes/{resolved.pk}/estado/", {"status": "resolved"})
        listing = self.client.get("/ayuda/solicitudes/", {"estado": "resolved"})
        self.assertContains(listing, "Resuelta")
        self.assertNotContains(listing, ">Nueva<")

    def test_an_admin_replies_and_resolves_and_the_requester_is_told_each_time(self) -> None:
        self.ask()
        ticket = Ticket.objects.get()
        mail.outbox.clear()
        self.client.force_login(self.alice)
        url = f"/ayuda/solicitudes/{ticket.pk}/"
        self.post(url + "responder/", {"body": "Guárdelo como CSV UTF-8."})
        self.post(url + "estado/", {"status": "resolved"})
        ticket.refresh_from_db()
        self.assertEqual(ticket.status, TicketStatus.RESOLVED)
        history = [(e.kind, e.status, e.body) for e in ticket.entries.all()]
        self.assertEqual(
            history,
            [
                ("message", "", "El archivo no sube."),
                ("message", "", "Guárdelo como CSV UTF-8."),
                ("status", "in_progress", ""),
                ("status", "resolved", ""),
            ],
        )
        self.assertEqual([m.to for m in mail.outbox], [[self.charlie.email]] * 2)
        self.assertIn("Guárdelo como CSV UTF-8.", mail.outbox[0].body)
        self.assertIn("Resuelta", mail.outbox[1].body)
        changes = AuditEntry.objects.filter(action=AuditAction.TICKET_CHANGED, actor=self.alice)
        self.assertEqual(
            [e.detail["what"] for e in changes.order_by("pk")], ["replied", "status", "status"]
        )

    def test_answers_reach_the_requester_at_their_current_address(self) -> None:
        self.ask()
        ticket = Ticket.objects.get()
        self.charlie.email = "charlie.nuevo@example.org"
        self.charlie.save(update_fields=["email"])
        mail.outbox.clear()
        self.client.force_login(self.alice)
        url = f"/ayuda/solicitudes/{ticket.pk}/"
        self.post(url + "responder/", {"body": "Pruebe otra vez."})
        self.post(url + "estado/", {"status": "resolved"})
        self.assertEqual([m.to for m in mail.outbox], [["charlie.nuevo@example.org"]] * 2)

    def test_the_requester_writing_again_reopens_a_resolved_request(self) -> None:
        self.ask()
        ticket = Ticket.objects.get()
        self.client.force_login(self.alice)
        self.post(f"/ayuda/solicitudes/{ticket.pk}/estado/", {"status": "resolved"})
        mail.outbox.clear()
        self.client.force_login(self.charlie)
        self.post(f"/ayuda/solicitudes/{ticket.pk}/responder/", {"body": "Sigue igual."})
        ticket.refresh_from_db()
        self.assertEqual(ticket.status, TicketStatus.IN_PROGRESS)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["alice@example.org", "mesa@ayuda.gob.pe"]
        )

    def test_only_admins_change_the_status(self) -> None:
        self.ask()
        ticket = Ticket.objects.get()
        response = self.post(f"/ayuda/solicitudes/{ticket.pk}/estado/", {"status": "resolved"})
        self.assertEqual(response.status_code, 403)
        ticket.refresh_from_db()
        self.assertEqual(ticket.status, TicketStatus.NEW)

    def test_a_move_that_makes_no_sense_is_refused(self) -> None:
        self.ask()
        ticket = Ticket.objects.get()
        self.client.force_login(self.alice)
        url = f"/ayuda/solicitudes/{ticket.pk}/estado/"
        self.post(url, {"status": "in_progress"})
        response = self.post(url, {"status": "in_progress"}, follow=True)
        self.assertContains(response, "cannot become")
        self.assertEqual(ticket.entries.filter(kind="status").count(), 1)

    def test_what_people_write_is_escaped_on_the_page_and_in_the_email(self) -> None:
        self.ask(body="<script>alert(1)</script>")
        ticket = Ticket.objects.get()
        page = self.client.get(f"/ayuda/solicitudes/{ticket.pk}/")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(page, "<script>alert(1)")
        html = mail.outbox[0].alternatives[0][0]
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertNotIn("<script>", html)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get("/ayuda/solicitudes/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])
