"""The OpenAPI document in the reader's language.

django-ninja builds the document on every request, so the lazy descriptions and summaries of
the routes and schemas come out in the active language. The one part it words itself is each
response's description, the English reason phrase of its status ("Not Found"), and it gives
the tags, which group the operations, no description: this API class adds both.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

# What each status the API answers with means, as the documentation shows it.
STATUS_DESCRIPTIONS = {
    "200": gettext_lazy("Request done"),
    "201": gettext_lazy("Created"),
    "202": gettext_lazy("Accepted: it goes on in the background"),
    "204": gettext_lazy("Done, with nothing to answer"),
    "400": gettext_lazy("The request cannot be read"),
    "401": gettext_lazy("No valid API token"),
    "403": gettext_lazy("The token's user may not do this"),
    "404": gettext_lazy("Not found"),
    "409": gettext_lazy("Not possible in the current state"),
    "422": gettext_lazy("Invalid data: the errors say what to fix"),
    "429": gettext_lazy("Too many requests: try again later"),
}

# What each group of operations is about, shown beside its name.
TAG_DESCRIPTIONS = {
    "contacts": gettext_lazy("The people you write to, with their lists, tags and fields"),
    "lists": gettext_lazy("Mailing lists"),
    "tags": gettext_lazy("Tags on contacts"),
    "fields": gettext_lazy("Custom contact fields"),
    "segments": gettext_lazy("Saved segments and their counts"),
    "imports": gettext_lazy("Contact imports from CSV and XLSX files"),
    "templates": gettext_lazy("Email templates, their checks and previews"),
    "gallery": gettext_lazy("Ready-made designs to start a template from"),
    "campaigns": gettext_lazy("Campaigns: drafts, scheduling, test sends and progress"),
    "popups": gettext_lazy("Pop-ups for the virtual classroom, their reports and people"),
    "moodle": gettext_lazy("The Moodle classroom: its synced courses, and syncs"),
    "forms": gettext_lazy("Signup forms: build and publish them, their reports and signups"),
    "public forms": gettext_lazy(
        "Signup forms as web sites show and send them: no token, any origin"
    ),
    "automations": gettext_lazy("Workflows: enrol a contact through an API call"),
    "senders": gettext_lazy("Sender identities"),
    "backends": gettext_lazy("Sending servers: SMTP relays, providers and the test mailbox"),
    "quota": gettext_lazy("The plan's messages and incident credits"),
    "limits": gettext_lazy("Sending limits: the pace, per-domain limits and the frequency cap"),
    "transactional": gettext_lazy("Transactional email: one message to one address, idempotent"),
    "impact": gettext_lazy("Conversions reported by landing pages"),
    "reports": gettext_lazy("Campaign reports, events, contact history and first steps"),
    "domains": gettext_lazy("Sending domains and their DNS records"),
    "webhooks": gettext_lazy("Outgoing webhooks: events posted to your URLs, signed"),
    "tickets": gettext_lazy("Support requests, for an external help desk"),
}


# The module each route module's operations are named after. Clients generate code named by
# the operation ids, which django-ninja derives from the view's module and name, so a route
# moved to another module keeps the id it was published with.
PUBLISHED_MODULES = {
    "pregon.api.routes_contacts": "pregon.api.api",
    "pregon.api.routes_segments": "pregon.api.api",
    "pregon.api.routes_imports": "pregon.api.api",
    "pregon.api.routes_content": "pregon.api.api",
    "pregon.api.routes_campaigns": "pregon.api.routes_sending",
}


class TranslatedAPI(NinjaAPI):
    """A NinjaAPI whose document words every response status and tag in the active language,
    and keeps each operation's published id."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = PUBLISHED_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if str(status) in STATUS_DESCRIPTIONS:
                        response["description"] = STATUS_DESCRIPTIONS[str(status)]
        schema["tags"] = [
            {"name": name, "description": description}
            for name, description in TAG_DESCRIPTIONS.items()
        ]
        return schema
