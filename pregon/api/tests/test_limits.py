"""/api/v1/limits: the sending limits (pace, frequency cap, per-domain limits) for
administrators, checked by the limits screen's form; the engine applies what it sets."""

from pregon.campaigns import scheduling
from pregon.sending.models import DomainLimit, Message, SendingLimits, SkipReason
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


class LimitsApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = self.token_for(self.alice)

    def test_it_reads_and_replaces_the_limits(self) -> None:
        DomainLimit.objects.create(domain="yahoo.com", per_minute=10)
        response = self.call("GET", "/limits", token=self.admin)
        self.assertEqual(
            response.json(), {"per_second": 0, "frequency_cap": 0, "domains": {"yahoo.com": 10}}
        )
        limits = {"per_second": 20, "frequency_cap": 3, "domains": {"Gmail.com": 600}}
        response = self.call("PUT", "/limits", limits, token=self.admin)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            response.json(), {"per_second": 20, "frequency_cap": 3, "domains": {"gmail.com": 600}}
        )
        self.assertEqual(SendingLimits.load().frequency_cap, 3)

    def test_bad_values_are_explained_and_nothing_changes(self) -> None:
        self.client.cookies["pregon_language"] = "es"
        response = self.call("PUT", "/limits", {"frequency_cap": -2}, token=self.admin)
        self.assertEqual(response.status_code, 422)
        self.assertIn("frequency_cap", response.json()["errors"])
        bad_domain = {"domains": {"gmail.com": 600, "gmail": 5}}
        response = self.call("PUT", "/limits", bad_domain, token=self.admin)
        self.assertEqual(response.status_code, 422)
        self.assertIn("Línea 2", response.json()["errors"]["domains"][0])
        self.assertEqual(SendingLimits.load().frequency_cap, 0)
        self.assertFalse(DomainLimit.objects.exists())

    def test_only_administrators(self) -> None:
        self.assertEqual(self.call("GET", "/limits").status_code, 403)
        self.assertEqual(self.call("PUT", "/limits", {"frequency_cap": 1}).status_code, 403)

    def test_the_engine_keeps_to_the_cap_it_sets(self) -> None:
        self.call("PUT", "/limits", {"frequency_cap": 1}, token=self.admin)
        mailing_list = contacts_on_a_list(2)
        mailbox = Mailbox()
        with smtp_server(mailbox):
            for _round in range(2):
                campaign_to(mailing_list)
                scheduling.start_due_campaigns()
                send_all()
        self.assertEqual(len(mailbox.received), 2)
        self.assertEqual(
            list(
                Message.objects.filter(skip_reason=SkipReason.FREQUENCY_CAP)
                .values_list("email", flat=True)
                .order_by("email")
            ),
            ["persona0000@example.pe", "persona0001@example.pe"],
        )
