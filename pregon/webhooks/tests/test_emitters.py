"""Each event, caused through the public surface that causes it, reaches a subscribed
endpoint as a delivery (the outbox row the worker will post)."""

import re
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pregon.accounts.models import ApiToken
from pregon.campaigns import scheduling
from pregon.contacts import imports
from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.forms import defences
from pregon.lib import events, signing
from pregon.popups.models import Popup
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.popup_public import PublicTestCase
from pregon.testing.signup_forms import make_signup_form
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.testing.webhooks import subscribe_to
from pregon.tracking import conversions, incoming, spool
from pregon.webhooks.models import Delivery

SITE = "https://correo.escuela.example.pe"


def payloads(name: str) -> list[dict]:
    return [d.payload for d in Delivery.objects.filter(event=name).order_by("pk")]


def without_times(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k != "at"} for item in items]


class ContactEventsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.course = MailingList.objects.create(name="Curso de diciembre")

    def create(self, **extra: object) -> Contact:
        data = {"email": "ana@example.pe", "status": "subscribed", **extra}
        self.client.post("/contactos/nuevo/", data)
        return Contact.objects.get(email="ana@example.pe")

    def test_contact_created(self) -> None:
        subscribe_to(events.CONTACT_CREATED)
        contact = self.create()
        self.assertEqual(without_times(payloads(events.CONTACT_CREATED)), [{"contact": contact.pk}])

    def test_contact_updated(self) -> None:
        subscribe_to(events.CONTACT_UPDATED)
        contact = self.create()
        self.assertEqual(payloads(events.CONTACT_UPDATED), [])
        self.client.post(
            f"/contactos/{contact.code}/editar/",
            {"email": "ana@example.pe", "first_name": "Ana", "status": "subscribed"},
        )
        self.assertEqual(without_times(payloads(events.CONTACT_UPDATED)), [{"contact": contact.pk}])

    def test_contact_unsubscribed_by_its_link(self) -> None:
        subscribe_to(events.CONTACT_UNSUBSCRIBED)
        campaign_to(contacts_on_a_list(2))
        scheduling.start_due_campaigns()
        message = Message.objects.order_by("pk").first()
        self.client.post(f"/t/baja/{signing.sign('unsubscribe', message.pk)}/")
        [payload] = payloads(events.CONTACT_UNSUBSCRIBED)
        self.assertEqual(payload["contact"], message.contact_id)
        self.assertEqual(payload["message"], message.pk)

    def test_contacts_unsubscribed_in_bulk(self) -> None:
        subscribe_to(events.CONTACT_UNSUBSCRIBED)
        contacts_on_a_list(3)
        Contact.objects.filter(email="persona0002@example.pe").update(status=Status.BOUNCED)
        self.client.post(
            "/contactos/acciones/", {"action": "unsubscribe", "scope": "all"}, follow=True
        )
        unsubscribed = {p["contact"] for p in payloads(events.CONTACT_UNSUBSCRIBED)}
        expected = Contact.objects.filter(status=Status.UNSUBSCRIBED).values_list("pk", flat=True)
        self.assertEqual(unsubscribed, set(expected))
        self.assertEqual(len(unsubscribed), 2)

    def test_list_joined_from_the_form(self) -> None:
        subscribe_to(events.LIST_JOINED)
        contact = self.create(lists=[self.course.pk])
        self.assertEqual(
            without_times(payloads(events.LIST_JOINED)),
            [{"contact": contact.pk, "list": self.course.pk}],
        )

    def test_list_joined_in_bulk_in_batches_and_only_by_newcomers(self) -> None:
        subscribe_to(events.LIST_JOINED)
        contacts_on_a_list(2500, name="Todos")
        already = Contact.objects.get(email="persona0007@example.pe")
        already.lists.add(self.course)
        self.client.post(
            "/contactos/acciones/",
            {"action": "add_to_list", "scope": "all", "mailing_list": self.course.code},
        )
        joined = [p["contact"] for p in payloads(events.LIST_JOINED)]
        self.assertEqual(len(joined), 2499)
        self.assertNotIn(already.pk, joined)
        self.assertEqual({p["list"] for p in payloads(events.LIST_JOINED)}, {self.course.pk})

    def test_tag_added(self) -> None:
        subscribe_to(events.TAG_ADDED)
        contact = self.create(tag_names="egresada")
        self.client.post(
            "/contactos/acciones/",
            {"action": "add_tag", "scope": "all", "tag_name": "egresada"},
        )
        self.client.post(
            "/contactos/acciones/",
            {"action": "add_tag", "scope": "all", "tag_name": "docente"},
        )
        tags = {t.name: t.pk for t in Tag.objects.all()}
        self.assertEqual(
            without_times(payloads(events.TAG_ADDED)),
            [
                {"contact": contact.pk, "tag": tags["egresada"]},
                {"contact": contact.pk, "tag": tags["docente"]},
            ],
        )

    def test_the_api_bulk_upsert_announces_each_contact(self) -> None:
        subscribe_to(events.CONTACT_CREATED, events.CONTACT_UPDATED)
        Contact.objects.create(email="old@example.pe")
        token = self.issue_token()
        response = self.client.post(
            "/api/v1/contacts/bulk",
            {"contacts": [{"email": "old@example.pe"}, {"email": "new@example.pe"}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assertIn(response.status_code, (200, 201), response.content)
        ids = dict(Contact.objects.values_list("email", "pk"))
        self.assertEqual(
            [p["contact"] for p in payloads(events.CONTACT_CREATED)], [ids["new@example.pe"]]
        )
        self.assertEqual(
            [p["contact"] for p in payloads(events.CONTACT_UPDATED)], [ids["old@example.pe"]]
        )

    def test_contact_unsubscribed_from_the_form_once(self) -> None:
        subscribe_to(events.CONTACT_UNSUBSCRIBED, events.CONTACT_UPDATED)
        contact = self.create()
        edit = f"/contactos/{contact.code}/editar/"
        self.client.post(edit, {"email": "ana@example.pe", "status": "unsubscribed"})
        self.client.post(
            edit, {"email": "ana@example.pe", "status": "unsubscribed", "first_name": "Ana"}
        )
        self.assertEqual(
            without_times(payloads(events.CONTACT_UNSUBSCRIBED)), [{"contact": contact.pk}]
        )
        self.assertEqual(len(payloads(events.CONTACT_UPDATED)), 2)

    def test_sms_stopped_and_resumed_by_staff_are_updates(self) -> None:
        subscribe_to(events.CONTACT_UPDATED, events.CONTACT_UNSUBSCRIBED)
        contact = Contact.objects.create(email="ana@example.pe", phone="+51987654321")
        self.client.post(f"/contactos/{contact.code}/sms/dejar/")
        self.client.post(f"/contactos/{contact.code}/sms/reanudar/", {"confirmed": "on"})
        self.assertEqual(
            without_times(payloads(events.CONTACT_UPDATED)),
            [{"contact": contact.pk}, {"contact": contact.pk}],
        )
        self.assertEqual(payloads(events.CONTACT_UNSUBSCRIBED), [])

    def test_the_api_bulk_upsert_announces_who_left(self) -> None:
        subscribe_to(events.CONTACT_UNSUBSCRIBED, events.CONTACT_UPDATED)
        leaving = Contact.objects.create(email="leaving@example.pe")
        gone = Contact.objects.create(email="gone@example.pe", status=Status.UNSUBSCRIBED)
        staying = Contact.objects.create(email="staying@example.pe")
        response = self.client.post(
            "/api/v1/contacts/bulk",
            {
                "contacts": [
                    {"email": "leaving@example.pe", "status": "unsubscribed"},
                    {"email": "gone@example.pe", "status": "unsubscribed"},
                    {"email": "staying@example.pe", "first_name": "Rosa"},
                    {"email": "new@example.pe", "status": "unsubscribed"},
                ]
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.issue_token()}",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            [p["contact"] for p in payloads(events.CONTACT_UNSUBSCRIBED)], [leaving.pk]
        )
        self.assertEqual(
            sorted(p["contact"] for p in payloads(events.CONTACT_UPDATED)),
            sorted([leaving.pk, gone.pk, staying.pk]),
        )

    def test_an_import_announces_who_left(self) -> None:
        self.use_temporary_media()
        subscribe_to(events.CONTACT_UNSUBSCRIBED, events.CONTACT_UPDATED)
        leaving = Contact.objects.create(email="leaving@example.pe")
        gone = Contact.objects.create(email="gone@example.pe", status=Status.UNSUBSCRIBED)
        bounced = Contact.objects.create(email="bounced@example.pe", status=Status.BOUNCED)
        staying = Contact.objects.create(email="staying@example.pe")
        content = (
            "Correo;Estado\r\n"
            "leaving@example.pe;baja\r\n"
            "gone@example.pe;baja\r\n"
            "bounced@example.pe;baja\r\n"
            "staying@example.pe;\r\n"
            "new@example.pe;baja\r\n"
        )
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", content.encode()), user=self.bob, language="es"
        )
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(imp, {"0": "email", "1": "status"}, update_existing=True)
        imports.run_import(imp.pk, 1)  # What the worker does.
        self.assertEqual(
            [p["contact"] for p in payloads(events.CONTACT_UNSUBSCRIBED)], [leaving.pk]
        )
        self.assertEqual(
            sorted(p["contact"] for p in payloads(events.CONTACT_UPDATED)),
            sorted([leaving.pk, gone.pk, bounced.pk, staying.pk]),
        )
        leaving.refresh_from_db()
        self.assertEqual(leaving.status, Status.UNSUBSCRIBED)

    def test_an_import_announces_the_contacts_it_made_chunk_after_chunk(self) -> None:
        """Chunks of new people and a chunk with a contact's address in between (the
        general statements): each announced id is the contact's in the database."""
        self.use_temporary_media()
        subscribe_to(events.CONTACT_CREATED, events.CONTACT_UPDATED, events.LIST_JOINED)
        known = Contact.objects.create(email="persona4@example.pe", first_name="Antes")
        lines = [f"persona{n}@example.pe,Persona {n}" for n in range(10)]
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", ("Correo,Nombres\n" + "\n".join(lines)).encode()),
            user=self.bob,
            language="es",
        )
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(
                imp,
                {"0": "email", "1": "first_name"},
                update_existing=True,
                mailing_list=self.course,
            )
        with mock.patch("pregon.contacts.imports.run.CHUNK_ROWS", 3):
            imports.run_import(imp.pk, 1)  # What the worker does.
        ids = dict(Contact.objects.values_list("email", "pk"))
        made = [ids[f"persona{n}@example.pe"] for n in range(10) if n != 4]
        self.assertEqual([p["contact"] for p in payloads(events.CONTACT_CREATED)], made)
        self.assertEqual([p["contact"] for p in payloads(events.CONTACT_UPDATED)], [known.pk])
        self.assertEqual(
            sorted(p["contact"] for p in payloads(events.LIST_JOINED)), sorted([*made, known.pk])
        )
        self.assertEqual(Contact.objects.get(pk=known.pk).first_name, "Persona 4")

    def test_an_import_after_the_newest_contact_was_deleted_announces_the_right_ids(
        self,
    ) -> None:
        """Ids are never reused (SQLite's AUTOINCREMENT): the new contacts' start above the
        deleted one's, and each announced id is the contact's in the database."""
        self.use_temporary_media()
        subscribe_to(events.CONTACT_CREATED)
        Contact.objects.create(email="antes@example.pe")
        Contact.objects.create(email="borrada@example.pe").delete()
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", b"Correo\nrosa@example.pe\npedro@example.pe\n"),
            user=self.bob,
            language="es",
        )
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(imp, {"0": "email"}, update_existing=True)
        imports.run_import(imp.pk, 1)  # What the worker does.
        ids = dict(Contact.objects.values_list("email", "pk"))
        self.assertEqual(
            [p["contact"] for p in payloads(events.CONTACT_CREATED)],
            [ids["rosa@example.pe"], ids["pedro@example.pe"]],
        )

    def issue_token(self) -> str:
        return ApiToken.issue(self.bob, "prueba")[1]


@override_settings(SITE_URL=SITE)
class MessageEventsTestCase(BaseTestCase):
    def send(self, mailbox: Mailbox | None = None) -> list[str]:
        mailbox = mailbox or Mailbox()
        with smtp_server(mailbox):
            self.campaign = campaign_to(contacts_on_a_list(2))
            scheduling.start_due_campaigns()
            send_all()
        return [m.parsed().get_body(("html",)).get_content() for m in mailbox.received]

    def test_campaign_started(self) -> None:
        subscribe_to(events.CAMPAIGN_STARTED)
        self.send()
        [payload] = payloads(events.CAMPAIGN_STARTED)
        self.assertEqual(
            (payload["campaign"], payload["code"], payload["messages"]),
            (self.campaign.pk, str(self.campaign.code), 2),
        )

    def test_campaign_finished(self) -> None:
        subscribe_to(events.CAMPAIGN_FINISHED)
        self.send()
        self.assertEqual(payloads(events.CAMPAIGN_FINISHED), [])
        scheduling.follow_mailings()
        [payload] = payloads(events.CAMPAIGN_FINISHED)
        self.assertEqual((payload["campaign"], payload["status"]), (self.campaign.pk, "sent"))

    def test_message_delivered(self) -> None:
        subscribe_to(events.MESSAGE_DELIVERED)
        self.send()
        delivered = payloads(events.MESSAGE_DELIVERED)
        messages = Message.objects.order_by("pk")
        self.assertEqual(
            [(p["message"], p["contact"], p["campaign"], p["channel"]) for p in delivered],
            [(m.pk, m.contact_id, self.campaign.pk, "email") for m in messages],
        )

    def test_message_bounced_when_the_server_refuses(self) -> None:
        subscribe_to(events.MESSAGE_BOUNCED)
        refusing = Mailbox(lambda to, attempt: "550 5.1.1 User unknown" if "0000" in to else None)
        self.send(refusing)
        [payload] = payloads(events.MESSAGE_BOUNCED)
        message = Message.objects.get(email="persona0000@example.pe")
        self.assertEqual((payload["message"], payload["contact"]), (message.pk, message.contact_id))
        self.assertEqual(payload["kind"], "hard")

    def test_message_complained_by_a_feedback_loop(self) -> None:
        subscribe_to(events.MESSAGE_COMPLAINED)
        self.send()
        message = Message.objects.get(email="persona0000@example.pe")
        incoming.handle(
            abuse_report(f"rebote+{signing.sign('bounce', message.pk)}@escuela.example.pe")
        )
        [payload] = payloads(events.MESSAGE_COMPLAINED)
        self.assertEqual((payload["message"], payload["contact"]), (message.pk, message.contact_id))

    def test_message_opened_reaches_the_bus_at_the_spool_flush(self) -> None:
        subscribe_to(events.MESSAGE_OPENED)
        html = self.send()[0]
        pixel = re.search(rf'src="{SITE}(/t/o/[^"]+\.gif)"', html)[1]
        self.client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
        # The pixel answers without the database: nothing yet.
        self.assertEqual(payloads(events.MESSAGE_OPENED), [])
        spool.flush()
        [payload] = payloads(events.MESSAGE_OPENED)
        message = Message.objects.get(email=payload_email(payload))
        self.assertEqual(payload["campaign"], self.campaign.pk)
        self.assertEqual(payload["contact"], message.contact_id)

    def test_message_clicked_reaches_the_bus_at_the_spool_flush(self) -> None:
        subscribe_to(events.MESSAGE_CLICKED)
        html = self.send()[0]
        click = re.search(rf'href="{SITE}(/t/c/[^"]+)"', html)[1]
        self.client.get(click, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
        self.assertEqual(payloads(events.MESSAGE_CLICKED), [])
        spool.flush()
        [payload] = payloads(events.MESSAGE_CLICKED)
        self.assertEqual((payload["link"], payload["campaign"]), (0, self.campaign.pk))

    def test_conversion_from_a_landing_page(self) -> None:
        subscribe_to(events.CONVERSION)
        self.send()
        message = Message.objects.order_by("pk").first()
        self.client.get(f"/t/v/{conversions.token(message.pk)}.gif", {"objetivo": "Matrícula"})
        [payload] = payloads(events.CONVERSION)
        self.assertEqual((payload["message"], payload["goal"]), (message.pk, "matricula"))


def payload_email(payload: dict) -> str:
    return Message.objects.get(pk=payload["message"]).email


def abuse_report(return_path: str) -> bytes:
    """An abuse report (RFC 5965) about a message, named by its return path."""
    return f"""\
From: Feedback Loop <fbl@proveedor.example.net>
To: quejas@escuela.example.pe
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

--b2
Content-Type: text/plain

This is an email abuse report.

--b2
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ProveedorFBL/1.0
Version: 1
Original-Rcpt-To: persona0000@example.pe

--b2
Content-Type: message/rfc822

Return-Path: <{return_path}>
From: capacitacion@escuela.example.pe
To: persona0000@example.pe
Subject: Hola

Hola.

--b2--
""".encode()


class PopupEventsTestCase(PublicTestCase):
    def test_form_submitted_by_a_popup(self) -> None:
        subscribe_to(events.FORM_SUBMITTED, events.CONTACT_CREATED)
        form = make_signup_form(consent_text="Acepto.", min_fill_seconds=0)
        Popup.objects.filter(pk=self.popup.pk).update(signup_form=form)
        self.popup.refresh_from_db()
        data = {
            "p": self.popup.pk,
            "email": "ana@example.pe",
            "consent": True,
            "stamp": defences.stamp(form.pk),
            "v": "a1b2c3d4e5f60718",
            "t": "",
            "u": "/my/",
            "c": 12,
            "d": "phone",
        }
        response = self.post("f", data)
        self.assertEqual(response.status_code, 200, response.content)
        contact = Contact.objects.get()
        self.assertEqual(
            without_times(payloads(events.FORM_SUBMITTED)),
            [{"form": form.pk, "contact": contact.pk, "popup": self.popup.pk}],
        )
        self.assertEqual([p["contact"] for p in payloads(events.CONTACT_CREATED)], [contact.pk])
