from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from pregon.sending import quota
from pregon.sending.models import QuotaGrant


class RunSchedulerTestCase(TestCase):
    def test_once_runs_a_tick_and_exits(self) -> None:
        out = StringIO()
        call_command("runscheduler", "--once", stdout=out)
        self.assertEqual(out.getvalue(), "")

    def test_a_tick_sets_up_the_quota_plan(self) -> None:
        call_command("runscheduler", "--once", stdout=StringIO())
        self.assertEqual(QuotaGrant.objects.count(), 12)
        self.assertEqual(quota.balance(), 50_000)
