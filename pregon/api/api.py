"""The REST API, /api/v1/: the NinjaAPI object, with one router per area of the route table.

An endpoint needs the API token (``Authorization: Bearer <token>``) of an editor or an
administrator unless it says otherwise, because contacts are personal data and a template can
be previewed as any contact. Endpoints that only read figures or settings let analysts in
too, and those that change sending servers, domains or quota credits are for administrators,
as in the UI.

The routes live in routes_<area>.py, over the functions and forms the screens use; the
schemas they read and write live in schemas/<area>.py.
"""

from django.utils.translation import gettext_lazy
from ninja.openapi.docs import Swagger

from pregon.api import (
    auth,
    errors,
    routes_ab,
    routes_account,
    routes_approval,
    routes_automation,
    routes_campaigns,
    routes_contacts,
    routes_content,
    routes_domains,
    routes_forms,
    routes_forms_public,
    routes_impact,
    routes_imports,
    routes_moodle,
    routes_popups,
    routes_reports,
    routes_resend,
    routes_segments,
    routes_sending,
    routes_tickets,
    routes_transactional,
    routes_webhooks,
)
from pregon.api.openapi import TranslatedAPI

# What /api/v1/docs says first, to the developers of other systems, in their language.
DESCRIPTION = gettext_lazy(
    "The API of Pregón for other systems: contacts, lists, tags, custom fields, segments, "
    "imports, templates, campaigns (with their A/B tests, resends and approval), signup forms, "
    "pop-ups, the Moodle classroom's courses and syncs, senders, sending servers, domains, "
    "the quota and the reports of campaigns, signup forms and pop-ups, with the same checks "
    "as the screens; and transactional email "
    "(`POST /transactional`), one message to one address, idempotent with an "
    "`Idempotency-Key` header.\n\n"
    "Every call needs an API token, sent as the header `Authorization: Bearer <token>`; create "
    "one under “API tokens” in your account. A token may do what its user may do on the "
    "screens: an analyst's token reads only the count of a saved segment, the quota and the "
    "figures of campaigns, signup forms and pop-ups; sending servers and quota credits are for "
    "administrators.\n\n"
    "A call that cannot be done answers with a 4xx status and a JSON body: `detail`, a "
    "sentence saying what to fix, and `errors`, the messages of each field to blame."
)

api = TranslatedAPI(
    title="Pregón API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=auth.EDITOR,
    # Swagger UI from django-ninja's own static files; no validator badge, which would
    # call swagger.io: the users' machines have no internet access.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
# In the order of the documentation page.
api.add_router("", routes_contacts.router)
api.add_router("", routes_segments.router)
api.add_router("", routes_imports.router)
api.add_router("", routes_content.router)
api.add_router("", routes_campaigns.router)
api.add_router("", routes_ab.router)
api.add_router("", routes_resend.router)
api.add_router("", routes_approval.router)
api.add_router("", routes_forms.router)
api.add_router("", routes_forms_public.router)
api.add_router("", routes_popups.router)
api.add_router("", routes_moodle.router)
api.add_router("", routes_automation.router)
api.add_router("", routes_sending.router)
api.add_router("", routes_transactional.router)
api.add_router("", routes_impact.router)
api.add_router("", routes_reports.router)
api.add_router("", routes_account.router)
api.add_router("", routes_domains.router)
api.add_router("", routes_webhooks.router)
api.add_router("", routes_tickets.router)
