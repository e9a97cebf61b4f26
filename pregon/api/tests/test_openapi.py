from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.test import TestCase


class _Links(HTMLParser):
    """Collects every URL a page would load: src and href attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


class OpenApiTestCase(TestCase):
    def test_it_serves_the_openapi_document_without_a_token(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertEqual(document["info"]["title"], "Pregón API")
        for path in [
            "/api/v1/contacts",
            "/api/v1/contacts/bulk",
            "/api/v1/contacts/{code}",
            "/api/v1/lists",
            "/api/v1/lists/{code}",
            "/api/v1/tags",
            "/api/v1/tags/{name}",
            "/api/v1/fields",
            "/api/v1/fields/{key}",
            "/api/v1/segments",
            "/api/v1/segments/count",
            "/api/v1/segments/{code}",
            "/api/v1/segments/{code}/count",
            "/api/v1/imports",
            "/api/v1/imports/{code}",
            "/api/v1/templates",
            "/api/v1/templates/compile",
            "/api/v1/templates/{code}",
            "/api/v1/templates/{code}/preview",
            "/api/v1/gallery",
            "/api/v1/gallery/{key}",
            "/api/v1/campaigns",
            "/api/v1/campaigns/{code}",
            "/api/v1/campaigns/{code}/schedule",
            "/api/v1/campaigns/{code}/unschedule",
            "/api/v1/campaigns/{code}/pause",
            "/api/v1/campaigns/{code}/resume",
            "/api/v1/campaigns/{code}/cancel",
            "/api/v1/campaigns/{code}/duplicate",
            "/api/v1/campaigns/{code}/send-test",
            "/api/v1/campaigns/{code}/progress",
            "/api/v1/senders",
            "/api/v1/senders/{code}",
            "/api/v1/backends",
            "/api/v1/backends/{code}",
            "/api/v1/backends/{code}/check",
            "/api/v1/quota",
            "/api/v1/quota/credits",
        ]:
            self.assertTrue(path in document["paths"], path)
        self.assertEqual(
            document["components"]["securitySchemes"]["BearerToken"],
            {"type": "http", "scheme": "bearer"},
        )
        contact = document["paths"]["/api/v1/contacts/{code}"]
        self.assertEqual(sorted(contact), ["delete", "get", "patch", "put"])
        template = document["paths"]["/api/v1/templates/{code}"]
        self.assertEqual(sorted(template), ["delete", "get", "patch"])
        self.assertEqual(template["get"]["tags"], ["templates"])
        self.assertEqual(document["paths"]["/api/v1/gallery"]["get"]["tags"], ["gallery"])
        campaign = document["paths"]["/api/v1/campaigns/{code}"]
        self.assertEqual(sorted(campaign), ["delete", "get", "patch"])
        self.assertIn("409", campaign["patch"]["responses"])
        for path, tag in [
            ("/api/v1/campaigns/{code}/progress", "campaigns"),
            ("/api/v1/senders", "senders"),
            ("/api/v1/backends", "backends"),
            ("/api/v1/quota", "quota"),
        ]:
            self.assertEqual(document["paths"][path]["get"]["tags"], [tag])
        # The relay password and the provider's API key may be written, never read.
        schemas = document["components"]["schemas"]
        for name in ("BackendIn", "BackendPatch"):
            for field in ("password", "api_key", "region", "sender_domain", "message_stream"):
                self.assertIn(field, schemas[name]["properties"], (name, field))
            self.assertIn("weight", schemas[name]["properties"])
        out = schemas["BackendOut"]["properties"]
        self.assertNotIn("password", out)
        self.assertNotIn("api_key", out)
        self.assertIn("weight", out)
        self.assertIn("options", out)
        kind = schemas["BackendIn"]["properties"]["kind"]["description"]
        for value in ("smtp", "file", "amazon_ses", "brevo", "mailgun", "postmark", "sendgrid"):
            self.assertIn(value, kind)

    def test_the_description_is_in_spanish_and_names_no_internal_file(self) -> None:
        response = self.client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="es")
        text = response.content.decode()
        description = response.json()["info"]["description"]
        self.assertTrue(description.startswith("La API de Pregón para otros sistemas"))
        self.assertIn("Authorization: Bearer <token>", description)
        self.assertNotRegex(text, r"\w\.py\b")
        self.assertNotRegex(text, r"pregon\.[a-z]")

    def test_the_docs_page_loads_nothing_from_other_sites(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "swagger-ui")
        parser = _Links()
        parser.feed(response.content.decode())
        self.assertTrue(parser.urls)
        for url in parser.urls:
            self.assertTrue(url.startswith("/") and not url.startswith("//"), url)
            if url.startswith("/static/"):
                self.assertIsNotNone(finders.find(url.removeprefix("/static/")), url)
        # Swagger UI would otherwise ask validator.swagger.io to check the document.
        self.assertContains(response, '"validatorUrl": null')
        self.assertNotContains(response, "cdn.")

    def test_an_unknown_address_is_a_json_404(self) -> None:
        for path in ["/api/v1/", "/api/v1/contactos", "/api/v1/contacts/x/y"]:
            response = self.client.get(path)
            self.assertEqual(response.status_code, 404)
            self.assertIn("/api/v1/docs", response.json()["detail"])
