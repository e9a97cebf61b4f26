import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.core.management import call_command

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Segment
from pregon.operations.tests import installs
from pregon.testing import BaseTestCase


class ExportAllTestCase(BaseTestCase):
    """``pregon export-all`` on an install with contacts, lists, tags, a segment, templates
    and a sent campaign: every file read back holds what the install holds. The command
    writes in the install's language, Spanish, whatever the test's."""

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        installs.seed()
        Segment.objects.create(
            name="Cusco", rules={"match": "all", "rules": [{"field": "region", "value": "Cusco"}]}
        )
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        out = io.StringIO()
        call_command("export-all", "--output", folder.name, stdout=out)
        self.path = Path(out.getvalue().strip())
        self.archive = zipfile.ZipFile(self.path)
        self.addCleanup(self.archive.close)

    def rows(self, name: str) -> list[dict[str, str]]:
        text = self.archive.read(name).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def test_it_writes_one_zip_and_prints_its_path(self) -> None:
        self.assertTrue(self.path.name.startswith("pregon-exportacion-"))
        self.assertEqual(self.path.suffix, ".zip")
        self.assertEqual([p.name for p in self.path.parent.iterdir()], [self.path.name])
        # Every contact is in it: readable by this user alone, whatever the umask.
        self.assertEqual(self.path.stat().st_mode & 0o777, 0o600)

    def test_contacts_keep_their_consent(self) -> None:
        contacts = self.rows("contactos.csv")
        self.assertEqual(len(contacts), 11)
        ana = next(row for row in contacts if row["Correo electrónico"] == "ana.quispe@example.pe")
        self.assertEqual(ana["Origen del consentimiento"], "Formulario de suscripción")
        self.assertEqual(
            ana["Texto del consentimiento"], "Acepto recibir las novedades de la Escuela."
        )
        self.assertEqual(ana["IP del consentimiento"], "203.0.113.7")
        self.assertEqual(ana["Región"], "Cusco")
        self.assertEqual(ana["Listas"], "Boletín")
        records = [
            json.loads(line) for line in self.archive.read("contactos.jsonl").decode().splitlines()
        ]
        self.assertEqual(len(records), 11)
        record = next(r for r in records if r["email"] == "ana.quispe@example.pe")
        self.assertEqual(record["consent_source"], "form")
        self.assertEqual(record["consent_at"], "2026-03-01T14:00:00+00:00")
        self.assertEqual(record["attributes"], {"region": "Cusco"})
        self.assertEqual((record["lists"], record["tags"]), (["Boletín"], ["docentes"]))

    def test_lists_tags_segments_and_templates(self) -> None:
        self.assertEqual(
            [(row["name"], row["members"]) for row in self.rows("listas.csv")], [("Boletín", "1")]
        )
        self.assertEqual(self.rows("suscripciones.csv")[0]["email"], "ana.quispe@example.pe")
        self.assertEqual(
            self.rows("contactos_etiquetas.csv"),
            [{"email": "ana.quispe@example.pe", "tag": "docentes"}],
        )
        segments = json.loads(self.archive.read("segmentos.json"))
        self.assertEqual(segments[0]["rules"]["rules"][0]["value"], "Cusco")
        templates = json.loads(self.archive.read("plantillas.json"))
        self.assertEqual(sorted(t["name"] for t in templates), ["Aviso", "Boletín de marzo"])
        self.assertIn("{{ enlace_baja }}", templates[0]["source"])

    def test_campaigns_with_their_results_and_events(self) -> None:
        campaign = Campaign.objects.get()
        [line] = self.rows("campanas.csv")
        self.assertEqual(line["code"], str(campaign.code))
        figures = {key: line[key] for key in ("recipients", "sent", "delivered", "opened")}
        self.assertEqual(
            figures, {"recipients": "10", "sent": "8", "delivered": "6", "opened": "4"}
        )
        recipients = self.rows(f"campanas/{campaign.code}/destinatarios.csv")
        self.assertEqual(len(recipients), 10)
        self.assertEqual(recipients[8]["Estado (código)"], "failed")
        opened = self.rows(f"campanas/{campaign.code}/abrieron.csv")
        persona2 = next(row for row in opened if row["Correo electrónico"] == "persona2@example.pe")
        self.assertEqual((persona2["Aperturas"], persona2["Clics"]), ("2", "1"))
        bounced = self.rows(f"campanas/{campaign.code}/rebotes.csv")
        self.assertEqual(len(bounced), 4)
        events = self.rows("eventos.csv")
        self.assertEqual(len(events), 12)
        self.assertEqual(sum(1 for event in events if event["kind"] == "clicked"), 5)
        self.assertEqual({event["campaign"] for event in events}, {str(campaign.code)})

    def test_the_audit_log_and_the_readme(self) -> None:
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_EXPORT)
        self.assertEqual(entry.target, self.path.name)
        readme = self.archive.read("LEEME.md").decode()
        self.assertIn("**contactos.csv** (11 contactos)", readme)
        for name in self.archive.namelist():
            if "/" not in name and name != "LEEME.md":
                self.assertIn(f"**{name}**", readme)
