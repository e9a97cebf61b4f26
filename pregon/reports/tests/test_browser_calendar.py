"""The calendar in real Chromium: this month's campaigns, pop-ups and workflows, and the way
to the next month and back.

Saves the screenshot the manual shows (docs/screenshots/calendar.png).
"""

import datetime

import pytest
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.automation.models import Workflow, WorkflowStatus
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.popups.models import Popup
from pregon.testing import drafts
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)

EDITOR = "editora@example.pe"


def on_day(day: int, hour: int) -> datetime.datetime:
    """``hour`` o'clock in Lima on ``day`` of this month."""
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime(today.year, today.month, day, hour))


@pytest.mark.browser
class CalendarBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        sent = [
            ("Boletín de noviembre", 3, 9),
            ("Curso de contrataciones", 8, 10),
            ("Recordatorio: inicio del curso", 14, 18),
        ]
        for name, day, hour in sent:
            campaign = drafts.draft(name=name)
            Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.SENT, started_at=on_day(day, hour)
            )
        for name, day, hour in [("Últimas vacantes", 22, 9), ("Certificados disponibles", 27, 11)]:
            campaign = drafts.draft(name=name)
            Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.SCHEDULED, scheduled_at=on_day(day, hour)
            )
        Popup.objects.create(
            name="Matrícula abierta",
            title="Matrícula",
            is_published=True,
            starts_at=on_day(15, 0),
            ends_at=on_day(19, 0),
        )
        Workflow.objects.create(
            name="Bienvenida a nuevos suscriptores",
            status=WorkflowStatus.ACTIVE,
            activated_at=on_day(2, 11),
        )

    def test_a_month_and_the_next(self) -> None:
        base = self.live_server_url
        this_month = timezone.localdate().replace(day=1)
        with self.signed_in(EDITOR, width=1366) as (page, problems):
            page.click("text=Campañas")
            page.click("#nav-calendar")
            page.wait_for_url(f"{base}/informes/calendario/")
            cell = page.locator(f'td[data-date="{this_month:%Y-%m}-08"]')
            self.assertIn("Curso de contrataciones", cell.inner_text())
            self.assertIn("10:00", cell.inner_text())
            for day in (15, 16, 17, 18):
                popup = page.locator(
                    f'td[data-date="{this_month:%Y-%m}-{day:02d}"] [data-kind=popup]'
                )
                self.assertEqual(popup.count(), 1, day)
            self.assertEqual(
                page.locator(f'td[data-date="{this_month:%Y-%m}-19"] [data-kind=popup]').count(), 0
            )
            self.assertEqual(page.locator("[data-kind=workflow]").count(), 1)
            screenshot(page, "calendar")
            page.click("#calendar-next")
            following = (this_month + datetime.timedelta(days=31)).replace(day=1)
            page.wait_for_url(f"{base}/informes/calendario/?mes={following:%Y-%m}")
            self.assertNotIn("Curso de contrataciones", page.locator("#calendar").inner_text())
            page.click("#calendar-previous")
            page.wait_for_url(f"{base}/informes/calendario/?mes={this_month:%Y-%m}")
            self.assertEqual(page.locator("[data-kind=campaign]").count(), 5)
            self.assertEqual(problems, [])
