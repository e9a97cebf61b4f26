import json

from pregon.contacts.models import Contact, Field, FieldType, MailingList, Segment
from pregon.testing import BaseTestCase

NEW = "/contactos/segmentos/nuevo/"


class SegmentFormTestCase(BaseTestCase):
    """Creating and editing a segment through the rule builder's form."""

    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso virtual")
        Field.objects.create(key="city", label="City", type=FieldType.TEXT)
        self.rules = {
            "match": "all",
            "rules": [
                {"field": "list", "operator": "is_in", "value": [str(self.course.code)]},
                {"field": "field:city", "operator": "equals", "value": "Lima"},
            ],
        }

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(NEW)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_build_segments(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(NEW).status_code, 403)
        response = self.client.post(NEW, {"name": "X", "rules": "{}"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Segment.objects.exists())

    def test_the_builder_page_carries_the_field_catalogue(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(NEW)
        self.assertContains(response, 'id="segment-builder"')
        self.assertContains(response, '<script id="segment-catalogue" type="application/json">')
        self.assertContains(response, "field:city")
        self.assertContains(response, "Curso virtual")
        self.assertContains(response, "js/segment-builder.js")

    def test_custom_text_fields_offer_their_stored_values_most_common_first(self) -> None:
        for number, city in enumerate(["Cusco", "Lima", "Lima", "Piura", "Lima", "Cusco", ""]):
            Contact.objects.create(email=f"c{number}@example.pe", attributes={"city": city})
        Contact.objects.create(email="nota@example.pe", attributes={"city": "x" * 81})
        self.client.force_login(self.bob)
        response = self.client.get(NEW)
        fields = [f for g in response.context["catalogue"]["groups"] for f in g["fields"]]
        by_name = {f["name"]: f for f in fields}
        self.assertEqual(by_name["field:city"]["suggestions"], ["Lima", "Cusco", "Piura"])
        self.assertEqual(by_name["first_name"]["suggestions"], [])

    def test_it_saves_a_new_segment_with_normalised_rules(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            NEW, {"name": " Limeños del curso ", "rules": json.dumps(self.rules)}
        )
        self.assertRedirects(response, "/contactos/segmentos/")
        segment = Segment.objects.get()
        self.assertEqual(segment.name, "Limeños del curso")
        self.assertEqual(segment.created_by, self.bob)
        self.assertEqual(segment.rules["rules"][0]["value"], [self.course.id])

    def test_it_refuses_a_name_already_taken_whatever_its_case(self) -> None:
        Segment.objects.create(name="Alumnos", rules={})
        self.client.force_login(self.bob)
        response = self.client.post(NEW, {"name": "alumnos", "rules": "{}"})
        self.assertContains(response, "A segment named “Alumnos” already exists.")
        self.assertEqual(Segment.objects.count(), 1)

    def test_it_refuses_invalid_rules_and_keeps_what_was_typed(self) -> None:
        self.client.force_login(self.bob)
        rules = {
            "match": "all",
            "rules": [{"field": "field:age", "operator": "equals", "value": 3}],
        }
        response = self.client.post(NEW, {"name": "Edad", "rules": json.dumps(rules)})
        self.assertContains(response, "Unknown custom field “age”.")
        self.assertContains(response, 'value="Edad"')
        self.assertContains(response, "field:age")
        self.assertFalse(Segment.objects.exists())

    def test_it_edits_a_segment(self) -> None:
        segment = Segment.objects.create(name="Curso", rules={}, created_by=self.alice)
        url = f"/contactos/segmentos/{segment.code}/"
        self.client.force_login(self.bob)
        response = self.client.get(url)
        self.assertContains(response, 'value="Curso"')
        self.assertContains(response, f"/contactos/?segment={segment.code}")
        response = self.client.post(url, {"name": "Curso", "rules": json.dumps(self.rules)})
        self.assertRedirects(response, "/contactos/segmentos/")
        segment.refresh_from_db()
        self.assertEqual(len(segment.rules["rules"]), 2)
        self.assertEqual(segment.created_by, self.alice)
        self.assertGreater(segment.updated_at, segment.created_at)

    def test_an_unknown_segment_is_not_found(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/contactos/segmentos/3f1d9d5e-0000-4000-8000-000000000000/")
        self.assertEqual(response.status_code, 404)

    def test_names_are_escaped(self) -> None:
        segment = Segment.objects.create(name="<script>alert(1)</script>", rules={})
        self.client.force_login(self.bob)
        response = self.client.get(f"/contactos/segmentos/{segment.code}/")
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
