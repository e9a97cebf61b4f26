"""The scheduler's tick verifies each sending domain again a day after its last check."""

import datetime
import unittest

from django.test import TestCase, override_settings
from django.utils import timezone

from pregon.domains.models import DomainStatus, SendingDomain
from pregon.scheduler import tick
from pregon.testing.knot import have_knot, knot_server, txt


@unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
class RecheckDomainsTestCase(TestCase):
    def test_a_domain_is_checked_again_once_a_day(self) -> None:
        fresh = SendingDomain.for_address("hola@bueno.test")
        stale = SendingDomain.for_address("hola@viejo.test")
        recent = SendingDomain.for_address("hola@reciente.test")
        hours_ago = timezone.now() - datetime.timedelta(hours=2)
        SendingDomain.objects.filter(pk=stale.pk).update(
            checked_at=timezone.now() - datetime.timedelta(hours=25),
            status=DomainStatus.VERIFIED,
        )
        SendingDomain.objects.filter(pk=recent.pk).update(
            checked_at=hours_ago, status=DomainStatus.VERIFIED
        )
        zones = {
            "bueno.test": [
                (f"{key.selector}._domainkey", "TXT", txt(key.dns_value))
                for key in fresh.keys.all()
            ],
            "viejo.test": [],
            "reciente.test": [],
        }
        with knot_server(zones) as server, override_settings(DNS_SERVERS=[server]):
            tick()

        fresh.refresh_from_db()
        self.assertEqual(fresh.status, DomainStatus.PARTIAL)
        self.assertIsNotNone(fresh.checked_at)
        # Its records are gone: a daily check notices.
        stale.refresh_from_db()
        self.assertEqual(stale.status, DomainStatus.UNVERIFIED)
        recent.refresh_from_db()
        self.assertEqual((recent.status, recent.checked_at), (DomainStatus.VERIFIED, hours_ago))
