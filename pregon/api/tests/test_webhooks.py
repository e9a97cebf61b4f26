"""/api/v1/webhooks: administrators subscribe URLs to events, with the screens' address
checks; the secret comes once; deliveries and their attempts can be read and sent again."""

from standardwebhooks.webhooks import Webhook

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import events
from pregon.testing.api import ApiTestCase
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries
from pregon.webhooks.models import Endpoint
from pregon.webhooks.tests.test_deliveries import emit


class WebhooksApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = self.token_for(self.alice)

    def test_editors_may_not(self) -> None:
        self.assertEqual(self.call("GET", "/webhooks").status_code, 403)

    def test_a_url_to_the_local_machine_is_refused_in_spanish(self) -> None:
        self.client.cookies["pregon_language"] = "es"
        response = self.call(
            "POST",
            "/webhooks",
            {"url": "http://127.0.0.1:9/", "events": ["conversion"]},
            token=self.admin,
        )
        self.assertEqual(response.status_code, 422)
        [error] = response.json()["errors"]["url"]
        self.assertIn("apunta a una dirección privada o local", error)
        self.assertFalse(Endpoint.objects.exists())

    def test_an_unknown_event_is_refused(self) -> None:
        start_receiver(self)
        response = self.call(
            "POST",
            "/webhooks",
            {"url": "http://127.0.0.1:9/", "events": ["nope"]},
            token=self.admin,
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("events", response.json()["errors"])

    def test_subscribe_deliver_read_the_log_and_send_again(self) -> None:
        receiver = start_receiver(self)
        response = self.call(
            "POST",
            "/webhooks",
            {"url": receiver.url, "events": [events.CONTACT_CREATED]},
            token=self.admin,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        secret, code = body["secret"], body["code"]
        self.assertNotIn("secret", self.call("GET", f"/webhooks/{code}", token=self.admin).json())
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        deliveries.deliver_due()
        log = self.call("GET", f"/webhooks/{code}/deliveries", token=self.admin).json()
        [delivery] = log
        self.assertEqual(
            (delivery["status"], delivery["attempts"][0]["status_code"]), ("delivered", 204)
        )
        again = self.call(
            "POST", f"/webhooks/{code}/deliveries/{delivery['id']}/resend", token=self.admin
        )
        self.assertEqual(again.json()["status"], "pending")
        conflict = self.call(
            "POST", f"/webhooks/{code}/deliveries/{delivery['id']}/resend", token=self.admin
        )
        self.assertEqual(conflict.status_code, 409)
        deliveries.deliver_due()
        self.assertEqual(len(receiver.received), 2)
        for got in receiver.received:
            Webhook(secret).verify(got.body, got.headers)

    def test_rotate_and_disable(self) -> None:
        receiver = start_receiver(self)
        body = self.call(
            "POST", "/webhooks", {"url": receiver.url, "events": ["conversion"]}, token=self.admin
        ).json()
        rotated = self.call("POST", f"/webhooks/{body['code']}/rotate-secret", token=self.admin)
        self.assertNotEqual(rotated.json()["secret"], body["secret"])
        changed = self.call(
            "PATCH", f"/webhooks/{body['code']}", {"is_enabled": False}, token=self.admin
        )
        self.assertFalse(changed.json()["is_enabled"])
        self.assertEqual(
            self.call("DELETE", f"/webhooks/{body['code']}", token=self.admin).status_code, 204
        )
        self.assertFalse(Endpoint.objects.exists())

    def test_changes_through_the_api_are_audited_as_the_tokens_user(self) -> None:
        receiver = start_receiver(self)
        code = self.call(
            "POST",
            "/webhooks",
            {"url": receiver.url, "events": [events.CONTACT_CREATED]},
            token=self.admin,
        ).json()["code"]
        self.call("PATCH", f"/webhooks/{code}", {"is_enabled": False}, token=self.admin)
        self.call("DELETE", f"/webhooks/{code}", token=self.admin)
        entries = AuditEntry.objects.filter(action=AuditAction.WEBHOOK_CHANGED).order_by("pk")
        self.assertEqual(
            [(entry.actor, entry.detail["change"]) for entry in entries],
            [(self.alice, "added"), (self.alice, "disabled"), (self.alice, "removed")],
        )
