"""The consumption page shows the SMS balance, its own ledger in parts."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse

from pregon.sending.models import QuotaExpiry, QuotaSettings, SmsQuotaDebit
from pregon.sending.sms import quota as sms_quota
from pregon.testing import BaseTestCase

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHS=12, QUOTA_START="2026-11-10", SMS_QUOTA_MONTHLY=2_000)
class SmsConsumptionTestCase(BaseTestCase):
    """2,000 parts a month from 10 November; on 15 December (the second month), 40 parts
    were used in the first month and 150 in this one."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        sms_quota.ensure_plan()
        SmsQuotaDebit.objects.create(count=150)
        SmsQuotaDebit.objects.create(count=40, at=datetime.datetime(2026, 11, 20, tzinfo=LIMA))
        self.client.force_login(self.charlie)

    def test_it_shows_the_sms_parts_left_and_used_this_month(self) -> None:
        response = self.client.get(reverse("reports:consumption"))
        # The tender's rule: the first month's 1,960 left carry over.
        self.assertContains(response, 'data-sms-balance="3810"')
        self.assertContains(response, 'data-sms-used="150"')
        self.assertContains(response, "2,000 SMS parts a month")

    def test_under_the_monthly_rule_the_first_month_s_parts_expired(self) -> None:
        QuotaSettings.objects.create(pk=1, expiry=QuotaExpiry.MONTHLY)
        response = self.client.get(reverse("reports:consumption"))
        self.assertContains(response, 'data-sms-balance="1850"')
        self.assertContains(response, 'data-sms-used="150"')
