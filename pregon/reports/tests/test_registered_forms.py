"""The dashboard's registered users and signup forms: people who signed up with double
opt-in count once they confirm, not while pending, and the form's confirmed are told apart
from those of a form without double opt-in."""

from django.urls import reverse
from django.utils import timezone

from pregon.contacts.models import ConsentSource, Contact, Status
from pregon.testing import BaseTestCase


class RegisteredFormsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        form = {"consent_source": ConsentSource.FORM, "consent_form": "Novedades"}
        Contact.objects.create(email="confirmo1@example.pe", consent_confirmed_at=now, **form)
        Contact.objects.create(email="confirmo2@example.pe", consent_confirmed_at=now, **form)
        Contact.objects.create(email="sin-doble@example.pe", **form)
        Contact.objects.create(email="pendiente@example.pe", status=Status.PENDING, **form)
        Contact.objects.create(email="importado@example.pe", consent_source=ConsentSource.IMPORT)
        Contact.objects.create(email="api@example.pe", consent_source=ConsentSource.API)
        self.client.force_login(self.charlie)

    def test_pending_signups_do_not_count_and_confirmed_ones_are_told(self) -> None:
        response = self.client.get(reverse("home"))
        registered = response.context["registered"]
        self.assertEqual(
            registered.by_source,
            [("Subscription form", 3), ("API", 1), ("Imported from a file", 1)],
        )
        self.assertEqual(registered.subscribed, 5)
        self.assertEqual(registered.confirmed_by_email, 2)
        self.assertContains(response, 'data-registered="5"')
        self.assertContains(
            response, "Of those who came by a form, 2 confirmed by the link in the confirmation"
        )

    def test_confirming_makes_a_pending_person_count(self) -> None:
        Contact.objects.filter(email="pendiente@example.pe").update(
            status=Status.SUBSCRIBED, consent_confirmed_at=timezone.now()
        )
        registered = self.client.get(reverse("home")).context["registered"]
        self.assertEqual(registered.subscribed, 6)
        self.assertEqual(registered.confirmed_by_email, 3)
