from pregon.contacts.models import Contact
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase


class GettingStartedTestCase(ApiTestCase):
    def test_it_lists_the_dashboards_steps_ticked_from_what_exists(self) -> None:
        Contact.objects.create(email="ana@example.pe")
        sender = drafts.sender()
        response = self.call("GET", "/getting-started")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertFalse(body["complete"])
        steps = {step["key"]: step for step in body["steps"]}
        self.assertEqual(
            list(steps),
            ["brand_kit", "relay", "sender", "contacts", "template", "test_send", "campaign"],
        )
        self.assertEqual(
            {key for key, step in steps.items() if step["done"]}, {"sender", "contacts"}
        )
        self.assertEqual(steps["sender"]["url"], f"/dominios/{sender.domain.code}/")
        # bob is an editor: the relays are an administrator's screen.
        self.assertEqual(steps["relay"]["url"], "")

    def test_analysts_may_not_read_it(self) -> None:
        response = self.call("GET", "/getting-started", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
