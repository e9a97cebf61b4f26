"""Help > Delivery (/ayuda/entrega/): administrators see each requirement of the tender with
its evidence and what it lacks, the quota's term and how to build the pack."""

import datetime
import tempfile
from pathlib import Path
from unittest import mock

from django.template.loader import render_to_string
from django.urls import reverse

from pregon.help.delivery import checklist
from pregon.sending import quota_settings
from pregon.testing import BaseTestCase

ROWS = """
[[requirement]]
code = "R15"
source = "6.1 Reporte sobre consumo del servicio, a."
wording = "El aplicativo permitirá verificar el consumo del servicio, indicando el saldo del mismo."
screens = [{ name = "reports:consumption", label = "Consumo" }]
screenshots = ["consumption.png"]
tests = ["pregon/reports/tests/test_consumption.py"]

[[requirement]]
code = "R17"
source = "6.1 Soporte del servicio, a."
wording = "El servicio debe tener soporte técnico en línea en español."
screens = [{ name = "help:nowhere", label = "Ayuda > Solicitudes" }]
screenshots = ["nowhere.png"]
tests = ["pregon/help/tests/test_nowhere.py"]
"""


class DeliveryScreenTestCase(BaseTestCase):
    url = reverse("help:delivery_index")

    def use_checklist(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "checklist.toml"
        path.write_text(ROWS, encoding="utf-8")
        self.enterContext(mock.patch.object(checklist, "FILE", path))

    def test_only_administrators_open_it(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_shows_every_requirement_of_the_checklist(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for number in range(1, 24):
            self.assertContains(response, f'id="requirement-R{number}"', count=1)
        self.assertContains(response, "pregon deliverable")
        self.assertContains(response, f'href="{reverse("help:manual_pdf")}"')

    def test_each_row_shows_its_evidence_and_what_is_missing(self) -> None:
        self.use_checklist()
        self.client.force_login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "1 of 2 requirements have all their evidence.")
        complete = self.row(response, "R15")
        self.assertIn("Complete", complete)
        self.assertIn(f'<a href="{reverse("reports:consumption")}">Consumo</a>', complete)
        self.assertIn("<code>consumption.png</code>", complete)
        self.assertNotIn("missing", complete)
        lacking = self.row(response, "R17")
        self.assertIn("Evidence missing", lacking)
        self.assertIn("soporte técnico en línea en español", lacking)
        for message in (
            "the screen help:nowhere is not a URL name of this installation",
            "the screenshot nowhere.png is not in docs/screenshots",
            "the test file pregon/help/tests/test_nowhere.py does not exist",
        ):
            self.assertIn(message, lacking)

    def test_it_says_whether_the_credentials_were_delivered(self) -> None:
        self.use_checklist()
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.url), "Not delivered yet.")
        quota_settings.deliver_credentials(datetime.date(2026, 3, 2), actor=self.alice)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "Delivered on March 2, 2026: the quota's term runs from March 3, 2026 to "
            "March 2, 2027.",
        )

    def test_the_help_hub_card_is_for_administrators(self) -> None:
        html = render_to_string("help/includes/delivery_card.html", {"user": self.alice})
        self.assertIn(f'href="{self.url}"', html)
        card = render_to_string("help/includes/delivery_card.html", {"user": self.bob})
        self.assertNotIn("href", card)

    def row(self, response: object, code: str) -> str:
        html = response.content.decode()
        return html.split(f'id="requirement-{code}"', 1)[1].split("</tr>", 1)[0]
