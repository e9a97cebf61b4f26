from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact
from pregon.sending.models import Bounce, BounceKind, BounceSource
from pregon.testing import BaseTestCase
from pregon.testing.reports import LINKS, at, refuse, reported_campaign


class ContactHistoryTestCase(BaseTestCase):
    """persona3 opened at 10:12 Lima, clicked the second link at 10:21 and 10:22, and
    unsubscribed at 10:30 (an event); persona2 complained, and persona4's open was Apple's."""

    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.persona3 = Contact.objects.get(email="persona3@example.pe")
        self.url = reverse("reports:contact_history", args=[self.persona3.code])
        self.client.force_login(self.bob)

    def kinds(self, response: object) -> list[str]:
        return [(entry.kind, entry.at) for entry in response.context["page"].object_list]

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, f"/informes/contactos/{self.persona3.code}/historial/")

    def test_analysts_may_not_see_personal_data(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        self.assertIn("/cuenta/", self.client.get(self.url)["Location"])

    def test_it_lists_everything_newest_first(self) -> None:
        response = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertTemplateUsed(response, "reports/history_fragment.html")
        self.assertTemplateNotUsed(response, "base.html")
        self.assertEqual(
            self.kinds(response),
            [
                ("unsubscribed", at(30)),
                ("clicked", at(22)),
                ("clicked", at(21)),
                ("opened", at(12)),
                ("message", at(0)),
            ],
        )
        self.assertContains(response, "Curso de diciembre")
        self.assertContains(response, LINKS[1], count=2)
        self.assertContains(response, "Demasiados correos")
        self.assertContains(response, "Apple Mail · mobile")

    def test_machines_are_marked(self) -> None:
        persona4 = Contact.objects.get(email="persona4@example.pe")
        url = reverse("reports:contact_history", args=[persona4.code])
        response = self.client.get(url)
        self.assertTemplateUsed(response, "reports/history.html")
        self.assertContains(response, "data-machine", count=1)
        self.assertContains(response, "Apple Mail Privacy Protection")
        self.assertNotContains(response, ">Person<")

    def test_people_are_marked(self) -> None:
        response = self.client.get(self.url)
        self.assertNotContains(response, "data-machine")
        self.assertContains(response, ">Person<", count=3)

    def test_bounces_and_complaints_with_their_reason(self) -> None:
        persona2 = Contact.objects.get(email="persona2@example.pe")
        # A notice naming only the address, with no message to match it to.
        Bounce.objects.create(
            kind=BounceKind.SOFT,
            source=BounceSource.MAILBOX,
            email=persona2.email,
            reason="4.2.2 Mailbox full",
            at=at(60),
        )
        response = self.client.get(reverse("reports:contact_history", args=[persona2.code]))
        kinds = self.kinds(response)
        self.assertEqual(kinds[0], ("soft", at(60)))
        self.assertIn(("complaint", at(5)), kinds)
        self.assertIn(("converted", at(50)), kinds)
        self.assertContains(response, "abuse")
        self.assertContains(response, "matricula")
        self.assertContains(response, LINKS[0])

    def test_a_sending_side_rejection_is_shown_with_its_cause_in_words(self) -> None:
        refuse(self.persona3.message_set.get())
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertIn(("sender", at(6)), self.kinds(response))
        self.assertContains(response, "Rechazo por el lado del envío")
        self.assertContains(response, 'data-cause="blocked">Nuestro servidor está bloqueado<')
        self.assertContains(response, "zen.spamhaus.org")

    def test_the_audit_log_tells_unsubscribes_that_were_taken_back(self) -> None:
        Contact.objects.filter(pk=self.persona3.pk).update(created_at=at(-60))
        code = str(self.campaign.mailing.code)
        entries = [
            (AuditAction.UNSUBSCRIBE, self.persona3.email, 30),
            (AuditAction.RESUBSCRIBE, self.persona3.email, 35),
            # Another person's, and one about an earlier contact with this address.
            (AuditAction.UNSUBSCRIBE, "persona1@example.pe", 40),
            (AuditAction.UNSUBSCRIBE, self.persona3.email, -90),
        ]
        for action, email, minutes in entries:
            detail = {"email": email, "mailing": code, "reason": "Demasiados correos"}
            entry = AuditEntry.objects.create(action=action, target=email, detail=detail)
            AuditEntry.objects.filter(pk=entry.pk).update(at=at(minutes))
        response = self.client.get(self.url)
        kinds = self.kinds(response)
        self.assertEqual(kinds[:2], [("resubscribed", at(35)), ("unsubscribed", at(30))])
        # The unsubscribe event and its audit entry are one line, not two.
        self.assertEqual([kind for kind, _at in kinds].count("unsubscribed"), 1)
        self.assertContains(response, "Curso de diciembre", count=6)

    def test_the_reason_for_unsubscribing_is_in_words(self) -> None:
        code = str(self.campaign.mailing.code)
        detail = {"email": self.persona3.email, "mailing": code, "reason": "not_interested"}
        AuditEntry.objects.create(
            action=AuditAction.UNSUBSCRIBE, target=self.persona3.email, detail=detail
        )
        response = self.client.get(self.url)
        self.assertContains(response, "I am no longer interested")
        self.assertNotContains(response, "not_interested")

    def test_times_are_in_lima_and_words_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url)
        # 15:12 UTC is 10:12 in Lima.
        self.assertContains(response, "20/11/2026 10:12")
        self.assertContains(response, "America/Lima")
        self.assertContains(response, "Contactos")

    def test_a_contact_never_mailed_has_an_empty_history(self) -> None:
        contact = Contact.objects.create(email="nueva@example.pe")
        response = self.client.get(reverse("reports:contact_history", args=[contact.code]))
        self.assertContains(response, "data-empty")

    def test_the_contact_page_loads_it(self) -> None:
        response = self.client.get(reverse("contacts:detail", args=[self.persona3.code]))
        self.assertContains(response, f'hx-get="{self.url}"')
