"""The calendar: campaigns, pop-ups and workflows on their days in Lima, across a month's
edge, with the months around it."""

import datetime
import re

import time_machine
from django.urls import reverse

from pregon.automation.models import Workflow, WorkflowStatus
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.popups.models import Popup
from pregon.testing import BaseTestCase, drafts

UTC = datetime.UTC
URL = reverse("reports:calendar")


def cell(page: str, date: str) -> str:
    """The calendar cell of ``date`` (YYYY-MM-DD) in ``page``."""
    found = re.search(rf'<td[^>]*data-date="{date}"[^>]*>(.*?)</td>', page, re.DOTALL)
    assert found, date
    return found.group(1)


@time_machine.travel(datetime.datetime(2026, 12, 10, 15, 0, tzinfo=UTC), tick=False)
class CalendarTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.charlie)

    def page(self, month: str = "") -> str:
        response = self.client.get(URL, {"mes": month} if month else {})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_campaign_sent_late_on_the_last_day_of_a_month_is_on_that_day_in_lima(self) -> None:
        # 03:30 UTC on 1 December is 22:30 on 30 November in Lima.
        campaign = drafts.draft(name="Cierre de noviembre")
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.SENT, started_at=datetime.datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
        )
        november = self.page("2026-11")
        self.assertIn("Cierre de noviembre", cell(november, "2026-11-30"))
        self.assertIn("22:30", cell(november, "2026-11-30"))
        # December's grid starts on Monday 30 November: the same cell, not 1 December's.
        december = self.page("2026-12")
        self.assertIn("Cierre de noviembre", cell(december, "2026-11-30"))
        self.assertNotIn("Cierre de noviembre", cell(december, "2026-12-01"))

    def test_scheduled_campaigns_are_on_their_day_and_drafts_nowhere(self) -> None:
        scheduled = drafts.draft(name="Curso de enero")
        Campaign.objects.filter(pk=scheduled.pk).update(
            status=CampaignStatus.SCHEDULED,
            scheduled_at=datetime.datetime(2027, 1, 5, 14, 0, tzinfo=UTC),
        )
        drafts.draft(name="Borrador sin fecha")
        page = self.page("2027-01")
        self.assertIn("Curso de enero", cell(page, "2027-01-05"))
        self.assertIn("09:00", cell(page, "2027-01-05"))
        self.assertNotIn("Borrador sin fecha", page)

    def test_a_popup_is_on_each_day_it_shows_and_a_workflow_on_its_activation(self) -> None:
        # From 30 January 08:00 to 2 February 00:00 in Lima: 30, 31 January and 1 February.
        Popup.objects.create(
            name="Matrícula abierta",
            title="Matrícula",
            is_published=True,
            starts_at=datetime.datetime(2027, 1, 30, 13, 0, tzinfo=UTC),
            ends_at=datetime.datetime(2027, 2, 2, 5, 0, tzinfo=UTC),
        )
        Popup.objects.create(name="Sin fechas", title="Siempre", is_published=True)
        Popup.objects.create(
            name="Borrador",
            title="No",
            starts_at=datetime.datetime(2027, 1, 30, 13, 0, tzinfo=UTC),
        )
        Workflow.objects.create(
            name="Bienvenida",
            status=WorkflowStatus.ACTIVE,
            activated_at=datetime.datetime(2027, 1, 31, 4, 0, tzinfo=UTC),
        )
        january = self.page("2027-01")
        for date in ("2027-01-30", "2027-01-31"):
            self.assertIn("Matrícula abierta", cell(january, date))
        self.assertNotIn("Matrícula abierta", cell(january, "2027-01-29"))
        self.assertNotIn("Sin fechas", january)
        self.assertNotIn("Borrador", january)
        # 04:00 UTC on 31 January is 23:00 on the 30th in Lima.
        self.assertIn("Bienvenida", cell(january, "2027-01-30"))
        february = self.page("2027-02")
        self.assertIn("Matrícula abierta", cell(february, "2027-02-01"))
        self.assertNotIn("Matrícula abierta", cell(february, "2027-02-02"))

    def test_it_opens_on_this_month_and_moves_to_the_next_and_previous(self) -> None:
        page = self.page()
        self.assertIn('id="calendar-month">December 2026<', page)
        self.assertIn('href="?mes=2026-11"', page)
        self.assertIn('href="?mes=2027-01"', page)
        self.assertIn('border-primary border-2" data-date="2026-12-10"', page)

    def test_a_month_that_does_not_exist_shows_this_one_and_says_so(self) -> None:
        for value in ("2026-13", "diciembre", "99999-01", "2026-0", "2026-\N{SUPERSCRIPT TWO}"):
            with self.subTest(value):
                page = self.page(value)
                self.assertIn('id="calendar-unknown"', page)
                self.assertIn("December 2026", page)

    def test_it_is_in_spanish_and_in_the_menu(self) -> None:
        self.use_spanish()
        page = self.page("2026-12")
        self.assertIn("diciembre 2026", page)
        self.assertIn(">Lunes</th>", page)
        self.assertIn(f'href="{URL}" id="nav-calendar"', page)

    def test_anonymous_users_go_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
