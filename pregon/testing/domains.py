"""The zones a sending domain's DNS checks are tried against: the relays' own records, and
every record the domain needs, as Pregón shows them."""

from pregon.domains import verification
from pregon.domains.models import SendingDomain
from pregon.testing.knot import txt

RELAYS = verification.Expectations(spf_mechanisms=["include:amazonses.com", "a:relay.example.test"])
# Where the relays send from: SPF is evaluated for their addresses, as receivers see them.
RELAY_ZONES = {
    "amazonses.com": [("@", "TXT", txt("v=spf1 ip4:54.240.0.0/18 -all"))],
    "example.test": [("relay", "A", "198.51.100.25")],
}


def right_records(domain: SendingDomain) -> list[tuple[str, str, str]]:
    """Every record ``domain`` needs, as Pregón shows them, for the zone of the domain."""
    return [
        (f"{key.selector}._domainkey", "TXT", txt(key.dns_value)) for key in domain.keys.all()
    ] + [
        ("rebotes", "TXT", txt("v=spf1 include:amazonses.com a:relay.example.test ~all")),
        ("_dmarc", "TXT", txt("v=DMARC1; p=none; rua=mailto:dmarc@bueno.test")),
        ("rebotes", "MX", "10 mail.bueno.test."),
    ]
