"""The list of signup forms: status and figures, the menu, who may see it."""

import datetime

from django.urls import reverse

from pregon.forms.models import FormDay
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import make_signup_form


class FormListTestCase(BaseTestCase):
    def test_the_list_shows_status_and_figures(self) -> None:
        published = make_signup_form(name="Novedades", slug="novedades", is_active=True)
        draft = make_signup_form(name="Webinars", slug="webinars", is_active=False)
        for day, views, submissions, confirmations in [(1, 60, 8, 5), (2, 40, 2, 1)]:
            FormDay.objects.create(
                form=published,
                day=datetime.date(2026, 11, day),
                views=views,
                submissions=submissions,
                confirmations=confirmations,
            )
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("forms:index"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        row = html.split(f'data-form="{published.code}"', 1)[1].split("</tr>", 1)[0]
        self.assertIn('data-status="published"', row)
        self.assertIn('data-views="100"', row)
        self.assertIn('data-submissions="10"', row)
        self.assertIn('data-confirmations="6"', row)
        self.assertIn("60.0 %", row)
        row = html.split(f'data-form="{draft.code}"', 1)[1].split("</tr>", 1)[0]
        self.assertIn('data-status="draft"', row)
        self.assertIn("—", row)
        # Analysts see it, but may not build forms.
        self.assertNotContains(response, reverse("forms:create"))
        self.assertNotContains(response, reverse("forms:edit", args=[published.code]))

    def test_editors_get_the_button_and_links(self) -> None:
        form = make_signup_form()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("forms:index"))
        self.assertContains(response, reverse("forms:create"))
        self.assertContains(response, reverse("forms:edit", args=[form.code]))

    def test_an_empty_list_invites_to_build_one(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("forms:index"))
        self.assertContains(response, "No signup forms yet.")

    def test_the_menu_leads_to_it(self) -> None:
        # Editors and administrators find it in the Contacts menu; analysts, who have no
        # Contacts menu, beside Consumption and Workflows, to read the forms' reports.
        for user in (self.alice, self.bob, self.charlie):
            self.client.force_login(user)
            home = self.client.get(reverse("home"))
            self.assertContains(home, f'href="{reverse("forms:index")}" id="nav-forms"')

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(reverse("forms:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_speaks_spanish(self) -> None:
        make_signup_form()
        self.use_spanish()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("forms:index"))
        self.assertContains(response, "Formularios de suscripción")
        self.assertContains(response, "Tasa de confirmación")
