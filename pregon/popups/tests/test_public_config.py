"""GET /p/s/<site key>.json and /p/embed.js: the configuration for allowed origins only,
cacheable, in the contract's shape."""

import datetime
import time

from django.utils import timezone

from pregon.content.models import BrandKit
from pregon.lib import signing
from pregon.popups import config
from pregon.popups.models import Audience, Popup, Site
from pregon.testing.popup_public import CLASSROOM, ELSEWHERE, PublicTestCase
from pregon.testing.signup_forms import make_signup_form


class ConfigurationTestCase(PublicTestCase):
    def get(self, origin: str | None = CLASSROOM, **headers: str) -> object:
        if origin:
            headers["HTTP_ORIGIN"] = origin
        return self.visitor.get(f"/p/s/{self.site.key}.json", **headers)

    def test_an_allowed_origin_reads_the_live_popups(self) -> None:
        brand = BrandKit.load()
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], CLASSROOM)
        self.assertIn("Origin", response["Vary"])
        self.assertEqual(response["Cache-Control"], "public, max-age=60")
        data = response.json()
        self.assertEqual((data["v"], data["tz"]), (1, "America/Lima"))
        self.assertEqual(data["labels"]["close"], "Cerrar")
        [popup] = data["popups"]
        self.assertEqual(popup["id"], self.popup.pk)
        self.assertEqual(popup["body"], "<p>Curso de <strong>gestión pública</strong></p>")
        token = popup["button"]["url"].rsplit("/p/c/", 1)[1]
        self.assertEqual(signing.unsign(config.CLICK_KIND, token), self.popup.pk)
        self.assertEqual(popup["colors"]["button"], brand.primary_color)
        self.assertEqual(popup["colors"]["text"], brand.text_color)
        self.assertEqual(popup["hours"], [0, 24])
        self.assertEqual(popup["moodle"]["no_quiz"], True)
        self.assertIsNone(popup["form"])
        self.assertFalse(popup["segment"])
        Site.objects.filter(pk=self.site.pk, last_seen_at__isnull=False).get()

    def test_order_dates_colours_and_what_is_left_out(self) -> None:
        now = timezone.now()
        Popup.objects.create(name="Borrador", title="b")
        Popup.objects.create(
            name="Terminado", title="t", is_published=True, ends_at=now - datetime.timedelta(1)
        )
        first = Popup.objects.create(
            name="Urgente",
            title="u",
            is_published=True,
            priority=50,
            starts_at=now + datetime.timedelta(days=1),
            button_color="#ffdd00",
            include_urls="/course/view.php?id=*\n\n /my/ \n",
            body='<p onclick="x()">Hola<script>alert(1)</script></p>',
            signup_form=make_signup_form(consent_text="Acepto que la escuela use mis datos."),
            audience=Audience.KNOWN,
        )
        data = self.get().json()
        self.assertEqual([p["id"] for p in data["popups"]], [first.pk, self.popup.pk])
        shown = data["popups"][0]
        self.assertEqual(shown["starts"], int(first.starts_at.timestamp() * 1000))
        self.assertEqual(shown["include"], ["/course/view.php?id=*", "/my/"])
        self.assertEqual(shown["body"], "<p>Hola</p>")
        self.assertEqual(shown["colors"]["button"], "#ffdd00")
        self.assertEqual(shown["colors"]["button_text"], "#1f2933")  # Dark on yellow.
        self.assertEqual(shown["form"]["consent"], "Acepto que la escuela use mis datos.")
        self.assertEqual(shown["form"]["fields"][0]["name"], "first_name")
        self.assertNotIn("stamp", shown["form"])  # Asked for when shown: pregon.popups.signup.
        self.assertEqual(shown["who"], "known")

    def test_a_refused_origin_gets_nothing_and_stamps_nothing(self) -> None:
        for origin in (ELSEWHERE, None, "null", CLASSROOM + ":8443"):
            with self.subTest(origin):
                response = self.get(origin)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("Access-Control-Allow-Origin", response)
                self.assertIn("detail", response.json())
                self.assertNotIn(b"Inscripciones", response.content)
        self.assertIsNone(Site.objects.get(pk=self.site.pk).last_seen_at)

    def test_an_unknown_key_is_404(self) -> None:
        response = self.visitor.get("/p/s/nokey.json", HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(response.status_code, 404)
        self.assertIn("clave", response.json()["detail"])

    def test_the_etag_answers_304(self) -> None:
        etag = self.get()["ETag"]
        self.assertTrue(etag.startswith('"'))
        response = self.get(HTTP_IF_NONE_MATCH=etag)
        self.assertEqual((response.status_code, response.content), (304, b""))
        self.assertEqual(response["ETag"], etag)
        self.assertEqual(response["Access-Control-Allow-Origin"], CLASSROOM)
        self.assertEqual(self.get(HTTP_IF_NONE_MATCH='"other"').status_code, 200)
        self.popup.title = "Cambiado"
        self.popup.save()
        config.forget()  # As CACHE_SECONDS later.
        self.assertEqual(self.get(HTTP_IF_NONE_MATCH=etag).status_code, 200)

    def test_the_etag_of_a_popup_with_a_form_holds_while_nothing_changes(self) -> None:
        self.popup.signup_form = make_signup_form()
        self.popup.save()
        etag = self.get()["ETag"]
        time.sleep(1.1)  # A stamp in the document would now be another.
        config.forget()  # As CACHE_SECONDS later.
        response = self.get(HTTP_IF_NONE_MATCH=etag)
        self.assertEqual((response.status_code, response["ETag"]), (304, etag))

    def test_a_preflight_is_answered_for_allowed_origins(self) -> None:
        path = f"/p/b/{self.site.key}"
        response = self.visitor.options(path, HTTP_ORIGIN=CLASSROOM)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], CLASSROOM)
        self.assertIn("POST", response["Access-Control-Allow-Methods"])
        self.assertEqual(self.visitor.options(path, HTTP_ORIGIN=ELSEWHERE).status_code, 403)

    def test_the_embed_script_is_served(self) -> None:
        response = self.visitor.get("/p/embed.js")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/javascript"))
        self.assertEqual(response["Cache-Control"], "public, max-age=300")
        self.assertIn(b"data-site", response.content)
