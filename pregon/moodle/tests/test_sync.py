import datetime

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import ConsentSource, Contact, Status
from pregon.lib import events
from pregon.moodle.models import Category, Course, Enrolment, MoodleUser, SyncKind, SyncStatus
from pregon.testing import BaseTestCase
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import Category as MoodleCategory
from pregon.testing.moodle_ws import Course as MoodleCourse
from pregon.testing.moodle_ws import Dataset, FakeMoodle
from pregon.testing.moodle_ws import Enrolment as MoodleEnrolment
from pregon.testing.moodle_ws import User as MoodleUserData
from pregon.webhooks.models import Delivery, Endpoint

STARTS = 1_767_225_600  # 2026-01-01 00:00 UTC
VISITED = STARTS + 86_400
COMPLETED = STARTS + 10 * 86_400


def moment(unix_time: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(unix_time, tz=datetime.UTC)


def classroom() -> Dataset:
    """Two categories (one inside the other), three courses (one hidden, one without
    completion tracking), and five people: Ana (who has a contact already, under an address
    written differently), Luis, a teacher, a user whose address is no address, and Rosa."""
    return Dataset(
        categories=[
            MoodleCategory(1, "Gestión pública", timemodified=STARTS),
            MoodleCategory(2, "Contrataciones", parent=1, timemodified=STARTS),
        ],
        courses=[
            MoodleCourse(10, "Ética en la función pública", "ETICA", 1, startdate=STARTS),
            MoodleCourse(11, "Contrataciones básicas", "CONTR", 2, visible=0),
            MoodleCourse(12, "Ofimática", "OFI", 1, enablecompletion=0),
        ],
        users=[
            MoodleUserData(100, "ana", "Ana", "Quispe Mamani", " Ana.Quispe@Example.PE"),
            MoodleUserData(101, "luis", "Luis", "Huamán", "luis@example.pe"),
            MoodleUserData(102, "profe", "Carmen", "Rojas", "carmen@example.pe"),
            MoodleUserData(103, "root", "Admin", "Local", "root@localhost"),
            MoodleUserData(104, "rosa", "Rosa", "Flores", "rosa@example.pe"),
        ],
        enrolments=[
            MoodleEnrolment(100, 10, lastaccess=COMPLETED, completed=COMPLETED),
            MoodleEnrolment(101, 10, lastaccess=VISITED),
            MoodleEnrolment(101, 12, lastaccess=VISITED),
            MoodleEnrolment(102, 10, roles=("editingteacher",), lastaccess=VISITED),
            MoodleEnrolment(103, 12),
        ],
    )


class SyncTestCase(BaseTestCase):
    """Syncs with a fake classroom: the first, then incremental and full ones."""

    def setUp(self) -> None:
        super().setUp()
        self.dataset = classroom()
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        self.connection = connect(self.moodle)
        self.ana = Contact.objects.create(
            email="ana.quispe@example.pe",
            last_name="Quispe de Propia Mano",
            status=Status.UNSUBSCRIBED,
            consent_source=ConsentSource.FORM,
            consent_text="Formulario de la web",
        )
        self.endpoint = Endpoint.objects.create(
            url="https://hooks.example.org/moodle",
            events=[events.MOODLE_ENROLLED, events.MOODLE_COMPLETED],
        )

    def delivered(self, name: str) -> list[dict]:
        return [
            {key: value for key, value in d.payload.items() if key != "at"}
            for d in Delivery.objects.filter(event=name).order_by("pk")
        ]

    def test_the_first_sync_copies_the_classroom(self) -> None:
        run = sync_now(user=self.alice)

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        self.assertEqual(
            run.counts,
            {
                "categories": {"created": 2, "updated": 0, "unchanged": 0},
                "courses": {"created": 3, "updated": 0, "unchanged": 0},
                "contacts": {"created": 1, "updated": 1, "unchanged": 0, "skipped": 1},
                "enrolments": {"created": 3, "updated": 0, "unchanged": 0},
                "completions": {"created": 1, "updated": 0, "unchanged": 1},
            },
        )
        self.assertEqual((run.phase, run.done, run.total), ("enrolments", 3, 3))
        self.assertEqual(run.cursor, {})
        contracts = Category.objects.get(moodle_id=2)
        self.assertEqual(
            (contracts.name, contracts.parent_moodle_id, contracts.path),
            ("Contrataciones", 1, "/1/2"),
        )
        ethics = Course.objects.get(moodle_id=10)
        self.assertEqual(
            (ethics.fullname, ethics.shortname, ethics.category.moodle_id, ethics.starts_at),
            ("Ética en la función pública", "ETICA", 1, moment(STARTS)),
        )
        self.assertTrue(ethics.visible and ethics.completion_enabled)
        hidden = Course.objects.get(moodle_id=11)
        self.assertEqual((hidden.visible, hidden.category.moodle_id), (False, 2))
        self.assertFalse(Course.objects.get(moodle_id=12).completion_enabled)

        luis = Contact.objects.get(email="luis@example.pe")
        self.assertEqual((luis.first_name, luis.last_name), ("Luis", "Huamán"))
        self.assertEqual(
            (luis.status, luis.consent_source), (Status.SUBSCRIBED, ConsentSource.MOODLE)
        )
        # The teacher is no student, and root@localhost is no address: neither is a contact.
        self.assertEqual(Contact.objects.count(), 2)
        self.assertEqual(
            set(MoodleUser.objects.values_list("moodle_id", "contact__email")),
            {(100, "ana.quispe@example.pe"), (101, "luis@example.pe")},
        )
        enrolments = Enrolment.objects.order_by("course__moodle_id", "contact__email")
        self.assertEqual(
            [(e.course.moodle_id, e.contact.email, e.roles, e.completed_at) for e in enrolments],
            [
                (10, "ana.quispe@example.pe", "student", moment(COMPLETED)),
                (10, "luis@example.pe", "student", None),
                (12, "luis@example.pe", "student", None),
            ],
        )
        # What the first sync finds is not new: no date, and nothing announced.
        self.assertFalse(Enrolment.objects.exclude(enrolled_at=None).exists())
        self.assertFalse(Delivery.objects.exists())

        entry = AuditEntry.objects.get(action=AuditAction.MOODLE_SYNC)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.detail["status"], "done")
        self.assertEqual(entry.detail["counts"], run.counts)

    def test_it_pages_and_asks_only_for_ids_roles_and_access(self) -> None:
        for user in range(200, 2700):
            self.dataset.add_user(MoodleUserData(user, f"u{user}", "A", "B", f"u{user}@example.pe"))
            self.dataset.enrol(user, 11)

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        pages = [
            {option["name"]: option["value"] for option in call.params["options"]}
            for call in self.moodle.calls_to("core_enrol_get_enrolled_users")
            if call.params["courseid"] == "11"
        ]
        self.assertEqual(
            [(page["limitfrom"], page["limitnumber"]) for page in pages],
            [("0", "1000"), ("1000", "1000"), ("2000", "1000"), ("3000", "1000")],
        )
        self.assertEqual(pages[0]["userfields"], "id,roles,lastcourseaccess")
        self.assertEqual(Enrolment.objects.filter(course__moodle_id=11).count(), 2500)
        asked = [
            len(call.params["values"])
            for call in self.moodle.calls_to("core_user_get_users_by_field")
        ]
        self.assertEqual(max(asked), 200)
        self.assertEqual(sum(asked), 2503)  # Each student once, whatever their courses.

    def test_a_page_short_of_participants_hidden_from_the_token_is_not_the_last(self) -> None:
        for user in range(200, 1205):
            self.dataset.add_user(MoodleUserData(user, f"u{user}", "A", "B", f"u{user}@example.pe"))
            self.dataset.enrol(user, 11)
        # One of the first thousand is in a group the web-service user may not see: Moodle
        # answers 999 for the first page, and the last 5 on the second.
        self.dataset.hidden.add(500)

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        enrolled = Enrolment.objects.filter(course__moodle_id=11)
        self.assertEqual(enrolled.count(), 1004)
        self.assertTrue(enrolled.filter(contact__email="u1204@example.pe").exists())

    def test_an_incremental_sync_reads_only_what_changed(self) -> None:
        sync_now()
        self.moodle.calls.clear()
        self.dataset.rename_course(10, "Ética pública (2026)")
        self.dataset.enrol(104, 10)  # Rosa: a new student.
        self.dataset.unenrol(101, 12)  # Luis left Ofimática.
        self.dataset.complete(101, 10, at=COMPLETED + 3600)  # And completed Ética.
        self.dataset.change_email(100, "ana@otra.pe")  # Seen only by a full sync.

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        self.assertEqual(run.counts["courses"], {"created": 0, "updated": 1, "unchanged": 2})
        self.assertEqual(
            run.counts["enrolments"], {"created": 1, "updated": 0, "unchanged": 2, "removed": 1}
        )
        self.assertEqual(run.counts["completions"], {"created": 1, "updated": 0, "unchanged": 0})
        # Rosa is new; root@localhost has no contact yet, so is asked again (and skipped).
        self.assertEqual(
            run.counts["contacts"], {"created": 1, "updated": 0, "unchanged": 0, "skipped": 1}
        )
        self.assertEqual(Course.objects.get(moodle_id=10).fullname, "Ética pública (2026)")
        asked = [
            call.params["values"] for call in self.moodle.calls_to("core_user_get_users_by_field")
        ]
        self.assertEqual(asked, [["104"], ["103"]])  # Those of course 10, then of course 12.
        # Ana completed already and Rosa never went into the course: only Luis is asked.
        [completion] = self.moodle.calls_to("core_completion_get_course_completion_status")
        self.assertEqual(
            (completion.params["courseid"], completion.params["userid"]), ("10", "101")
        )

        rosa = Contact.objects.get(email="rosa@example.pe")
        new = Enrolment.objects.get(contact=rosa)
        self.assertIsNotNone(new.enrolled_at)
        self.assertFalse(Enrolment.objects.filter(course__moodle_id=12).exists())
        luis = Contact.objects.get(email="luis@example.pe")
        self.assertEqual(
            Enrolment.objects.get(contact=luis, course__moodle_id=10).completed_at,
            moment(COMPLETED + 3600),
        )
        ethics = Course.objects.get(moodle_id=10)
        self.assertEqual(
            self.delivered(events.MOODLE_ENROLLED),
            [{"contact": rosa.pk, "course": ethics.pk, "moodle_course": 10}],
        )
        self.assertEqual(
            Delivery.objects.get(event=events.MOODLE_ENROLLED).payload["at"],
            new.enrolled_at.isoformat(),
        )
        self.assertEqual(
            self.delivered(events.MOODLE_COMPLETED),
            [{"contact": luis.pk, "course": ethics.pk, "moodle_course": 10}],
        )
        self.assertFalse(Contact.objects.filter(email="ana@otra.pe").exists())

    def test_a_completion_is_asked_again_only_after_the_person_went_back(self) -> None:
        sync_now()
        self.moodle.calls.clear()

        sync_now()

        self.assertFalse(self.moodle.calls_to("core_completion_get_course_completion_status"))
        self.dataset.visit(101, 10)

        sync_now()

        [asked] = self.moodle.calls_to("core_completion_get_course_completion_status")
        self.assertEqual(asked.params["userid"], "101")

    def test_a_full_sync_asks_about_everyone_again(self) -> None:
        sync_now()
        self.moodle.calls.clear()
        self.dataset.change_email(100, "ana@otra.pe")

        run = sync_now(SyncKind.FULL)

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        asked = {
            value
            for call in self.moodle.calls_to("core_user_get_users_by_field")
            for value in call.params["values"]
        }
        self.assertEqual(asked, {"100", "101", "103"})
        # Everyone not completed who went into the course: Luis, and Ana's account, now
        # another contact's, whose enrolment is new.
        self.assertEqual(
            sorted(
                call.params["userid"]
                for call in self.moodle.calls_to("core_completion_get_course_completion_status")
            ),
            ["100", "101"],
        )
        # Ana's Moodle account now has another address: another contact, enrolled instead.
        moved = Contact.objects.get(email="ana@otra.pe")
        self.assertEqual(MoodleUser.objects.get(moodle_id=100).contact, moved)
        self.assertTrue(Enrolment.objects.filter(contact=moved, course__moodle_id=10).exists())
        self.assertFalse(Enrolment.objects.filter(contact=self.ana).exists())
        self.assertEqual(
            run.counts["contacts"], {"created": 1, "updated": 0, "unchanged": 1, "skipped": 1}
        )

    def test_a_user_without_an_address_is_asked_once_per_run(self) -> None:
        self.dataset.enrol(103, 10)  # root@localhost is in two courses now.

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        asked = [
            value
            for call in self.moodle.calls_to("core_user_get_users_by_field")
            for value in call.params["values"]
        ]
        self.assertEqual(asked.count("103"), 1)
        self.assertEqual(run.counts["contacts"]["skipped"], 1)

    def test_roles_are_those_of_the_connection(self) -> None:
        connect(self.moodle, roles="student, editingteacher")

        sync_now()

        carmen = Contact.objects.get(email="carmen@example.pe")
        self.assertEqual(Enrolment.objects.get(contact=carmen).roles, "editingteacher")
        self.dataset.enrol(102, 10, roles=("editingteacher", "student"))

        run = sync_now()

        self.assertEqual(Enrolment.objects.get(contact=carmen).roles, "editingteacher,student")
        self.assertEqual(run.counts["enrolments"], {"created": 0, "updated": 1, "unchanged": 3})
