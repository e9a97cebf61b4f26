"""DNS look-ups for the domain checks, through the servers ``settings.DNS_SERVERS`` names.

Each look-up returns what it found, an empty list when the name or record does not exist,
or raises ``LookupFailed`` when the DNS could not answer (a timeout, a broken server): the
checks tell "missing" from "could not check", because only the first is the user's to fix.
"""

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver
import dns.reversename
from django.conf import settings

# Seconds for one whole look-up, retries included: a page waits for several of them.
LIFETIME = 4.0


# Why a look-up failed, as a code the checks word in the reader's language: the servers
# did not answer in time, could not be reached, answered with an error, or something else.
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
SERVER_ERROR = "server_error"
FAILED = "failed"
REASONS = (TIMEOUT, UNREACHABLE, SERVER_ERROR, FAILED)


class LookupFailed(Exception):
    """The DNS gave no usable answer (not "no such record"): the check could not be made.

    ``reason`` is one of ``REASONS``, never dnspython's (English) words.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason if reason in REASONS else FAILED


def _reason(error: Exception) -> str:
    """The ``REASONS`` code of a failed look-up. dnspython reports each server's failure
    inside NoNameservers: a refused connection there means no server could be reached."""
    if isinstance(error, dns.resolver.NoNameservers):
        causes = [cause for _server, _tcp, _port, cause, *_rest in error.kwargs["errors"]]
        if causes and all(isinstance(cause, OSError) for cause in causes):
            return UNREACHABLE
        if causes and all(isinstance(cause, dns.exception.Timeout) for cause in causes):
            return TIMEOUT
        return SERVER_ERROR
    if isinstance(error, dns.exception.Timeout):
        return TIMEOUT
    if isinstance(error, OSError):
        return UNREACHABLE
    return FAILED


def _nameserver(server: str) -> dns.nameserver.Do53Nameserver:
    # "192.0.2.1", "192.0.2.1:5353", "[2001:db8::1]:5353" or a bare IPv6 address.
    if server.startswith("["):
        address, _bracket, port = server[1:].partition("]")
        return dns.nameserver.Do53Nameserver(address, int(port.lstrip(":") or 53))
    if server.count(":") == 1:
        address, port = server.split(":")
        return dns.nameserver.Do53Nameserver(address, int(port))
    return dns.nameserver.Do53Nameserver(server, 53)


def resolver() -> dns.resolver.Resolver:
    """A resolver asking ``settings.DNS_SERVERS``, or the system's when that is empty."""
    if settings.DNS_SERVERS:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [_nameserver(server) for server in settings.DNS_SERVERS]
    else:
        resolver = dns.resolver.Resolver()
    resolver.lifetime = LIFETIME
    resolver.timeout = LIFETIME / 2
    return resolver


def answer(name: str, kind: str) -> list:
    """The records of type ``kind`` at ``name`` as dnspython gives them (SPF evaluation
    reads them raw), an empty list if there are none; raises ``LookupFailed``."""
    try:
        # Over TCP: an RSA DKIM key does not fit a plain UDP answer anyway, and a server
        # that is down refuses the connection at once instead of letting a page wait for
        # the timeout.
        return list(resolver().resolve(name, kind, search=False, tcp=True))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError) as error:
        raise LookupFailed(_reason(error)) from error


def txt(name: str) -> list[str]:
    """The TXT records at ``name``, each with its strings joined as RFC 7208 §3.3 says."""
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer(name, "TXT")]


def mx(name: str) -> list[str]:
    """The mail exchangers of ``name``, lowest preference first, without the final dot."""
    records = sorted(answer(name, "MX"), key=lambda record: record.preference)
    return [record.exchange.to_text(omit_final_dot=True).lower() for record in records]


def addresses(name: str) -> list[str]:
    """The IPv4 and IPv6 addresses of ``name``."""
    return [record.to_text() for kind in ("A", "AAAA") for record in answer(name, kind)]


def ptr(address: str) -> list[str]:
    """The names the reverse DNS gives for ``address``, without the final dot."""
    reverse = dns.reversename.from_address(address).to_text()
    return [record.target.to_text(omit_final_dot=True).lower() for record in answer(reverse, "PTR")]
