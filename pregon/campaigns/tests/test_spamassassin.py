"""Every gallery design, sent as a campaign through a real SMTP server, scored by Debian's
SpamAssassin with its local rules only (``spamassassin -L -t``): no rule about the hidden
preheader fires, and the score stays at or below zero. Skipped where it is not installed."""

import re
import shutil
import subprocess
import unittest

from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.content import gallery
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.drafts import gallery_template
from pregon.testing.smtp import Mailbox, smtp_server

SPAMASSASSIN = shutil.which("spamassassin")
# Rules on hidden or invisible text, which a badly hidden preheader fires.
HIDDEN_TEXT_RULES = {"HTML_FONT_LOW_CONTRAST", "HTML_FONT_TINY", "TINY_TEXT", "HTML_IMAGE_ONLY"}


def spam_report(data: bytes) -> tuple[float, set[str]]:
    """SpamAssassin's score of ``data`` and the rules that fired, without network tests."""
    command = [SPAMASSASSIN, "-L", "-t"]
    done = subprocess.run(command, input=data, capture_output=True, check=True, timeout=120)  # noqa: S603
    report = done.stdout.decode("utf-8", "replace")
    status = re.search(r"^X-Spam-Status: .*?(?=^\S)", report, re.MULTILINE | re.DOTALL)[0]
    score = float(re.search(r"score=(-?[\d.]+)", status)[1])
    rules = re.search(r"tests=(.*?)\s+autolearn", " ".join(status.split()))[1]
    return score, set(rules.replace(" ", "").split(",")) - {"none"}


@unittest.skipUnless(SPAMASSASSIN, "SpamAssassin is not installed (apt-get install spamassassin)")
@override_settings(SITE_URL="https://correo.escuela.example.pe")
class SpamAssassinTestCase(TestCase):
    def test_no_gallery_design_is_scored_for_its_preheader(self) -> None:
        mailing_list = contacts_on_a_list(1)
        keys = [entry.key for entry in gallery.GALLERY]
        for key in keys:
            campaign = campaign_to(mailing_list, subject=f"Capacitación de diciembre: {key}")
            campaign.template = gallery_template(key)
            campaign.preheader = "Cursos virtuales y gratuitos" if key == "curso" else ""
            campaign.save()
        mailbox = Mailbox()
        with smtp_server(mailbox):
            scheduling.start_due_campaigns()
            send_all()
        self.assertEqual(len(mailbox.received), len(keys))
        for received in mailbox.received:
            key = received.parsed()["Subject"].rpartition(" ")[2]
            with self.subTest(key=key):
                score, rules = spam_report(received.data)
                self.assertEqual(rules & HIDDEN_TEXT_RULES, set())
                self.assertLessEqual(score, 0, rules)
