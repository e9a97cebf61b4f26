"""/metrics: refused without the token or an allowed network, and on a campaign sent through
a real SMTP server, figures that match the database."""

import datetime
import json
import re
from pathlib import Path

import time_machine
from django.conf import settings
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from pregon.campaigns import scheduling
from pregon.contacts.tasks import import_contacts
from pregon.sending.models import Heartbeat, Message, MessageStatus, SkipReason
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking.models import Event, EventKind

TOKEN = "d6c1f0a4e2b94e8f9c7a1b3d5e7f9a0b"
NAMES = {
    "pregon_messages_queued",
    "pregon_messages_sending",
    "pregon_messages_sent",
    "pregon_send_rate_per_second",
    "pregon_messages_failed",
    "pregon_messages_skipped",
    "pregon_bounces",
    "pregon_queue_oldest_seconds",
    "pregon_quota_remaining_messages",
    "pregon_tracking_events",
    "pregon_workers",
    "pregon_heartbeat_age_seconds",
    "pregon_tasks_waiting",
}


def samples(body: bytes) -> dict[str, float]:
    """{'name{label="value",…}': value} of a scrape, labels in alphabetical order."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


class MetricsAccessTestCase(BaseTestCase):
    def test_without_a_token_or_network_it_does_not_exist(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/metrics").status_code, 404)

    @override_settings(METRICS_TOKEN=TOKEN)
    def test_the_token_is_required(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 403)
        wrong = {"Authorization": f"Bearer {TOKEN[:-1]}x"}
        self.assertEqual(self.client.get("/metrics", headers=wrong).status_code, 403)
        basic = {"Authorization": f"Basic {TOKEN}"}
        self.assertEqual(self.client.get("/metrics", headers=basic).status_code, 403)
        # A staff member's session is no way in either.
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/metrics").status_code, 403)

    @override_settings(METRICS_TOKEN=TOKEN)
    def test_the_right_token_gets_every_figure(self) -> None:
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain; version="))
        families = {f.name for f in text_string_to_metric_families(response.content.decode())}
        self.assertEqual(families, NAMES)

    @override_settings(METRICS_TOKEN=TOKEN)
    def test_the_sample_dashboard_asks_for_figures_that_exist(self) -> None:
        dashboard = Path(settings.BASE_DIR) / "deploy" / "grafana-dashboard.json"
        panels = json.loads(dashboard.read_text(encoding="utf-8"))["panels"]
        asked = {
            name
            for panel in panels
            for target in panel["targets"]
            for name in re.findall(r"pregon_\w+", target["expr"])
        }
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        # Family names too: a family with no sample yet (no failure so far) still exists.
        families = text_string_to_metric_families(response.content.decode())
        exposed = {key.split("{")[0] for key in samples(response.content)}
        for family in families:
            exposed |= {family.name, f"{family.name}_total" if family.type == "counter" else ""}
        self.assertGreater(len(asked), 8)
        self.assertEqual(asked - exposed, set())

    @override_settings(METRICS_ALLOW=["10.0.0.0/8", "127.0.0.1/32"])
    def test_an_allowed_network_needs_no_token(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 200)
        outside = {"REMOTE_ADDR": "192.0.2.7"}
        self.assertEqual(self.client.get("/metrics", **outside).status_code, 403)

    @override_settings(METRICS_ALLOW=["10.0.0.0/8"], PROXY_COUNT=1)
    def test_behind_nginx_the_network_is_the_client_s(self) -> None:
        inside = {"HTTP_X_FORWARDED_FOR": "10.1.2.3"}
        self.assertEqual(self.client.get("/metrics", **inside).status_code, 200)
        # What the client wrote itself, left of what nginx saw, is not believed.
        forged = {"HTTP_X_FORWARDED_FOR": "10.1.2.3, 192.0.2.7"}
        self.assertEqual(self.client.get("/metrics", **forged).status_code, 403)


@override_settings(METRICS_TOKEN=TOKEN, QUOTA_MONTHLY=1000)
class MetricsValuesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Five contacts: the relay refuses persona0003 for good, persona0004 has left the
        # list by the time the messages go out; three are sent.
        refusing = Mailbox(
            answer=lambda recipient, attempt: (
                "550 5.1.1 No such user" if recipient.startswith("persona0003") else None
            )
        )
        with smtp_server(refusing):
            campaign = campaign_to(contacts_on_a_list(5))
            scheduling.start_due_campaigns()
            Message.objects.filter(email__startswith="persona0004").update(
                status=MessageStatus.SKIPPED, skip_reason=SkipReason.LEFT
            )
            send_all()
        sent = Message.objects.filter(status=MessageStatus.SENT)
        Event.objects.bulk_create(
            Event(kind=kind, message=message)
            for message in sent[:2]
            for kind in (EventKind.OPENED, EventKind.CLICKED)
        )
        self.sent_count = sent.count()
        campaign.refresh_from_db()
        self.mailing = campaign.mailing
        # Two more messages of the same mailing, due ten minutes ago, still waiting.
        self.now = timezone.now()
        due = self.now - datetime.timedelta(minutes=10)
        for n in range(2):
            Message.objects.create(
                mailing=self.mailing, email=f"tarde{n}@example.pe", send_after=due
            )
        # An import that no task worker has taken yet.
        import_contacts.enqueue(1, 1)
        for kind, name, ago in [
            ("sender", "sender@mail1:10", 2),
            ("sender", "sender@mail2:11", 4),
            ("sender", "sender@mail2:9", 300),
            ("scheduler", "scheduler@mail1:12", 1),
        ]:
            Heartbeat.objects.create(
                kind=kind, name=name, seen_at=self.now - datetime.timedelta(seconds=ago)
            )

    def scrape(self) -> dict[str, float]:
        with time_machine.travel(self.now, tick=False):
            response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(response.status_code, 200)
        return samples(response.content)

    def test_the_figures_match_the_database(self) -> None:
        found = self.scrape()
        self.assertEqual(self.sent_count, 3)
        self.assertEqual(found["pregon_messages_sent_total"], 3)
        self.assertEqual(found["pregon_messages_queued"], 2)
        self.assertEqual(found["pregon_messages_sending"], 0)
        self.assertEqual(found["pregon_messages_failed"], 1)
        self.assertEqual(found["pregon_messages_skipped"], 1)
        self.assertEqual(found['pregon_bounces_total{cause="user_unknown",kind="hard"}'], 1)
        self.assertEqual(found["pregon_queue_oldest_seconds"], 600)
        self.assertEqual(found["pregon_quota_remaining_messages"], 1000 - 3)
        self.assertEqual(found["pregon_send_rate_per_second"], 3 / 60)
        last_event = Event.objects.aggregate(last=Max("id"))["last"]
        self.assertEqual(found["pregon_tracking_events_total"], last_event)
        self.assertEqual(found['pregon_workers{kind="sender"}'], 2)
        self.assertEqual(found['pregon_workers{kind="scheduler"}'], 1)
        self.assertEqual(found['pregon_workers{kind="automation"}'], 0)
        self.assertEqual(found['pregon_heartbeat_age_seconds{kind="scheduler"}'], 1)
        self.assertEqual(found['pregon_heartbeat_age_seconds{kind="sender"}'], 2)
        self.assertEqual(found["pregon_tasks_waiting"], 1)

    def test_the_figures_follow_the_queue(self) -> None:
        before = self.scrape()
        Event.objects.create(
            kind=EventKind.OPENED, message=Message.objects.filter(status="sent")[0]
        )
        # A paused campaign's waiting messages no longer age the queue.
        self.mailing.status = "paused"
        self.mailing.save()
        after = self.scrape()
        self.assertEqual(
            after["pregon_tracking_events_total"],
            before["pregon_tracking_events_total"] + 1,
        )
        self.assertEqual(after["pregon_queue_oldest_seconds"], 0)
        self.assertEqual(after["pregon_messages_queued"], 2)

    def test_prometheus_gets_openmetrics(self) -> None:
        headers = {
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        }
        response = self.client.get("/metrics", headers=headers)
        self.assertTrue(response["Content-Type"].startswith("application/openmetrics-text"))
        self.assertTrue(response.content.endswith(b"# EOF\n"))
