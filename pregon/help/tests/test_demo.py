"""`pregon demo`: an empty instance filled with the data the video tutorials show."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from pregon.accounts.models import Role, User
from pregon.automation.models import Workflow, WorkflowStatus
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact, Segment
from pregon.forms.models import SignupForm
from pregon.help import demo
from pregon.popups.models import Popup
from pregon.sending.models import Bounce, QuotaSettings
from pregon.tracking.models import Event, EventKind


class DemoCommandTestCase(TestCase):
    def test_it_fills_an_empty_instance(self) -> None:
        out = StringIO()
        call_command("demo", stdout=out)
        self.assertIn(demo.USERS["editor"], out.getvalue())
        self.assertGreaterEqual(Contact.objects.count(), 1900)
        sent = Campaign.objects.filter(status=CampaignStatus.SENT)
        self.assertEqual(sent.count(), 2)
        for kind in (EventKind.OPENED, EventKind.CLICKED, EventKind.CONVERTED):
            self.assertTrue(Event.objects.filter(kind=kind).exists(), kind)
        self.assertTrue(Bounce.objects.exists())
        self.assertTrue(Campaign.objects.filter(status=CampaignStatus.SCHEDULED).exists())
        self.assertTrue(Segment.objects.exists())
        self.assertTrue(Popup.objects.filter(is_published=True).exists())
        self.assertTrue(Workflow.objects.filter(status=WorkflowStatus.ACTIVE).exists())
        self.assertTrue(SignupForm.objects.exists())

    def test_its_users_sign_in_and_see_the_results(self) -> None:
        call_command("demo", stdout=StringIO())
        self.client.cookies["pregon_language"] = "es"
        self.client.force_login(User.objects.get(email=demo.USERS["analyst"]))
        campaign = Campaign.objects.get(name="Curso: Gestión de contrataciones públicas")
        response = self.client.get(reverse("reports:campaign", args=[campaign.code]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Gestión de contrataciones públicas")

    def test_it_refuses_a_database_with_contacts(self) -> None:
        Contact.objects.create(email="ana.quispe@minsa.gob.pe")
        with translation.override("en"), self.assertRaisesMessage(CommandError, "already has"):
            call_command("demo", stdout=StringIO())
        self.assertEqual(Contact.objects.count(), 1)

    def test_it_refuses_an_installation_that_has_its_administrator(self) -> None:
        # A real installation just set up (`pregon setup`) has no contacts yet: the demo
        # must not add an administrator whose password the README publishes, nor start
        # the quota's term.
        User.objects.create_user("jefa@minedu.gob.pe", role=Role.ADMIN)
        with translation.override("en"), self.assertRaisesMessage(CommandError, "already has"):
            call_command("demo", stdout=StringIO())
        self.assertEqual(list(User.objects.values_list("email", flat=True)), ["jefa@minedu.gob.pe"])
        self.assertFalse(QuotaSettings.objects.exists())
