"""A classroom site and a live pop-up, and a visitor's browser asking Pregón's public pop-up
addresses (/p/…) as the embed script does, for the tests of those addresses."""

import io
import json

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, TestCase

from pregon.campaigns import scheduling
from pregon.popups import config
from pregon.popups.models import Popup, Site
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import conversions

CLASSROOM = "https://aula.escuela.example.pe"
ELSEWHERE = "https://otro.example.com"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


class PublicTestCase(TestCase):
    """A site for CLASSROOM, a live pop-up, and ``visitor``: a browser on the classroom."""

    def setUp(self) -> None:
        super().setUp()
        config.forget()
        self.site = Site.objects.create(name="Aula virtual", origin=CLASSROOM)
        self.popup = Popup.objects.create(
            name="Curso de diciembre",
            is_published=True,
            title="Inscripciones abiertas",
            body="<p>Curso de <strong>gestión pública</strong></p>",
            button_text="Inscríbete",
            button_url="https://aula.escuela.example.pe/enrol/index.php?id=12",
        )
        self.visitor = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="190.12.34.56")

    def post(self, letter: str, data: object, origin: str = CLASSROOM, **extra: str) -> object:
        """POST ``data`` as JSON in a text/plain body to /p/<letter>/<site key>."""
        body = data if isinstance(data, str) else json.dumps(data)
        return self.visitor.post(
            f"/p/{letter}/{self.site.key}",
            body,
            content_type="text/plain",
            HTTP_ORIGIN=origin,
            **extra,
        )

    def beacon(self, kind: str = "viewed", **fields: object) -> object:
        data = {"p": self.popup.pk, "k": kind, "v": "a1b2c3d4e5f60718", "t": "", "u": "/my/"}
        return self.post("b", {**data, **fields})


def sent_message() -> Message:
    """A message of a started campaign, to persona0001@example.pe."""
    campaign_to(contacts_on_a_list(1))
    scheduling.start_due_campaigns()
    return Message.objects.get()


def identity_token(message: Message) -> str:
    """The token a tracked email click adds to the classroom's address."""
    return conversions.token(message.pk)


def fetch(path: str, method: str = "GET", body: bytes = b"", **headers: str) -> tuple:
    """Ask the WSGI application the web server runs (pregon.wsgi, with its fast paths) for
    ``path``: (status line, headers, body)."""
    from pregon.wsgi import application

    answer = {}
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "190.12.34.56",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/plain",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        **headers,
    }

    def start_response(status: str, response_headers: list) -> None:
        answer.update(status=status, headers=dict(response_headers))

    # As Django's test client does: the test's connection must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content
