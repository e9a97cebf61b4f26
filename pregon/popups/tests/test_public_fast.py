"""The configuration and beacons as the web server serves them: ahead of Django
(pregon.popups.fast), with the same answers as Django's views."""

import json

from pregon.popups import spool
from pregon.popups.models import PopupEvent
from pregon.testing.popup_public import BROWSER, CLASSROOM, ELSEWHERE, PublicTestCase
from pregon.testing.web import fetch


class FastPathTestCase(PublicTestCase):
    def test_the_configuration_is_the_views(self) -> None:
        path = f"/p/s/{self.site.key}.json"
        status, headers, body = fetch(path, HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(status, "200 OK")
        view = self.visitor.get(path, HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(body, view.content)
        self.assertEqual(headers["ETag"], view["ETag"])
        self.assertEqual(headers["Access-Control-Allow-Origin"], CLASSROOM)
        self.assertEqual(headers["Content-Length"], str(len(body)))
        self.assertEqual(headers["X-Content-Type-Options"], view["X-Content-Type-Options"])
        status, headers, body = fetch(path, HTTP_ORIGIN=CLASSROOM, HTTP_IF_NONE_MATCH=view["ETag"])
        self.assertEqual((status, body), ("304 Not Modified", b""))
        status, _, body = fetch(path, HTTP_ORIGIN=ELSEWHERE)
        self.assertEqual(status, "403 Forbidden")
        self.assertEqual(
            json.loads(body)["detail"], "Esta dirección no atiende páginas de este sitio."
        )

    def test_a_beacon_is_spooled_and_a_bad_one_refused(self) -> None:
        path = f"/p/b/{self.site.key}"
        good = json.dumps({"p": self.popup.pk, "k": "viewed", "v": "ab12", "u": "/my/"}).encode()
        status, headers, _ = fetch(
            path, "POST", good, HTTP_ORIGIN=CLASSROOM, HTTP_USER_AGENT=BROWSER
        )
        self.assertEqual(
            (status, headers["Access-Control-Allow-Origin"]), ("204 No Content", CLASSROOM)
        )
        status, _, body = fetch(path, "POST", b"{", HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(status, "400 Bad Request")
        self.assertIn("body", json.loads(body)["errors"])
        status, _, _ = fetch(path, "POST", b" " * 5000, HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(status, "400 Bad Request")
        self.assertEqual(spool.flush(), 1)
        self.assertEqual(PopupEvent.objects.get().page, "/my/")

    def test_other_addresses_go_on_to_django(self) -> None:
        status, headers, _ = fetch(f"/p/b/{self.site.key}", "OPTIONS", HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(
            (status, headers["Access-Control-Allow-Methods"]), ("204 No Content", "POST")
        )
        status, _, _ = fetch("/p/embed.js")
        self.assertEqual(status, "200 OK")
