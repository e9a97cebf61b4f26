"""Ayuda > Manual: who may read it, its contents in the README's order, each page with its
own contents and previous/next, and every link and screenshot in it leading somewhere."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from pregon.help import manual
from pregon.testing import BaseTestCase

MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


class Links(HTMLParser):
    """The links, images and ids of a piece of HTML (not what code blocks show as text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "img":
            self.srcs.append(attributes["src"])
        if attributes.get("id"):
            self.ids.add(attributes["id"])


def article(html: str) -> str:
    return html.split('id="manual"', 1)[1].split('id="manual-pager"', 1)[0]


def part(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"', 1)[1].split("</nav>", 1)[0]


class ManualTestCase(BaseTestCase):
    def test_anonymous_visitors_must_log_in(self) -> None:
        for url in (
            reverse("help:manual_index"),
            reverse("help:manual_page", args=["contactos"]),
            reverse("help:manual_search") + "?q=contactos",
            reverse("help:manual_screenshot", args=["dashboard"]),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_analysts_open_the_manual_from_the_help_centre(self) -> None:
        self.client.force_login(self.charlie)
        hub = self.client.get(reverse("help:index"))
        self.assertContains(hub, f'href="{reverse("help:manual_index")}"')
        response = self.client.get(reverse("help:manual_index"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        links = [href for href in Links(article(html)).hrefs if "/ayuda/manual/" in href]
        expected = [reverse("help:manual_page", args=[page.slug]) for page in manual.pages()]
        self.assertEqual(links, expected)
        self.assertGreaterEqual(len(expected), 24)

    def test_each_page_has_its_contents_and_leads_to_the_next(self) -> None:
        self.client.force_login(self.charlie)
        pages = manual.pages()
        for number, page in enumerate(pages):
            with self.subTest(page.slug):
                response = self.client.get(reverse("help:manual_page", args=[page.slug]))
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                ids = Links(article(html)).ids
                if "\n## " in page.source:
                    anchors = Links(part(html, "manual-toc")).hrefs
                    self.assertTrue(anchors)
                    self.assertLessEqual({anchor.removeprefix("#") for anchor in anchors}, ids)
                neighbours = pages[max(0, number - 1) : number + 2]
                expected = [other.url for other in neighbours if other != page]
                self.assertEqual(Links(part(html, "manual-pager")).hrefs, expected)

    def test_nested_lists_stay_nested(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(reverse("help:manual_page", args=["automatizaciones"]))
        item = "<li><strong>Estado</strong>:<ul>\n<li><strong>Borrador</strong>"
        self.assertContains(html, item)
        # A fenced block inside a list item keeps its lines.
        html = self.client.get(reverse("help:manual_page", args=["campanas"]))
        self.assertContains(html, "<pre><code>gmail.com 600\nhotmail.com 300\n</code></pre>")

    def test_an_unknown_page_is_a_404(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/ayuda/manual/no-existe/").status_code, 404)
        self.assertEqual(self.client.get("/ayuda/manual/..%2Fsettings/").status_code, 404)

    def test_every_link_between_pages_leads_to_a_page_and_its_heading(self) -> None:
        self.client.force_login(self.charlie)
        ids_of: dict[str, set[str]] = {}

        def ids(path: str) -> set[str]:
            if path not in ids_of:
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200, path)
                ids_of[path] = Links(response.content.decode()).ids
            return ids_of[path]

        checked = 0
        for page in (manual.readme(), *manual.pages()):
            html = article(self.client.get(page.url).content.decode())
            for href in Links(html).hrefs:
                url = urlsplit(urljoin(page.url, href))
                if url.netloc:
                    continue  # The manual's few links outside Pregón are not followed.
                with self.subTest(page=page.slug, href=href):
                    self.assertTrue(url.path.startswith("/ayuda/manual/"), href)
                    if url.fragment:
                        self.assertIn(url.fragment, ids(url.path))
                    else:
                        ids(url.path)
                    checked += 1
        self.assertGreater(checked, 100)

    def test_every_screenshot_the_manual_links_exists_and_is_shown(self) -> None:
        self.client.force_login(self.charlie)
        shown = 0
        for page in (manual.readme(), *manual.pages()):
            for target in MARKDOWN_LINK.findall(page.source):
                if target.endswith(".png"):
                    with self.subTest(page=page.slug, screenshot=target):
                        self.assertRegex(target, r"^\.\./screenshots/[\w-]+\.png$")
                        self.assertTrue((manual.FOLDER / target).is_file())
            html = article(self.client.get(page.url).content.decode())
            for src in Links(html).srcs:
                with self.subTest(page=page.slug, src=src):
                    response = self.client.get(src)
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["Content-Type"], "image/png")
                    self.assertTrue(b"".join(response.streaming_content).startswith(b"\x89PNG"))
                    shown += 1
        self.assertGreater(shown, 50)

    def test_only_screenshots_of_the_folder_are_served(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/ayuda/manual/capturas/no-existe.png").status_code, 404)
        for path in ("../settings.py", "..%2F..%2Fpyproject.toml", "dashboard.jpg"):
            self.assertEqual(self.client.get(f"/ayuda/manual/capturas/{path}").status_code, 404)
