"""The Moodle routes of the API: the synced courses with their counts for editors, and syncs
started and followed by administrators, as on the connection page."""

from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.moodle.models import (
    Category,
    Connection,
    Course,
    Enrolment,
    SyncKind,
    SyncRun,
    SyncStatus,
)
from pregon.testing.api import ApiTestCase


class MoodleApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin_token = self.token_for(self.alice)
        category = Category.objects.create(moodle_id=4, name="Posgrado", path="/4")
        self.course = Course.objects.create(
            moodle_id=12,
            category=category,
            fullname="Gestión pública",
            shortname="GP",
            completion_enabled=True,
        )
        Course.objects.create(moodle_id=15, fullname="Excel básico", shortname="XL")
        for n in range(3):
            contact = Contact.objects.create(email=f"alumno{n}@correo.pe")
            completed = timezone.now() if n == 0 else None
            Enrolment.objects.create(course=self.course, contact=contact, completed_at=completed)

    def connect(self) -> None:
        connection = Connection(url="https://aula.escuela.gob.pe")
        connection.set_token("0123456789abcdef0123456789abcdef")
        connection.save()

    def test_editors_list_the_courses_with_their_counts(self) -> None:
        response = self.call("GET", "/moodle/courses")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([item["moodle_id"] for item in body["items"]], [15, 12])
        gestion = body["items"][1]
        self.assertEqual(
            {key: gestion[key] for key in ("category_moodle_id", "category_name")},
            {"category_moodle_id": 4, "category_name": "Posgrado"},
        )
        self.assertEqual((gestion["enrolled_count"], gestion["completed_count"]), (3, 1))
        filtered = self.call("GET", "/moodle/courses", {"q": "gest", "category": 4}).json()
        self.assertEqual([item["moodle_id"] for item in filtered["items"]], [12])
        paged = self.call("GET", "/moodle/courses", {"page": 2, "page_size": 1}).json()
        self.assertEqual(
            ([item["moodle_id"] for item in paged["items"]], paged["count"]), ([12], 2)
        )

    def test_an_unknown_category_is_a_404_and_analysts_may_not_list(self) -> None:
        self.assertEqual(self.call("GET", "/moodle/courses", {"category": 99}).status_code, 404)
        analyst = self.token_for(self.charlie)
        self.assertEqual(self.call("GET", "/moodle/courses", token=analyst).status_code, 403)

    def test_administrators_start_a_sync_once_and_follow_it(self) -> None:
        self.connect()
        response = self.call("POST", "/moodle/syncs", {"kind": "full"}, token=self.admin_token)
        self.assertEqual(response.status_code, 202)
        run = SyncRun.objects.get()
        self.assertEqual((run.kind, run.started_by), (SyncKind.FULL, self.alice))
        body = response.json()
        self.assertEqual(
            {key: body[key] for key in ("id", "kind", "status", "started_by")},
            {"id": run.pk, "kind": "full", "status": "queued", "started_by": "alice@example.org"},
        )
        again = self.call("POST", "/moodle/syncs", {}, token=self.admin_token)
        self.assertEqual((again.status_code, again.json()["id"]), (202, run.pk))
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncStatus.DONE,
            phase="enrolments",
            done=2,
            total=2,
            counts={"courses": {"created": 2, "updated": 0, "unchanged": 0}},
        )
        detail = self.call("GET", f"/moodle/syncs/{run.pk}", token=self.admin_token).json()
        self.assertEqual(detail["status"], "done")
        self.assertEqual(
            detail["counts"],
            {"courses": {"created": 2, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 0}},
        )
        listed = self.call("GET", "/moodle/syncs", token=self.admin_token).json()
        self.assertEqual([item["id"] for item in listed["items"]], [run.pk])

    def test_syncs_are_for_administrators_and_need_a_connection(self) -> None:
        self.connect()
        self.assertEqual(self.call("POST", "/moodle/syncs", {}).status_code, 403)
        self.assertEqual(self.call("GET", "/moodle/syncs").status_code, 403)
        Connection.objects.all().delete()
        response = self.call("POST", "/moodle/syncs", {}, token=self.admin_token)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["detail"], "Save the Moodle address and token first.")
        bad = self.call("POST", "/moodle/syncs", {"kind": "all"}, token=self.admin_token)
        self.assertEqual(bad.status_code, 422)
        self.assertFalse(SyncRun.objects.exists())
        missing = self.call("GET", "/moodle/syncs/999", token=self.admin_token)
        self.assertEqual(missing.status_code, 404)
