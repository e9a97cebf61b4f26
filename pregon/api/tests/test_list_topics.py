from pregon.contacts.models import MailingList
from pregon.testing.api import ApiTestCase


class ListTopicsTestCase(ApiTestCase):
    def test_a_list_becomes_a_public_topic_and_keeps_it_when_renamed(self) -> None:
        response = self.call(
            "POST",
            "/lists",
            {
                "name": "Cursos 2026",
                "is_topic": True,
                "public_name": " Cursos virtuales ",
                "public_description": "Fechas e inscripciones.",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["is_topic"], body["public_name"], body["public_description"]),
            (True, "Cursos virtuales", "Fechas e inscripciones."),
        )
        code = body["code"]
        # A PATCH that leaves the topic's fields out keeps them.
        response = self.call("PATCH", f"/lists/{code}", {"name": "Cursos 2027"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["is_topic"], response.json()["public_name"]),
            (True, "Cursos virtuales"),
        )
        response = self.call("PATCH", f"/lists/{code}", {"is_topic": False})
        self.assertFalse(MailingList.objects.get(code=code).is_topic)

    def test_a_topic_needs_a_public_name(self) -> None:
        response = self.call("POST", "/lists", {"name": "Cursos 2026", "is_topic": True})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"public_name": ["Write the name people will see for this topic."]},
        )
        self.assertFalse(MailingList.objects.exists())
        MailingList.objects.create(name="Boletín")
        code = MailingList.objects.get().code
        response = self.call("PATCH", f"/lists/{code}", {"is_topic": True, "public_name": "  "})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(MailingList.objects.get().is_topic)

    def test_plain_lists_say_they_are_no_topics(self) -> None:
        MailingList.objects.create(name="Docentes")
        [item] = self.call("GET", "/lists").json()
        self.assertEqual((item["is_topic"], item["public_name"]), (False, ""))
