"""The Moodle connector in real Chromium, against a fake Moodle 4.x on 127.0.0.1: an
administrator connects the classroom, reads the capability report, runs a full sync with its
progress bar (a real ``pregon db_worker`` runs it), reads the history, and an editor builds
the segment "enrolled in course X" in the segment editor. Screenshots for the manual
(docs/screenshots/moodle-*.png).

The worker reads the same database as the live server, so the test commits its rows (a
TransactionTestCase, as BrowserTestCase is).
"""

import unicodedata

import pytest

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact, Segment, Status
from pregon.moodle.models import Enrolment, SyncRun, SyncStatus
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    add_condition,
    fits_width,
    login,
    screenshot,
    task_worker,
)
from pregon.testing.moodle_ws import (
    FUNCTIONS,
    Category,
    Course,
    Dataset,
    FakeMoodle,
    Fault,
)
from pregon.testing.moodle_ws import (
    Enrolment as MoodleEnrolment,
)
from pregon.testing.moodle_ws import (
    User as MoodleUser,
)

ADMIN = "capacitacion@entidad.gob.pe"
EDITOR = "editora@entidad.gob.pe"
TIMEOUT = 30_000  # Milliseconds: the worker needs a couple of seconds to start.
# Without the optional grades function the report shows a "No", and a sync still works.
GRADES = "gradereport_user_get_grade_items"
NAMES = [
    ("Ana", "Quispe Mamani"),
    ("José", "Huamán Flores"),
    ("María", "Núñez Rojas"),
    ("Luis", "Ccori Paredes"),
    ("Rosa", "Ñahui Zúñiga"),
    ("Jorge", "Cáceres León"),
    ("Lucía", "Valdivia Díaz"),
    ("Miguel", "Chávez Ramos"),
    ("Sofía", "Torres Vargas"),
    ("Pedro", "Salazar Cruz"),
    ("Elena", "Mendoza Ortiz"),
    ("Diego", "Espinoza Ríos"),
    ("Julia", "Herrera Medina"),
    ("Andrés", "Aguilar Romero"),
    ("Valeria", "Castillo Gutiérrez"),
    ("Raúl", "Villanueva Sánchez"),
]
GESTION, CONTRATACIONES, EXCEL, ARCHIVO = 10, 11, 12, 13
STARTS = 1767225600  # 2026-01-01


def email(n: int) -> str:
    plain = unicodedata.normalize("NFKD", NAMES[n][0]).encode("ascii", "ignore").decode()
    return f"{plain.lower()}{n}@correo.gob.pe"


def classroom() -> Dataset:
    """Two categories, four courses (one hidden), sixteen people and their enrolments: ten
    students and a teacher in "Gestión pública" (three completed it)."""
    users = [
        MoodleUser(100 + n, f"u{n}", first, last, email(n)) for n, (first, last) in enumerate(NAMES)
    ]
    # They all went into the course after it began; the first three completed it.
    enrolments = [
        MoodleEnrolment(
            user.id, GESTION, lastaccess=STARTS + 86400, completed=STARTS + 86400 if n < 3 else 0
        )
        for n, user in enumerate(users[:10])
    ]
    enrolments.append(MoodleEnrolment(users[15].id, GESTION, roles=("editingteacher",)))
    enrolments += [MoodleEnrolment(user.id, CONTRATACIONES) for user in users[5:13]]
    enrolments += [MoodleEnrolment(user.id, EXCEL) for user in users[10:16]]
    return Dataset(
        site_name="Aula Virtual de la Escuela",
        categories=[Category(1, "Posgrado"), Category(2, "Cursos libres")],
        courses=[
            Course(GESTION, "Gestión pública", "GP-2026", 1, startdate=STARTS),
            Course(CONTRATACIONES, "Contrataciones del Estado", "CE-2026", 1),
            Course(EXCEL, "Excel para la gestión", "XL-01", 2, enablecompletion=0),
            Course(ARCHIVO, "Archivo 2019", "ARCH-19", 2, visible=0),
        ],
        users=users,
        enrolments=enrolments,
    )


@pytest.mark.browser
class MoodleBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Carla Capacitación")
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        # People Pregón already knew: one is matched and completed, one unsubscribed stays so.
        Contact.objects.create(email=email(0), first_name="Ana")
        Contact.objects.create(email=email(1), first_name="José", status=Status.UNSUBSCRIBED)
        self.moodle = FakeMoodle(classroom(), functions=[f for f in FUNCTIONS if f != GRADES])
        self.moodle.start()
        self.addCleanup(self.moodle.stop)

    def test_connect_check_sync_and_build_the_segment_of_a_course(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN, width=1366) as (page, problems), task_worker():
            page.click("#main-nav .dropdown-toggle:has-text('Administración')")
            page.click("#nav-moodle")
            page.fill("#id_url", self.moodle.url)
            page.fill("#id_new_token", self.moodle.token)
            page.click("#moodle-connection-form button[type=submit]")
            expect(page.locator(".alert-success")).to_be_visible()
            self.assertNotIn(self.moodle.token, page.content())

            page.click("#moodle-check")
            report = page.locator("#check-report")
            expect(report).to_contain_text("Aula Virtual de la Escuela")
            expect(report.locator(f"[data-function={GRADES}]")).to_have_attribute(
                "data-allowed", "false"
            )
            expect(report.locator("[data-allowed=true]")).to_have_count(len(FUNCTIONS) - 1)
            screenshot(page, "moodle-check")

            # The second course's participants come slowly, so that the bar is seen moving.
            self.moodle.fail(Fault.timeout(3), function="core_enrol_get_enrolled_users", nth=2)
            page.click("#moodle-sync-full")
            progress = page.locator("#sync-progress")
            expect(progress.locator(".progress")).to_be_visible()
            expect(progress).to_have_attribute("data-phase", "enrolments", timeout=TIMEOUT)
            expect(progress).to_have_attribute("data-status", "running")
            page.locator("#sync").screenshot(path=str(SCREENSHOTS / "moodle-sync.png"))
            expect(progress).to_have_attribute("data-status", "done", timeout=TIMEOUT)
            contacts = progress.locator("[data-kind=contacts]")
            expect(contacts.locator("[data-count=created]")).to_have_text("14")
            screenshot(page, "moodle-connection")

            run = SyncRun.objects.get()
            self.assertEqual((run.status, run.started_by.email), (SyncStatus.DONE, ADMIN))
            self.assertEqual(Enrolment.objects.filter(course__moodle_id=GESTION).count(), 10)
            unsubscribed = Contact.objects.get(email=email(1))
            self.assertEqual(unsubscribed.status, Status.UNSUBSCRIBED)

            page.set_viewport_size({"width": 375, "height": 812})
            self.assertTrue(fits_width(page), "the connection page on a phone")
            page.set_viewport_size({"width": 1366, "height": 900})

            page.click("#moodle-history-link")
            history = page.locator("#sync-history")
            expect(history.locator("[data-status=done]")).to_have_count(1)
            expect(history).to_contain_text(ADMIN)
            screenshot(page, "moodle-history")

            page.context.clear_cookies()
            login(page, base, EDITOR)
            page.click("#nav-classroom")
            page.click("#nav-moodle-courses")
            row = page.locator(f"tr[data-course='{GESTION}']")
            expect(row.locator("[data-count=enrolled]")).to_have_text("10")
            expect(row.locator("[data-count=completed]")).to_have_text("3")
            screenshot(page, "moodle-courses")
            page.set_viewport_size({"width": 375, "height": 812})
            self.assertTrue(fits_width(page), "the courses page on a phone")
            page.set_viewport_size({"width": 1366, "height": 900})

            # Built by hand in the segment editor, as the manual says.
            page.goto(f"{base}/contactos/segmentos/nuevo/")
            page.fill("#id_name", "Inscritos en Gestión pública")
            condition = add_condition(page.locator("#segment-builder > [data-group]"))
            condition.locator("[data-role=field]").select_option("moodle_enrolled")
            condition.locator("[data-role=operator]").select_option("in_courses")
            condition.get_by_label("Gestión pública").check()
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", "10")
            screenshot(page, "moodle-segment")
            page.click("#segment-save")
            expect(page.locator(".alert-success")).to_be_visible()
            segment = Segment.objects.get(name="Inscritos en Gestión pública")
            self.assertEqual(
                segment.rules["rules"][0]["value"], [GESTION], "the course, by its Moodle id"
            )

            # The courses page's link opens the same rule, already filled in.
            page.goto(f"{base}/moodle/cursos/")
            page.locator(f"tr[data-course='{CONTRATACIONES}'] [data-segment-link]").click()
            expect(page.locator("#segment-count")).to_have_attribute("data-count", "8")
            self.assertEqual(problems, [])
