from django.test import Client

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Status
from pregon.content.models import BrandKit
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind


class UnsubscribeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        campaign_to(contacts_on_a_list(2))
        scheduling.start_due_campaigns()
        self.message = Message.objects.order_by("pk").first()
        self.url = f"/t/baja/{signing.sign('unsubscribe', self.message.pk)}/"
        # Mail clients post with no cookie and no CSRF token.
        self.client = Client(enforce_csrf_checks=True)

    def test_the_page_asks_first(self) -> None:
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="es")
        self.assertContains(response, self.message.email)
        self.assertEqual(Contact.objects.get(email=self.message.email).status, Status.SUBSCRIBED)

    def test_one_click_unsubscribes_at_once_without_a_redirect(self) -> None:
        response = self.client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "data-unsubscribed")
        self.assertEqual(Contact.objects.get(email=self.message.email).status, Status.UNSUBSCRIBED)
        other = Message.objects.exclude(pk=self.message.pk).get()
        self.assertEqual(Contact.objects.get(email=other.email).status, Status.SUBSCRIBED)
        entry = AuditEntry.objects.get(action=AuditAction.UNSUBSCRIBE)
        self.assertEqual(
            (entry.actor_email, entry.detail["via"]), (self.message.email, "one-click")
        )

    def test_a_second_click_changes_nothing_more(self) -> None:
        self.client.post(self.url)
        self.client.post(self.url)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.UNSUBSCRIBE).count(), 1)

    def test_a_forged_or_altered_token_is_not_found(self) -> None:
        forged = f"/t/baja/{signing.sign('bounce', self.message.pk)}/"
        for url in (forged, self.url[:-3] + "aa/", "/t/baja/1-abc/"):
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(Contact.objects.filter(status=Status.UNSUBSCRIBED).count(), 0)

    def test_the_page_takes_a_reason_and_the_report_counts_it(self) -> None:
        self.client.post(self.url, {"reason": "too_many", "comment": "  Uno por semana basta "})
        event = Event.objects.get(kind=EventKind.UNSUBSCRIBED)
        self.assertEqual(
            (event.message, event.detail), (self.message, "too_many: Uno por semana basta")
        )
        entry = AuditEntry.objects.get(action=AuditAction.UNSUBSCRIBE)
        self.assertEqual((entry.detail["via"], entry.detail["reason"]), ("page", event.detail))

    def test_a_reason_that_is_not_offered_is_not_stored(self) -> None:
        self.client.post(self.url, {"reason": "<script>"})
        self.assertEqual(Contact.objects.get(email=self.message.email).status, Status.UNSUBSCRIBED)
        self.assertEqual(Event.objects.get(kind=EventKind.UNSUBSCRIBED).detail, "")

    def test_a_mistake_is_taken_back_with_subscribe_again(self) -> None:
        self.use_spanish()
        response = self.client.post(self.url)
        self.assertContains(response, "Suscribirme de nuevo")
        response = self.client.post(self.url, {"resubscribe": "1"})
        self.assertContains(response, "data-resubscribed")
        self.assertEqual(Contact.objects.get(email=self.message.email).status, Status.SUBSCRIBED)
        self.assertFalse(Event.objects.filter(kind=EventKind.UNSUBSCRIBED).exists())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.RESUBSCRIBE).exists())

    def test_a_bounced_address_cannot_come_back_from_the_page(self) -> None:
        Contact.objects.filter(email=self.message.email).update(status=Status.BOUNCED)
        response = self.client.post(self.url, {"resubscribe": "1"})
        self.assertNotContains(response, "data-resubscribed")
        self.assertEqual(Contact.objects.get(email=self.message.email).status, Status.BOUNCED)

    def test_the_page_names_the_organisation_of_the_brand_kit(self) -> None:
        BrandKit.objects.update_or_create(pk=1, defaults={"name": "Escuela Nacional de Control"})
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertContains(response, "los correos de Escuela Nacional de Control")
        response = self.client.post(self.url)
        self.assertContains(response, "Escuela Nacional de Control no enviará más")

    def test_without_a_brand_kit_name_the_page_names_the_sender(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, self.message.mailing.sender.from_name)

    def test_a_second_visit_says_already_unsubscribed_and_offers_the_way_back(self) -> None:
        BrandKit.objects.update_or_create(pk=1, defaults={"name": "Escuela Nacional de Control"})
        self.use_spanish()
        self.client.post(self.url)
        response = self.client.get(self.url)
        self.assertContains(response, "Ya estás dado de baja")
        self.assertContains(response, "data-already-unsubscribed")
        self.assertContains(response, "Escuela Nacional de Control")
        self.assertContains(response, "Suscribirme de nuevo")
        self.assertNotContains(response, 'name="reason"')
