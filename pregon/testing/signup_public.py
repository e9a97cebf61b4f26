"""A published signup form with double opt-in, a visitor's browser on its hosted page and on
the public API, and the emails Pregón sends, received by a real SMTP server: for the tests of
the forms' public side."""

import datetime
import json
import re
from html import unescape

import time_machine
from django.test import Client, TestCase
from django.utils import timezone

from pregon.content.models import EmailTemplate, Format
from pregon.forms.models import SignupForm
from pregon.sending import quota
from pregon.sending.models import SenderIdentity
from pregon.testing.campaigns import send_all
from pregon.testing.signup_forms import make_signup_form
from pregon.testing.smtp import Mailbox, Received, smtp_server

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
CONFIRMATION = (
    "<html><body><p>Hola {{ nombre | default('') }}:</p>"
    '<p><a href="{{ enlace_confirmar }}">Confirmar mi suscripción</a></p></body></html>'
)
WELCOME = "<html><body><p>Bienvenida, {{ nombre | default('colega') }}.</p></body></html>"
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]*/f/confirmar/[^\s\"'<>/]+/")


def html_template(name: str, source: str) -> EmailTemplate:
    template = EmailTemplate(name=name, format=Format.HTML)
    template.set_source(source)
    template.save()
    return template


def double_opt_in_form(**fields: object) -> SignupForm:
    """A published form with double opt-in, a sender and a confirmation template."""
    quota.ensure_plan()
    sender, _ = SenderIdentity.objects.get_or_create(
        from_email="capacitacion@escuela.example.pe",
        defaults={"from_name": "Escuela de Capacitación"},
    )
    values = {
        "double_opt_in": True,
        "sender": sender,
        "confirmation_template": html_template("Confirmación", CONFIRMATION),
        "min_fill_seconds": 3,
    }
    values.update(fields)
    return make_signup_form(**values)


def confirm_link(received: Received) -> str:
    """The confirmation link of an email, as the person would click it (path only)."""
    text = received.parsed().get_body(("plain",)).get_content()
    found = CONFIRM_LINK.search(unescape(text))
    assert found, text
    return re.sub(r"^https?://[^/]+", "", found.group(0))


class SignupTestCase(TestCase):
    """A visitor (one IP address) and a relay whose mailbox keeps what Pregón sends."""

    ip = "190.12.34.56"

    def setUp(self) -> None:
        super().setUp()
        self.visitor = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=self.ip)
        self.mailbox = Mailbox()
        relay = smtp_server(self.mailbox)
        relay.__enter__()
        self.addCleanup(relay.__exit__, None, None, None)
        # Pages are shown, and stamped, this long before they are sent.
        self.shown_at = timezone.now() - datetime.timedelta(seconds=30)

    def stamp(self, form: SignupForm) -> str:
        """The stamp the hosted page gave a visitor ``self.shown_at``."""
        with time_machine.travel(self.shown_at, tick=False):
            page = self.visitor.get(f"/f/{form.slug}").content.decode()
        return re.search(r'name="stamp" value="([^"]+)"', page).group(1)

    def page_post(self, form: SignupForm, **fields: object) -> object:
        data = {
            "email": "Ana.Quispe@Example.PE",
            "first_name": "Ana",
            "consent": "on",
            "stamp": self.stamp(form),
            "website": "",
        }
        data.update(fields)
        return self.visitor.post(
            f"/f/{form.slug}", {k: v for k, v in data.items() if v is not None}
        )

    def api_post(self, form: SignupForm, body: dict, stamp: bool = True, **extra: str) -> object:
        """POST ``body`` as the embed script does: JSON in a text/plain body."""
        if stamp:
            with time_machine.travel(self.shown_at, tick=False):
                description = self.visitor.get(f"/api/v1/public/forms/{form.slug}").json()
            body = {"stamp": description["stamp"], **body}
        return self.visitor.post(
            f"/api/v1/public/forms/{form.slug}",
            json.dumps(body),
            content_type="text/plain",
            **extra,
        )

    def delivered(self) -> list[Received]:
        """Send what is queued, as the sender process does; everything received so far."""
        send_all()
        return list(self.mailbox.received)
