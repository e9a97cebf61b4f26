"""The "?" of each screen opens the manual's section about it: every screen of the main menu
has one, every screen the manual's comments name is a real screen, and the section's link
lands on its heading."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pregon.contacts.models import Contact
from pregon.help import manual
from pregon.testing import BaseTestCase

BASE_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "base.html"
URL_TAG = re.compile(r"{% url '([\w:]+)'")
# What the menu links to that is an action, not a screen with a section of its own.
NOT_SCREENS = {"set_language", "accounts:logout"}


def url_names(patterns: list, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def menu_screens() -> set[str]:
    html = BASE_TEMPLATE.read_text(encoding="utf-8")
    menu = html[html.index('<nav class="navbar') : html.index("</nav>")]
    return set(URL_TAG.findall(menu)) - NOT_SCREENS


class ManualScreensTestCase(BaseTestCase):
    def test_every_screen_of_the_menu_has_its_section(self) -> None:
        screens = menu_screens()
        self.assertGreater(len(screens), 30)
        self.assertLessEqual({"contacts:list", "accounts:audit", "help:index"}, screens)
        self.client.force_login(self.alice)
        for name in sorted(screens):
            with self.subTest(name):
                section = manual.section_for(name)
                self.assertIsNotNone(section, f"No section of the manual names {name}")
                _title, url = section
                path, anchor = urlsplit(url).path, urlsplit(url).fragment
                page = self.client.get(path).content.decode()
                self.assertIn(f'id="{anchor}"', page)

    def test_every_screen_the_manual_names_is_a_real_one(self) -> None:
        real = url_names(get_resolver().url_patterns)
        named = set(manual.screens())
        self.assertGreater(len(named), len(menu_screens()))
        self.assertEqual(named - real, set())

    def test_each_screen_is_named_by_one_section_only(self) -> None:
        names = [
            name
            for page in manual.pages()
            for section in manual.render(page).sections
            for name in section.screens
        ]
        self.assertEqual([name for name in set(names) if names.count(name) > 1], [])

    def test_the_question_mark_of_a_screen_opens_its_section(self) -> None:
        contact = Contact.objects.create(email="ana.quispe@example.org")
        self.client.force_login(self.bob)
        expected = {
            reverse("contacts:list"): "/ayuda/manual/contactos/#la-lista-de-contactos",
            reverse("contacts:detail", args=[contact.code]): (
                "/ayuda/manual/contactos/#la-página-de-un-contacto"
            ),
            reverse("home"): "/ayuda/manual/panel/#panel-de-control-la-vista-general-de-la-cuenta",
        }
        for screen, section in expected.items():
            with self.subTest(screen):
                response = self.client.get(screen)
                self.assertContains(response, f'href="{section}" id="screen-help-manual"')

    def test_a_screen_the_manual_does_not_explain_has_no_manual_link(self) -> None:
        self.assertIsNone(manual.section_for("tracking:open"))
        self.assertIsNone(manual.section_for(""))

    def test_the_comments_naming_screens_are_left_out_of_the_page(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("help:manual_page", args=["contactos"]))
        self.assertContains(response, 'id="la-lista-de-contactos"')
        self.assertNotContains(response, "<!--")
        self.assertNotContains(response, manual.SCREENS_MARKER)
        self.assertNotContains(response, "contacts:list")
