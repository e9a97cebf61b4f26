import json

from pregon.contacts.models import Contact, MailingList, Status
from pregon.testing import BaseTestCase

URL = "/contactos/segmentos/contar/"


class SegmentCountTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        course = MailingList.objects.create(name="Curso")
        Contact.objects.create(email="ana@example.pe").lists.add(course)
        Contact.objects.create(email="luis@example.pe", status=Status.UNSUBSCRIBED)
        self.rules = {
            "match": "all",
            "rules": [{"field": "list", "operator": "is_not_in", "value": [course.id]}],
        }

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.post(URL, {"rules": "{}"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_count(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(URL, {"rules": "{}"}).status_code, 403)

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_it_counts_the_rules(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(URL, {"rules": json.dumps(self.rules)})
        self.assertEqual(response.json(), {"count": 1, "label": "1 contact"})
        response = self.client.post(URL, {"rules": ""})
        self.assertEqual(response.json(), {"count": 2, "label": "2 contacts"})

    def test_it_explains_invalid_rules(self) -> None:
        self.client.force_login(self.bob)
        self.rules["rules"][0]["operator"] = "contains"
        response = self.client.post(URL, {"rules": json.dumps(self.rules)})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"error": "“contains” is not an operator for the field “List”."}
        )
        response = self.client.post(URL, {"rules": "{not json"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "Enter a valid JSON."})
