"""The installation screen: the sites, the exact line to paste, adding and removing sites
(administrators only), each bad address refused, and "check installation"."""

import datetime
from html import escape

import time_machine
from django.conf import settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.popups.models import Site
from pregon.testing import BaseTestCase

UTC = datetime.UTC


class InstallTestCase(BaseTestCase):
    def test_each_site_shows_its_exact_line_and_the_moodle_steps(self) -> None:
        site = Site.objects.create(name="Aula virtual", origin="https://aula.example.pe")
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("popups:install"))
        self.assertEqual(response.status_code, 200)
        line = (
            f'<script async src="{settings.SITE_URL}/p/embed.js" data-site="{site.key}"></script>'
        )
        self.assertEqual(response.context["sites"], [(site, line)])
        self.assertContains(response, f'value="{escape(line)}"')
        self.assertContains(
            response, "Site administration \u203a Appearance \u203a Additional HTML"
        )
        self.assertContains(response, "Before BODY is closed")
        # Analysts read it, but only administrators add or remove sites.
        self.assertNotContains(response, 'id="site-form"')
        self.assertNotContains(response, reverse("popups:site_delete", args=[site.key]))

    def test_an_administrator_adds_a_site_and_it_is_audited(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("popups:install"), {"name": "Aula", "origin": "HTTPS://Aula.Example.PE:443/"}
        )
        site = Site.objects.get()
        self.assertRedirects(response, f"{reverse('popups:install')}#site-{site.key}")
        self.assertEqual(site.origin, "https://aula.example.pe")
        entry = AuditEntry.objects.get(action=AuditAction.SITE_CHANGED)
        self.assertEqual((entry.target, entry.actor), ("https://aula.example.pe", self.alice))

    def test_a_port_other_than_the_default_is_kept(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(
            reverse("popups:install"), {"name": "Pruebas", "origin": "http://127.0.0.1:8081"}
        )
        self.assertEqual(Site.objects.get().origin, "http://127.0.0.1:8081")

    def test_bad_addresses_are_refused_and_nothing_is_saved(self) -> None:
        Site.objects.create(name="Aula", origin="https://aula.example.pe")
        self.client.force_login(self.alice)
        cases = {
            "aula.example.pe": "address with https://, such as",
            "ftp://aula.example.pe": "address with https://, such as",
            "https://": "address with https://, such as",
            "https://aula.example.pe/moodle": "without a path: https://aula.example.pe.",
            "https://aula.example.pe/?x=1": "without a path",
            "https://user:pw@aula.example.pe": "without a path",
            "https://aula_ejemplo!.pe": "is not a server name",
            "https://aula.example.pe": "That site is already on the list.",
        }
        for origin, message in cases.items():
            with self.subTest(origin):
                response = self.client.post(
                    reverse("popups:install"), {"name": "Otra", "origin": origin}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual(Site.objects.count(), 1)

    def test_bad_address_in_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("popups:install"), {"name": "Aula", "origin": "https://aula.example.pe/moodle"}
        )
        self.assertContains(response, "sin ruta")
        self.assertFalse(Site.objects.exists())

    def test_editors_and_analysts_may_not_add_or_remove_sites(self) -> None:
        site = Site.objects.create(name="Aula", origin="https://aula.example.pe")
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            response = self.client.post(
                reverse("popups:install"), {"name": "Otra", "origin": "https://otra.example.pe"}
            )
            self.assertEqual(response.status_code, 403)
            url = reverse("popups:site_delete", args=[site.key])
            self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(list(Site.objects.values_list("origin", flat=True)), [site.origin])

    def test_an_administrator_removes_a_site_after_confirming(self) -> None:
        site = Site.objects.create(name="Aula", origin="https://aula.example.pe")
        self.client.force_login(self.alice)
        url = reverse("popups:site_delete", args=[site.key])
        self.assertContains(self.client.get(url), "Remove “Aula” (https://aula.example.pe)?")
        self.assertRedirects(self.client.post(url), reverse("popups:install"))
        self.assertFalse(Site.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.SITE_CHANGED, detail__change="removed")
        self.assertEqual((entry.target, entry.actor), ("https://aula.example.pe", self.alice))


class CheckInstallationTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.site = Site.objects.create(name="Aula", origin="https://aula.example.pe")
        self.url = reverse("popups:site_check", args=[self.site.key])
        self.client.force_login(self.charlie)

    def test_a_site_never_seen_says_so(self) -> None:
        response = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertContains(response, "Not seen yet.")
        self.assertContains(response, 'data-seen=""')

    @time_machine.travel(datetime.datetime(2026, 3, 2, 15, 3, tzinfo=UTC), tick=False)
    def test_a_site_seen_says_when_and_from_where_in_lima_time(self) -> None:
        Site.objects.filter(pk=self.site.pk).update(
            last_seen_at=datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
        )
        self.use_spanish()
        response = self.client.get(self.url, headers={"HX-Request": "true"})
        text = response.content.decode().replace("\xa0", " ")
        self.assertIn(
            "Visto por última vez cargando desde https://aula.example.pe hace 3 minutos", text
        )
        self.assertIn("10:00", text)  # 15:00 UTC is 10:00 in Lima.

    def test_without_htmx_it_goes_back_to_the_installation_page(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('popups:install')}#site-{self.site.key}")

    def test_an_unknown_site_is_a_404(self) -> None:
        url = reverse("popups:site_check", args=["nope"])
        self.assertEqual(self.client.get(url, headers={"HX-Request": "true"}).status_code, 404)
