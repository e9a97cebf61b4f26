"""Before sending, a campaign whose template links to Pregón itself or to a sample address
says so: the trap of a gallery design made with an empty brand kit."""

from django.urls import reverse

from pregon.content.models import EmailTemplate
from pregon.testing import BaseTestCase
from pregon.testing.drafts import READY_HTML, draft, mailing_list, template

SITE_LINK = '<p><a href="http://127.0.0.1:8000/cursos/ley-32069">Inscríbete</a></p>'


class CampaignTemplateWarningTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.client.cookies["pregon_language"] = "es"
        html = READY_HTML.replace("</body>", SITE_LINK + "</body>")
        self.campaign = draft(to=mailing_list(), template=template(html=html))
        self.url = reverse("campaigns:detail", args=[self.campaign.code])

    def test_a_link_to_pregon_itself_is_warned_about_before_sending(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'id="template-warning"')
        self.assertContains(response, "“http://127.0.0.1:8000/cursos/ley-32069”")
        self.assertContains(response, "no a su sitio web")
        self.assertContains(response, f'href="/plantillas/{self.campaign.template.code}/"')
        # A warning, not a blocker: the send form is there.
        self.assertContains(response, 'id="campaign-send"')

    def test_a_template_saved_before_the_check_is_read_again(self) -> None:
        EmailTemplate.objects.update(checks=[])
        html = READY_HTML.replace("</body>", '<a href="https://example.com/">x</a></body>')
        EmailTemplate.objects.update(html=html)
        self.assertContains(self.client.get(self.url), "“https://example.com/”")

    def test_links_to_the_organisation_are_not(self) -> None:
        EmailTemplate.objects.update(html=READY_HTML)
        self.assertNotContains(self.client.get(self.url), 'id="template-warning"')
