import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import TestCase

from pregon.testing.translations import catalogue_entries, escape

CATALOGUE = Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"


class _Links(HTMLParser):
    """Collects every URL a page would load: src and href attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def described(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) of every summary and description the docs page shows: the operations',
    their parameters' and responses', the schemas' and their properties'."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            yield where, operation["summary"]
            yield where, operation.get("description", "")
            for parameter in operation.get("parameters", []):
                yield f"{where} {parameter['name']}", parameter.get("description", "")
            for status, response in operation["responses"].items():
                yield f"{where} {status}", response["description"]
    for tag in document["tags"]:
        yield f"tag {tag['name']}", tag["description"]
    for name, schema in document["components"]["schemas"].items():
        yield name, schema.get("description", "")
        for field, prop in schema.get("properties", {}).items():
            yield f"{name}.{field}", prop.get("description", "")


def matches(text: str, messages: set[str]) -> bool:
    """Whether text is one of the messages (as a .po file spells them), or one of them with its
    {placeholders} filled in."""
    if escape(text) in messages:
        return True
    templates = (m for m in messages if re.search(r"\{\w+\}", m))
    return any(
        re.fullmatch(".+".join(map(re.escape, re.split(r"\{\w+\}", m))), escape(text))
        for m in templates
    )


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

    def test_every_summary_and_description_is_in_the_readers_language(self) -> None:
        catalogue = {k: v for k, v in catalogue_entries(CATALOGUE).items() if "\x04" not in k}
        english = {msgid for msgid, msgstr in catalogue.items() if msgstr}
        spanish = {msgstr for msgstr in catalogue.values() if msgstr}
        for language, messages in [("es", spanish), ("en", english)]:
            document = self.client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE=language).json()
            texts = list(described(document))
            self.assertGreater(len(texts), 500)
            for where, text in texts:
                if text:
                    self.assertTrue(matches(text, messages), (language, where, text))
        document = self.client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="es").json()
        contacts = document["paths"]["/api/v1/contacts"]["get"]
        self.assertEqual(contacts["summary"], "Listar contactos")
        self.assertEqual(contacts["responses"]["200"]["description"], "Solicitud realizada")
        used = {
            tag for ops in document["paths"].values() for op in ops.values() for tag in op["tags"]
        }
        self.assertEqual({tag["name"] for tag in document["tags"]}, used)
        cause = document["components"]["schemas"]["EventOut"]["properties"]["cause"]
        self.assertIn("user_unknown", cause["description"])
        self.assertTrue(cause["description"].startswith("Por qué se produjo un rebote"))
