"""Sending domains in the API: add, list, read the records to publish, verify, rotate keys.

The screens' functions do the work (``pregon.domains.records``: ``add_domain``,
``rows``, ``verify_domain``, ``rotate_keys``) and the screens' form checks the input, so the
API proposes and checks the same records and writes the same audit entries (a new return
path goes through ``change_return_path`` too). As on the
screens, everybody may read; only administrators add, verify and rotate.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.domains import DomainDetailOut, DomainIn, DomainOut, DomainPatch
from pregon.domains import records, verification
from pregon.domains.forms import DomainForm, ReturnPathForm
from pregon.domains.models import SendingDomain
from pregon.lib.formerrors import form_errors

router = Router(tags=["domains"])
# The error answers of these endpoints, for the OpenAPI document: the usual ones
# (errors.ERRORS), plus the 409 of a key rotation already under way.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _detail(domain: SendingDomain) -> SendingDomain:
    """``domain`` with each record to publish and its last check, as its page shows them."""
    to_publish = [
        {
            "purpose": row.record.code,
            "type": row.record.kind,
            "name": row.record.name,
            "value": row.value,
            "selector": row.record.selector,
            "is_pending": row.record.is_pending,
            "state": row.result.state if row.result else "unchecked",
            "message": row.result.message if row.result else "",
        }
        for row in records.rows(domain)
    ]
    results = records.results_of(domain)
    # Read by DomainDetailOut beside the model's own fields.
    domain.records = to_publish
    domain.alignment = next((r.message for r in results if r.code == verification.ALIGNMENT), "")
    return domain


@router.get(
    "/domains",
    response=list[DomainOut],
    auth=auth.ANALYST,
    summary=gettext_lazy("List the domains"),
    description=gettext_lazy("The sending domains, by name."),
)
def domain_index(request: HttpRequest) -> QuerySet[SendingDomain]:
    return SendingDomain.objects.all()


@router.post(
    "/domains",
    response={201: DomainDetailOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Add a domain"),
    description=gettext_lazy(
        "Add a domain with new DKIM keys; the answer lists the DNS records to publish."
    ),
)
def domain_create(request: HttpRequest, payload: DomainIn) -> Status[SendingDomain]:
    form = DomainForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    domain = records.add_domain(request, form)
    return Status(201, _detail(domain))


@router.get(
    "/domains/{code}",
    response={200: DomainDetailOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a domain and its DNS records"),
    description=gettext_lazy(
        "A domain with the DNS records to publish, each with the result of the last check."
    ),
)
def domain_detail(request: HttpRequest, code: str) -> SendingDomain:
    return _detail(get_or_404(SendingDomain.objects, code=code))


@router.patch(
    "/domains/{code}",
    response={200: DomainDetailOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Update a domain"),
    description=gettext_lazy(
        "Change the subdomain bounces come back to; its records are checked at the next "
        "verification."
    ),
)
def domain_update(request: HttpRequest, code: str, payload: DomainPatch) -> SendingDomain:
    domain = get_or_404(SendingDomain.objects, code=code)
    form = ReturnPathForm(payload.dict(), instance=domain)
    if not form.is_valid():
        raise invalid(form_errors(form))
    return _detail(records.change_return_path(request, form))


@router.post(
    "/domains/{code}/verify",
    response={200: DomainDetailOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Verify a domain's DNS records"),
    description=gettext_lazy(
        "Look every record up in the DNS now, as the Verify button does, and answer "
        "with the results. A record the DNS could not be asked about has the state "
        '"error".'
    ),
)
def domain_verify(request: HttpRequest, code: str) -> SendingDomain:
    domain = get_or_404(SendingDomain.objects, code=code)
    records.verify_domain(request, domain)
    return _detail(domain)


@router.post(
    "/domains/{code}/rotate-keys",
    response={200: DomainDetailOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Rotate a domain's DKIM keys"),
    description=gettext_lazy(
        "Start a DKIM key rotation: new keys (is_pending) to publish, which start "
        "signing when verification finds them. A rotation already under way is a 409."
    ),
)
def domain_rotate(request: HttpRequest, code: str) -> SendingDomain:
    domain = get_or_404(SendingDomain.objects, code=code)
    if not records.rotate_keys(request, domain):
        raise ApiError(409, _("A key rotation is already under way: publish its records."))
    return _detail(domain)
