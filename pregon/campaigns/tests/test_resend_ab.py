"""A resend of an A/B-tested campaign takes the winner's content, which most of the
audience got, not variant A's."""

from django.utils import timezone

from pregon.campaigns import ab, resend
from pregon.campaigns.models import ResendKind
from pregon.testing import BaseTestCase
from pregon.testing.ab import SUBJECTS, ab_draft, sent_portion, started


class ResendOfAbTestCase(BaseTestCase):
    def test_a_resend_to_non_openers_takes_the_winning_subject(self) -> None:
        campaign = started(ab_draft(contacts=10, automatic=False))
        sent_portion(campaign)
        self.assertEqual(
            resend.create(campaign, ResendKind.NON_OPENERS, self.bob).subject, SUBJECTS[0]
        )
        campaign.resends.all().delete()
        test = ab.test_of(campaign)
        test.decide_at = timezone.now()
        test.save(update_fields=["decide_at"])
        ab.send_winner(test, 2, by=None)
        copy = resend.create(campaign, ResendKind.NON_OPENERS, self.bob)
        self.assertEqual((copy.subject, copy.template), (SUBJECTS[1], campaign.template))
        copy.delete()
        chosen = resend.create(campaign, ResendKind.NON_OPENERS, self.bob, subject="¿Lo viste?")
        self.assertEqual(chosen.subject, "¿Lo viste?")
