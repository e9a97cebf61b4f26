"""A sending domain's DNS records as the screens, the API and the scheduler handle them.

What to publish (``records``, ``rows``), checking it now and storing the outcome (``verify``,
``recheck_domains``), and the changes a person makes, each in the audit log (``add_domain``,
``change_return_path``, ``verify_domain``, ``rotate_keys``).

The SPF a domain needs names the delivery backends in use, which belong to the sending app,
and this app sits below it (DESIGN.md): sending gives the function that lists their SPF
mechanisms once, at start-up (``register_spf_mechanisms`` in ``SendingConfig.ready``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.domains import verification
from pregon.domains.forms import DomainForm, ReturnPathForm
from pregon.domains.models import SendingDomain

RECHECK_EVERY = datetime.timedelta(days=1)

# No backend is known until the sending app registers its function.
_spf_mechanisms: Callable[[], list[str]] = list


def register_spf_mechanisms(function: Callable[[], list[str]]) -> None:
    """Take the SPF mechanisms that authorise the delivery backends in use from
    ``function`` (the sending app's, which this app may not import)."""
    global _spf_mechanisms
    _spf_mechanisms = function


def spf_mechanisms() -> list[str]:
    """The SPF mechanisms that authorise the delivery backends in use, in order, once each."""
    return _spf_mechanisms()


def expectations() -> verification.Expectations:
    return verification.Expectations(
        spf_mechanisms=spf_mechanisms(),
        return_path_domain=settings.RETURN_PATH_DOMAIN.lower(),
        bounce_host=settings.BOUNCE_HOST.lower().rstrip("."),
    )


def records(domain: SendingDomain) -> list[verification.Record]:
    """The DNS records to publish for ``domain`` with the relays in use now."""
    return verification.records(domain, expectations())


def verify(domain: SendingDomain) -> list[verification.Result]:
    """Look up ``domain``'s records now, store the outcome on it and return the results."""
    results = verification.verify(domain, expectations())
    domain.apply_results([result.stored() for result in results])
    return results


def results_of(domain: SendingDomain) -> list[verification.Result]:
    """The last stored verification of ``domain``, worded in the current language."""
    return [verification.Result(**stored) for stored in domain.results]


@dataclass(frozen=True)
class Row:
    """A record to publish, the value to copy, and the result of its last check if any."""

    record: verification.Record
    value: str
    result: verification.Result | None


def rows(domain: SendingDomain) -> list[Row]:
    """Each record of ``domain`` to publish beside its last check, as the domain's page and
    the API show them. The SPF value keeps what the published record already authorises;
    the return path's MX, without a bounce host configured, proposes the From domain's own
    mail server once a verification found it."""
    results = results_of(domain)
    by_selector = {r.params["selector"]: r for r in results if r.code == verification.DKIM}
    by_code = {r.code: r for r in results if r.code != verification.DKIM}
    found = []
    for record in records(domain):
        result = by_selector.get(record.selector) if record.selector else by_code.get(record.code)
        value = record.value
        params = result.params if result is not None else {}
        if record.code == verification.SPF and len(params.get("found", [])) == 1:
            value = verification.spf_value(spf_mechanisms(), params["found"][0])
        if record.code == verification.RETURN_PATH and not value and params.get("suggested"):
            value = f"10 {params['suggested']}."
        found.append(Row(record, value, result))
    return found


def add_domain(request: HttpRequest, form: DomainForm) -> SendingDomain:
    """Save the valid ``form`` as a new domain with its DKIM keys, in the audit log."""
    with transaction.atomic():
        domain = form.save()
        domain.add_keys()
        audit.record(request, AuditAction.DOMAIN_CHANGED, domain.name, change="added")
    return domain


def change_return_path(request: HttpRequest, form: ReturnPathForm) -> SendingDomain:
    """Save the valid ``form``'s new return path, in the audit log. Its records are checked
    at the next verification."""
    domain = form.save()
    audit.record(
        request,
        AuditAction.DOMAIN_CHANGED,
        domain.name,
        change="return path",
        return_path=domain.return_path,
    )
    return domain


def verify_domain(request: HttpRequest, domain: SendingDomain) -> list[verification.Result]:
    """``verify`` asked for by a person (screen or API), in the audit log."""
    results = verify(domain)
    audit.record(
        request, AuditAction.DOMAIN_CHANGED, domain.name, change="verified", status=domain.status
    )
    return results


def rotate_keys(request: HttpRequest, domain: SendingDomain) -> bool:
    """Start a key rotation of ``domain`` (``SendingDomain.rotate_keys``), in the audit log;
    False if one is under way."""
    if not domain.rotate_keys():
        return False
    audit.record(request, AuditAction.DOMAIN_CHANGED, domain.name, change="keys rotated")
    return True


def recheck_domains() -> int:
    """Verify again every domain last checked a day ago or more (the scheduler's tick)."""
    due = SendingDomain.objects.filter(
        Q(checked_at=None) | Q(checked_at__lte=timezone.now() - RECHECK_EVERY)
    )
    count = 0
    for domain in due:
        verify(domain)
        count += 1
    return count
