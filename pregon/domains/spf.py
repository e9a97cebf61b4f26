"""SPF evaluated as a receiver evaluates it (RFC 7208), through pyspf.

pyspf follows ``include:`` and ``redirect=``, resolves a/mx/ptr/exists, counts the DNS
look-ups (at most 10) and the void look-ups (at most 2), and gives the receiver's result:
pass, fail, softfail, neutral, permerror, temperror or none. Its look-ups go through the
servers ``settings.DNS_SERVERS`` names, like every other check (``pregon.domains.dns``).
"""

import ipaddress
from dataclasses import dataclass

import spf as pyspf

from pregon.domains import dns

# The address a stranger would send from (TEST-NET-1, RFC 5737): a record that lets it pass
# lets anybody send, and its evaluation walks the whole record, so it meets every error.
STRANGER = "192.0.2.1"
MAX_LOOKUPS = pyspf.MAX_LOOKUP
MAX_VOID_LOOKUPS = pyspf.MAX_VOID_LOOKUPS


def _lookup(name: str, kind: str, strict: object = True, timeout: float = 0) -> list:
    """pyspf's DNS hook, answering from our resolver in the shape pyspf's own expects."""
    try:
        records = dns.answer(name, kind)
    except dns.LookupFailed as error:
        raise pyspf.TempError(error.reason) from error
    values = {
        "A": lambda record: record.address,
        "AAAA": lambda record: record.address,
        "MX": lambda record: (
            record.preference,
            record.exchange.to_text(omit_final_dot=True),
        ),
        "PTR": lambda record: record.target.to_text(omit_final_dot=True),
        "TXT": lambda record: record.strings,
        "SPF": lambda record: record.strings,
    }[kind]
    return [((name, kind), values(record)) for record in records]


# pyspf asks the DNS through this module-level function only (it is how it switches between
# dnspython and pydns); left alone it would use dnspython's default resolver, which reads
# /etc/resolv.conf instead of the configured servers and port.
pyspf.DNSLookup = _lookup


@dataclass(frozen=True)
class Verdict:
    """A receiver's SPF result for one address, and what the evaluation met on the way.

    ``problem`` says why a permerror is one: "lookups" (over 10 DNS look-ups), "void"
    (over 2 names that do not exist or have no record) or "syntax" (``term`` is the wrong
    term, ``detail`` pyspf's words); ``detail`` also holds a temperror's DNS failure (one of
    ``dns.REASONS``).
    """

    result: str
    lookups: int
    problem: str = ""
    term: str = ""
    detail: str = ""


def _reason(explanation: str) -> str:
    """The ``dns.REASONS`` code of a temperror, which our DNS hook put in its message."""
    reason = explanation.removeprefix("SPF Temporary Error: ").strip()
    return reason if reason in dns.REASONS else dns.FAILED


def evaluate(domain: str, address: str, record: str) -> Verdict:
    """The result a receiver gets for mail from ``address`` with a return path at
    ``domain``, whose SPF record is ``record``.

    Evaluated leniently (pyspf's non-strict mode): the result is the same as a strict
    receiver's, but the look-ups go on being counted past the limit, so the user can be
    told how many there are.
    """
    query = pyspf.query(i=address, s=f"postmaster@{domain}", h=domain, strict=False)
    result, _code, explanation = query.check(spf=record)
    lookups = query.lookups
    if result == "temperror":
        return Verdict(result, lookups, detail=_reason(explanation))
    if result != "permerror":
        return Verdict(result, lookups)
    error = query.perm_error.msg if query.perm_error else explanation
    if lookups > MAX_LOOKUPS:
        problem = "lookups"
    elif query.void_lookups > MAX_VOID_LOOKUPS:
        problem = "void"
    else:
        problem = "syntax"
    term = str(query.mech[0]) if query.mech else ""
    return Verdict(result, lookups, problem, term, error)


class _Listing(pyspf.query):
    """pyspf's listing mode (``i="list"``): the evaluation collects the networks each
    mechanism would match instead of matching one address.

    Its own collection breaks on a single address (a /32 or /128 network has no ``.ip``
    in Python 3's ipaddress), so the networks are collected here.
    """

    def cidrmatch(self, ipaddrs: list, n: int) -> bool:
        try:
            self.iplist += [ipaddress.ip_network(f"{ip}/{n}", strict=False) for ip in ipaddrs]
        except ValueError as error:
            raise pyspf.PermError(str(error)) from error
        return False


def addresses_of(domain: str, mechanism: str) -> list[str]:
    """The addresses ``mechanism`` authorises ("ip4:192.0.2.1", "a:relay.example.org",
    "include:amazonses.com"), as pyspf evaluates it: the first address of each network.

    Raises ``dns.LookupFailed`` if the DNS could not answer.
    """
    found: list[str] = []
    # IPv6 only when there is no IPv4 address: one address is enough to evaluate.
    for listing in ("list", "list6"):
        query = _Listing(i=listing, s=f"postmaster@{domain}", h=domain, strict=False)
        result, _code, explanation = query.check(spf=f"v=spf1 {mechanism} -all")
        if result == "temperror":
            raise dns.LookupFailed(_reason(explanation))
        for network in query.iplist:
            if str(network.network_address) not in found:
                found.append(str(network.network_address))
        if found:
            break
    return found
