"""A campaign's UTM settings: the defaults, switched off, and kept by the form and the API."""

from urllib.parse import parse_qs, urlsplit

from django.test import TestCase
from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.testing import BaseTestCase, drafts
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list


def started(**settings: object) -> Campaign:
    campaign = campaign_to(contacts_on_a_list(2))
    Campaign.objects.filter(pk=campaign.pk).update(**settings)
    scheduling.start_due_campaigns()
    return Campaign.objects.select_related("mailing").get(pk=campaign.pk)


class CampaignUtmTestCase(TestCase):
    def test_links_get_the_default_tags_once_per_mailing(self) -> None:
        campaign = started()
        query = parse_qs(urlsplit(campaign.mailing.links[0]).query)
        self.assertEqual(
            query,
            {
                "utm_source": ["pregon"],
                "utm_medium": ["email"],
                "utm_campaign": ["curso-de-diciembre"],
            },
        )
        # The stored HTML holds the tag of the link, not a tagged copy per message.
        self.assertNotIn("utm_", campaign.mailing.html)

    def test_the_values_are_the_campaigns(self) -> None:
        campaign = started(
            utm_source="boletin", utm_medium="", utm_campaign="dic-2026", utm_content_per_link=True
        )
        query = parse_qs(urlsplit(campaign.mailing.links[0]).query)
        self.assertEqual(query["utm_source"], ["boletin"])
        self.assertEqual(query["utm_medium"], ["email"])  # Empty: the default.
        self.assertEqual(query["utm_campaign"], ["dic-2026"])
        self.assertEqual(query["utm_content"], ["enlace-1"])

    def test_they_can_be_switched_off(self) -> None:
        campaign = started(add_utm=False)
        self.assertEqual(campaign.mailing.links, ["https://aula.example.gob.pe/curso"])

    def test_a_duplicate_keeps_them(self) -> None:
        campaign = drafts.draft(drafts.mailing_list())
        Campaign.objects.filter(pk=campaign.pk).update(add_utm=False, utm_source="boletin")
        campaign.refresh_from_db()
        copy = campaign.duplicate(None)
        self.assertEqual((copy.add_utm, copy.utm_source), (False, "boletin"))


class CampaignUtmFormTestCase(BaseTestCase):
    def test_the_form_saves_the_settings(self) -> None:
        campaign = drafts.draft(drafts.mailing_list())
        self.client.force_login(self.bob)
        url = reverse("campaigns:edit", args=[campaign.code])
        self.assertContains(self.client.get(url), 'name="utm_campaign"')
        data = {
            "name": campaign.name,
            "subject": campaign.subject,
            "track_clicks": "on",
            "add_utm": "on",
            "utm_source": "boletin",
            "utm_medium": "correo",
            "utm_campaign": "dic",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        campaign.refresh_from_db()
        self.assertEqual(
            (campaign.add_utm, campaign.utm_source, campaign.utm_medium, campaign.utm_campaign),
            (True, "boletin", "correo", "dic"),
        )
        # Unticked boxes switch attribution and open counting off.
        self.assertEqual((campaign.attribute_conversions, campaign.track_opens), (False, False))

    def test_the_fields_are_named_in_spanish_words(self) -> None:
        campaign = drafts.draft(drafts.mailing_list())
        self.client.force_login(self.bob)
        self.use_spanish()
        page = self.client.get(reverse("campaigns:edit", args=[campaign.code]))
        self.assertContains(page, '<label class="form-label" for="id_utm_source">Origen')
        self.assertContains(page, "Nombre de la campaña en la analítica web")
        self.assertContains(page, "Nombrar cada enlace (enlace-1, enlace-2…)")
        self.assertNotContains(page, ">utm_source<")
        self.assertNotContains(page, "utm_content (enlace-1")


class CampaignUtmApiTestCase(ApiTestCase):
    def test_the_api_reads_and_changes_the_settings(self) -> None:
        payload = {"name": "Boletín", "subject": "Hola"}
        response = self.call("POST", "/campaigns", payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            {key: body[key] for key in ("track_opens", "add_utm", "utm_source", "utm_campaign")},
            {"track_opens": True, "add_utm": True, "utm_source": "pregon", "utm_campaign": ""},
        )
        self.assertTrue(body["attribute_conversions"])
        url = f"/campaigns/{body['code']}"
        response = self.call("PATCH", url, {"add_utm": False, "attribute_conversions": False})
        self.assertEqual(response.status_code, 200, response.content)
        campaign = Campaign.objects.get()
        self.assertEqual((campaign.add_utm, campaign.attribute_conversions), (False, False))
        self.assertTrue(campaign.track_opens)  # Untouched by a PATCH that does not name it.
        response = self.call("PATCH", url, {"utm_source": "x" * 101})
        self.assertEqual(response.status_code, 422)
        self.assertIn("utm_source", response.json()["errors"])
