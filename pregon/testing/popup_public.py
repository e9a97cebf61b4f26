"""A classroom site and a live pop-up, and a visitor's browser asking Pregón's public pop-up
addresses (/p/…) as the embed script does, for the tests of those addresses."""

import json

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
