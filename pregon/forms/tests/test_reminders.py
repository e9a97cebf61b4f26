"""The scheduler's tick after a double opt-in signup: one reminder after the form's
reminder_days (with the same confirmation link), then the expiry after expire_days, which
deletes a pending contact who never confirmed and keeps a contact who existed before."""

import datetime
import re
from urllib.parse import urlsplit

import time_machine
from django.utils import timezone

from pregon import scheduler
from pregon.contacts.models import Contact, Status
from pregon.forms.models import Signup, SignupStatus
from pregon.testing.campaigns import send_all
from pregon.testing.signup_public import SignupTestCase, confirm_link, double_opt_in_form


class RemindersTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = double_opt_in_form(reminder_days=2, expire_days=7)
        self.signed_up_at = timezone.now()
        self.page_post(self.form, email="ana@example.pe")
        Contact.objects.create(email="rosa@example.pe", status=Status.SUBSCRIBED)
        self.page_post(self.form, email="rosa@example.pe")
        self.first = {mail.recipient: confirm_link(mail) for mail in self.delivered()}

    def tick_at(self, days: int, minutes: int = 1) -> None:
        at = self.signed_up_at + datetime.timedelta(days=days, minutes=minutes)
        with time_machine.travel(at, tick=False):
            scheduler.tick()
            send_all()  # And the sender process, then.

    def test_one_reminder_then_the_expiry(self) -> None:
        self.tick_at(1)
        self.assertEqual(len(self.delivered()), 2)  # Too early for the reminder.

        self.tick_at(2)
        self.tick_at(3)
        reminders = self.delivered()[2:]
        self.assertEqual(
            sorted(m.recipient for m in reminders), ["ana@example.pe", "rosa@example.pe"]
        )
        for mail in reminders:
            self.assertEqual(mail.parsed()["Subject"], "Recordatorio: Confirme su suscripción")
            self.assertEqual(confirm_link(mail), self.first[mail.recipient])
        self.assertTrue(all(s.reminded_at for s in Signup.objects.all()))

        self.tick_at(7)
        # Ana never confirmed: her pending contact goes, with its signup. Rosa was a contact
        # before and stays as she was; her signup expired.
        self.assertEqual(
            list(Contact.objects.values_list("email", "status")),
            [("rosa@example.pe", "subscribed")],
        )
        self.assertEqual(
            list(Signup.objects.values_list("status", flat=True)), [SignupStatus.EXPIRED]
        )
        self.assertEqual(len(self.delivered()), 4)

    def test_reminders_to_one_address_are_six_hours_apart_whatever_the_form(self) -> None:
        other = double_opt_in_form(slug="otro", reminder_days=2, expire_days=7)
        self.page_post(other, email="ana@example.pe")
        self.assertEqual(len(self.delivered()), 2)  # Ana's first email covered both.
        self.tick_at(2)
        reminded = sorted(m.recipient for m in self.delivered()[2:])
        self.assertEqual(reminded, ["ana@example.pe", "rosa@example.pe"])
        self.tick_at(2, minutes=5 * 60)
        self.assertEqual(len(self.delivered()), 4)  # Not yet: six hours between them.
        self.tick_at(2, minutes=6 * 60 + 2)
        self.assertEqual([m.recipient for m in self.delivered()[4:]], ["ana@example.pe"])
        self.assertTrue(all(s.reminded_at for s in Signup.objects.all()))

    def test_unsubscribing_from_the_confirmation_email_stops_the_reminder(self) -> None:
        # Ana did not sign up (a robot did): her mail program's one-click unsubscribe.
        ana = next(mail for mail in self.delivered() if mail.recipient == "ana@example.pe")
        header = str(ana.parsed()["List-Unsubscribe"])
        url = urlsplit(re.search(r"<(https?://[^>]+)>", header).group(1)).path
        response = self.visitor.post(url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Contact.objects.get(email="ana@example.pe").status, Status.UNSUBSCRIBED)
        self.tick_at(3)
        self.assertEqual([m.recipient for m in self.delivered()[2:]], ["rosa@example.pe"])

    def test_a_confirmed_signup_is_neither_reminded_nor_expired(self) -> None:
        self.visitor.post(self.first["ana@example.pe"])
        self.tick_at(8)
        ana = Contact.objects.get(email="ana@example.pe")
        self.assertEqual(ana.status, Status.SUBSCRIBED)
        self.assertEqual([m.recipient for m in self.delivered()[2:]], [])
