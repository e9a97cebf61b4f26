"""The manual names the menus as they read today: every menu path it writes ("**Campañas >
Calendario**", "el menú **Contactos** y elija **Importar**") is one of the main menu's
entries, in Spanish, as base.html shows it to an administrator."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from pregon.help import manual
from pregon.testing import BaseTestCase

# "**Campañas > Calendario**", written with a single right-pointing angle quote (or → or >).
BOLD_PATH = re.compile(r"\*\*([^*\n]+?) (?:\u203a|→|>) ([^*\n]+?)\*\*")
# "el menú **Contactos** y elija **Importar**", "menú **Campañas**, opción **Consumo**".
MENU_CHOICE = re.compile(
    r"menú \*\*([^*]+)\*\*,? (?:y )?(?:elija|elige|eligen|opción|abra) \*\*([^*]+)\*\*"
)
# "el menú **Contactos**": a menu of the top bar, or the editors' own "Insertar campo".
MENU = re.compile(r"menú \*\*([^*\u203a→>]+)\*\*")
EDITOR_MENU = "Insertar campo"
SEPARATOR = re.compile(r" (?:\u203a|→|>) ")


class Menu(HTMLParser):
    """The main menu's entries: each top entry with the entries of its dropdown."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.entries: dict[str, list[str]] = {}
        self.top = ""
        self.depth = 0  # of <ul> inside the menu
        self.link: str | None = None
        self.feed(html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul":
            self.depth += 1
        elif tag == "a":
            self.link = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.depth -= 1
        elif tag == "a" and self.link is not None:
            label, self.link = " ".join(self.link.split()), None
            if self.depth == 1:
                self.top = label
                self.entries.setdefault(label, [])
            else:
                self.entries[self.top].append(label)

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.link += data


class ManualLabelsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_spanish()
        self.client.force_login(self.alice)
        self.menu = Menu(self.client.get(reverse("home")).content.decode()).entries

    def test_the_menu_is_read_in_spanish(self) -> None:
        self.assertIn("Lista de supresión", self.menu["Contactos"])
        self.assertIn("Calendario", self.menu["Campañas"])
        self.assertIn("Servidores de envío", self.menu["Administración"])

    def test_every_menu_path_of_the_manual_is_in_the_menu(self) -> None:
        checked = 0
        for page in (manual.readme(), *manual.pages()):
            text = " ".join(page.source.split())
            paths = BOLD_PATH.findall(text) + MENU_CHOICE.findall(text)
            for top, entry in paths:
                if top not in self.menu:
                    continue  # A path in another program (Excel, Moodle, Amazon SES…).
                with self.subTest(page=page.slug, path=f"{top} > {entry}"):
                    # After the menu's entry may come a button of its screen.
                    self.assertIn(SEPARATOR.split(entry)[0], self.menu[top])
                    checked += 1
            for top in MENU.findall(text):
                if not top.startswith(EDITOR_MENU):
                    with self.subTest(page=page.slug, menu=top):
                        self.assertIn(top, self.menu)
                        checked += 1
        self.assertGreater(checked, 30)
