"""The quota's settings in the API: the expiry rule and the credentials' delivery date, for
administrators, checked by the screen's form and audited as there."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending.models import QuotaDebit, QuotaSettings
from pregon.testing.api import ApiTestCase

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class QuotaSettingsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        self.token = self.token_for(self.alice)

    def test_it_gives_the_rule_and_the_term(self) -> None:
        response = self.call("GET", "/quota/settings", token=self.token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            response.json(),
            {
                "expiry": "term",
                "credentials_delivered_on": None,
                "term": {"start": "2026-11-10T05:00:00Z", "end": "2027-11-10T05:00:00Z"},
            },
        )

    def test_an_administrator_sets_them_and_the_balance_follows(self) -> None:
        QuotaDebit.objects.create(count=300, at=datetime.datetime(2026, 11, 20, tzinfo=LIMA))
        self.assertEqual(self.call("GET", "/quota").json()["balance"], 99_700)
        payload = {"expiry": "monthly", "credentials_delivered_on": "2026-11-09"}
        response = self.call("PUT", "/quota/settings", payload, token=self.token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["credentials_delivered_on"], "2026-11-09")
        self.assertEqual(self.call("GET", "/quota").json()["balance"], 50_000)
        entry = AuditEntry.objects.get(action=AuditAction.QUOTA_SETTINGS)
        self.assertEqual((entry.actor, entry.target), (self.alice, "2026-11-10"))
        self.assertEqual(entry.detail["after"], {"expiry": "monthly", "delivered_on": "2026-11-09"})
        # A later delivery date moves the term: it starts the day after.
        payload = {"expiry": "term", "credentials_delivered_on": "2026-12-01"}
        body = self.call("PUT", "/quota/settings", payload, token=self.token).json()
        self.assertEqual(
            body["term"], {"start": "2026-12-02T05:00:00Z", "end": "2027-12-02T05:00:00Z"}
        )
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.QUOTA_SETTINGS).count(), 2)

    def test_bad_settings_are_a_422_and_nothing_is_saved(self) -> None:
        for payload, fields in (
            ({"expiry": "yearly"}, ["expiry"]),
            (
                {"expiry": "term", "credentials_delivered_on": "2026-12-16"},
                ["credentials_delivered_on"],
            ),
            (
                {"expiry": "term", "credentials_delivered_on": "15/12/2026"},
                ["credentials_delivered_on"],
            ),
            ({"credentials_delivered_on": "2026-12-01"}, ["expiry"]),
        ):
            with self.subTest(payload=payload):
                response = self.call("PUT", "/quota/settings", payload, token=self.token)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), fields)
        self.assertFalse(QuotaSettings.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.QUOTA_SETTINGS).exists())

    def test_only_administrators_read_or_change_them(self) -> None:
        for user in (self.bob, self.charlie):
            with self.subTest(user=user.email):
                token = self.token_for(user)
                self.assertEqual(self.call("GET", "/quota/settings", token=token).status_code, 403)
                payload = {"expiry": "monthly"}
                response = self.call("PUT", "/quota/settings", payload, token=token)
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/api/v1/quota/settings").status_code, 401)
        self.assertFalse(QuotaSettings.objects.exists())
