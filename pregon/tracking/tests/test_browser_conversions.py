"""The conversion script on the virtual classroom's pages, in real Chromium: a person comes
from a tracked link to the course page, enrols a page later, and the enrolment is recorded."""

from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from pregon.campaigns import scheduling
from pregon.sending import links
from pregon.sending.models import Message
from pregon.testing.browser import BrowserTestCase, chromium_page, watch
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind

# The classroom's pages, as docs/manual/impacto.md tells to set them up: the script on every
# page, and the call on the page that confirms the enrolment.
COURSE = '<html><head><script src="{site}/t/v.js"></script></head><body>Curso</body></html>'
ENROLLED = (
    '<html><head><script src="{site}/t/v.js"></script></head><body>Matriculado'
    '<script>window.pregon.convert("matricula");</script></body></html>'
)


@pytest.mark.browser
class ConversionScriptBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        site = override_settings(SITE_URL=self.live_server_url)
        site.enable()
        self.addCleanup(site.disable)
        campaign_to(contacts_on_a_list(2))
        scheduling.start_due_campaigns()

    def test_an_enrolment_two_pages_after_the_click_is_recorded(self) -> None:
        from playwright.sync_api import expect

        site = self.live_server_url
        message = Message.objects.order_by("pk").last()
        click = links.context(message.pk, 1)["tracking_link_0"]
        with chromium_page() as page:
            problems = watch(page)

            def classroom(route: object) -> None:
                body = ENROLLED if "/matricula" in route.request.url else COURSE
                route.fulfill(status=200, content_type="text/html", body=body.format(site=site))

            # Pregón runs on loopback here, which Chromium keeps pages of the internet from
            # reaching unless allowed; a real install is on the internet like the classroom.
            page.context.grant_permissions(["local-network-access"])
            page.route("https://aula.example.gob.pe/**", classroom)
            # Chromium follows a redirect without asking Playwright's routes, so the click's
            # redirect is read here and the browser goes where it points.
            landing = self.client.get(urlsplit(click).path)["Location"]
            self.assertIn("pregon=", landing)
            page.goto(landing)
            with page.expect_response(lambda response: "/t/v/" in response.url) as pixel:
                page.goto("https://aula.example.gob.pe/matricula")
            self.assertEqual(pixel.value.status, 200)
            expect(page.locator("body")).to_contain_text("Matriculado")
            self.assertEqual(problems, [])
        conversion = Event.objects.get(kind=EventKind.CONVERTED)
        self.assertEqual((conversion.message, conversion.detail), (message, "matricula"))
