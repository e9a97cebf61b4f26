"""The segment rule "received an email in the last N days" (segment_rules.py), and its
negation, on what the engine sent: through the builder's live count, the API and the
editor's catalogue."""

import datetime
import json

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Subscription
from pregon.contacts.segments import catalogue
from pregon.sending import last_sent
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


def received(operator: str, days: object) -> dict:
    return {"match": "all", "rules": [{"field": "received", "operator": operator, "value": days}]}


class ReceivedRuleTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # persona0000 got an email 40 days ago, persona0001 two days ago, persona0002 never
        # (the relay refused it).
        mailing_list = contacts_on_a_list(3)
        refusing = Mailbox(
            answer=lambda recipient, attempt: (
                "550 5.1.1 No such user" if recipient.startswith("persona0002") else None
            )
        )
        with smtp_server(refusing):
            Subscription.objects.filter(contact__email="persona0001@example.pe").delete()
            with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
                campaign_to(mailing_list)
                scheduling.start_due_campaigns()
                send_all()
            Subscription.objects.filter(contact__email="persona0000@example.pe").delete()
            Subscription.objects.create(
                contact=Contact.objects.get(email="persona0001@example.pe"),
                mailing_list=mailing_list,
            )
            with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
                campaign_to(mailing_list)
                scheduling.start_due_campaigns()
                send_all()
        # What the scheduler's tick does: contacts' last email, from the messages sent.
        last_sent.roll_up()

    def live_count(self, rules: dict) -> dict:
        client = Client()
        client.force_login(self.bob)
        response = client.post(reverse("contacts:segment_count"), {"rules": json.dumps(rules)})
        return response.json()

    def test_the_live_count(self) -> None:
        self.assertEqual(self.live_count(received("in_last_days", 7))["count"], 1)
        self.assertEqual(self.live_count(received("in_last_days", "60"))["count"], 2)
        self.assertEqual(self.live_count(received("in_last_days", 1))["count"], 0)

    def test_the_negation_counts_those_never_sent_one(self) -> None:
        self.assertEqual(self.live_count(received("not_in_last_days", 7))["count"], 2)
        self.assertEqual(self.live_count(received("not_in_last_days", 60))["count"], 1)

    def test_through_the_api(self) -> None:
        response = self.call("POST", "/segments/count", {"rules": received("in_last_days", 30)})
        self.assertEqual(response.json(), {"count": 1})
        response = self.call("POST", "/segments/count", {"rules": received("in_last_days", 0)})
        self.assertEqual(response.status_code, 422)
        self.assertIn("whole number of days", response.json()["errors"]["rules"][0])

    def test_a_wrong_number_of_days_is_explained(self) -> None:
        with translation.override("es"):
            answer = self.live_count(received("in_last_days", "muchos"))
        self.assertIn("número entero de días", answer["error"])

    def test_the_editor_offers_it_in_a_group_of_its_own(self) -> None:
        with translation.override("es"):
            groups = catalogue()["groups"]
        fields = {
            field["name"]: (group["label"], field) for group in groups for field in group["fields"]
        }
        group, field = fields["received"]
        self.assertEqual(group, "Correos recibidos")
        self.assertEqual(field["label"], "Recibió un correo")
        self.assertEqual(
            [operator["name"] for operator in field["operators"]],
            ["in_last_days", "not_in_last_days"],
        )
