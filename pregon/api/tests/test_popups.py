"""The pop-ups' API: CRUD through the pop-up form (bad input is a 422 with nothing saved),
publishing, the report and the people, by role."""

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Segment
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.api import ApiTestCase
from pregon.testing.popup_reports import reported_popup
from pregon.testing.signup_forms import make_signup_form

UNKNOWN = "6f1c1f0e-0000-4000-8000-000000000000"


class PopupsApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.popup = reported_popup()
        self.url = f"/popups/{self.popup.code}"

    def assert_refused(self, response: object, *fields: str) -> dict:
        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertTrue(body["detail"])
        for field in fields:
            self.assertIn(field, body["errors"])
        return body

    def test_it_lists_and_gets_popups(self) -> None:
        Popup.objects.create(name="Encuesta", title="Encuesta", priority=50)
        response = self.call("GET", "/popups")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            [(item["name"], item["status"]) for item in body["items"]],
            [("Encuesta", "draft"), ("Curso de diciembre", "live")],
        )
        detail = self.call("GET", self.url).json()
        self.assertEqual(detail["code"], str(self.popup.code))
        self.assertEqual(detail["button_url"], "https://aula.example.gob.pe/enrol")
        self.assertEqual(self.call("GET", f"/popups/{UNKNOWN}").status_code, 404)
        self.assertEqual(self.call("GET", "/popups/nope").status_code, 404)

    def test_it_creates_a_popup_as_the_form_checks_it(self) -> None:
        segment = Segment.objects.create(name="Docentes", rules={"match": "all", "rules": []})
        signup_form = make_signup_form()
        payload = {
            "name": "Webinar",
            "title": "Webinar hoy",
            "body": "<p>A las <strong>18:00</strong></p>",
            "button_text": "Entrar",
            "button_url": "https://aula.example.gob.pe/webinar",
            "starts_at": "2026-12-01T08:00:00",
            "ends_at": "2026-12-01T20:00:00-05:00",
            "weekdays": [0, 2, 4],
            "include_urls": ["/course/view.php?id=*"],
            "course_ids": [12, 15],
            "audience": "known",
            "segment": str(segment.code),
            "signup_form": str(signup_form.code),
        }
        response = self.call("POST", "/popups", payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["status"], "draft")
        self.assertEqual(body["include_urls"], ["/course/view.php?id=*"])
        self.assertEqual(body["segment"], str(segment.code))
        self.assertEqual(body["signup_form"], str(signup_form.code))
        # A time without an offset is Lima's.
        self.assertEqual(body["starts_at"], "2026-12-01T13:00:00Z")
        popup = Popup.objects.get(code=body["code"])
        self.assertEqual((popup.created_by, popup.course_ids), (self.bob, [12, 15]))
        self.assertEqual(popup.body, "<p>A las <strong>18:00</strong></p>")

    def test_bad_input_is_refused_by_field_with_nothing_saved(self) -> None:
        before = Popup.objects.count()
        cases = [
            ({"ends_at": "2026-12-01T08:00:00", "starts_at": "2026-12-02T08:00:00"}, "ends_at"),
            ({"include_urls": ["/curso/*", "curso sin barra"]}, "include_urls"),
            ({"body": "<p>Hola</p><script>alert(1)</script>"}, "body"),
            ({"background_color": "red"}, "background_color"),
            ({"segment": UNKNOWN, "audience": "known"}, "segment"),
            ({"signup_form": UNKNOWN}, "signup_form"),
            ({"format": "gigante"}, "format"),
        ]
        for change, field in cases:
            with self.subTest(field=field):
                response = self.call("POST", "/popups", {"name": "X", "title": "X", **change})
                self.assert_refused(response, field)
        self.assertEqual(Popup.objects.count(), before)
        self.assertEqual(self.call("POST", "/popups", {"name": "X"}).status_code, 422)
        self.assertEqual(
            self.call("POST", "/popups", {"name": "X", "title": "X", "no": 1}).status_code, 422
        )
        self.assertEqual(Popup.objects.count(), before)

    def test_it_updates_only_the_keys_sent(self) -> None:
        response = self.call("PATCH", self.url, {"title": "Últimos cupos", "priority": 90})
        self.assertEqual(response.status_code, 200, response.content)
        self.popup.refresh_from_db()
        self.assertEqual((self.popup.title, self.popup.priority), ("Últimos cupos", 90))
        self.assertEqual(self.popup.button_url, "https://aula.example.gob.pe/enrol")
        self.assertEqual(self.popup.name, "Curso de diciembre")

    def test_a_bad_change_saves_nothing(self) -> None:
        response = self.call("PATCH", self.url, {"title": "Nuevo", "button_text": ""})
        self.assert_refused(response, "button_text")
        response = self.call(
            "PATCH", self.url, {"title": "Nuevo", "ends_at": "2020-01-01T00:00:00"}
        )
        self.assert_refused(response, "ends_at")
        self.popup.refresh_from_db()
        self.assertEqual(self.popup.title, "Nuevo curso de diciembre")

    def test_it_publishes_and_withdraws_through_the_audited_step(self) -> None:
        response = self.call("PATCH", self.url, {"is_published": False})
        self.assertEqual(response.json()["status"], "draft")
        response = self.call("PATCH", self.url, {"is_published": True})
        self.assertEqual(response.json()["status"], "live")
        self.assertEqual(AuditEntry.objects.filter(target=self.popup.name).count(), 2)

    def test_an_ended_popup_cannot_be_published_and_nothing_changes(self) -> None:
        self.call("PATCH", self.url, {"is_published": False})
        response = self.call(
            "PATCH",
            self.url,
            {
                "title": "Otro",
                "starts_at": "2020-01-01T00:00:00",
                "ends_at": "2020-02-01T00:00:00",
                "is_published": True,
            },
        )
        self.assert_refused(response, "is_published")
        self.popup.refresh_from_db()
        self.assertEqual(
            (self.popup.title, self.popup.is_published), ("Nuevo curso de diciembre", False)
        )

    def test_it_deletes_a_popup_with_its_events(self) -> None:
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Popup.objects.filter(pk=self.popup.pk).exists())
        self.assertFalse(PopupEvent.objects.filter(popup_id=self.popup.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())
        self.assertEqual(self.call("DELETE", self.url).status_code, 404)

    def test_the_report_has_the_screens_figures(self) -> None:
        response = self.call("GET", self.url + "/report", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["time_zone"], "America/Lima")
        self.assertEqual(
            body["figures"],
            {
                "views": 5,
                "visitors": 4,
                "clicks": 2,
                "closes": 1,
                "submissions": 1,
                "conversions": 1,
                "click_rate": 40.0,
            },
        )
        self.assertEqual(body["by_day"]["labels"], ["2026-11-20", "2026-11-21", "2026-11-22"])
        self.assertEqual(body["by_day"]["views"], [4, 0, 1])
        self.assertEqual(body["by_hour"]["views"][23], 1)
        self.assertEqual([row["key"] for row in body["courses"]], [12, 7, None])
        page = body["pages"][0]
        self.assertEqual(
            (page["key"], page["views"], page["visitors"], page["clicks"]),
            ("/course/view.php", 3, 2, 1),
        )
        self.assertAlmostEqual(page["click_rate"], 100 / 3)
        self.assertEqual(
            [(d["key"], d["views"]) for d in body["devices"]], [("desktop", 3), ("phone", 2)]
        )

    def test_the_people_are_known_contacts_of_people_events(self) -> None:
        response = self.call("GET", self.url + "/people")
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual([item["email"] for item in items], ["beto@example.pe", "ana@example.pe"])
        beto = items[0]
        self.assertEqual(
            (beto["views"], beto["clicks"], beto["submissions"], beto["conversions"]), (1, 1, 0, 1)
        )
        self.assertEqual(beto["first_at"], "2026-11-22T13:00:00Z")
        self.assertEqual(len(beto["contact"]), 36)

    def test_roles(self) -> None:
        analyst = self.token_for(self.charlie)
        self.assertEqual(self.call("GET", self.url + "/report", token=analyst).status_code, 200)
        self.assertEqual(self.call("GET", self.url + "/people", token=analyst).status_code, 403)
        self.assertEqual(self.call("GET", "/popups", token=analyst).status_code, 403)
        response = self.call("PATCH", self.url, {"title": "X"}, token=analyst)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.call("DELETE", self.url, token=analyst).status_code, 403)
        self.assertEqual(self.call("GET", "/popups", token="nope").status_code, 401)
        self.assertEqual(Popup.objects.get(pk=self.popup.pk).title, "Nuevo curso de diciembre")

    def test_machine_events_do_not_count(self) -> None:
        PopupEvent.objects.create(popup=self.popup, kind=PopupEventKind.VIEWED, machine="bot")
        body = self.call("GET", self.url + "/report").json()
        self.assertEqual(body["figures"]["views"], 5)

    def test_the_openapi_document_publishes_them(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        paths = document["paths"]
        self.assertEqual(sorted(paths["/api/v1/popups"]), ["get", "post"])
        self.assertEqual(sorted(paths["/api/v1/popups/{code}"]), ["delete", "get", "patch"])
        report = paths["/api/v1/popups/{code}/report"]["get"]
        self.assertEqual(report["tags"], ["popups"])
        self.assertEqual(report["operationId"], "pregon_api_routes_popups_popup_report")
        people = paths["/api/v1/popups/{code}/people"]["get"]
        self.assertEqual(people["operationId"], "pregon_api_routes_popups_popup_people")
        self.assertIn("422", paths["/api/v1/popups"]["post"]["responses"])
        schemas = document["components"]["schemas"]
        self.assertIn("is_published", schemas["PopupPatch"]["properties"])
        self.assertIn("click_rate", schemas["PopupFiguresOut"]["properties"])
