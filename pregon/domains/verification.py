"""The DNS records a sending domain needs, and a live check of each one.

``records`` says what to publish: a DKIM TXT per key, DMARC, and for the return-path domain
(a subdomain such as rebotes.<the From domain>, never the From domain itself, whose MX must
keep bringing the agency's own mail to its own servers) an SPF with the relays in it and an
MX that brings bounces to Pregón. ``verify`` looks each one up
(``pregon.domains.dns``) and returns results stored as data (code, state, params) and worded
when read, like the templates' pre-flight checks, so each person reads them in their own
language.

Alignment (DMARC, RFC 7489 §3.1): a message passes DMARC when DKIM or SPF passes *for a
domain aligned with From*. Our DKIM signatures always say d=<the From domain>, so once DKIM
verifies, DMARC passes whatever SPF says; SPF authenticates the return path, which is aligned
only when it is the From domain or a subdomain of it (relaxed mode).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from pregon.domains import dns, spf

if TYPE_CHECKING:
    from pregon.domains.models import SendingDomain

OK = "ok"
MISSING = "missing"
WRONG = "wrong"
ERROR = "error"

DKIM = "dkim"
SPF = "spf"
DMARC = "dmarc"
RETURN_PATH = "return_path"
ALIGNMENT = "alignment"
# The records that make a domain verified; alignment follows from them.
REQUIRED = (DKIM, SPF, DMARC, RETURN_PATH)


@dataclass(frozen=True)
class Expectations:
    """What the rest of the installation means for a domain's records.

    ``spf_mechanisms`` authorise the relays in use ("include:amazonses.com", "a:relay.host",
    "ip4:192.0.2.1"); ``return_path_domain`` is the envelope sender's domain for every
    domain (the installation's override), empty for each domain's own ``return_path``;
    ``bounce_host`` is where its MX must point (empty: any MX).
    """

    spf_mechanisms: list[str] = field(default_factory=list)
    return_path_domain: str = ""
    bounce_host: str = ""


@dataclass(frozen=True)
class Record:
    """One DNS record to publish."""

    code: str
    kind: str
    name: str
    value: str
    selector: str = ""
    is_pending: bool = False


@dataclass(frozen=True)
class Result:
    """The check of one record: its state and what was found, worded when read."""

    code: str
    state: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[(self.code, self.params.get("problem", self.state))](self.params)

    @property
    def is_ok(self) -> bool:
        return self.state == OK

    def stored(self) -> dict[str, Any]:
        return {"code": self.code, "state": self.state, "params": self.params}


def return_path_domain(domain: "SendingDomain", expectations: Expectations) -> str:
    """The envelope sender's domain of messages from ``domain``: the installation's
    override, else the domain's own return path (a subdomain, "rebotes.<domain>")."""
    return expectations.return_path_domain or domain.return_path or domain.name


def bounce_host(domain: "SendingDomain", expectations: Expectations) -> str:
    """Where the return path's MX must point; "" (any MX) when the return path is the From
    domain itself, whose own mail server will do."""
    if return_path_domain(domain, expectations) == domain.name:
        return ""
    return expectations.bounce_host.lower()


def is_aligned(return_path: str, from_domain: str) -> bool:
    """Relaxed alignment, approximated: the same domain, or one a subdomain of the other.

    (RFC 7489 compares organisational domains, which needs the public suffix list; a return
    path under the From domain, the usual set-up, is aligned either way.)
    """
    return (
        return_path == from_domain
        or return_path.endswith("." + from_domain)
        or from_domain.endswith("." + return_path)
    )


def spf_value(mechanisms: list[str], found: str = "") -> str:
    """The SPF record to publish: ``found`` with the missing mechanisms added before its
    ``all``, or a new record ending in ``~all`` (soft fail, as the providers advise)."""
    terms = found.split()[1:] if found else []
    qualifiers = [term for term in terms if term.lstrip("+-~?").lower() == "all"]
    ending = qualifiers[-1] if qualifiers and qualifiers[-1] in ("-all", "~all") else "~all"
    kept = [term for term in terms if term not in qualifiers]
    added = [mechanism for mechanism in mechanisms if mechanism not in kept]
    return " ".join(["v=spf1", *kept, *added, ending])


def dmarc_value(report_address: str, policy: str = "none") -> str:
    return f"v=DMARC1; p={policy}; rua=mailto:{report_address}"


def records(domain: "SendingDomain", expectations: Expectations) -> list[Record]:
    """Every record to publish for ``domain``: DKIM keys (active and a rotation's new ones),
    DMARC, and the return path's SPF and MX. Nothing at the From domain itself but DMARC's
    _dmarc name: its SPF and MX stay those of the agency's own mail."""
    found = [
        Record(
            DKIM,
            "TXT",
            f"{key.selector}._domainkey.{domain.name}",
            key.dns_value,
            key.selector,
            is_pending=not key.is_active,
        )
        for key in domain.keys.filter(retired_at=None).order_by("-is_active", "algorithm")
    ]
    return_path = return_path_domain(domain, expectations)
    found.append(Record(SPF, "TXT", return_path, spf_value(expectations.spf_mechanisms)))
    found.append(
        Record(DMARC, "TXT", f"_dmarc.{domain.name}", dmarc_value(domain.dmarc_reports_to))
    )
    # Bounces come back to the return path: its MX brings them to the bounce host. Without
    # one configured, the value names what to write instead of guessing a server.
    host = bounce_host(domain, expectations)
    found.append(Record(RETURN_PATH, "MX", return_path, f"10 {host}." if host else ""))
    return found


def tag_list(value: str) -> dict[str, str]:
    """A DKIM or DMARC tag list ("v=DKIM1; k=rsa; p=…") as a dict, names in lower case and
    values without white space."""
    tags = {}
    for part in value.split(";"):
        name, equals, tag_value = part.partition("=")
        if equals:
            tags[name.strip().lower()] = "".join(tag_value.split())
    return tags


def _looked_up(code: str, params: dict[str, Any], look_up: Callable[[], Any]) -> Any:
    """What ``look_up`` returns, or an ERROR result if the DNS could not answer."""
    try:
        return look_up()
    except dns.LookupFailed as error:
        return Result(code, ERROR, {**params, "error": error.reason})


def check_dkim(domain: "SendingDomain", record: Record) -> Result:
    params = {"name": record.name, "selector": record.selector, "expected": record.value}
    params["is_pending"] = record.is_pending
    found = _looked_up(DKIM, params, lambda: dns.txt(record.name))
    if isinstance(found, Result):
        return found
    keys = [value for value in found if tag_list(value).get("v", "DKIM1") == "DKIM1"]
    if not keys:
        return Result(DKIM, MISSING, params)
    if len(keys) > 1:
        return Result(DKIM, WRONG, {**params, "problem": "several", "found": keys})
    published = tag_list(keys[0]).get("p", "")
    if published == tag_list(record.value)["p"]:
        return Result(DKIM, OK, params)
    problem = "revoked" if not published else "other_key"
    return Result(DKIM, WRONG, {**params, "problem": problem, "found": keys})


SPF_ERRORS = ("temperror", "permerror")
# The results that do not let a relay's mail pass SPF, worst first ("unknown": the relay's
# address could not be found, so there was nothing to evaluate).
SPF_FAILURES = ("fail", "softfail", "neutral", "unknown")


def check_spf(domain: "SendingDomain", expectations: Expectations) -> Result:
    """The return path's SPF record, found and evaluated as receivers do (``_spf_verdict``)."""
    name = return_path_domain(domain, expectations)
    params = {"name": name, "expected": spf_value(expectations.spf_mechanisms)}
    found = _looked_up(SPF, params, lambda: dns.txt(name))
    if isinstance(found, Result):
        return found
    records = [value for value in found if value.lower().split()[:1] == ["v=spf1"]]
    if not records:
        return Result(SPF, MISSING, params)
    if len(records) > 1:
        # RFC 7208 §4.5: two SPF records are a permanent error; receivers ignore both.
        return Result(SPF, WRONG, {**params, "problem": "several", "found": records})
    params = {
        **params,
        "found": records,
        "expected": spf_value(expectations.spf_mechanisms, records[0]),
    }
    return _spf_verdict(name, records[0], expectations, params)


def _spf_verdict(
    name: str, record: str, expectations: Expectations, params: dict[str, Any]
) -> Result:
    """OK when every relay's address gets "pass" from ``record``. Otherwise: an error that
    fails every message (permerror) or stops the check (temperror); "open" when a
    stranger's address passes too (or gets neutral, as with ?all); else the worst result
    a relay gets, with the relays that get it.
    """
    stranger = spf.evaluate(name, spf.STRANGER, record)
    params["lookups"] = stranger.lookups
    if stranger.result in SPF_ERRORS:
        return _spf_error(stranger, params)
    if stranger.result in ("pass", "neutral"):
        return Result(SPF, WRONG, {**params, "problem": "open"})
    evaluated = _looked_up(SPF, params, lambda: _spf_sources(name, record, expectations))
    if isinstance(evaluated, Result):
        return evaluated
    errors = [verdict for *_source, verdict in evaluated if verdict.result in SPF_ERRORS]
    if errors:
        return _spf_error(errors[0], params)
    params["sources"] = [
        {"mechanism": mechanism, "address": address, "result": verdict.result}
        for mechanism, address, verdict in evaluated
    ]
    for result in SPF_FAILURES:
        failing = [source for source in params["sources"] if source["result"] == result]
        if failing:
            return Result(SPF, WRONG, {**params, "problem": result, "failing": failing})
    return Result(SPF, OK, params)


def _spf_sources(name: str, record: str, expectations: Expectations) -> list[tuple]:
    """Each relay as (mechanism, the address a receiver would see it send from, the verdict
    ``record`` gives that address)."""
    sources = []
    for mechanism in expectations.spf_mechanisms:
        addresses = spf.addresses_of(name, mechanism)
        if addresses:
            sources.append((mechanism, addresses[0], spf.evaluate(name, addresses[0], record)))
        else:
            sources.append((mechanism, "", spf.Verdict("unknown", 0)))
    return sources


def _spf_error(verdict: spf.Verdict, params: dict[str, Any]) -> Result:
    """The result of a record that receivers cannot evaluate: a DNS failure (temperror),
    or a permanent error in the record itself."""
    if verdict.result == "temperror":
        return Result(SPF, ERROR, {**params, "error": verdict.detail})
    problem = {"lookups": "too_many_lookups", "void": "void_lookups"}.get(
        verdict.problem, "invalid"
    )
    # pyspf's own words are English: without the wrong term, the record itself is shown.
    details = {"lookups": verdict.lookups, "term": verdict.term or params["found"][0]}
    return Result(SPF, WRONG, {**params, **details, "problem": problem})


def check_dmarc(domain: "SendingDomain") -> Result:
    name = f"_dmarc.{domain.name}"
    params = {"name": name, "expected": dmarc_value(domain.dmarc_reports_to)}
    found = _looked_up(DMARC, params, lambda: dns.txt(name))
    if isinstance(found, Result):
        return found
    dmarc = [value for value in found if value.replace(" ", "").upper().startswith("V=DMARC1")]
    if not dmarc:
        return Result(DMARC, MISSING, params)
    if len(dmarc) > 1:
        return Result(DMARC, WRONG, {**params, "problem": "several", "found": dmarc})
    tags = tag_list(dmarc[0])
    policy = tags.get("p", "").lower()
    params = {**params, "found": dmarc, "policy": policy, "rua": tags.get("rua", "")}
    if policy not in ("none", "quarantine", "reject"):
        return Result(DMARC, WRONG, {**params, "problem": "policy"})
    return Result(DMARC, OK, params)


def check_return_path(domain: "SendingDomain", expectations: Expectations) -> Result:
    name = return_path_domain(domain, expectations)
    host = bounce_host(domain, expectations)
    params = {"name": name, "host": host}
    found = _looked_up(RETURN_PATH, params, lambda: dns.mx(name))
    if isinstance(found, Result):
        return found
    if not host:
        # No bounce host configured: the From domain's own mail server is proposed, where
        # a mailbox for the return path can be set up for Pregón to read.
        own = _looked_up(RETURN_PATH, params, lambda: dns.mx(domain.name))
        if isinstance(own, Result):
            return own
        params["suggested"] = own[0] if own else ""
    if not found:
        return Result(RETURN_PATH, MISSING, params)
    if host and host not in found:
        return Result(RETURN_PATH, WRONG, {**params, "problem": "other_host", "found": found})
    return Result(RETURN_PATH, OK, {**params, "found": found})


def alignment(domain: "SendingDomain", expectations: Expectations, dkim_ok: bool) -> Result:
    """DMARC alignment of From, DKIM d= and the return path, explained."""
    return_path = return_path_domain(domain, expectations)
    params = {
        "from_domain": domain.name,
        "return_path": return_path,
        "spf_aligned": is_aligned(return_path, domain.name),
    }
    return Result(ALIGNMENT, OK if dkim_ok else WRONG, params)


def verify(domain: "SendingDomain", expectations: Expectations) -> list[Result]:
    """Look up every record of ``domain`` now; one result per record, then the alignment."""
    results = [
        check_dkim(domain, record)
        for record in records(domain, expectations)
        if record.code == DKIM
    ]
    active = [result for result in results if not result.params["is_pending"]]
    results.append(check_spf(domain, expectations))
    results.append(check_dmarc(domain))
    results.append(check_return_path(domain, expectations))
    dkim_ok = bool(active) and all(result.is_ok for result in active)
    results.append(alignment(domain, expectations, dkim_ok))
    return results


def status_of(stored: list[dict[str, Any]]) -> str:
    """ "verified" when every required record is right, "partial" when some are, else
    "unverified" (the values of ``pregon.domains.models.DomainStatus``)."""
    required = [
        result
        for result in stored
        if result["code"] in REQUIRED and not result["params"].get("is_pending")
    ]
    right = [result for result in required if result["state"] == OK]
    if required and len(right) == len(required):
        return "verified"
    return "partial" if right else "unverified"


def _dns_error(p: dict[str, Any]) -> str:
    """Why the DNS could not be asked about ``p["name"]``, in the reader's language.

    Results stored before the reasons were codes hold dnspython's English words: those read
    as the general reason.
    """
    reasons = {
        dns.TIMEOUT: _("its DNS servers did not answer in time"),
        dns.UNREACHABLE: _("no DNS server could be reached"),
        dns.SERVER_ERROR: _(
            "its DNS servers answered with an error, which usually means the domain's DNS is "
            "not set up right"
        ),
    }
    reason = reasons.get(p.get("error", ""), _("the DNS gave no usable answer"))
    message = _("The DNS could not be asked about %(name)s: %(error)s. Try again later.")
    return message % {**p, "error": reason}


def _relays(sources: list[dict[str, str]]) -> str:
    return ", ".join(f"{source['mechanism']} ({source['address']})" for source in sources)


def _spf_passes(p: dict[str, Any]) -> str:
    passes = _("SPF at %(name)s authorises the relays in use.") % p
    if "lookups" not in p:  # Stored before SPF was evaluated.
        return passes
    if not p["sources"]:
        passes = _("The SPF record of %(name)s is valid; no relay is in use yet to check.") % p
    return f"{passes} " + _("It makes %(lookups)d of the 10 DNS lookups allowed.") % p


MESSAGES: dict[tuple[str, str], Callable[[dict[str, Any]], str]] = {
    (DKIM, OK): lambda p: _("The DKIM key %(selector)s is published.") % p,
    (DKIM, MISSING): lambda p: (
        _("No DKIM key at %(name)s. Publish the TXT record shown for the selector %(selector)s.")
        % p
    ),
    (DKIM, "several"): lambda p: (
        _("%(name)s has several DKIM records; leave only the one shown here.") % p
    ),
    (DKIM, "revoked"): lambda p: (
        _("The key at %(name)s is empty (revoked). Publish the value shown here instead.") % p
    ),
    (DKIM, "other_key"): lambda p: (
        _("%(name)s holds a different key. Replace its value with the one shown here.") % p
    ),
    (DKIM, ERROR): lambda p: _dns_error(p),
    (SPF, OK): lambda p: _spf_passes(p),
    (SPF, MISSING): lambda p: _("No SPF record at %(name)s. Publish: %(expected)s") % p,
    (SPF, "several"): lambda p: (
        _(
            "%(name)s has more than one SPF record, so receivers ignore them all. Merge them into "
            "one: %(expected)s"
        )
        % p
    ),
    (SPF, "open"): lambda p: (
        _(
            "The SPF record of %(name)s lets any server send as you. End it with ~all or -all: "
            "%(expected)s"
        )
        % p
    ),
    # Results stored before SPF was evaluated, until the daily re-check replaces them.
    (SPF, "lacking"): lambda p: (
        _("The SPF record of %(name)s does not include %(lacking)s. Change it to: %(expected)s")
        % {**p, "lacking": ", ".join(p["lacking"])}
    ),
    (SPF, "too_many_lookups"): lambda p: (
        _(
            "The SPF record of %(name)s makes %(lookups)d DNS lookups; the maximum is 10, so "
            "receivers take it as an error (permerror) and no message passes SPF. Reduce its "
            "include: terms (and a, mx), for instance removing services no longer in use."
        )
        % p
    ),
    (SPF, "void_lookups"): lambda p: (
        _(
            "The SPF record of %(name)s names more than 2 domains that do not exist or have no "
            "record, so receivers take it as an error (permerror) and no message passes SPF. "
            "Remove the include:, a or mx terms that point nowhere."
        )
        % p
    ),
    (SPF, "invalid"): lambda p: (
        _(
            "The SPF record of %(name)s has an error, so receivers take it as an error "
            "(permerror) and no message passes SPF: %(term)s. Correct or remove that term."
        )
        % p
    ),
    (SPF, "fail"): lambda p: (
        _(
            "With the SPF record of %(name)s, receivers get “fail” for %(relays)s and may "
            "reject the messages it sends. Change it to: %(expected)s"
        )
        % {**p, "relays": _relays(p["failing"])}
    ),
    (SPF, "softfail"): lambda p: (
        _(
            "With the SPF record of %(name)s, receivers get “softfail” for %(relays)s and may "
            "file the messages it sends as spam. Change it to: %(expected)s"
        )
        % {**p, "relays": _relays(p["failing"])}
    ),
    (SPF, "neutral"): lambda p: (
        _(
            "With the SPF record of %(name)s, receivers get “neutral” (neither yes nor no) for "
            "%(relays)s, which does not count as passing. Change it to: %(expected)s"
        )
        % {**p, "relays": _relays(p["failing"])}
    ),
    (SPF, "unknown"): lambda p: (
        _(
            "The DNS gives no address for %(relays)s, so SPF cannot be checked for it. Check the "
            "relay's host name in the delivery settings."
        )
        % {**p, "relays": ", ".join(source["mechanism"] for source in p["failing"])}
    ),
    (SPF, ERROR): lambda p: _dns_error(p),
    (DMARC, OK): lambda p: _("DMARC is published with the policy p=%(policy)s.") % p,
    (DMARC, MISSING): lambda p: _("No DMARC record at %(name)s. Publish: %(expected)s") % p,
    (DMARC, "several"): lambda p: (
        _("%(name)s has several DMARC records, so receivers ignore them. Leave one: %(expected)s")
        % p
    ),
    (DMARC, "policy"): lambda p: (
        _(
            "The DMARC record at %(name)s has no valid policy (p=none, quarantine or reject). "
            "Publish: %(expected)s"
        )
        % p
    ),
    (DMARC, ERROR): lambda p: _dns_error(p),
    (RETURN_PATH, OK): lambda p: (
        _("Bounces to %(name)s reach %(found)s.") % {**p, "found": ", ".join(p["found"])}
    ),
    (RETURN_PATH, MISSING): lambda p: (
        _("%(name)s has no MX record, so bounces sent to the return path cannot arrive.") % p
    ),
    (RETURN_PATH, "other_host"): lambda p: (
        _("The MX of %(name)s is %(found)s; for bounces to reach Pregón it must be %(host)s.")
        % {**p, "found": ", ".join(p["found"])}
    ),
    (RETURN_PATH, ERROR): lambda p: _dns_error(p),
    (ALIGNMENT, OK): lambda p: (
        (
            _(
                "Aligned: messages from %(from_domain)s are DKIM-signed with d=%(from_domain)s, "
                "and the return path %(return_path)s is aligned too, so both DKIM and SPF count "
                "for DMARC."
            )
            if p["spf_aligned"]
            else _(
                "Aligned through DKIM: messages from %(from_domain)s are signed with "
                "d=%(from_domain)s, which is enough for DMARC. The return path %(return_path)s is "
                "another domain, so SPF does not count for DMARC."
            )
        )
        % p
    ),
    (ALIGNMENT, WRONG): lambda p: (
        _(
            "Not aligned yet: DMARC needs the DKIM signature (d=%(from_domain)s) to verify, and "
            "it cannot until the DKIM keys are published."
        )
        % p
    ),
}
