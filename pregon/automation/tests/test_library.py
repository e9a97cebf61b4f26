"""The workflow templates of the library: each is a sound graph whose only problems are the
choices the office makes (templates, sender, date field, list, campaign, addresses)."""

import uuid

from pregon.automation import graph, library
from pregon.contacts.models import Field, FieldType, MailingList
from pregon.testing import BaseTestCase, drafts


class LibraryTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.choices = {
            "template": str(drafts.template("Curso").code),
            "sender": drafts.sender().pk,
            "field": Field.objects.create(key="inicio", label="Inicio", type=FieldType.DATE).key,
            "list": str(MailingList.objects.create(name="Boletín").code),
            "campaign": str(uuid.uuid4()),
            "emails": ["coordinacion@escuela.example.pe"],
        }

    def test_each_template_is_valid_once_the_office_s_choices_are_made(self) -> None:
        self.assertEqual(len(library.TEMPLATES), 5)
        for template in library.TEMPLATES:
            data = template.graph()
            unfinished = graph.validate(data)
            self.assertTrue(unfinished, template.slug)  # Left for the office to choose.
            for node in data["nodes"]:
                for key, value in self.choices.items():
                    if key in node["config"] and not node["config"][key]:
                        node["config"][key] = value
            self.assertEqual(graph.validate(data), [], template.slug)

    def test_a_copy_is_fresh(self) -> None:
        first = library.BY_SLUG["bienvenida"].graph()
        first["nodes"][0]["config"]["list"] = "x"
        self.assertEqual(library.BY_SLUG["bienvenida"].graph()["nodes"][0]["config"]["list"], "")
