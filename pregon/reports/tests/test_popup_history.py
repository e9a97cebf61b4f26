"""Pop-up events in a contact's history (screen and API): people's only, naming the pop-up."""

from django.urls import reverse

from pregon.contacts.models import Contact
from pregon.testing.api import ApiTestCase
from pregon.testing.popup_reports import at, reported_popup

SUNDAY = 2 * 24 * 60 - 2 * 60


class PopupHistoryTestCase(ApiTestCase):
    """beto saw, clicked and converted on Sunday at 08:00 Lima; carla met it only as a bot."""

    def setUp(self) -> None:
        super().setUp()
        self.popup = reported_popup()
        self.beto = Contact.objects.get(email="beto@example.pe")
        self.client.force_login(self.bob)

    def test_the_timeline_tells_what_the_contact_did_with_the_popup(self) -> None:
        url = reverse("reports:contact_history", args=[self.beto.code])
        response = self.client.get(url)
        entries = response.context["page"].object_list
        self.assertEqual(
            [(entry.kind, entry.at) for entry in entries],
            [
                ("popup_converted", at(SUNDAY + 60)),
                ("popup_clicked", at(SUNDAY + 1)),
                ("popup_viewed", at(SUNDAY)),
            ],
        )
        self.assertContains(response, "Saw the pop-up “Curso de diciembre”")
        self.assertContains(response, "Clicked the pop-up “Curso de diciembre”")
        self.assertContains(response, "Converted from the pop-up “Curso de diciembre”")
        self.assertContains(response, "/mod/page/view.php")
        self.assertContains(response, "matricula")
        self.assertContains(response, reverse("popups:report", args=[self.popup.code]))

    def test_it_is_in_spanish(self) -> None:
        self.use_spanish()
        ana = Contact.objects.get(email="ana@example.pe")
        response = self.client.get(reverse("reports:contact_history", args=[ana.code]))
        self.assertContains(response, "Vio la ventana emergente «Curso de diciembre»")
        self.assertContains(
            response, "Envió el formulario de la ventana emergente «Curso de diciembre»"
        )

    def test_a_bots_events_are_left_out(self) -> None:
        carla = Contact.objects.get(email="carla@example.pe")
        response = self.client.get(reverse("reports:contact_history", args=[carla.code]))
        self.assertEqual(list(response.context["page"].object_list), [])

    def test_the_api_gives_the_same_entries(self) -> None:
        response = self.call("GET", f"/contacts/{self.beto.code}/history")
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual(
            [(item["kind"], item["popup"], item["detail"]) for item in items],
            [
                ("popup_converted", "Curso de diciembre", "matricula"),
                ("popup_clicked", "Curso de diciembre", "/mod/page/view.php"),
                ("popup_viewed", "Curso de diciembre", "/mod/page/view.php"),
            ],
        )
        self.assertEqual(items[0]["popup_code"], str(self.popup.code))
