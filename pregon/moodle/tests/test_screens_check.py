"""“Probar conexión” on the connection page, against a fake Moodle 4.x on 127.0.0.1: the site,
its version and the token's user, each function with what it is for, whether it is allowed
and what to grant, and Moodle's errors in plain words."""

from django.urls import reverse

from pregon.moodle.models import Connection
from pregon.testing import BaseTestCase
from pregon.testing.moodle_ws import (
    CAPABILITIES,
    FUNCTIONS,
    RELEASE,
    Category,
    Course,
    Dataset,
    Enrolment,
    FakeMoodle,
    User,
)

ENROLLED = "core_enrol_get_enrolled_users"
GRADES = "gradereport_user_get_grade_items"


def classroom() -> Dataset:
    return Dataset(
        site_name="Aula Virtual de la Escuela",
        categories=[Category(1, "Posgrado")],
        courses=[Course(10, "Gestión pública", "GP", 1)],
        users=[User(100, "ana", "Ana", "Quispe", "ana@correo.gob.pe")],
        enrolments=[Enrolment(100, 10)],
    )


class ConnectionCheckTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def connect(self, moodle: FakeMoodle, token: str | None = None) -> Connection:
        connection = Connection(url=moodle.url)
        connection.set_token(token or moodle.token)
        connection.save()
        return connection

    def rows(self, html: str) -> dict[str, str]:
        """Each function's row of the report, by the function's name."""
        parts = html.split('<tr data-function="')[1:]
        return {part.split('"', 1)[0]: part.split("</tr>", 1)[0] for part in parts}

    def test_it_reports_the_site_and_every_function_allowed(self) -> None:
        with FakeMoodle(classroom()) as moodle:
            self.connect(moodle)
            response = self.client.post(reverse("moodle:check"), follow=True)
        self.assertContains(response, "Moodle answered.")
        self.assertContains(response, 'id="check-report" data-ok="true"')
        self.assertContains(response, "Aula Virtual de la Escuela")
        self.assertContains(response, RELEASE)
        self.assertContains(response, "(pregon)")
        rows = self.rows(response.content.decode())
        self.assertEqual(list(rows), list(FUNCTIONS))
        for name, row in rows.items():
            self.assertIn('data-ok="true"', row, name)
        self.assertIn("Copies each course&#x27;s enrolments and the roles in them.", rows[ENROLLED])
        self.assertEqual(Connection.objects.get().site_name, "Aula Virtual de la Escuela")

    def test_a_function_missing_from_the_service_names_what_to_grant(self) -> None:
        allowed = [name for name in FUNCTIONS if name not in (ENROLLED, GRADES)]
        with FakeMoodle(classroom(), functions=allowed) as moodle:
            self.connect(moodle)
            response = self.client.post(reverse("moodle:check"), follow=True)
        self.assertContains(response, "The connection check found problems")
        self.assertContains(response, 'id="check-report" data-ok="false"')
        rows = self.rows(response.content.decode())
        self.assertIn('data-allowed="false"', rows[ENROLLED])
        self.assertIn("Add the function to the service.", rows[ENROLLED])
        self.assertIn("<code>moodle/course:viewparticipants</code>", rows[ENROLLED])
        self.assertIn("text-bg-danger", rows[ENROLLED])
        # The optional one is missing too, but greyed: a sync works without it.
        self.assertIn("Optional:", rows[GRADES])
        self.assertIn("text-bg-secondary", rows[GRADES])

    def test_a_capability_the_role_lacks_is_named(self) -> None:
        lacking = CAPABILITIES - {"moodle/course:viewparticipants"}
        with FakeMoodle(classroom(), capabilities=lacking) as moodle:
            self.connect(moodle)
            response = self.client.post(reverse("moodle:check"), follow=True)
        row = self.rows(response.content.decode())[ENROLLED]
        self.assertIn('data-allowed="true" data-ok="false"', row)
        self.assertIn("Limited", row)
        self.assertIn("<code>moodle/course:viewparticipants</code>", row)

    def test_a_bad_token_is_explained(self) -> None:
        with FakeMoodle(classroom()) as moodle:
            self.connect(moodle, token="ffffffffffffffffffffffffffffffff")
            response = self.client.post(reverse("moodle:check"), follow=True)
        self.assertContains(response, 'data-error-code="invalidtoken"')
        self.assertContains(response, "Moodle does not recognise the token.")
        self.assertNotContains(response, "<tr data-function=")

    def test_without_a_connection_there_is_nothing_to_test(self) -> None:
        response = self.client.post(reverse("moodle:check"), follow=True)
        self.assertContains(response, "Save the Moodle address and token first.")
        self.assertNotContains(response, 'id="moodle-check"')
