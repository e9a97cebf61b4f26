from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Suppression, SuppressionReason
from pregon.testing import BaseTestCase

URL = "/contactos/supresion/"


class SuppressionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.known = Suppression.objects.create(
            email="rebote@example.pe", reason=SuppressionReason.BOUNCED
        )

    def emails(self) -> set[str]:
        return set(Suppression.objects.values_list("email", flat=True))

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(URL, {"addresses": "x@example.pe"}).status_code, 403)
        response = self.client.post(f"{URL}{self.known.pk}/quitar/")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.emails(), {"rebote@example.pe"})

    def test_it_adds_addresses_by_line_or_comma_normalised(self) -> None:
        self.client.force_login(self.bob)
        text = " Ana@Example.PE , luis@example.pe\nrebote@example.pe\n\nana@example.pe; rosa@a.pe"
        response = self.client.post(
            URL, {"addresses": text, "note": "Pidió no recibir"}, follow=True
        )
        self.assertRedirects(response, URL)
        self.assertContains(response, "3 addresses added to the suppression list (4 valid given).")
        self.assertEqual(
            self.emails(),
            {"ana@example.pe", "luis@example.pe", "rebote@example.pe", "rosa@a.pe"},
        )
        added = Suppression.objects.get(email="ana@example.pe")
        self.assertEqual((added.reason, added.note), (SuppressionReason.MANUAL, "Pidió no recibir"))
        self.assertEqual(Suppression.objects.get(email="rebote@example.pe").reason, "bounced")

    def test_it_reports_invalid_addresses_by_line_and_keeps_them_to_fix(self) -> None:
        self.client.force_login(self.bob)
        text = "ok@example.pe\nno-es-correo, otro@example.pe\n\n@@"
        response = self.client.post(URL, {"addresses": text})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Line 2: “no-es-correo” is not a valid email address.")
        self.assertContains(response, "Line 4: “@@” is not a valid email address.")
        self.assertContains(response, "2 addresses added to the suppression list")
        self.assertContains(response, "no-es-correo\n@@</textarea>")
        self.assertEqual(self.emails(), {"ok@example.pe", "otro@example.pe", "rebote@example.pe"})

    def test_an_empty_box_is_refused(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(URL, {"addresses": "  "})
        self.assertContains(response, "This field is required.")

    def test_it_searches_and_paginates(self) -> None:
        Suppression.objects.bulk_create(Suppression(email=f"s{n:02}@lista.pe") for n in range(60))
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertEqual(len(response.context["page"]), 50)
        self.assertEqual(response.context["page"].paginator.count, 61)
        response = self.client.get(URL, {"q": "LISTA.PE", "page": 2})
        self.assertEqual(len(response.context["page"]), 10)
        self.assertContains(response, "?q=LISTA.PE&amp;page=1")
        response = self.client.get(URL, {"q": "nadie"})
        self.assertContains(response, "No suppressed address matches this search.")

    def test_removing_asks_first_and_is_audited(self) -> None:
        self.client.force_login(self.bob)
        url = f"{URL}{self.known.pk}/quitar/"
        response = self.client.get(url)
        self.assertContains(response, "Remove rebote@example.pe from the suppression list?")
        self.assertContains(response, "Reason it was suppressed: Hard bounce.")
        self.assertRedirects(self.client.post(url), URL)
        self.assertEqual(self.emails(), set())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["reason"]), ("rebote@example.pe", "bounced"))

    def test_it_shows_an_empty_state(self) -> None:
        Suppression.objects.all().delete()
        self.client.force_login(self.bob)
        self.assertContains(self.client.get(URL), "The suppression list is empty.")
