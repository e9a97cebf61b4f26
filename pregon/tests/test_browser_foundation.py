"""The foundation screens in real Chromium: log in, import a CSV with bad rows, see the
report, build a segment and see its count, and check the screens fit a phone.

These tests save the screenshots the user manual shows (docs/screenshots/). They drive a
live server and a real ``pregon db_worker`` process, which reads the same database file, so
they commit their rows (a TransactionTestCase) instead of wrapping them in a transaction.
"""

import csv
import io
import os
import re
import threading
from pathlib import Path

import pytest

from pregon.accounts.models import ApiToken, Role, User
from pregon.contacts.models import (
    Contact,
    Field,
    FieldType,
    Import,
    MailingList,
    Segment,
    Status,
    Suppression,
    SuppressionReason,
    Tag,
)
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    add_condition,
    chromium_page,
    fits_width,
    login,
    screenshot,
    task_worker,
    watch,
)

EDITOR = "editora@example.pe"
ADMIN = "admin@example.pe"
PHONE = {"width": 375, "height": 812}
TIMEOUT = 30_000  # Milliseconds: the worker needs a couple of seconds to start.
UUID = r"[0-9a-f-]{36}"

XSS_NAME = "<script>alert('xss')</script>"
HEADER = ["Correo electrónico", "Nombres", "Apellidos", "Celular", "Estado", "Ciudad"]
FIRST_NAMES = ["Ana", "Luis", "Rosa", "José", "María", "Jesús", "Carmen", "Raúl", "Lucía", "Martín"]
LAST_NAMES = ["Peña", "Quispe", "Muñoz", "Huamán", "Rodríguez", "Flores", "Sánchez"]
CITIES = ["Lima", "Arequipa", "Cusco", "Piura", "Trujillo"]


def import_file() -> tuple[bytes, dict[str, int]]:
    """40 rows as Excel saves them on a Spanish Windows (semicolons, Windows-1252, CRLF).

    Returns the file and, for each bad row, its spreadsheet row number by a short name.
    """
    rows = []
    for n in range(34):
        rows.append(
            [
                f"alumno{n:02d}@example.pe",
                FIRST_NAMES[n % len(FIRST_NAMES)],
                LAST_NAMES[n % len(LAST_NAMES)],
                f"98765{n:04d}",
                "Baja" if n % 7 == 3 else "Activo",
                CITIES[n % len(CITIES)],
            ]
        )
    bad = {
        "invalid_email": ["juan.perez@@correo.pe", "Juan", "Pérez", "987000001", "Activo", "Lima"],
        "bad_phone": ["teresa@example.pe", "Teresa", "Ríos", "12345", "Activo", "Cusco"],
        "duplicate": ["ALUMNO01@example.pe", "Luis", "Otra vez", "", "Activo", "Lima"],
        "missing_email": ["", "Sin", "Correo", "987000002", "Activo", "Piura"],
    }
    for offset, row in zip((4, 11, 20, 29), bad.values(), strict=True):
        rows.insert(offset, row)
    rows.insert(15, ["xss@example.pe", XSS_NAME, "Prueba", "", "Activo", "Lima"])
    rows.insert(25, ["existente@example.pe", "Elena", "Existente", "", "Activo", "Arequipa"])
    numbers = {name: rows.index(row) + 2 for name, row in bad.items()}  # The header is row 1.
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows([HEADER, *rows])
    assert len(rows) == 40
    return text.getvalue().encode("cp1252"), numbers


def open_menu_item(page: object, href: str) -> None:
    """Follow a link of the navigation bar that sits in a dropdown menu."""
    page.click(f"#main-nav .dropdown:has(a[href='{href}']) > .dropdown-toggle")
    page.click(f"#main-nav a.dropdown-item[href='{href}']")
    page.wait_for_url(f"**{href}")


class SlowFile:
    """Replace an uploaded file with a named pipe that serves its first rows only.

    The worker then stays in its check phase until ``finish()`` writes the rest, which lets
    the test see (and photograph) a running import: a 40-row file is otherwise done in
    milliseconds.
    """

    def __init__(self, path: str, first_lines: int) -> None:
        self.path = path
        content = Path(path).read_bytes()
        lines = content.splitlines(keepends=True)
        self.head, self.tail = b"".join(lines[:first_lines]), b"".join(lines[first_lines:])
        Path(path).unlink()
        os.mkfifo(path)
        self.go_on = threading.Event()
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _write(self) -> None:
        try:
            with open(self.path, "wb") as pipe:  # Blocks until the worker opens the file.
                pipe.write(self.head)
                pipe.flush()
                self.go_on.wait(timeout=120)
                pipe.write(self.tail)
        except BrokenPipeError:
            pass  # finish() gave up on a worker that never came.

    def __enter__(self) -> "SlowFile":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()

    def finish(self) -> None:
        self.go_on.set()
        if self.thread.is_alive():
            # If the worker never opened the pipe, open it here so the writer stops waiting.
            self.thread.join(timeout=5)
        if self.thread.is_alive():
            os.close(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK))
            self.thread.join(timeout=5)


@pytest.mark.browser
class FoundationBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.editor = User.objects.create_user(
            EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora"
        )
        self.admin = User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Admin")
        User.objects.create_user(
            "analista@example.pe", PASSWORD, role=Role.ANALYST, name="Luis Analista"
        )
        ApiToken.issue(self.editor, "Integración Moodle")
        self.alumnos = MailingList.objects.create(
            name="Alumnos 2025", description="Participantes de los cursos de este año"
        )
        self.boletin = MailingList.objects.create(name="Boletín mensual")
        self.egresados = Tag.objects.create(name="Egresados")
        Field.objects.create(key="ciudad", label="Ciudad", type=FieldType.TEXT)
        Field.objects.create(key="colegiado", label="Colegiado", type=FieldType.BOOLEAN)
        Field.objects.create(key="nacimiento", label="Fecha de nacimiento", type=FieldType.DATE)
        Suppression.objects.create(
            email="rebote@example.pe", reason=SuppressionReason.BOUNCED, note="Buzón inexistente"
        )
        Suppression.objects.create(email="no-enviar@example.pe", note="Lo pidió por teléfono")
        seeds = [
            # email, status, lists, tagged, city
            ("existente@example.pe", Status.SUBSCRIBED, [self.alumnos], True, "Lima"),
            ("carla@example.pe", Status.SUBSCRIBED, [self.alumnos, self.boletin], True, "Lima"),
            ("pedro@example.pe", Status.UNSUBSCRIBED, [self.alumnos], True, "Cusco"),
            ("sofia@example.pe", Status.SUBSCRIBED, [self.boletin], True, "Arequipa"),
            ("miguel@example.pe", Status.SUBSCRIBED, [self.alumnos], False, "Arequipa"),
            ("rebote@example.pe", Status.BOUNCED, [self.boletin], False, "Piura"),
            ("diana@example.pe", Status.SUBSCRIBED, [], False, ""),
        ]
        for email, status, lists, tagged, city in seeds:
            contact = Contact.objects.create(
                email=email,
                first_name=email.split("@")[0].capitalize(),
                last_name="Salazar",
                phone="+51987650000",
                status=status,
                attributes={"ciudad": city} if city else {},
            )
            contact.lists.set(lists)
            if tagged:
                contact.tags.add(self.egresados)
        self.addCleanup(self.delete_import_files)

    def delete_import_files(self) -> None:
        for imp in Import.objects.all():
            imp.file.delete(save=False)
            if imp.report:
                imp.report.delete(save=False)

    def expected_segment_count(self) -> int:
        """Subscribed, on "Alumnos 2025", and tagged "Egresados" or living in Arequipa."""
        on_list = set(self.alumnos.contacts.values_list("pk", flat=True))
        tagged = set(self.egresados.contacts.values_list("pk", flat=True))
        return sum(
            1
            for contact in Contact.objects.all()
            if contact.status == Status.SUBSCRIBED
            and contact.pk in on_list
            and (contact.pk in tagged or contact.attributes.get("ciudad") == "Arequipa")
        )

    def test_import_and_segment(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        content, bad_rows = import_file()
        with chromium_page() as page:
            problems = watch(page)

            # Log in, land on the dashboard, in Spanish.
            page.goto(f"{base}/")
            page.wait_for_url(re.compile(r"/cuenta/entrar/"))
            page.fill("input[name=email]", EDITOR)
            screenshot(page, "login")
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url(f"{base}/")
            expect(page.locator("html")).to_have_attribute("lang", "es")
            expect(page.locator("[data-stat=total]")).to_have_text(str(Contact.objects.count()))

            # Upload the file.
            open_menu_item(page, "/contactos/importar/")
            page.set_input_files(
                "input[name=file]",
                files=[{"name": "alumnos-2025.csv", "mimeType": "text/csv", "buffer": content}],
            )
            screenshot(page, "import-upload")
            page.click("form[enctype] button[type=submit]")
            page.wait_for_url(re.compile(rf"/contactos/importar/{UUID}/$"))

            # The mapping: a preview of the first rows and a suggested target for each column.
            imp = Import.objects.get()
            expect(page.locator("table.import-preview tbody tr")).to_have_count(5)
            suggested = ["email", "first_name", "last_name", "phone", "status", "field:ciudad"]
            for index, target in enumerate(suggested):
                expect(page.locator(f"select[name=column_{index}]")).to_have_value(target)
            expect(page.locator("table.import-preview tbody")).to_contain_text(
                "alumno00@example.pe"
            )
            page.select_option("select[name=mailing_list]", str(self.alumnos.code))
            page.fill("input[name=tag_names]", "Curso virtual, Importado")
            page.fill("textarea[name=consent_text]", "Se inscribió en el curso virtual 2025.")
            screenshot(page, "import-mapping")

            # Start it, and watch the card: running, then done, with the counts.
            slow_file = SlowFile(imp.file.path, first_lines=6)
            self.addCleanup(slow_file.finish)
            page.click("form:has(table.import-preview) button[type=submit]:not([form])")
            page.wait_for_url(re.compile(rf"/contactos/importar/{imp.code}/$"))
            card = page.locator("#import-progress")
            expect(card).to_have_attribute("data-status", "queued")
            # The file is let go before the worker is stopped, which waits for its task.
            with task_worker(), slow_file:
                expect(card).to_have_attribute("data-status", "running", timeout=TIMEOUT)
                expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
                screenshot(page, "import-progress")
                slow_file.finish()
                expect(card).to_have_attribute("data-status", "done", timeout=TIMEOUT)
            expect(card.locator("dd[data-count=created]")).to_have_text("35")
            expect(card.locator("dd[data-count=updated]")).to_have_text("1")
            expect(card.locator("dd[data-count=rejected]")).to_have_text("4")
            screenshot(page, "import-done")
            self.assertEqual(self.alumnos.contacts.count(), 39)  # 35 new, 4 were on it before.
            self.assertEqual(Tag.objects.get(name="Curso virtual").contacts.count(), 36)
            self.assertEqual(Contact.objects.get(email="alumno00@example.pe").phone, "+51987650000")

            # The report of rejected rows: each bad row, by its row number, with a reason.
            with page.expect_download() as download_info:
                card.locator(f"a[href='/contactos/importar/{imp.code}/rechazados/']").click()
            download = download_info.value
            self.assertTrue(download.suggested_filename.endswith(".csv"))
            text = Path(download.path()).read_text("utf-8-sig")
            report = list(csv.reader(text.splitlines(), delimiter=";"))  # As the upload.
            self.assertEqual(report[0][1:-1], HEADER)
            self.assertEqual([int(row[0]) for row in report[1:]], sorted(bad_rows.values()), report)
            by_row = {int(row[0]): row for row in report[1:]}
            self.assertEqual(by_row[bad_rows["invalid_email"]][1], "juan.perez@@correo.pe")
            self.assertEqual(by_row[bad_rows["bad_phone"]][4], "12345")
            self.assertEqual(by_row[bad_rows["duplicate"]][1], "ALUMNO01@example.pe")
            self.assertEqual(by_row[bad_rows["missing_email"]][1], "")
            self.assertTrue(all(row[-1] for row in report[1:]), "every row has its reason")

            # The contacts it made; the name with a <script> tag shows as plain text.
            card.locator(f"a[href='/contactos/?list={self.alumnos.code}']").click()
            page.wait_for_url(re.compile(r"/contactos/\?list="))
            expect(page.locator("h1 [data-count]")).to_have_text("39")
            page.fill("#filter-q", "xss@example.pe")
            page.click("form[role=search] button[type=submit]")
            row = page.locator("tbody tr")
            expect(row).to_have_count(1)
            expect(row.get_by_text(f"{XSS_NAME} Prueba", exact=True)).to_be_visible()
            self.assertEqual(page.locator("tbody script").count(), 0)
            row.locator("a[href^='/contactos/']").click()
            page.wait_for_url(re.compile(rf"/contactos/{UUID}/$"))
            expect(page.get_by_text(XSS_NAME).first).to_be_visible()

            page.goto(f"{base}/contactos/")
            screenshot(page, "contacts-list", full_page=False)

            # A contact typed in by hand.
            page.click("a.btn[href='/contactos/nuevo/']")
            page.fill("input[name=email]", "Rocio.Vargas@Example.pe")
            page.fill("input[name=first_name]", "Rocío")
            page.fill("input[name=last_name]", "Vargas")
            page.fill("input[name=phone]", "987 654 321")
            page.check(f"input[name=lists][value='{self.boletin.pk}']")
            page.fill("input[name=field_ciudad]", "Arequipa")
            screenshot(page, "contact-form")
            page.click("main form button[type=submit]")
            page.wait_for_url(re.compile(rf"/contactos/{UUID}/$"))
            screenshot(page, "contact-detail")
            contact = Contact.objects.get(email="rocio.vargas@example.pe")
            self.assertEqual(contact.phone, "+51987654321")
            self.assertEqual(contact.attributes, {"ciudad": "Arequipa"})

            open_menu_item(page, "/contactos/listas/")
            screenshot(page, "lists")
            open_menu_item(page, "/contactos/campos/")
            screenshot(page, "custom-fields")
            open_menu_item(page, "/contactos/supresion/")
            expect(page.get_by_text("rebote@example.pe")).to_be_visible()
            screenshot(page, "suppression-list")

            # A segment: subscribed AND on the list AND (tagged OR in Arequipa).
            page.click("#main-nav a.nav-link[href='/contactos/segmentos/']")
            page.click("#segment-new")
            page.wait_for_url(f"{base}/contactos/segmentos/nuevo/")
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", str(Contact.objects.count()))
            top = page.locator("#segment-builder > [data-group]")
            status = add_condition(top)
            status.locator("[data-role=field]").select_option("status")
            expect(status.locator("[data-role=operator]")).to_have_value("is")
            status.locator("[data-role=choice][value=subscribed]").check()
            subscribed = Contact.objects.filter(status=Status.SUBSCRIBED).count()
            expect(count).to_have_attribute("data-count", str(subscribed))

            on_list = add_condition(top)
            on_list.locator("[data-role=field]").select_option("list")
            on_list.locator("[data-role=operator]").select_option("is_in")
            on_list.locator(f"[data-role=choice][value='{self.alumnos.pk}']").check()

            top.locator("> div:last-child > [data-action=add-group]").click()
            group = top.locator("> [data-role=children] > [data-group]")
            group.locator("> div:first-child > [data-role=match]").select_option("any")
            tag = group.locator("> [data-role=children] > [data-condition]").first
            tag.locator("[data-role=field]").select_option("tag")
            tag.locator(f"[data-role=choice][value='{self.egresados.pk}']").check()
            city = add_condition(group)
            city.locator("[data-role=field]").select_option("field:ciudad")
            city.locator("[data-role=operator]").select_option("equals")
            city.locator("[data-role=value]").fill("Arequipa")

            expected = self.expected_segment_count()
            self.assertTrue(0 < expected < subscribed)
            expect(count).to_have_attribute("data-count", str(expected))
            expect(count).to_have_attribute("data-state", "done")
            page.fill("#id_name", "Alumnos para el curso de Arequipa")
            screenshot(page, "segment-builder")
            page.click("#segment-save")
            page.wait_for_url(f"{base}/contactos/segmentos/")
            segment = Segment.objects.get()
            self.assertEqual(segment.name, "Alumnos para el curso de Arequipa")
            listed = page.locator(f"tr[data-segment='{segment.code}'] td[data-count]")
            expect(listed).to_have_attribute("data-count", str(expected))
            screenshot(page, "segments-list")

            # The editor's own pages.
            open_menu_item(page, "/cuenta/perfil/")
            screenshot(page, "profile")
            open_menu_item(page, "/cuenta/tokens/")
            expect(page.get_by_role("cell", name="Integración Moodle")).to_be_visible()
            screenshot(page, "api-tokens")

            # Log out; an administrator sees the users and the audit log.
            page.click("#nav-account")
            page.click("#main-nav form[action='/cuenta/salir/'] button")
            page.wait_for_url(re.compile(r"/cuenta/entrar/"))
            login(page, base, ADMIN)
            expect(page.locator("[data-stat=total]")).to_have_text(str(Contact.objects.count()))
            screenshot(page, "dashboard")
            open_menu_item(page, "/cuenta/usuarios/")
            expect(page.get_by_text(EDITOR).first).to_be_visible()
            screenshot(page, "users")
            open_menu_item(page, "/cuenta/auditoria/")
            expect(page.get_by_text("alumnos-2025.csv").first).to_be_visible()
            screenshot(page, "audit-log")

            self.assertEqual(problems, [])

    def test_screens_fit_a_phone(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        content, _bad_rows = import_file()
        with self.signed_in(EDITOR, **PHONE) as (page, problems):
            self.assertTrue(fits_width(page), "dashboard")

            # The menu folds into the toggler button.
            expect(page.locator("#main-nav")).to_be_hidden()
            page.click(".navbar-toggler")
            open_menu_item(page, "/contactos/")
            expect(page.locator("tbody tr")).to_have_count(Contact.objects.count())
            self.assertTrue(fits_width(page), "contact list")
            screenshot(page, "contacts-list-phone")

            page.goto(f"{base}/contactos/importar/")
            self.assertTrue(fits_width(page), "import upload")
            page.set_input_files(
                "input[name=file]",
                files=[{"name": "alumnos-2025.csv", "mimeType": "text/csv", "buffer": content}],
            )
            page.click("form[enctype] button[type=submit]")
            page.wait_for_url(re.compile(rf"/contactos/importar/{UUID}/$"))
            expect(page.locator("table.import-preview tbody tr")).to_have_count(5)
            self.assertTrue(fits_width(page), "import mapping")
            screenshot(page, "import-mapping-phone")

            page.goto(f"{base}/contactos/segmentos/nuevo/")
            top = page.locator("#segment-builder > [data-group]")
            status = add_condition(top)
            status.locator("[data-role=field]").select_option("status")
            status.locator("[data-role=choice][value=subscribed]").check()
            top.locator("> div:last-child > [data-action=add-group]").click()
            group = top.locator("> [data-role=children] > [data-group]")
            group.locator("> div:first-child > [data-role=match]").select_option("any")
            tag = group.locator("> [data-role=children] > [data-condition]").first
            tag.locator("[data-role=field]").select_option("tag")
            tag.locator(f"[data-role=choice][value='{self.egresados.pk}']").check()
            page.fill("#id_name", "Egresados suscritos")
            expected = Contact.objects.filter(status=Status.SUBSCRIBED, tags=self.egresados).count()
            expect(page.locator("#segment-count")).to_have_attribute("data-count", str(expected))
            self.assertTrue(fits_width(page), "segment builder")
            screenshot(page, "segment-builder-phone")

            self.assertEqual(problems, [])
