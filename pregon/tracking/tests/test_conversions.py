"""Conversions: a click's redirect carries the attribution code, and the landing page reports
a goal with it, by pixel or from its server through the API; once per message and goal."""

import re
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.sending import links
from pregon.sending.models import Message
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind

SITE = "https://correo.escuela.example.pe"


def click_paths(**settings: object) -> list[str]:
    """Start a campaign to two people; the paths of their tracked links."""
    campaign = campaign_to(contacts_on_a_list(2))
    Campaign.objects.filter(pk=campaign.pk).update(**settings)
    scheduling.start_due_campaigns()
    paths = []
    for message in Message.objects.order_by("email"):
        address = links.context(message.pk, 1)["tracking_link_0"]
        paths.append(urlsplit(address).path)
    return paths


def conversions() -> list[tuple[str, str, str]]:
    """(address, goal, the method that measured it) of each conversion."""
    events = Event.objects.filter(kind=EventKind.CONVERTED).order_by("pk")
    return [(event.message.email, event.detail, event.method) for event in events]


@override_settings(SITE_URL=SITE)
class AttributionTestCase(TestCase):
    def landing(self, path: str) -> dict[str, list[str]]:
        response = self.client.get(path)
        self.assertEqual(response.status_code, 302)
        location = urlsplit(response["Location"])
        self.assertEqual(location.netloc + location.path, "aula.example.gob.pe/curso")
        return parse_qs(location.query)

    def test_a_click_brings_the_code_and_the_landing_page_reports_with_it(self) -> None:
        first, second = click_paths()
        query = self.landing(first)
        self.assertEqual(query["utm_source"], ["pregon"])
        token = query["pregon"][0]
        self.assertNotEqual(token, self.landing(second)["pregon"][0])  # One per message.
        response = self.client.get(f"/t/v/{token}.gif", {"objetivo": "Matrícula"})
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/gif"))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(conversions(), [("persona0000@example.pe", "matricula", "script")])
        # Once per message and goal; another goal counts on its own.
        self.client.get(f"/t/v/{token}.gif", {"objetivo": "matricula"})
        self.client.get(f"/t/v/{token}.gif", {"objetivo": "certificado"})
        self.assertEqual(
            conversions(),
            [
                ("persona0000@example.pe", "matricula", "script"),
                ("persona0000@example.pe", "certificado", "script"),
            ],
        )

    def test_without_a_goal_it_is_an_enrolment(self) -> None:
        token = self.landing(click_paths()[0])["pregon"][0]
        self.assertEqual(self.client.get(f"/t/v/{token}.gif").status_code, 200)
        self.assertEqual(conversions(), [("persona0000@example.pe", "matricula", "script")])

    def test_a_forged_code_or_a_bad_goal_records_nothing(self) -> None:
        path = click_paths()[0]
        token = self.landing(path)["pregon"][0]
        number, mac = token.split("-")
        click_token = path.rsplit("/", 1)[1]  # A click token is no conversion token.
        altered = mac[:-1] + ("b" if mac.endswith("a") else "a")  # Never the mac itself.
        for forged in (f"{number}-{altered}", f"{int(number, 36) + 1:x}-{mac}", click_token):
            with self.subTest(forged):
                response = self.client.get(f"/t/v/{forged}.gif")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["errors"], {})
        response = self.client.get(f"/t/v/{token}.gif", {"objetivo": "¡¡!!"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("objetivo", response.json()["errors"])
        self.assertEqual(conversions(), [])

    def test_attribution_can_be_switched_off_per_campaign(self) -> None:
        query = self.landing(click_paths(attribute_conversions=False)[0])
        self.assertNotIn("pregon", query)
        self.assertEqual(query["utm_medium"], ["email"])

    def test_the_script_for_the_classroom_points_at_this_site(self) -> None:
        response = self.client.get("/t/v.js")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/javascript"))
        body = response.content.decode()
        self.assertIn(f"{SITE}/t/v/TOKEN.gif", body.replace("\\u002D", "-"))
        self.assertTrue(re.search(r"window\.pregon = \{ convert: convert", body))


@override_settings(SITE_URL=SITE)
class ConversionApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        response = self.client.get(click_paths()[1])
        self.code = parse_qs(urlsplit(response["Location"]).query)["pregon"][0]

    def report(self, payload: dict, token: str | None = None) -> object:
        return self.call("POST", "/conversions", payload, token=token)

    def test_the_classroom_server_reports_once_per_goal(self) -> None:
        response = self.report({"token": self.code, "goal": "matricula"})
        self.assertEqual(response.status_code, 201, response.content)
        campaign = Campaign.objects.get()
        self.assertEqual(
            response.json(),
            {"recorded": True, "goal": "matricula", "campaign": str(campaign.code)},
        )
        response = self.report({"token": self.code, "goal": "matricula"})
        self.assertEqual((response.status_code, response.json()["recorded"]), (200, False))
        self.assertEqual(conversions(), [("persona0001@example.pe", "matricula", "api")])
        # The pixel reporting it afterwards adds nothing: once per message and goal.
        self.assertEqual(self.client.get(f"/t/v/{self.code}.gif").status_code, 200)
        self.assertEqual(conversions(), [("persona0001@example.pe", "matricula", "api")])

    def test_a_forged_code_or_a_bad_goal_is_refused(self) -> None:
        response = self.report(
            {"token": self.code[:-1] + ("r" if self.code.endswith("q") else "q")}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["detail"], "This conversion code is not valid.")
        response = self.report({"token": self.code, "goal": "---"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("goal", response.json()["errors"])
        response = self.report({"goal": "matricula"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("token", response.json()["errors"])
        self.assertEqual(conversions(), [])

    def test_it_needs_an_editors_token(self) -> None:
        response = self.report({"token": self.code}, token="nope")
        self.assertEqual(response.status_code, 401)
        response = self.report({"token": self.code}, token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(conversions(), [])
