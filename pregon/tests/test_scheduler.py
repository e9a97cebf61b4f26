from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class RunSchedulerTestCase(TestCase):
    def test_once_runs_a_tick_and_exits(self) -> None:
        out = StringIO()
        call_command("runscheduler", "--once", stdout=out)
        self.assertEqual(out.getvalue(), "")
