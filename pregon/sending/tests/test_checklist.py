"""The deliverability checklist: what Gmail, Yahoo and Microsoft require of bulk senders, each
item green or red from the real state of the account (DNS from a Knot server on loopback)."""

import re
import unittest

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.domains import records
from pregon.sending import deliverability
from pregon.sending.models import (
    Backend,
    BackendKind,
    Bounce,
    BounceKind,
    BounceSource,
    Mailing,
    Message,
    MessageStatus,
    Security,
    SenderIdentity,
)
from pregon.testing import BaseTestCase
from pregon.testing.drafts import READY_HTML, template
from pregon.testing.knot import have_knot, knot_server, txt

SITE = "https://correo.bueno.test"


def states(response: object) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'data-item="([a-z_]+)" data-state="([a-z]+)"', html))


@override_settings(SITE_URL=SITE)
class ChecklistTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.charlie)
        self.url = reverse("domains:checklist")

    def zones(self) -> dict:
        domain = SenderIdentity.objects.get().domain
        return {
            "bueno.test": [
                *[
                    (f"{key.selector}._domainkey", "TXT", txt(key.dns_value))
                    for key in domain.keys.all()
                ],
                ("rebotes", "TXT", txt("v=spf1 a:relay.bueno.test -all")),
                ("_dmarc", "TXT", txt("v=DMARC1; p=quarantine; rua=mailto:dmarc@bueno.test")),
                ("rebotes", "MX", "10 mail.bueno.test."),
                ("relay", "A", "127.0.0.2"),
            ],
            "127.in-addr.arpa": [("2.0.0", "PTR", "relay.bueno.test.")],
        }

    def sent(self, count: int) -> Mailing:
        sender = SenderIdentity.objects.get()
        mailing = Mailing.objects.create(
            subject="Hola", html="", text="", sender=sender, list_id="a <a.b>", feedback_id="x"
        )
        Message.objects.bulk_create(
            Message(mailing=mailing, email=f"p{n}@example.pe", status=MessageStatus.SENT)
            for n in range(count)
        )
        Message.objects.update(sent_at=timezone.now())
        return mailing

    def complaints(self, count: int) -> None:
        for n in range(count):
            Bounce.objects.create(
                kind=BounceKind.COMPLAINT, source=BounceSource.WEBHOOK, email=f"p{n}@example.pe"
            )

    def test_a_new_account_knows_nothing_yet(self) -> None:
        found = states(self.client.get(self.url))
        self.assertEqual(
            found,
            {
                "spf": "unknown",
                "dkim": "unknown",
                "dmarc": "unknown",
                "one_click": "unknown",
                "unsubscribe_link": "unknown",
                "ptr": "unknown",
                "tls": "unknown",
                "complaints": "unknown",
                "refusals": "unknown",
            },
        )

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_an_account_set_up_right_is_green_everywhere(self) -> None:
        SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        Backend.objects.create(name="Relay", kind=BackendKind.SMTP, host="relay.bueno.test")
        template()
        self.sent(1000)
        self.complaints(2)
        with knot_server(self.zones()) as server, override_settings(DNS_SERVERS=[server]):
            records.verify(SenderIdentity.objects.get().domain)
            response = self.client.get(self.url)

        self.assertEqual(set(states(response).values()), {"ok"})
        self.assertContains(response, "covered by its 2 DKIM signatures")
        self.assertContains(response, "Relay: relay.bueno.test")
        self.assertContains(response, "0.20 % in the last 30 days: 2 complaints for 1000 messages.")
        for slug in ("spf", "dkim", "dmarc", "envios-masivos"):
            self.assertContains(response, f'href="/ayuda/{slug}/"')

    def test_what_is_wrong_is_red_and_says_why(self) -> None:
        SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        Backend.objects.create(
            name="Far relay", kind=BackendKind.SMTP, host="192.0.2.1", security=Security.NONE
        )
        template(name="Sin baja", html=READY_HTML.replace("{{ enlace_baja }}", "https://x.pe/"))
        self.sent(100)
        self.complaints(1)
        with override_settings(SITE_URL="http://127.0.0.1:8000"):
            response = self.client.get(self.url)

        found = states(response)
        for key in ("spf", "dkim", "dmarc", "one_click", "unsubscribe_link", "tls", "complaints"):
            self.assertEqual(found[key], "fail", key)
        self.assertContains(response, "bueno.test: not verified yet.")
        self.assertContains(response, "List-Unsubscribe has no https link")
        self.assertContains(response, "These templates have no unsubscribe link: Sin baja.")
        self.assertContains(response, "Messages go unencrypted to: Far relay.")
        self.assertContains(response, "1.00 % in the last 30 days")
        # The closed DNS port of the tests: the PTR could not be checked, which is not red.
        self.assertEqual(found["ptr"], "unknown")

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_a_relay_without_reverse_dns_is_red(self) -> None:
        SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        Backend.objects.create(name="Relay", kind=BackendKind.SMTP, host="relay.bueno.test")
        zones = self.zones()
        zones["127.in-addr.arpa"] = [("2.0.0", "PTR", "otro.bueno.test.")]
        with knot_server(zones) as server, override_settings(DNS_SERVERS=[server]):
            response = self.client.get(self.url)

        self.assertEqual(states(response)["ptr"], "fail")
        self.assertContains(response, "No reverse DNS name that points back to the relay: Relay.")

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_spf_that_softfails_the_relay_is_red_and_says_what_to_publish(self) -> None:
        SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        Backend.objects.create(name="Relay", kind=BackendKind.SMTP, host="relay.bueno.test")
        zones = self.zones()
        zones["bueno.test"] = [
            *[record for record in zones["bueno.test"] if "spf1" not in record[2]],
            ("rebotes", "TXT", txt("v=spf1 ip4:203.0.113.7 ~all")),
        ]
        with knot_server(zones) as server, override_settings(DNS_SERVERS=[server]):
            records.verify(SenderIdentity.objects.get().domain)
        self.use_spanish()
        response = self.client.get(self.url)

        self.assertEqual(states(response)["spf"], "fail")
        self.assertContains(
            response,
            "bueno.test: Con el registro SPF de rebotes.bueno.test, los receptores obtienen "
            "«softfail» para a:relay.bueno.test (127.0.0.2)",
        )
        self.assertContains(response, "v=spf1 ip4:203.0.113.7 a:relay.bueno.test ~all")

    def test_a_local_relay_and_providers_are_explained(self) -> None:
        Backend.objects.create(
            name="Postfix", kind=BackendKind.SMTP, host="127.0.0.1", security=Security.NONE
        )
        Backend.objects.create(name="SES", kind=BackendKind.AMAZON_SES)
        response = self.client.get(self.url)

        found = states(response)
        self.assertEqual((found["tls"], found["ptr"]), ("ok", "unknown"))
        self.assertContains(response, "Postfix is on this server")
        self.assertEqual(
            deliverability.spf_mechanisms(), ["a:correo.bueno.test", "include:amazonses.com"]
        )

    def test_a_relay_on_this_server_without_encryption_is_not_called_encrypted(self) -> None:
        Backend.objects.create(
            name="Postfix", kind=BackendKind.SMTP, host="127.0.0.1", security=Security.NONE
        )
        response = self.client.get(self.url)

        self.assertEqual(states(response)["tls"], "unknown")
        self.assertContains(response, "Not applicable: every relay is on this server")
        self.assertNotContains(response, "Every relay elsewhere is reached over TLS")
        self.assertNotContains(response, "Every relay is reached over TLS")

    def test_a_plain_relay_elsewhere_fails_tls(self) -> None:
        Backend.objects.create(name="TLS relay", kind=BackendKind.SMTP, host="relay.bueno.test")
        Backend.objects.create(
            name="Plain relay", kind=BackendKind.SMTP, host="198.51.100.7", security=Security.NONE
        )
        response = self.client.get(self.url)

        self.assertEqual(states(response)["tls"], "fail")
        self.assertContains(response, "Messages go unencrypted to: Plain relay.")

    def test_the_spf_mechanism_of_a_relay_names_an_address_with_ip4_or_ip6(self) -> None:
        Backend.objects.create(name="Postfix", kind=BackendKind.SMTP, host="127.0.0.1")
        Backend.objects.create(name="Por IP", kind=BackendKind.SMTP, host="198.51.100.7")
        Backend.objects.create(name="Por IPv6", kind=BackendKind.SMTP, host="2001:db8::7")
        Backend.objects.create(name="Por nombre", kind=BackendKind.SMTP, host="Relay.Bueno.test")
        # `make run`: the site's host is an address, which an a: mechanism cannot name.
        with override_settings(SITE_URL="http://127.0.0.1:8000"):
            mechanisms = deliverability.spf_mechanisms()

        # In the backends' order, by name.
        self.assertEqual(
            mechanisms,
            ["ip4:198.51.100.7", "ip6:2001:db8::7", "a:relay.bueno.test", "ip4:127.0.0.1"],
        )


class ChecklistWithoutDnsTestCase(BaseTestCase):
    """Every test's DNS is a closed port (pregon/conftest.py): as if the DNS were down."""

    def test_a_relay_the_dns_does_not_answer_about_is_said_in_plain_words(self) -> None:
        Backend.objects.create(name="Relé", kind=BackendKind.SMTP, host="relay.bueno.test")
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("domains:checklist"))
        self.assertEqual(states(response)["ptr"], "unknown")
        self.assertContains(response, "Relé: the DNS did not answer about relay.bueno.test")
        self.assertNotContains(response, "nameservers")
