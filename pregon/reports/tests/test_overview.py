import datetime
from zoneinfo import ZoneInfo

import time_machine

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import ConsentSource, Contact, Status
from pregon.sending.models import Bounce, BounceKind, BounceSource, Mailing
from pregon.testing import BaseTestCase
from pregon.testing.reports import MORNING, reported_campaign

LIMA = ZoneInfo("America/Lima")
# A Wednesday; its week began on Monday 23 November.
NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=LIMA)


def lima(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=LIMA)


class OverviewTestCase(BaseTestCase):
    """The reported campaign (persona0…9, all created now) and, by hand: three contacts who
    joined on 24 November at 23:30 Lima (04:30 UTC on the 25th) and one on 16 November,
    two unsubscribes and one resubscribe in the audit log."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(time_machine.travel(NOW, tick=False))
        self.campaign = reported_campaign()
        Contact.objects.update(created_at=lima(1, 9))
        for n, source in enumerate([ConsentSource.FORM, ConsentSource.FORM, ConsentSource.API]):
            Contact.objects.create(
                email=f"nuevo{n}@example.pe", consent_source=source, created_at=lima(24, 23)
            )
        Contact.objects.create(
            email="antiguo@example.pe", status=Status.UNSUBSCRIBED, created_at=lima(16, 10)
        )
        for action, day in [
            (AuditAction.UNSUBSCRIBE, 24),
            (AuditAction.UNSUBSCRIBE, 17),
            (AuditAction.RESUBSCRIBE, 24),
            (AuditAction.LOGIN, 24),
        ]:
            entry = AuditEntry.objects.create(action=action, target="persona3@example.pe")
            AuditEntry.objects.filter(pk=entry.pk).update(at=lima(day, 20))
        self.client.force_login(self.charlie)

    def test_the_last_campaigns_side_by_side(self) -> None:
        response = self.client.get("/")
        compared = response.context["compared"]
        self.assertEqual([item.campaign for item in compared], [self.campaign])
        row = f'data-campaign="{self.campaign.code}"'
        self.assertContains(response, row)
        self.assertContains(response, 'data-sent="8"')
        # 4 of 6 delivered opened, 3 clicked: machines left out.
        self.assertContains(response, '<td class="text-end" data-open-rate>67 %</td>', html=True)
        self.assertContains(response, '<td class="text-end" data-click-rate>50 %</td>', html=True)
        self.assertContains(response, f'href="/informes/campanas/{self.campaign.code}/"')
        chart = response.context["comparison_chart"]
        self.assertEqual(chart["labels"], ["Curso de diciembre"])
        self.assertAlmostEqual(chart["datasets"][0]["data"][0], 4 / 6)
        self.assertAlmostEqual(chart["datasets"][1]["data"][0], 3 / 6)
        self.assertContains(response, 'id="comparison-chart"')

    def test_only_the_six_started_last_oldest_first(self) -> None:
        sender = self.campaign.sender
        for n in range(7):
            mailing = Mailing.objects.create(subject=f"Aviso {n}", html="", text="", sender=sender)
            Campaign.objects.create(
                name=f"Aviso {n}",
                subject=f"Aviso {n}",
                status=CampaignStatus.SENT,
                mailing=mailing,
                started_at=MORNING + datetime.timedelta(days=n + 1),
            )
        Campaign.objects.create(name="Borrador", subject="Borrador")
        response = self.client.get("/")
        names = [item.campaign.name for item in response.context["compared"]]
        self.assertEqual(names, [f"Aviso {n}" for n in range(1, 7)])
        self.assertEqual(response.context["comparison_chart"]["labels"], names)

    def test_growth_per_week_in_lima(self) -> None:
        growth = self.client.get("/").context["growth"]
        self.assertEqual(growth.by, "week")
        self.assertEqual(len(growth.starts), 12)
        self.assertEqual(growth.starts[-1], datetime.date(2026, 11, 23))
        self.assertEqual(growth.starts[-2], datetime.date(2026, 11, 16))
        # Created at 23:30 on Tuesday in Lima, already Wednesday in UTC: this week.
        self.assertEqual(growth.joined[-2:], [1, 3])
        self.assertEqual(growth.unsubscribed[-2:], [1, 1])
        self.assertEqual(growth.resubscribed[-2:], [0, 1])
        self.assertEqual(growth.totals, {"joined": 14, "resubscribed": 1, "unsubscribed": 2})

    def test_growth_leaves_out_signups_pending_confirmation(self) -> None:
        # Somebody (or a robot) typed an address into a form with double opt-in: nobody
        # joined until the link in the email is followed, and an unconfirmed one is deleted.
        Contact.objects.create(
            email="pendiente@example.pe", status=Status.PENDING, created_at=lima(24, 23)
        )
        growth = self.client.get("/").context["growth"]
        self.assertEqual(growth.joined[-2:], [1, 3])
        self.assertEqual(growth.totals["joined"], 14)

    def test_growth_per_day(self) -> None:
        response = self.client.get("/?por=dia")
        growth = response.context["growth"]
        self.assertEqual(growth.by, "day")
        self.assertEqual(len(growth.starts), 30)
        self.assertEqual(growth.starts[-1], datetime.date(2026, 11, 25))
        self.assertEqual(growth.joined[-2:], [3, 0])
        self.assertEqual(growth.unsubscribed[-9:-7], [1, 0])  # 17 November.
        chart = response.context["growth_chart"]
        self.assertEqual(chart["datasets"][0]["data"], growth.joined)
        self.assertEqual(chart["labels"][-1], "11/25/2026")

    def test_registered_users_and_conversions(self) -> None:
        response = self.client.get("/")
        registered = response.context["registered"]
        self.assertEqual(registered.subscribed, 13)
        self.assertEqual(
            registered.by_source,
            [("", 10), ("Subscription form", 2), ("API", 1)],
        )
        self.assertEqual(registered.conversions, [("matricula", 1)])
        self.assertContains(response, 'data-registered="13"')
        self.assertContains(response, "Not recorded")

    def test_bounces_of_the_last_30_days(self) -> None:
        Bounce.objects.create(
            kind=BounceKind.HARD,
            source=BounceSource.WEBHOOK,
            email="x@example.pe",
            at=NOW - datetime.timedelta(days=31),
        )
        Contact.objects.filter(email="persona0@example.pe").update(status=Status.BOUNCED)
        response = self.client.get("/")
        # The reported campaign's: two hard, one soft, one complaint, on 20 November.
        self.assertEqual(response.context["bounces"], {"hard": 2, "soft": 1, "complaint": 1})
        self.assertContains(response, 'data-contacts-bounced="1"')
        self.assertContains(response, 'data-bounces-hard="2"')

    def test_it_speaks_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get("/?por=dia")
        self.assertContains(response, "Suscritos")
        self.assertEqual(response.context["growth_chart"]["labels"][-1], "25/11/2026")
        self.assertContains(response, "Formulario de suscripción")

    def test_it_keeps_to_a_few_queries(self) -> None:
        # Contacts, lists (2), segments, the campaigns and their figures (1 + 4 each),
        # growth (2), registered (2), bounces (1), sending-side refusals (1, and one per
        # receiver that refused), the pop-ups (1, and 1 for their figures if there are any),
        # plus the session and user.
        with self.assertNumQueries(19):
            self.client.get("/")
