"""“Probar conexión” against the fake Moodle: what the report says for a working connection,
a bad token, a function missing from the service, a capability missing from the role, a
time-out and an answer that is not Moodle's, and what it keeps on the connection."""

import json
from unittest import mock

from django.test import TestCase

from pregon.moodle import check
from pregon.moodle.models import Connection
from pregon.testing.moodle_ws import (
    CAPABILITIES,
    FUNCTIONS,
    RELEASE,
    Category,
    Course,
    Dataset,
    Enrolment,
    FakeMoodle,
    Fault,
    User,
)


def classroom() -> Dataset:
    return Dataset(
        site_name="Aula Virtual ENAP",
        categories=[Category(1, "Gestión pública")],
        courses=[Course(2, "Ética pública", "ETI", 1)],
        users=[
            User(10, "ana", "Ana", "Quispe", "ana@example.org"),
            User(11, "luis", "Luis", "Mamani", "luis@example.org"),
        ],
        enrolments=[Enrolment(10, 2), Enrolment(11, 2, roles=("editingteacher",))],
    )


class CheckTests(TestCase):
    def connect(self, token: str = "", **options) -> Connection:
        self.moodle = FakeMoodle(classroom(), **options).start()
        self.addCleanup(self.moodle.stop)
        connection = Connection(url=self.moodle.url + "/")
        connection.set_token(token or self.moodle.token)
        connection.save()
        return connection

    def function(self, report: check.CheckReport, name: str) -> check.FunctionCheck:
        return next(f for f in report.functions if f.name == name)

    def test_a_working_connection(self):
        connection = self.connect()
        report = check.check(connection)
        self.assertTrue(report.ok)
        self.assertEqual(report.site_name, "Aula Virtual ENAP")
        self.assertEqual(report.release, RELEASE)
        self.assertEqual(report.user, "Pregón Servicio web (pregon)")
        self.assertEqual(
            [f.name for f in report.functions], [n.name for n in check.NEEDED_FUNCTIONS]
        )
        self.assertTrue(all(f.allowed and f.ok and not f.grant for f in report.functions))
        tried = {call.function for call in self.moodle.calls}
        self.assertLessEqual({check.ENROLLED, check.COMPLETION, check.GRADES}, tried)

    def test_the_trial_reads_one_small_page(self):
        connection = self.connect()
        check.check(connection)
        (trial,) = self.moodle.calls_to(check.ENROLLED)
        self.assertEqual(trial.params["courseid"], "2")
        self.assertEqual(
            trial.params["options"],
            [
                {"name": "userfields", "value": "id,fullname,firstname,lastname,email,roles"},
                {"name": "limitnumber", "value": "20"},
            ],
        )
        (completion,) = self.moodle.calls_to(check.COMPLETION)
        self.assertEqual(completion.params, {"courseid": "2", "userid": "10"})

    def test_the_report_is_kept_on_the_connection(self):
        connection = self.connect()
        report = check.check(connection)
        connection.refresh_from_db()
        self.assertEqual((connection.site_name, connection.release), ("Aula Virtual ENAP", RELEASE))
        self.assertEqual(connection.checked_at, report.checked_at)
        self.assertEqual(connection.check_report, json.loads(json.dumps(report.as_dict())))
        self.assertTrue(connection.check_report["ok"])
        self.assertEqual(
            connection.check_report["functions"][0]["purpose"],
            "Lee el nombre del sitio y la versión de Moodle, y prueba el token.",
        )

    def test_a_bad_token(self):
        connection = self.connect(token="0" * 32)
        report = check.check(connection)
        self.assertFalse(report.ok)
        self.assertEqual(report.error_code, "invalidtoken")
        self.assertIn("Moodle no reconoce el token", report.error)
        self.assertEqual(report.functions, [])
        connection.refresh_from_db()
        self.assertFalse(connection.check_report["ok"])
        self.assertEqual(connection.site_name, "")
        self.assertIsNotNone(connection.checked_at)

    def test_a_function_missing_from_the_service(self):
        connection = self.connect(functions=set(FUNCTIONS) - {check.ENROLLED})
        report = check.check(connection)
        self.assertFalse(report.ok)
        enrolled = self.function(report, check.ENROLLED)
        self.assertFalse(enrolled.allowed)
        self.assertIn("moodle/course:viewparticipants", enrolled.grant)
        self.assertEqual([f.name for f in report.missing()], [check.ENROLLED])
        self.assertNotIn(check.ENROLLED, {call.function for call in self.moodle.calls})

    def test_the_optional_grades_function_may_be_missing(self):
        connection = self.connect(functions=set(FUNCTIONS) - {check.GRADES})
        report = check.check(connection)
        self.assertTrue(report.ok)
        grades = self.function(report, check.GRADES)
        self.assertFalse(grades.allowed)
        self.assertFalse(grades.required)
        self.assertIn("moodle/grade:viewall", grades.grant)

    def test_a_capability_missing_from_the_role(self):
        connection = self.connect(capabilities=CAPABILITIES - {"moodle/course:viewparticipants"})
        report = check.check(connection)
        self.assertFalse(report.ok)
        enrolled = self.function(report, check.ENROLLED)
        self.assertTrue(enrolled.allowed)
        self.assertIn("(View participants)", enrolled.problem)
        self.assertIn("moodle/course:viewparticipants", enrolled.grant)
        self.assertNotIn(check.COURSE_VIEW, enrolled.grant)

    def test_courses_the_user_may_not_enter(self):
        connection = self.connect(capabilities=CAPABILITIES - {check.COURSE_VIEW})
        enrolled = self.function(check.check(connection), check.ENROLLED)
        self.assertEqual(enrolled.grant, [check.COURSE_VIEW])
        self.assertIn("moodle/course:view", enrolled.problem)

    def test_hidden_addresses_and_names(self):
        connection = self.connect(
            capabilities=CAPABILITIES
            - {
                "moodle/course:useremail",
                "moodle/site:viewuseridentity",
                "moodle/site:viewfullnames",
            }
        )
        enrolled = self.function(check.check(connection), check.ENROLLED)
        self.assertEqual(
            enrolled.problem,
            "Moodle oculta los correos electrónicos y los nombres al usuario del servicio web.",
        )
        self.assertEqual(enrolled.grant, ["moodle/course:useremail", "moodle/site:viewfullnames"])

    def test_completion_refused(self):
        connection = self.connect(capabilities=CAPABILITIES - {"report/completion:view"})
        report = check.check(connection)
        self.assertFalse(report.ok)
        completion = self.function(report, check.COMPLETION)
        self.assertEqual(completion.grant, ["report/completion:view"])
        self.assertIn("report/completion:view", completion.problem)

    def test_a_time_out(self):
        connection = self.connect()
        self.moodle.fail(Fault.timeout(seconds=1.5))
        with mock.patch.object(check, "CHECK_TIMEOUT", 0.3):
            report = check.check(connection)
        self.assertFalse(report.ok)
        self.assertEqual(report.error_code, "timeout")
        self.assertIn("no respondió", report.error)

    def test_a_slow_moodle_gets_the_time_of_one_request_for_all_the_calls(self):
        # Each answer comes in time, but six of them one after the other would outlast the
        # web server's request: the calls share the check's seconds, and stop when they end.
        connection = self.connect()
        self.moodle.fail(Fault.timeout(seconds=0.7), times=10)
        with (
            mock.patch.object(check, "CHECK_TIMEOUT", 5),
            mock.patch.object(check, "CHECK_SECONDS", 2),
        ):
            report = check.check(connection)
        self.assertEqual(report.site_name, "Aula Virtual ENAP")
        self.assertEqual(report.error_code, "timeout")
        self.assertIn("no respondió en 2 segundos", report.error)
        self.assertEqual(self.moodle.calls_to(check.ENROLLED), [])

    def test_an_answer_that_is_not_moodle(self):
        connection = self.connect()
        self.moodle.fail(Fault.not_moodle())
        report = check.check(connection)
        self.assertEqual(report.error_code, "format")
        self.assertFalse(report.ok)

    def test_an_address_without_moodle(self):
        connection = self.connect()
        connection.url = self.moodle.url + "/otra-cosa"
        report = check.check(connection)
        self.assertEqual(report.error_code, "http")
        self.assertIn("No hay un servicio web de Moodle en", report.error)

    def test_web_services_disabled(self):
        connection = self.connect()
        self.moodle.fail(Fault.http(403))
        report = check.check(connection)
        self.assertIn("habilite los servicios web", report.error)

    def test_a_token_the_key_no_longer_opens(self):
        connection = self.connect()
        connection.token = "gAAAAABnot-a-real-fernet-token"
        report = check.check(connection)
        self.assertEqual(report.error_code, "token")
        self.assertEqual(self.moodle.calls, [])
