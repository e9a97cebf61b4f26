from django.urls import reverse

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import MailingList, Segment
from pregon.testing import BaseTestCase, drafts

NOT_READY_HTML = "<html><body><p>Sin enlace de baja</p></body></html>"


class CampaignCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("campaigns:create")
        self.sender = drafts.sender()
        self.template = drafts.template()
        self.list = drafts.mailing_list()
        self.other_list = drafts.mailing_list("Egresados", count=1)
        self.segment = Segment.objects.create(name="Lima", rules={"match": "all", "rules": []})
        self.client.force_login(self.bob)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Curso de enero",
            "subject": "Hola {{ nombre }}, empieza el curso",
            "preheader": "Inscripciones abiertas",
            "sender": self.sender.pk,
            "template": self.template.pk,
            "include_lists": [self.list.pk],
            "exclude_lists": [self.other_list.pk],
            **changes,
        }

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/campanas/nueva/")

    def test_analysts_may_not_create(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertFalse(Campaign.objects.exists())

    def test_it_shows_the_form(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "New campaign")
        self.assertContains(response, 'name="subject"')
        self.assertContains(response, "Escuela de Capacitación")
        self.assertContains(response, 'href="/envio/remitentes/nuevo/"')
        self.assertContains(response, 'name="include_segments"')
        self.assertContains(response, "Lima")

    def test_it_creates_a_draft(self) -> None:
        response = self.client.post(self.url, self.data(), follow=True)
        campaign = Campaign.objects.get()
        self.assertRedirects(response, f"/campanas/{campaign.code}/")
        self.assertContains(response, "Campaign “Curso de enero” created.")
        self.assertEqual(campaign.status, CampaignStatus.DRAFT)
        self.assertEqual(campaign.subject, "Hola {{ nombre }}, empieza el curso")
        self.assertEqual(campaign.preheader, "Inscripciones abiertas")
        self.assertEqual(campaign.sender, self.sender)
        self.assertEqual(campaign.template, self.template)
        self.assertEqual(list(campaign.include_lists.all()), [self.list])
        self.assertEqual(list(campaign.exclude_lists.all()), [self.other_list])
        self.assertEqual(campaign.created_by, self.bob)

    def test_the_only_sender_and_ready_template_are_chosen_already(self) -> None:
        drafts.template("Sin baja", NOT_READY_HTML)  # Not offered, so not counted.
        form = self.client.get(self.url).context["form"]
        self.assertEqual(form["sender"].value(), self.sender.pk)
        self.assertEqual(form["template"].value(), self.template.pk)

    def test_with_two_of_them_none_is_chosen(self) -> None:
        drafts.sender("otra@escuela.example.pe")
        drafts.template("Otro aviso")
        form = self.client.get(self.url).context["form"]
        self.assertIsNone(form["sender"].value())
        self.assertIsNone(form["template"].value())

    def test_without_lists_it_says_how_to_make_one(self) -> None:
        self.assertNotContains(self.client.get(self.url), 'id="no-lists"')
        MailingList.objects.all().delete()
        response = self.client.get(self.url)
        self.assertContains(response, 'id="no-lists"')
        self.assertContains(response, 'href="/contactos/importar/"')
        self.assertContains(response, 'href="/contactos/"')

    def test_sender_and_template_may_be_chosen_later(self) -> None:
        self.client.post(self.url, self.data(sender="", template="", include_lists=[]))
        campaign = Campaign.objects.get()
        self.assertIsNone(campaign.sender)
        self.assertIsNone(campaign.template)

    def test_a_subject_with_a_bad_merge_tag_is_refused_with_the_reason(self) -> None:
        for subject, message in (
            ("Hola {{ apodo }}", "there is no field “apodo”."),
            ("Hola {{ nombre ", "the merge tags are not written correctly"),
        ):
            with self.subTest(subject=subject):
                response = self.client.post(self.url, self.data(subject=subject))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertFalse(Campaign.objects.exists())

    def test_a_name_and_subject_are_required(self) -> None:
        response = self.client.post(self.url, self.data(name="", subject=""))
        errors = response.context["form"].errors
        self.assertEqual(errors["name"], ["This field is required."])
        self.assertEqual(errors["subject"], ["This field is required."])
        self.assertFalse(Campaign.objects.exists())

    def test_only_ready_templates_are_offered_and_the_others_are_explained(self) -> None:
        broken = drafts.template("Borrador roto", NOT_READY_HTML)
        self.assertFalse(broken.is_ready)
        response = self.client.get(self.url)
        self.assertNotContains(response, f'<option value="{broken.pk}"')
        self.assertContains(response, f'<option value="{self.template.pk}"')
        self.assertContains(response, "Templates whose checks found errors are not listed")
        self.assertContains(response, f'<a href="/plantillas/{broken.code}/">Borrador roto</a>')
        response = self.client.post(self.url, self.data(template=broken.pk))
        self.assertIn("template", response.context["form"].errors)
        self.assertFalse(Campaign.objects.exists())

    def test_a_list_may_not_be_both_included_and_left_out(self) -> None:
        response = self.client.post(self.url, self.data(exclude_lists=[self.list.pk]))
        self.assertContains(response, "“Participantes” is both included and left out; choose one.")
        self.assertFalse(Campaign.objects.exists())


class CampaignEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = drafts.mailing_list()
        self.campaign = drafts.draft(to=self.list)
        self.url = reverse("campaigns:edit", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Curso de diciembre (2)",
            "subject": "Última semana, {{ nombre }}",
            "sender": self.campaign.sender_id,
            "template": self.campaign.template_id,
            "include_lists": [self.list.pk],
            **changes,
        }

    def test_analysts_may_not_edit(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.name, "Curso de diciembre")

    def test_it_shows_the_draft(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Edit campaign")
        self.assertContains(response, 'value="Curso de diciembre"')

    def test_it_saves_a_draft(self) -> None:
        response = self.client.post(self.url, self.data(include_lists=[]))
        self.assertRedirects(response, f"/campanas/{self.campaign.code}/")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.name, "Curso de diciembre (2)")
        self.assertEqual(self.campaign.subject, "Última semana, {{ nombre }}")
        self.assertFalse(self.campaign.include_lists.exists())
        self.assertEqual(self.campaign.status, CampaignStatus.DRAFT)

    def test_a_template_that_broke_since_stays_choosable(self) -> None:
        template = self.campaign.template
        template.set_source(NOT_READY_HTML)
        template.save()
        response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 302)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.template, template)

    def test_a_scheduled_campaign_cannot_be_edited(self) -> None:
        self.campaign.schedule(self.campaign.created_at.replace(year=2099))
        for response in (
            self.client.get(self.url, follow=True),
            self.client.post(self.url, self.data(), follow=True),
        ):
            self.assertRedirects(response, f"/campanas/{self.campaign.code}/")
            self.assertContains(response, "Only a draft can be edited; unschedule it first.")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.name, "Curso de diciembre")
        self.assertEqual(self.campaign.status, CampaignStatus.SCHEDULED)

    def test_a_bad_subject_saves_nothing(self) -> None:
        response = self.client.post(self.url, self.data(subject="{% for x in y %}"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["subject"])
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.subject, "Hola {{ nombre }}")

    def test_an_unknown_campaign_is_not_found(self) -> None:
        url = "/campanas/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/editar/"
        self.assertEqual(self.client.get(url).status_code, 404)
