from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList, Segment, Status
from pregon.testing.api import ApiTestCase

SUBSCRIBED = {
    "match": "all",
    "rules": [{"field": "status", "operator": "is", "value": ["subscribed"]}],
}


class SegmentsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.ana = Contact.objects.create(email="ana@example.pe")
        self.luis = Contact.objects.create(email="luis@example.pe", status=Status.UNSUBSCRIBED)
        self.rosa = Contact.objects.create(email="rosa@example.pe")
        self.ana.lists.add(self.courses)
        self.luis.lists.add(self.courses)
        self.segment = Segment.objects.create(name="Suscritos", rules=SUBSCRIBED)

    def in_courses(self) -> dict:
        return {
            "match": "all",
            "rules": [
                {"field": "list", "operator": "is_in", "value": [str(self.courses.code)]},
                SUBSCRIBED,
            ],
        }

    def test_it_creates_a_segment_and_counts_it(self) -> None:
        response = self.call("POST", "/segments", {"name": "Alumnos", "rules": self.in_courses()})
        self.assertEqual(response.status_code, 201, response.content)
        segment = Segment.objects.get(code=response.json()["code"])
        self.assertEqual(segment.created_by, self.bob)
        response = self.call("GET", f"/segments/{segment.code}/count")
        self.assertEqual(response.json(), {"count": 1})

    def test_it_lists_gets_and_updates_segments(self) -> None:
        self.assertEqual([s["name"] for s in self.call("GET", "/segments").json()], ["Suscritos"])
        body = self.call("GET", f"/segments/{self.segment.code}").json()
        self.assertEqual(body["rules"], SUBSCRIBED)
        response = self.call("PATCH", f"/segments/{self.segment.code}", {"name": "Activos"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "Activos")
        self.assertEqual(response.json()["rules"], SUBSCRIBED)
        self.segment.refresh_from_db()
        self.assertGreater(self.segment.updated_at, self.segment.created_at)

    def test_bad_rules_are_a_field_error(self) -> None:
        rules = {"match": "all", "rules": [{"field": "shoe_size", "operator": "is", "value": 1}]}
        response = self.call("POST", "/segments", {"name": "Raro", "rules": rules})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"rules": ["Unknown field “shoe_size”."]})
        response = self.call("POST", "/segments/count", {"rules": rules})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"rules": ["Unknown field “shoe_size”."]})
        response = self.call("POST", "/segments", {"name": "suscritos", "rules": SUBSCRIBED})
        self.assertIn("name", response.json()["errors"])

    def test_it_counts_rules_without_saving_them(self) -> None:
        response = self.call("POST", "/segments/count", {"rules": self.in_courses()})
        self.assertEqual(response.json(), {"count": 1})
        response = self.call("POST", "/segments/count", {"rules": {}})
        self.assertEqual(response.json(), {"count": 3})
        self.assertEqual(Segment.objects.count(), 1)

    def test_contacts_can_be_filtered_by_segment(self) -> None:
        response = self.call("GET", "/contacts", {"segment": str(self.segment.code)})
        self.assertEqual(
            [c["email"] for c in response.json()["items"]], ["rosa@example.pe", "ana@example.pe"]
        )
        response = self.call("GET", "/contacts", {"segment": "nope"})
        self.assertEqual(response.status_code, 404)

    def test_it_deletes_a_segment(self) -> None:
        response = self.call("DELETE", f"/segments/{self.segment.code}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Segment.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.target, "Suscritos")
        self.assertEqual(self.call("GET", f"/segments/{self.segment.code}").status_code, 404)

    def test_analysts_may_read_a_saved_segments_count_only(self) -> None:
        charlie = self.token_for(self.charlie)
        response = self.call("GET", f"/segments/{self.segment.code}/count", token=charlie)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"count": 2})
        self.assertEqual(self.call("GET", "/segments", token=charlie).status_code, 403)
        response = self.call("GET", f"/segments/{self.segment.code}", token=charlie)
        self.assertEqual(response.status_code, 403)
        response = self.call("POST", "/segments/count", {"rules": {}}, token=charlie)
        self.assertEqual(response.status_code, 403)
        response = self.call("GET", f"/segments/{self.segment.code}/count", token="pgn_nope")
        self.assertEqual(response.status_code, 401)
