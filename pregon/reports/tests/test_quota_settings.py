"""The quota's settings screen: the expiry rule and the credentials' delivery date, for
administrators, audited, and followed at once by the consumption page."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending import quota
from pregon.sending.models import QuotaDebit, QuotaExpiry, QuotaGrant, QuotaSettings
from pregon.testing import BaseTestCase

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-01")
class QuotaSettingsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        quota.ensure_plan()
        QuotaDebit.objects.create(count=2_000)
        self.url = reverse("reports:quota_settings")
        self.client.force_login(self.alice)

    def test_its_address(self) -> None:
        self.assertEqual(self.url, "/informes/consumo/plazo/")

    def test_it_shows_the_rule_in_force(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"]["expiry"].value(), QuotaExpiry.TERM)
        self.assertContains(response, 'type="date"')
        self.assertContains(response, "Each month&#x27;s messages expire at the end of the month")

    def test_an_administrator_sets_the_delivery_date_and_the_rule(self) -> None:
        data = {"expiry": "monthly", "credentials_delivered_on": "2026-12-09"}
        response = self.client.post(self.url, data, follow=True)
        self.assertRedirects(response, reverse("reports:consumption"))
        self.assertContains(
            response, "Quota settings saved. The term runs from Dec. 10, 2026 to Dec. 9, 2027."
        )
        self.assertContains(response, "The credentials were delivered on Dec. 9, 2026")
        self.assertContains(response, "Unused messages expire with their month.")
        saved = QuotaSettings.objects.get()
        self.assertEqual(
            (saved.expiry, saved.credentials_delivered_on),
            (QuotaExpiry.MONTHLY, datetime.date(2026, 12, 9)),
        )
        starts = list(QuotaGrant.objects.values_list("starts_at", flat=True))
        self.assertEqual(len(starts), 12)
        self.assertEqual(starts[0], datetime.datetime(2026, 12, 10, tzinfo=LIMA))
        # The term began on 10 December: the 2,000 sent today are of its first month.
        self.assertContains(response, 'data-balance="48000"')
        entry = AuditEntry.objects.get(action=AuditAction.QUOTA_SETTINGS)
        self.assertEqual((entry.actor, entry.target), (self.alice, "2026-12-10"))
        self.assertEqual(
            (entry.detail["before"], entry.detail["after"]),
            (
                {"expiry": "term", "delivered_on": None},
                {"expiry": "monthly", "delivered_on": "2026-12-09"},
            ),
        )

    def test_credentials_delivered_today_open_the_term_tomorrow(self) -> None:
        data = {"expiry": "term", "credentials_delivered_on": "2026-12-15"}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, 'id="term-not-begun"')
        self.assertContains(response, "The term starts on Dec. 16, 2026, the day after")
        self.assertContains(response, 'data-balance="0"')
        with time_machine.travel(datetime.datetime(2026, 12, 16, tzinfo=LIMA), tick=False):
            self.client.force_login(self.alice)
            response = self.client.get(reverse("reports:consumption"))
        self.assertContains(response, 'data-balance="50000"')
        self.assertNotContains(response, 'id="term-not-begun"')

    def test_bad_settings_are_refused_in_spanish_and_nothing_is_saved(self) -> None:
        self.use_spanish()
        for data, field, message in (
            (
                {"expiry": "term", "credentials_delivered_on": "2026-12-16"},
                "credentials_delivered_on",
                "Las credenciales no pueden haberse entregado en el futuro.",
            ),
            (
                {"expiry": "term", "credentials_delivered_on": "ayer"},
                "credentials_delivered_on",
                "Ingrese una fecha válida.",
            ),
            ({"expiry": "yearly"}, "expiry", "Escoja una opción válida."),
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field][0])
        self.assertFalse(QuotaSettings.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.QUOTA_SETTINGS).exists())

    def test_only_administrators_may_change_them(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            data = {"expiry": "monthly", "credentials_delivered_on": ""}
            self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.assertFalse(QuotaSettings.objects.exists())
        self.client.logout()
        self.assertIn("/cuenta/", self.client.get(self.url)["Location"])
