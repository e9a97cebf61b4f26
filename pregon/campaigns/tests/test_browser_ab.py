"""An A/B test in real Chromium: set it up on a draft, confirm the winner a person chooses,
and read the A/B report with its chart and its verdicts in words.

Saves the screenshots the manual shows (docs/screenshots/ab-*.png).
"""

import datetime

import pytest
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.campaigns.models import AbTest
from pregon.sending.models import Message
from pregon.testing.ab import opened, sent_portion, started
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    screenshot,
)
from pregon.testing.campaigns import contacts_on_a_list, course_campaign
from pregon.tracking.models import EventKind

EDITOR = "editora@example.pe"
SUBJECT_A = "Curso de diciembre: inscripciones abiertas"
SUBJECT_B = "{{ nombre }}, te quedan 3 días para inscribirte"
SUBJECT_C = "Nuevo curso virtual gratuito en diciembre"


@pytest.mark.browser
class AbBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Carmen Editora")
        self.campaign = course_campaign(name="Curso de diciembre", subject=SUBJECT_A)
        self.campaign.include_lists.add(contacts_on_a_list(1200, name="Docentes 2026"))

    def engagement(self) -> None:
        """What 80 people of each variant did: B's subject was opened most."""
        by_variant = sent_portion(self.campaign)
        for number, opens, clicks in ((1, 18, 6), (2, 31, 12), (3, 20, 7)):
            opened(by_variant[number][:opens])
            opened(by_variant[number][:clicks], kind=EventKind.CLICKED)
            opened(by_variant[number][opens : opens + 25], machine="apple_mpp")
        opened(by_variant[2][:3], kind=EventKind.CONVERTED)
        # The hours to wait went by.
        AbTest.objects.update(decide_at=timezone.now() - datetime.timedelta(minutes=5))

    def test_set_up_confirm_and_report(self) -> None:
        base = self.live_server_url
        detail = f"{base}/campanas/{self.campaign.code}/"
        with self.signed_in(EDITOR, height=1000) as (page, problems):
            page.goto(detail)
            page.click("#ab-set-up")
            page.wait_for_selector("#ab-form")
            # Only the field the kind tests shows: the subjects, A's the campaign's own.
            assert page.is_visible("#id_subject_2")
            assert not page.is_visible("#id_from_name_2")
            assert page.input_value("#id_subject_1") == SUBJECT_A
            page.check("#id_kind_1")
            assert page.is_visible("#id_from_name_2")
            assert not page.is_visible("#id_subject_2")
            page.check("#id_kind_0")
            page.fill("#id_subject_2", SUBJECT_B)
            page.fill("#id_subject_3", SUBJECT_C)
            page.fill("#id_wait_hours", "6")
            page.uncheck("#id_automatic")
            screenshot(page, "ab-setup")
            page.click("#ab-form button[type=submit]")
            page.wait_for_url(detail)
            card = page.locator("#campaign-ab")
            assert "Prueba A/B guardada" in page.content()
            assert card.locator("tr[data-variant]").count() == 3
            screenshot(page, "ab-card", full_page=False)

            self.campaign = started(self.campaign)
            self.engagement()
            page.goto(detail)
            page.wait_for_selector("#ab-confirm")
            assert page.is_checked("#ab-variant-2")  # B leads.
            page.locator("#campaign-ab").scroll_into_view_if_needed()
            page.locator("#campaign-ab").screenshot(path=str(SCREENSHOTS / "ab-confirm.png"))
            page.click("#ab-confirm button[type=submit]")
            page.wait_for_selector("#ab-winner")
            assert "Ganó la variante B" in page.content()
            assert Message.objects.filter(variant=2).count() == 80 + 960

            page.click("#ab-report")
            page.wait_for_selector("#ab-comparison")
            page.wait_for_function(
                "document.querySelector('canvas[data-chart=ab-chart]').width > 0"
            )
            content = page.content()
            assert "La diferencia es mayor que la que daría el azar (95 % de confianza)." in content
            assert "La diferencia podría deberse al azar" in content
            screenshot(page, "ab-report")
        assert problems == []
