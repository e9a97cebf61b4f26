"""The help centre's guides: who may read them, each renders with its contents, and every
link in them (to another guide, to a heading, to a page of Pregón) leads somewhere."""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from pregon.help.guides import SLUGS
from pregon.testing import BaseTestCase

HREF = re.compile(r'href="([^"]+)"')
ID = re.compile(r'id="([^"]+)"')


class GuidesTestCase(BaseTestCase):
    def article(self, html: str) -> str:
        return html.split('id="guide"', 1)[1].split("</article>", 1)[0]

    def test_anonymous_visitors_must_log_in(self) -> None:
        for url in (reverse("help:index"), reverse("help:guide", args=["spf"])):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_analysts_read_the_list_of_guides_from_the_menu(self) -> None:
        self.client.force_login(self.charlie)
        home = self.client.get(reverse("home"))
        self.assertContains(home, f'href="{reverse("help:index")}"')
        response = self.client.get(reverse("help:index"))
        self.assertEqual(response.status_code, 200)
        for slug in SLUGS:
            self.assertContains(response, f'href="{reverse("help:guide", args=[slug])}"')

    def test_each_guide_renders_with_a_table_of_contents(self) -> None:
        self.client.force_login(self.charlie)
        for slug in SLUGS:
            with self.subTest(slug):
                response = self.client.get(reverse("help:guide", args=[slug]))
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                toc = html.split('id="guide-toc"', 1)[1].split("</nav>", 1)[0]
                anchors = HREF.findall(toc)
                self.assertGreaterEqual(len(anchors), 4)
                ids = set(ID.findall(self.article(html)))
                for anchor in anchors:
                    self.assertIn(anchor.removeprefix("#"), ids)

    def test_the_guides_teach_the_records_with_real_examples(self) -> None:
        self.client.force_login(self.charlie)
        expected = {
            "spf": ["v=spf1 ip4:", "-all", "10", "Cloudflare"],
            "dkim": ["._domainkey.capacitacion.gob.pe", "255", "k=ed25519", "Cloudflare"],
            "dmarc": ["_dmarc.capacitacion.gob.pe", "p=quarantine", "p=reject", "rua=mailto:"],
            "verificacion": ["Verificar", "Enviarme una prueba", "DMARC: PASS"],
            "envios-masivos": ["List-Unsubscribe-Post", "0,3 %", "2024", "2025"],
        }
        for slug, phrases in expected.items():
            article = unescape(self.article(self.client.get(f"/ayuda/{slug}/").content.decode()))
            for phrase in phrases:
                self.assertIn(phrase, article, slug)

    def test_an_unknown_guide_is_a_404(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/ayuda/no-existe/").status_code, 404)
        self.assertEqual(self.client.get("/ayuda/..%2Fsettings/").status_code, 404)

    def test_every_link_in_the_guides_resolves(self) -> None:
        self.client.force_login(self.alice)
        followed = set()
        for slug in SLUGS:
            page = reverse("help:guide", args=[slug])
            html = self.client.get(page).content.decode()
            others = html.split('id="guide-others"', 1)[1].split("</nav>", 1)[0]
            self.assertEqual(len(HREF.findall(others)), len(SLUGS) - 1)
            ids = set(ID.findall(html))
            for href in HREF.findall(self.article(html)) + HREF.findall(others):
                url = urljoin(page, unescape(href))
                if urlsplit(url).netloc:
                    continue  # No guide links outside Pregón today; none would be checked.
                path, _sep, fragment = url.partition("#")
                if path == page:
                    self.assertIn(fragment, ids)
                    continue
                followed.add(path)
                with self.subTest(slug=slug, href=href):
                    self.assertEqual(self.client.get(path).status_code, 200)
        # The guides point at each other and at the "send me a test" page.
        self.assertTrue({reverse("help:guide", args=[slug]) for slug in SLUGS} <= followed)
        self.assertIn(reverse("sending:header_test"), followed)

    def test_the_guides_are_shown_in_spanish_whatever_the_language(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("help:guide", args=["dkim"]))
        self.assertContains(response, "<title>DKIM: la firma de sus mensajes · Pregón</title>")
        self.assertContains(response, ">Contents<")  # The page around it follows the user.
