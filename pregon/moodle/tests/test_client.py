"""The REST client against the fake Moodle: parameters as PHP reads them, answers decoded,
and every way a call fails turned into one MoodleError with what to do."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import SimpleTestCase

from pregon.moodle import client as client_module
from pregon.moodle.client import Client, MoodleError
from pregon.testing.moodle_ws import (
    CAPABILITIES,
    FUNCTIONS,
    Category,
    Course,
    Dataset,
    Enrolment,
    FakeMoodle,
    Fault,
    User,
)

ENROLLED = "core_enrol_get_enrolled_users"


def redirecting(status: int, location: str) -> ThreadingHTTPServer:
    """A web server on 127.0.0.1 that answers every request with a redirect to
    ``location``, as a site moved to https (or behind a login page) does."""

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class ClientTests(SimpleTestCase):
    def setUp(self):
        dataset = Dataset(
            categories=[Category(1, "Gestión pública")],
            courses=[Course(2, "Ética pública", "ETI", 1)],
            users=[User(10, "ana", "Ana", "Quispe", "ana@example.org")],
            enrolments=[Enrolment(10, 2)],
        )
        self.moodle = FakeMoodle(dataset).start()
        self.addCleanup(self.moodle.stop)
        self.client = Client(self.moodle.url + "/", self.moodle.token, timeout=5)
        self.addCleanup(self.client.close)

    def failure(self, function: str = "core_webservice_get_site_info", **params) -> MoodleError:
        with self.assertRaises(MoodleError) as caught:
            self.client.call(function, **params)
        return caught.exception

    def test_lists_dicts_and_booleans_reach_moodle_as_php_arrays(self):
        self.client.call(
            ENROLLED,
            courseid=2,
            options=[{"name": "onlyactive", "value": True}, {"name": "limitnumber", "value": 5}],
        )
        (call,) = self.moodle.calls
        self.assertEqual(call.function, ENROLLED)
        self.assertEqual(call.token, self.moodle.token)
        self.assertEqual(
            call.params,
            {
                "courseid": "2",
                "options": [
                    {"name": "onlyactive", "value": "1"},
                    {"name": "limitnumber", "value": "5"},
                ],
            },
        )

    def test_an_answer_is_decoded(self):
        users = self.client.call("core_user_get_users_by_field", field="id", values=[10])
        self.assertEqual(users[0]["email"], "ana@example.org")

    def test_moodle_errors_keep_their_code_and_moodle_s_message(self):
        error = self.failure(ENROLLED, courseid=99)
        self.assertEqual(error.code, "invalidrecordunknown")
        self.assertEqual(error.detail, "Can't find data record in database.")
        self.assertIn("ya no existe", error.message)

    def test_a_bad_token(self):
        self.client.token = "f" * 32
        error = self.failure()
        self.assertEqual(error.code, "invalidtoken")
        self.assertIn("Gestionar tokens", error.message)

    def test_a_function_outside_the_service(self):
        self.moodle.functions = set(FUNCTIONS) - {ENROLLED}
        error = self.failure(ENROLLED, courseid=2)
        self.assertEqual(error.code, "accessexception")
        self.assertIn("incluya esta función", error.message)

    def test_a_missing_capability_quotes_moodle(self):
        self.moodle.capabilities = set(CAPABILITIES) - {"moodle/course:viewparticipants"}
        error = self.failure(ENROLLED, courseid=2)
        self.assertEqual(error.code, "nopermissions")
        self.assertIn("(View participants)", error.message)
        self.assertIn("Definir roles", error.message)

    def test_an_unknown_code_shows_moodle_s_message(self):
        error = self.failure("core_user_get_users_by_field", field="city", values=["Lima"])
        self.assertEqual(error.code, "codingerror")
        self.assertIn("(codingerror)", error.message)
        self.assertIn(error.detail, error.message)

    def test_a_time_out_uses_the_module_s_time_out_when_none_is_given(self):
        self.moodle.fail(Fault.timeout(seconds=1.5))
        with mock.patch.object(client_module, "TIMEOUT", 0.3):
            patient = Client(self.moodle.url, self.moodle.token)
        self.addCleanup(patient.close)
        with self.assertRaises(MoodleError) as caught:
            patient.call("core_webservice_get_site_info")
        self.assertEqual(caught.exception.code, "timeout")
        self.assertIn("no respondió en", caught.exception.message)

    def test_http_errors_say_what_to_check(self):
        for status, words in (
            (403, "habilite los servicios web"),
            (500, "HTTP 500"),
        ):
            self.moodle.fail(Fault.http(status))
            error = self.failure()
            self.assertEqual(error.code, "http")
            self.assertIn(words, error.message)

    def test_an_address_without_moodle(self):
        elsewhere = Client(self.moodle.url + "/campus", self.moodle.token, timeout=5)
        self.addCleanup(elsewhere.close)
        with self.assertRaises(MoodleError) as caught:
            elsewhere.call("core_webservice_get_site_info")
        self.assertIn("No hay un servicio web de Moodle en", caught.exception.message)
        self.assertIn("/campus/webservice/rest/server.php", caught.exception.message)

    def test_a_page_that_is_not_moodle(self):
        self.moodle.fail(Fault.not_moodle())
        error = self.failure()
        self.assertEqual(error.code, "format")
        self.assertIn("Bienvenido", error.detail)

    def test_nobody_listening(self):
        with socket.socket() as spare:
            spare.bind(("127.0.0.1", 0))
            port = spare.getsockname()[1]
        nobody = Client(f"http://127.0.0.1:{port}", "x", timeout=2)
        self.addCleanup(nobody.close)
        with self.assertRaises(MoodleError) as caught:
            nobody.call("core_webservice_get_site_info")
        self.assertEqual(caught.exception.code, "network")

    def test_a_redirect_is_reported_and_the_token_is_not_sent_on(self):
        # A site moved to another address answers with a redirect: followed, a 301 or 302
        # turns the POST into a GET without the token (Moodle then says the token is
        # unknown), and a 307 or 308 sends the token to wherever the redirect points.
        target = self.moodle.url + "/webservice/rest/server.php"
        for status in (301, 302, 307, 308):
            server = redirecting(status, target)
            self.addCleanup(server.server_close)
            self.addCleanup(server.shutdown)
            moved = Client(f"http://127.0.0.1:{server.server_address[1]}", "secret", timeout=5)
            self.addCleanup(moved.close)
            with self.assertRaises(MoodleError) as caught:
                moved.call("core_webservice_get_site_info")
            self.assertEqual(caught.exception.code, "redirect", status)
            self.assertIn(self.moodle.url, caught.exception.message)
            self.assertNotIn("secret", str(caught.exception))
        self.assertEqual(self.moodle.calls, [])
