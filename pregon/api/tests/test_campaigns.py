import datetime
import uuid
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.campaigns.scheduling import start_due_campaigns
from pregon.contacts.models import Contact, Segment
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server

LIMA = ZoneInfo("America/Lima")
UNKNOWN = "6f1c1f0e-0000-4000-8000-000000000000"


class CampaignsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.participants = drafts.mailing_list("Participantes", 3)
        self.campaign = drafts.draft(self.participants)
        self.url = f"/campaigns/{self.campaign.code}"

    def send_now(self) -> None:
        """Schedule the campaign for now through the API, and let the scheduler start it."""
        response = self.call("POST", self.url + "/schedule", {})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(start_due_campaigns(), 1)

    def test_it_lists_campaigns_with_their_recipients(self) -> None:
        others = drafts.mailing_list("Docentes", 2)
        drafts.draft(others, name="Boletín")
        response = self.call("GET", "/campaigns")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            [(item["name"], item["status"], item["recipient_count"]) for item in body["items"]],
            [("Boletín", "draft", 2), ("Curso de diciembre", "draft", 3)],
        )
        self.send_now()
        response = self.call("GET", "/campaigns", {"status": "sending"})
        self.assertEqual(
            [(item["name"], item["recipient_count"]) for item in response.json()["items"]],
            [("Curso de diciembre", 3)],
        )
        response = self.call("GET", "/campaigns", {"status": "nope"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("status", response.json()["errors"])

    def test_it_gets_a_campaign(self) -> None:
        response = self.call("GET", self.url)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["code"], str(self.campaign.code))
        self.assertEqual(
            (body["name"], body["subject"]), ("Curso de diciembre", "Hola {{ nombre }}")
        )
        self.assertEqual(body["sender"], str(self.campaign.sender.code))
        self.assertEqual(body["template"], str(self.campaign.template.code))
        self.assertEqual(body["include_lists"], [str(self.participants.code)])
        self.assertEqual((body["exclude_lists"], body["include_segments"]), ([], []))
        self.assertEqual((body["status"], body["recipient_count"]), ("draft", 3))
        self.assertEqual(
            (body["scheduled_at"], body["started_at"], body["finished_at"]), (None,) * 3
        )

    def test_it_creates_a_draft(self) -> None:
        alumni = drafts.mailing_list("Egresados", 2)
        segment = Segment.objects.create(
            name="Todos",
            rules={
                "match": "all",
                "rules": [{"field": "email", "operator": "contains", "value": "@"}],
            },
        )
        payload = {
            "name": "Curso de enero",
            "subject": "  Hola {{ nombre }}, su curso empieza ",
            "preheader": "Inscripciones abiertas",
            "sender": str(self.campaign.sender.code),
            "template": str(self.campaign.template.code),
            "include_lists": [str(self.participants.code)],
            "exclude_lists": [str(alumni.code)],
            "include_segments": [str(segment.code)],
        }
        response = self.call("POST", "/campaigns", payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        campaign = Campaign.objects.get(code=body["code"])
        self.assertEqual(campaign.subject, "Hola {{ nombre }}, su curso empieza")
        self.assertEqual((campaign.status, campaign.created_by), (CampaignStatus.DRAFT, self.bob))
        self.assertEqual(list(campaign.exclude_lists.all()), [alumni])
        self.assertEqual(list(campaign.include_segments.all()), [segment])
        self.assertEqual(body["exclude_lists"], [str(alumni.code)])
        self.assertEqual(body["preheader"], "Inscripciones abiertas")
        # The segment takes everyone, the excluded list its two.
        self.assertEqual(body["recipient_count"], 3)

    def test_a_draft_may_wait_for_its_sender_and_template(self) -> None:
        response = self.call("POST", "/campaigns", {"name": "Idea", "subject": "Pronto"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["sender"], body["template"], body["recipient_count"]), (None, None, 0)
        )

    def test_creation_is_checked_like_the_campaign_form(self) -> None:
        unready = drafts.template("Sin baja", "<p>Hola</p>")
        code = str(self.participants.code)
        cases = [
            ({"subject": "Hola"}, {"name": ["This field is required."]}),
            ({"name": "X", "subject": ""}, {"subject": ["This field is required."]}),
            ({"name": "X", "subject": "Hola {{ apodo }}"}, {"subject": None}),
            ({"name": "X", "subject": "Hola {% for x in y %}"}, {"subject": None}),
            (
                {"name": "X", "subject": "Hola", "sender": "nope"},
                {"sender": ["There is no sender identity with the code “nope”."]},
            ),
            (
                {"name": "X", "subject": "Hola", "template": UNKNOWN},
                {"template": [f"There is no template with the code “{UNKNOWN}”."]},
            ),
            (
                {"name": "X", "subject": "Hola", "template": str(unready.code)},
                {"template": ["The template “Sin baja” has errors to fix before it can be sent."]},
            ),
            (
                {"name": "X", "subject": "Hola", "include_lists": [code, "nope"]},
                {"include_lists": ["There is no list with the code “nope”."]},
            ),
            (
                {"name": "X", "subject": "Hola", "exclude_segments": ["nope"]},
                {"exclude_segments": ["There is no segment with the code “nope”."]},
            ),
            (
                {"name": "X", "subject": "Hola", "include_lists": [code], "exclude_lists": [code]},
                {"exclude_lists": ["“Participantes” is both included and left out; choose one."]},
            ),
            ({"name": "X", "subject": "Hola", "colour": "red"}, {"colour": None}),
        ]
        for payload, errors in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/campaigns", payload)
                self.assertEqual(response.status_code, 422)
                body = response.json()
                self.assertEqual(
                    body["detail"], "Some values are not valid; see the errors for each field."
                )
                self.assertEqual(sorted(body["errors"]), sorted(errors))
                for name, messages in errors.items():
                    if messages is not None:
                        self.assertEqual(body["errors"][name], messages)
        self.assertEqual(Campaign.objects.count(), 1)

    def test_an_unknown_merge_tag_in_the_subject_is_named(self) -> None:
        response = self.call("POST", "/campaigns", {"name": "X", "subject": "Hola {{ apodo }}"})
        self.assertTrue(
            response.json()["errors"]["subject"][0].startswith("there is no field “apodo”")
        )

    def test_patch_changes_only_the_keys_sent(self) -> None:
        others = drafts.mailing_list("Docentes", 2)
        payload = {"name": "Curso de enero", "include_lists": [str(others.code)], "sender": None}
        response = self.call("PATCH", self.url, payload)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["subject"]), ("Curso de enero", "Hola {{ nombre }}"))
        self.assertEqual((body["sender"], body["include_lists"]), (None, [str(others.code)]))
        self.assertEqual(
            (body["template"], body["recipient_count"]), (str(self.campaign.template.code), 2)
        )
        self.campaign.refresh_from_db()
        self.assertEqual((self.campaign.name, self.campaign.sender), ("Curso de enero", None))
        self.assertGreater(self.campaign.updated_at, self.campaign.created_at)
        response = self.call("PATCH", self.url, {"include_lists": None, "preheader": "Ya"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["include_lists"], response.json()["preheader"]), ([], "Ya")
        )

    def test_a_draft_keeps_its_template_after_the_template_breaks(self) -> None:
        # As in the UI: the template a draft has stays choosable, so renaming doesn't lose it.
        template = self.campaign.template
        template.set_source("<p>Sin enlace de baja</p>")
        template.save()
        response = self.call("PATCH", self.url, {"name": "Otro nombre"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["template"], str(template.code))
        other = drafts.draft(name="Otro")
        response = self.call("PATCH", f"/campaigns/{other.code}", {"template": str(template.code)})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"template": ["The template “Aviso” has errors to fix before it can be sent."]},
        )

    def test_only_a_draft_can_be_edited_or_deleted(self) -> None:
        self.campaign.schedule(timezone.now() + datetime.timedelta(days=1))
        response = self.call("PATCH", self.url, {"name": "Otro"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json(),
            {"detail": "The campaign is scheduled; only a draft can be edited.", "errors": {}},
        )
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["detail"], "The campaign is scheduled; only a draft can be deleted."
        )
        self.campaign.refresh_from_db()
        self.assertEqual(
            (self.campaign.name, self.campaign.status), ("Curso de diciembre", "scheduled")
        )

    def test_it_deletes_a_draft_and_audits_it(self) -> None:
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Campaign.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(
            (entry.target, entry.detail["kind"], entry.actor),
            ("Curso de diciembre", "campaign", self.bob),
        )

    def test_a_time_beyond_the_last_date_is_a_422(self) -> None:
        response = self.call("POST", self.url + "/schedule", {"at": "9999-12-31T23:59:59-12:00"})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("too far ahead", response.json()["errors"]["at"][0])

    def test_it_schedules_for_later(self) -> None:
        response = self.call("POST", self.url + "/schedule", {"at": "2099-03-01T18:00:00-05:00"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "scheduled")
        self.assertEqual(response.json()["scheduled_at"], "2099-03-01T23:00:00Z")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.scheduled_at, datetime.datetime(2099, 3, 1, 18, tzinfo=LIMA))
        # Not due yet: the scheduler leaves it.
        self.assertEqual(start_due_campaigns(), 0)

    def test_a_time_without_an_offset_is_the_accounts_wall_clock(self) -> None:
        response = self.call("POST", self.url + "/schedule", {"at": "2099-03-01T18:00"})
        self.assertEqual(response.status_code, 200, response.content)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.scheduled_at, datetime.datetime(2099, 3, 1, 18, tzinfo=LIMA))

    def test_send_now_schedules_for_now_and_the_scheduler_starts_it(self) -> None:
        before = timezone.now()
        for payload in [{}, {"at": None}]:
            with self.subTest(payload=payload):
                response = self.call("POST", self.url + "/schedule", payload)
                self.assertEqual(response.status_code, 200, response.content)
                self.campaign.refresh_from_db()
                self.assertEqual(self.campaign.status, CampaignStatus.SCHEDULED)
                self.assertGreaterEqual(self.campaign.scheduled_at, before)
                self.assertLessEqual(self.campaign.scheduled_at, timezone.now())
                self.campaign.unschedule()
        self.send_now()
        response = self.call("GET", self.url)
        self.assertEqual(response.json()["status"], "sending")
        self.assertIsNotNone(response.json()["started_at"])

    def test_scheduling_checks_what_the_campaign_page_checks(self) -> None:
        response = self.call("POST", self.url + "/schedule", {"at": "2020-01-01T10:00:00-05:00"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"at": ["That time has already passed; choose a later one, or send now."]},
        )
        empty = drafts.mailing_list("Vacía", 0)
        bare = Campaign.objects.create(name="Vacía", subject="Hola")
        bare.include_lists.add(empty)
        response = self.call("POST", f"/campaigns/{bare.code}/schedule", {})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {
                "sender": ["Choose a sender."],
                "template": ["Choose a template."],
                "audience": [
                    "Nobody would receive it: choose lists or segments with subscribed contacts."
                ],
            },
        )
        bare.template = drafts.template("Sin baja", "<p>Hola</p>")
        bare.save()
        response = self.call("POST", f"/campaigns/{bare.code}/schedule", {"at": "nope"})
        errors = response.json()["errors"]
        self.assertEqual(errors["at"], ["Enter a valid date/time."])
        response = self.call("POST", f"/campaigns/{bare.code}/schedule", {})
        errors = response.json()["errors"]
        self.assertEqual(
            errors["template"], ["The template “Sin baja” has errors to fix before it can be sent."]
        )
        self.assertEqual(Campaign.objects.filter(status=CampaignStatus.DRAFT).count(), 2)

    def test_a_broken_segment_is_explained(self) -> None:
        segment = Segment.objects.create(
            name="Roto",
            rules={"match": "all", "rules": [{"field": "lists", "op": "in", "value": ["Borrada"]}]},
        )
        self.campaign.include_segments.add(segment)
        self.assertIsNone(self.call("GET", self.url).json()["recipient_count"])
        response = self.call("POST", self.url + "/schedule", {})
        self.assertEqual(response.status_code, 422)
        self.assertTrue(
            response.json()["errors"]["audience"][0].startswith("The audience cannot be counted:")
        )

    @override_settings(QUOTA_MONTHLY=2)
    def test_a_short_quota_needs_confirmation(self) -> None:
        response = self.call("POST", self.url + "/schedule", {})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["confirm"])
        self.assertTrue(
            response.json()["errors"]["confirm"][0].startswith("There are fewer messages")
        )
        response = self.call("POST", self.url + "/schedule", {"confirm": True})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "scheduled")

    def test_it_unschedules_pauses_resumes_and_cancels(self) -> None:
        self.call("POST", self.url + "/schedule", {"at": "2099-03-01T18:00:00-05:00"})
        response = self.call("POST", self.url + "/unschedule")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["status"], response.json()["scheduled_at"]), ("draft", None)
        )
        self.send_now()
        for action, status in [("pause", "paused"), ("resume", "sending"), ("cancel", "cancelled")]:
            with self.subTest(action=action):
                response = self.call("POST", f"{self.url}/{action}")
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json()["status"], status)
                self.campaign.refresh_from_db()
                self.assertEqual(self.campaign.status, status)
                self.assertEqual(
                    self.campaign.mailing.status, {"sending": "active"}.get(status, status)
                )
        self.assertIsNotNone(response.json()["finished_at"])
        # Audited with the screens' words: sending, scheduling, pausing, cancelling.
        entries = AuditEntry.objects.filter(target=self.campaign.name).order_by("at", "pk")
        self.assertEqual(
            [(entry.action, entry.detail.get("what")) for entry in entries],
            [
                (AuditAction.CAMPAIGN_SENT, None),
                (AuditAction.CAMPAIGN_SENT, None),
                (AuditAction.CAMPAIGN_STOPPED, "paused"),
                (AuditAction.CAMPAIGN_STOPPED, "cancelled"),
            ],
        )
        self.assertEqual(entries[0].detail["at"], "2099-03-01T18:00-05:00")

    def test_an_illegal_move_is_a_409_that_says_why(self) -> None:
        cases = [
            ("pause", "The campaign is a draft; it cannot be paused."),
            ("resume", "The campaign is a draft; it cannot be resumed."),
            ("unschedule", "The campaign is a draft; it cannot be unscheduled."),
        ]
        for action, detail in cases:
            with self.subTest(action=action):
                response = self.call("POST", f"{self.url}/{action}")
                self.assertEqual(response.status_code, 409)
                self.assertEqual(response.json(), {"detail": detail, "errors": {}})
        self.send_now()
        cases = [
            ("schedule", "The campaign is sending; it cannot be scheduled."),
            ("resume", "The campaign is sending; it cannot be resumed."),
            ("unschedule", "The campaign is sending; it cannot be unscheduled."),
        ]
        for action, detail in cases:
            with self.subTest(action=action):
                response = self.call(
                    "POST", f"{self.url}/{action}", {} if action == "schedule" else None
                )
                self.assertEqual(response.status_code, 409)
                self.assertEqual(response.json()["detail"], detail)
        self.call("POST", self.url + "/cancel")
        response = self.call("POST", self.url + "/cancel")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["detail"], "The campaign was cancelled; it cannot be cancelled."
        )
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.CANCELLED)

    def test_it_duplicates_any_campaign_as_a_draft(self) -> None:
        self.send_now()
        response = self.call("POST", self.url + "/duplicate")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["status"]), ("Copy of Curso de diciembre", "draft"))
        self.assertNotEqual(body["code"], str(self.campaign.code))
        self.assertEqual(body["include_lists"], [str(self.participants.code)])
        self.assertEqual(body["recipient_count"], 3)
        self.assertEqual(Campaign.objects.get(code=body["code"]).created_by, self.bob)

    def test_progress_counts_the_queued_messages(self) -> None:
        response = self.call("GET", self.url + "/progress")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "status": "draft",
                "counts": {
                    "queued": 0,
                    "sending": 0,
                    "sent": 0,
                    "failed": 0,
                    "outbox": 0,
                    "skipped": 0,
                },
                "total": 0,
                "percent": 0,
                "failure": None,
            },
        )
        self.send_now()
        response = self.call("GET", self.url + "/progress")
        self.assertEqual(
            response.json(),
            {
                "status": "sending",
                "counts": {
                    "queued": 3,
                    "sending": 0,
                    "sent": 0,
                    "failed": 0,
                    "outbox": 0,
                    "skipped": 0,
                },
                "total": 3,
                "percent": 0,
                "failure": None,
            },
        )
        # Outcomes as a worker would record them.
        first, second, _third = Message.objects.order_by("pk")
        Message.objects.filter(pk=first.pk).update(status=MessageStatus.SENT)
        Message.objects.filter(pk=second.pk).update(status=MessageStatus.FAILED)
        body = self.call("GET", self.url + "/progress").json()
        self.assertEqual(
            body["counts"],
            {"queued": 1, "sending": 0, "sent": 1, "failed": 1, "outbox": 0, "skipped": 0},
        )
        self.assertEqual((body["total"], body["percent"]), (3, 66))
        # Once started, the count is of messages, whoever joins the list afterwards.
        drafts.mailing_list("Más", 0)
        self.assertEqual(self.call("GET", self.url).json()["recipient_count"], 3)

    def test_a_test_send_goes_through_the_relay_and_reports_each_address(self) -> None:
        mailbox = Mailbox(
            lambda recipient, attempt: "550 5.1.1 no such user" if "nadie" in recipient else None
        )
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(2, "Invitados"))
            campaign.unschedule()
            sample = Contact.objects.get(email="persona0000@example.pe")
            payload = {
                "addresses": [
                    "Persona0001@example.pe",
                    "jefa@example.pe, nadie@example.pe",
                    "admin@localhost",
                ],
                "contact": str(sample.code),
            }
            response = self.call("POST", f"/campaigns/{campaign.code}/send-test", payload)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            [(item["address"], item["outcome"], item["code"]) for item in response.json()],
            [
                ("persona0001@example.pe", "sent", 250),
                ("jefa@example.pe", "sent", 250),
                ("nadie@example.pe", "failed", 550),
                # A bad address fails alone, with the reason; the others went.
                ("admin@localhost", "failed", None),
            ],
        )
        self.assertIn("no such user", response.json()[2]["reply"])
        self.assertIn("is not a valid email address", response.json()[3]["reply"])
        subjects = {message.recipient: message.parsed()["Subject"] for message in mailbox.received}
        # Every message shows the sample contact's data.
        self.assertEqual(
            subjects,
            {
                "persona0001@example.pe": "[Test] Hola Nombre0000",
                "jefa@example.pe": "[Test] Hola Nombre0000",
            },
        )
        self.assertFalse(Message.objects.exists())
        self.assertFalse(QuotaDebit.objects.exists())

    def test_a_test_send_is_checked_like_the_form(self) -> None:
        url = self.url + "/send-test"
        many = [f"p{n}@example.pe" for n in range(6)]
        cases = [
            ({"addresses": many}, {"addresses": ["Send a test to 5 addresses at most."]}),
            ({"addresses": []}, {"addresses": ["This field is required."]}),
            (
                {"addresses": ["a@example.pe"], "contact": str(uuid.uuid4())},
                {"contact": ["That contact is not in the campaign's audience."]},
            ),
            ({}, {"addresses": ["This field is required."]}),
        ]
        for payload, errors in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", url, payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["errors"], errors)
        bare = Campaign.objects.create(name="Vacía", subject="Hola")
        response = self.call(
            "POST", f"/campaigns/{bare.code}/send-test", {"addresses": ["a@example.pe"]}
        )
        self.assertEqual(
            response.json()["errors"],
            {"sender": ["Choose a sender."], "template": ["Choose a template."]},
        )

    def test_unknown_codes_are_404(self) -> None:
        for method, path in [
            ("GET", f"/campaigns/{UNKNOWN}"),
            ("GET", "/campaigns/nope"),
            ("PATCH", "/campaigns/nope"),
            ("DELETE", "/campaigns/nope"),
            ("POST", "/campaigns/nope/schedule"),
            ("POST", "/campaigns/nope/unschedule"),
            ("POST", "/campaigns/nope/pause"),
            ("POST", "/campaigns/nope/resume"),
            ("POST", "/campaigns/nope/cancel"),
            ("POST", "/campaigns/nope/duplicate"),
            ("POST", "/campaigns/nope/send-test"),
            ("GET", "/campaigns/nope/progress"),
        ]:
            with self.subTest(method=method, path=path):
                data = {"addresses": ["a@example.pe"]} if path.endswith("send-test") else {}
                response = self.call(method, path, None if method in {"GET", "DELETE"} else data)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["errors"], {})

    def test_it_needs_an_editor(self) -> None:
        charlie = self.token_for(self.charlie)
        for method, path, data in [
            ("GET", "/campaigns", None),
            ("POST", "/campaigns", {"name": "X", "subject": "Hola"}),
            ("GET", self.url, None),
            ("PATCH", self.url, {"name": "X"}),
            ("DELETE", self.url, None),
            ("POST", self.url + "/schedule", {}),
            ("POST", self.url + "/unschedule", None),
            ("POST", self.url + "/pause", None),
            ("POST", self.url + "/resume", None),
            ("POST", self.url + "/cancel", None),
            ("POST", self.url + "/duplicate", None),
            ("POST", self.url + "/send-test", {"addresses": ["a@example.pe"]}),
            ("GET", self.url + "/progress", None),
        ]:
            with self.subTest(method=method, path=path):
                response = self.call(method, path, data, token=charlie)
                self.assertEqual(response.status_code, 403)
                self.assertIn("role", response.json()["detail"])
                response = self.client.generic(method, "/api/v1" + path)
                self.assertEqual(response.status_code, 401)
        self.campaign.refresh_from_db()
        self.assertEqual(
            (self.campaign.name, self.campaign.status), ("Curso de diciembre", "draft")
        )
        self.assertEqual(Campaign.objects.count(), 1)
