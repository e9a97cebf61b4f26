"""The pop-up screens: the list (status, Lima dates, figures), a new pop-up from a design,
editing, publishing and withdrawing, duplicating and deleting, and who may do each."""

import datetime

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.popups.models import Popup, PopupEvent, Site
from pregon.popups.tests.test_forms_popup import valid_data
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import make_signup_form

UTC = datetime.UTC


def make_popup(**fields: object) -> Popup:
    values = {"name": "Curso de marzo", "title": "Nuevo curso", "priority": 10}
    values.update(fields)
    return Popup.objects.create(**values)


class PopupListTestCase(BaseTestCase):
    def test_the_list_shows_status_lima_dates_and_people_s_figures(self) -> None:
        live = make_popup(
            name="Matrícula abierta",
            is_published=True,
            starts_at=datetime.datetime(2020, 3, 1, 13, 0, tzinfo=UTC),
            ends_at=datetime.datetime(2099, 3, 15, 23, 30, tzinfo=UTC),
        )
        make_popup(name="Borrador")
        make_popup(
            name="Terminada",
            is_published=True,
            ends_at=datetime.datetime(2021, 1, 1, tzinfo=UTC),
        )
        make_popup(
            name="Más adelante",
            is_published=True,
            starts_at=datetime.datetime(2099, 1, 1, tzinfo=UTC),
        )
        for kind in ["viewed"] * 4 + ["clicked"]:
            PopupEvent.objects.create(popup=live, kind=kind, visitor="a1")
        PopupEvent.objects.create(popup=live, kind="viewed", machine="bot")
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("popups:index"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        row = html.split(f'data-popup="{live.code}"', 1)[1].split("</tr>", 1)[0]
        self.assertIn('data-status="live"', row)
        # 13:00 UTC is 08:00 in Lima; 23:30 UTC is 18:30.
        self.assertIn("03/01/2020 8 a.m.", row.replace("\u202f", " ").replace("a. m.", "a.m."))
        self.assertIn('data-views="4"', row)
        self.assertIn('data-clicks="1"', row)
        self.assertIn("25.0 %", row)
        for status in ("draft", "ended", "scheduled"):
            self.assertContains(response, f'data-status="{status}"')
        # Analysts see it, but may not create.
        self.assertNotContains(response, reverse("popups:designs"))

    def test_the_list_says_when_no_classroom_loads_the_script(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("popups:index"))
        self.assertContains(response, 'id="popup-no-sites"')
        Site.objects.create(name="Aula", origin="https://aula.example.pe")
        response = self.client.get(reverse("popups:index"))
        self.assertNotContains(response, 'id="popup-no-sites"')

    def test_the_menu_leads_to_the_list_for_every_role(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            self.client.force_login(user)
            home = self.client.get(reverse("home"))
            self.assertContains(home, f'href="{reverse("popups:index")}"')

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(reverse("popups:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])


class PopupCreateTestCase(BaseTestCase):
    def test_a_new_popup_starts_from_a_design_with_the_brand_colours(self) -> None:
        self.client.force_login(self.bob)
        designs = self.client.get(reverse("popups:designs"))
        for slug in ("curso", "plazo", "webinar", "encuesta"):
            self.assertContains(designs, reverse("popups:create", args=[slug]))
        form = self.client.get(reverse("popups:create", args=["plazo"]))
        self.assertContains(form, "Últimos días para matricularse")
        self.assertContains(form, 'value="#f2a900"')  # The brand kit's accent colour.
        self.assertContains(
            form, 'value="top" class="form-check-input" id="id_format_1" required checked'
        )

    def test_saving_creates_a_draft_and_opens_its_preview(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            reverse("popups:create", args=["curso"]), valid_data(design="curso")
        )
        popup = Popup.objects.get()
        self.assertRedirects(response, reverse("popups:preview", args=[popup.code]))
        self.assertEqual(popup.design, "curso")
        self.assertEqual(popup.created_by, self.bob)
        self.assertFalse(popup.is_published)

    def test_an_unknown_design_is_a_404(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("popups:create", args=["no-existe"]))
        self.assertEqual(response.status_code, 404)

    def test_analysts_may_not_create_or_edit(self) -> None:
        popup = make_popup()
        self.client.force_login(self.charlie)
        for url in (
            reverse("popups:designs"),
            reverse("popups:create", args=["curso"]),
            reverse("popups:edit", args=[popup.code]),
            reverse("popups:delete", args=[popup.code]),
        ):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for name in ("publish", "unpublish", "duplicate", "delete"):
            url = reverse(f"popups:{name}", args=[popup.code])
            self.assertEqual(self.client.post(url).status_code, 403, url)
        self.assertEqual(Popup.objects.count(), 1)


class PopupEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.popup = make_popup()
        self.client.force_login(self.bob)

    def test_editing_saves_the_changes(self) -> None:
        url = reverse("popups:edit", args=[self.popup.code])
        form = self.client.get(url)
        self.assertContains(form, "Format and content")
        for section in ("section-when", "section-where", "section-who", "section-frequency"):
            self.assertContains(form, f'id="{section}"')
        response = self.client.post(url, valid_data(name="Curso de abril", priority="20"))
        self.assertRedirects(response, url)
        self.popup.refresh_from_db()
        self.assertEqual((self.popup.name, self.popup.priority), ("Curso de abril", 20))

    def test_it_offers_the_signup_forms(self) -> None:
        signup_form = make_signup_form(name="Novedades de cursos")
        url = reverse("popups:edit", args=[self.popup.code])
        form = self.client.get(url)
        self.assertContains(form, f'<option value="{signup_form.pk}">Novedades de cursos</option>')
        self.assertContains(form, reverse("forms:index"))
        response = self.client.post(url, valid_data(signup_form=str(signup_form.pk)))
        self.assertRedirects(response, url)
        self.popup.refresh_from_db()
        self.assertEqual(self.popup.signup_form, signup_form)

    def test_publishing_and_withdrawing_are_audited(self) -> None:
        response = self.client.post(reverse("popups:publish", args=[self.popup.code]))
        self.assertRedirects(response, reverse("popups:edit", args=[self.popup.code]))
        self.popup.refresh_from_db()
        self.assertTrue(self.popup.is_published)
        self.assertEqual(self.popup.status(), "live")
        self.client.post(reverse("popups:unpublish", args=[self.popup.code]), {"next": "index"})
        self.popup.refresh_from_db()
        self.assertFalse(self.popup.is_published)
        changes = [
            entry.detail["change"]
            for entry in AuditEntry.objects.filter(action=AuditAction.POPUP_CHANGED).order_by(
                "at", "pk"
            )
        ]
        self.assertEqual(changes, ["published", "withdrawn"])
        self.assertEqual(
            AuditEntry.objects.filter(action=AuditAction.POPUP_CHANGED).first().actor, self.bob
        )

    def test_a_popup_whose_end_passed_is_not_published(self) -> None:
        self.popup.ends_at = datetime.datetime(2021, 1, 1, tzinfo=UTC)
        self.popup.save()
        response = self.client.post(reverse("popups:publish", args=[self.popup.code]), follow=True)
        self.assertContains(response, "Its end date has passed")
        self.popup.refresh_from_db()
        self.assertFalse(self.popup.is_published)

    def test_duplicating_makes_a_draft_copy(self) -> None:
        self.popup.is_published = True
        self.popup.save()
        response = self.client.post(reverse("popups:duplicate", args=[self.popup.code]))
        copy = Popup.objects.exclude(pk=self.popup.pk).get()
        self.assertRedirects(response, reverse("popups:edit", args=[copy.code]))
        self.assertEqual(copy.name, "Copy of Curso de marzo")
        self.assertEqual(copy.title, self.popup.title)
        self.assertFalse(copy.is_published)
        self.assertNotEqual(copy.code, self.popup.code)

    def test_deleting_asks_first_and_is_audited(self) -> None:
        url = reverse("popups:delete", args=[self.popup.code])
        confirm = self.client.get(url)
        self.assertContains(confirm, "Delete the pop-up “Curso de marzo” and its figures?")
        self.assertTrue(Popup.objects.exists())
        response = self.client.post(url)
        self.assertRedirects(response, reverse("popups:index"))
        self.assertFalse(Popup.objects.exists())
        entry = AuditEntry.objects.get(action="deletion")
        self.assertEqual((entry.target, entry.detail), ("Curso de marzo", {"kind": "pop-up"}))

    def test_a_get_never_publishes(self) -> None:
        response = self.client.get(reverse("popups:publish", args=[self.popup.code]))
        self.assertEqual(response.status_code, 405)
