"""The secret of automations' webhook calls: stored, shown once to an administrator,
rotated on the webhooks page or through the API with a day when both secrets sign, and
seeded on upgrade with the secret earlier versions derived from the encryption key."""

import base64
import datetime
import importlib
import re

import time_machine
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from pregon.accounts.models import ApiToken, AuditAction, AuditEntry
from pregon.testing import BaseTestCase
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries, outbox
from pregon.webhooks.models import CallSecret

SHOWN = re.compile(r'id="call-secret">(whsec_[^<]+)<')
ROTATED = re.compile(r'id="webhook-secret">(whsec_[^<]+)<')
seeding = importlib.import_module("pregon.webhooks.migrations.0002_call_secret")


def derived_secret() -> str:
    """The secret that versions before the stored one derived and showed on every visit."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"pregon webhook calls"
    ).derive(settings.ENCRYPTION_KEY.encode())
    return "whsec_" + base64.b64encode(key).decode()


class CallSecretTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        CallSecret.objects.all().delete()  # As on an installation that never needed it.
        self.receiver = start_receiver(self)
        self.client.force_login(self.alice)

    def deliver_call(self, key: str) -> dict[str, str]:
        """Queue an automation's call, deliver it; return the headers and body received."""
        outbox.call(self.receiver.url, {"contact": 7}, key)
        deliveries.deliver_due()
        got = self.receiver.received[-1]
        return {"data": got.body, "headers": got.headers}

    def shown(self) -> str | None:
        found = SHOWN.search(self.client.get("/webhooks/").content.decode())
        return found[1] if found else None

    def test_a_call_verifies_with_the_secret_shown_once(self) -> None:
        got = self.deliver_call("wf1:e1:n2")  # The call creates the secret: nobody saw it yet.
        secret = self.shown()
        self.assertTrue(secret)
        self.assertEqual(Webhook(secret).verify(**got)["data"], {"contact": 7})
        response = self.client.get("/webhooks/")
        self.assertNotContains(response, secret)
        self.assertContains(response, 'id="call-secret-shown"')
        self.assertNotIn(secret, CallSecret.objects.get().secret)  # Stored encrypted.

    def test_an_upgrade_keeps_verifying_with_the_derived_secret(self) -> None:
        seeding.seed_with_the_derived_secret(apps, None)
        got = self.deliver_call("wf1:e1:n2")
        Webhook(derived_secret()).verify(**got)
        self.assertEqual(self.shown(), derived_secret())
        self.assertIsNone(self.shown())

    def test_rotation_shows_a_new_secret_once_and_both_sign_for_a_day(self) -> None:
        old = self.shown()
        response = self.client.post("/webhooks/llamadas/rotar-secreto/")
        new = ROTATED.search(response.content.decode())[1]
        self.assertNotEqual(new, old)
        got = self.deliver_call("wf1:e1:n2")
        self.assertEqual(len(got["headers"]["webhook-signature"].split(" ")), 2)
        Webhook(new).verify(**got)
        Webhook(old).verify(**got)
        page = self.client.get("/webhooks/")
        self.assertNotContains(page, new)
        self.assertNotContains(page, old)
        entry = AuditEntry.objects.get(action=AuditAction.WEBHOOK_CHANGED)
        self.assertEqual((entry.actor, entry.detail["change"]), (self.alice, "secret rotated"))
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
            got = self.deliver_call("wf1:e1:n3")
            Webhook(new).verify(**got)
            with self.assertRaises(WebhookVerificationError):
                Webhook(old).verify(**got)

    def test_after_the_encryption_key_changed_a_rotation_lets_calls_go_again(self) -> None:
        # Stored under a key since replaced: the secret can no longer be read.
        unreadable = Fernet(Fernet.generate_key()).encrypt(b"whsec_old").decode()
        CallSecret.objects.create(pk=CallSecret.ONLY, secret=unreadable, shown_at=timezone.now())
        response = self.client.post("/webhooks/llamadas/rotar-secreto/")
        new = ROTATED.search(response.content.decode())[1]
        got = self.deliver_call("wf1:e1:n2")
        # Signed with the new secret alone: the old one cannot sign, even during the overlap.
        self.assertEqual(len(got["headers"]["webhook-signature"].split(" ")), 1)
        Webhook(new).verify(**got)

    def test_only_administrators_rotate(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post("/webhooks/llamadas/rotar-secreto/").status_code, 403)
        self.assertEqual(self.client.get("/webhooks/llamadas/rotar-secreto/").status_code, 403)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/webhooks/llamadas/rotar-secreto/").status_code, 405)

    def test_the_api_rotates_it(self) -> None:
        path = "/api/v1/webhooks/calls/rotate-secret"
        editor = ApiToken.issue(self.bob, "prueba")[1]
        denied = self.client.post(path, headers={"Authorization": f"Bearer {editor}"})
        self.assertEqual(denied.status_code, 403)
        old = self.shown()
        admin = {"Authorization": f"Bearer {ApiToken.issue(self.alice, 'prueba')[1]}"}
        response = self.client.post(path, headers=admin)
        self.assertEqual(response.status_code, 200, response.content)
        new = response.json()["secret"]
        self.assertIsNotNone(response.json()["previous_until"])
        got = self.deliver_call("wf1:e1:n2")
        Webhook(new).verify(**got)
        Webhook(old).verify(**got)
        self.assertIsNone(self.shown())
