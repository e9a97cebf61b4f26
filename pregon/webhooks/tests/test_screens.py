import re

from standardwebhooks.webhooks import Webhook

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import events
from pregon.testing import BaseTestCase
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries
from pregon.webhooks.models import AllowedHost, Endpoint
from pregon.webhooks.tests.test_deliveries import emit, subscribe

SECRET = re.compile(r'id="webhook-secret">(whsec_[^<]+)<')


class EndpointScreensTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def test_only_administrators_see_webhooks(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/webhooks/").status_code, 403)
            self.assertEqual(self.client.get("/webhooks/nuevo/").status_code, 403)

    def test_it_refuses_a_url_to_the_local_machine_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.post(
            "/webhooks/nuevo/",
            {"url": "http://127.0.0.1:9/hooks", "events": [events.CONTACT_CREATED]},
        )
        self.assertContains(response, "apunta a una dirección privada o local (127.0.0.1)")
        self.assertFalse(Endpoint.objects.exists())

    def test_it_refuses_private_link_local_and_named_local_hosts(self) -> None:
        for url in (
            "http://10.1.2.3/x",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/x",
            "http://localhost:8000/x",
            "ftp://example.org/x",
        ):
            response = self.client.post("/webhooks/nuevo/", {"url": url, "events": ["conversion"]})
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, 'id="webhook-secret"')
        self.assertFalse(Endpoint.objects.exists())

    def test_an_allowed_host_may_be_private(self) -> None:
        response = self.client.post("/webhooks/hosts/", {"name": "127.0.0.1"}, follow=True)
        self.assertContains(response, "Webhooks may now reach 127.0.0.1.")
        response = self.client.post(
            "/webhooks/nuevo/", {"url": "http://127.0.0.1:9/hooks", "events": ["conversion"]}
        )
        self.assertRegex(response.content.decode(), SECRET)
        host = AllowedHost.objects.get()
        self.client.post(f"/webhooks/hosts/{host.pk}/quitar/")
        self.assertFalse(AllowedHost.objects.exists())

    def test_it_refuses_a_host_name_with_a_scheme(self) -> None:
        response = self.client.post("/webhooks/hosts/", {"name": "http://x/"}, follow=True)
        self.assertContains(response, "Write the host name alone")
        self.assertFalse(AllowedHost.objects.exists())

    def test_it_needs_an_event(self) -> None:
        AllowedHost.objects.create(name="127.0.0.1")
        response = self.client.post("/webhooks/nuevo/", {"url": "http://127.0.0.1:9/"})
        self.assertContains(response, "Choose at least one event.")

    def test_the_secret_is_shown_once_and_stored_encrypted(self) -> None:
        receiver = start_receiver(self)
        endpoint, secret = subscribe(self, receiver.url, [events.CONTACT_CREATED])
        self.assertNotIn(secret, endpoint.secret)
        for page in ("/webhooks/", f"/webhooks/{endpoint.code}/"):
            self.assertNotContains(self.client.get(page), secret)

    def test_rotation_signs_with_both_secrets_for_a_day(self) -> None:
        receiver = start_receiver(self)
        endpoint, old = subscribe(self, receiver.url, [events.CONTACT_CREATED])
        response = self.client.post(f"/webhooks/{endpoint.code}/rotar-secreto/")
        new = SECRET.search(response.content.decode())[1]
        self.assertNotEqual(new, old)
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        deliveries.deliver_due()
        [got] = receiver.received
        Webhook(new).verify(got.body, got.headers)
        Webhook(old).verify(got.body, got.headers)
        self.assertEqual(len(got.headers["webhook-signature"].split(" ")), 2)

    def test_the_log_shows_each_attempt(self) -> None:
        receiver = start_receiver(self)
        receiver.status = 500
        receiver.answer = b"no disponible"
        endpoint, _secret = subscribe(self, receiver.url, [events.CONTACT_CREATED])
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        deliveries.deliver_due()
        response = self.client.get(f"/webhooks/{endpoint.code}/")
        self.assertContains(response, "no disponible")
        self.assertContains(response, '<span class="badge text-bg-danger">500</span>', html=True)

    def test_disable_and_enable(self) -> None:
        receiver = start_receiver(self)
        endpoint, _secret = subscribe(self, receiver.url, [events.CONTACT_CREATED])
        self.client.post(f"/webhooks/{endpoint.code}/activar/")
        endpoint.refresh_from_db()
        self.assertFalse(endpoint.is_enabled)
        self.client.post(f"/webhooks/{endpoint.code}/activar/")
        endpoint.refresh_from_db()
        self.assertTrue(endpoint.is_enabled)

    def test_each_change_is_in_the_audit_log(self) -> None:
        receiver = start_receiver(self)  # which allows 127.0.0.1
        self.client.post("/webhooks/hosts/", {"name": "hooks.intranet"})
        endpoint, _secret = subscribe(self, receiver.url, [events.CONTACT_CREATED])
        self.client.post(f"/webhooks/{endpoint.code}/rotar-secreto/")
        self.client.post(f"/webhooks/{endpoint.code}/activar/")
        self.client.post(f"/webhooks/{endpoint.code}/activar/")
        self.client.post(f"/webhooks/{endpoint.code}/eliminar/")
        host = AllowedHost.objects.get(name="hooks.intranet")
        self.client.post(f"/webhooks/hosts/{host.pk}/quitar/")
        entries = AuditEntry.objects.filter(action=AuditAction.WEBHOOK_CHANGED).order_by("pk")
        self.assertEqual(
            [(entry.actor, entry.target, entry.detail["change"]) for entry in entries],
            [
                (self.alice, "hooks.intranet", "added"),
                (self.alice, receiver.url, "added"),
                (self.alice, receiver.url, "secret rotated"),
                (self.alice, receiver.url, "disabled"),
                (self.alice, receiver.url, "enabled"),
                (self.alice, receiver.url, "removed"),
                (self.alice, "hooks.intranet", "removed"),
            ],
        )
