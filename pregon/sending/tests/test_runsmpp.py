"""`pregon runsmpp` as a real process against a real SMSC on 127.0.0.1: it binds as a
receiver, records a receipt, and unbinds cleanly on SIGTERM. The real database, so a
TransactionTestCase: the process must see the rows."""

import os
import signal
import subprocess
import sys
import time

from django.test import TransactionTestCase

from pregon.contacts.models import Contact
from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway, SmsMessage, SmsStatus
from pregon.testing.browser import database_url
from pregon.testing.smpp import PASSWORD, SYSTEM_ID, Smsc, pump


class RunSmppTestCase(TransactionTestCase):
    def setUp(self) -> None:
        self.smsc = Smsc()
        self.addCleanup(self.smsc.stop)
        gateway = SmsGateway.objects.create(
            name="Operador",
            kind=GatewayKind.SMPP,
            sender="PREGON",
            username=SYSTEM_ID,
            secret=vault.encrypt(PASSWORD),
            options={"host": "127.0.0.1", "port": self.smsc.port},
        )
        ana = Contact.objects.create(email="ana@example.org", phone="+51987654321")
        self.sms = SmsMessage.objects.create(
            key="k1",
            contact=ana,
            phone=ana.phone,
            text="Hola",
            status=SmsStatus.SENT,
            gateway=gateway,
            gateway_message_id="smsc-7",
        )

    def test_it_records_receipts_and_unbinds_on_sigterm(self) -> None:
        env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
        command = [sys.executable, "-m", "pregon", "runsmpp", "--idle", "0.2"]
        process = subprocess.Popen(command, env=env)  # noqa: S603
        self.addCleanup(process.kill)

        def running() -> None:
            self.assertIsNone(process.poll(), "runsmpp stopped")
            time.sleep(0.05)

        pump(running, lambda: self.smsc.receivers, 60)
        sequence = self.smsc.receipt("smsc-7")
        pump(running, lambda: sequence in self.smsc.answers, 30)
        self.sms.refresh_from_db()
        self.assertEqual(self.sms.status, SmsStatus.DELIVERED)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(30), 0)
        self.assertEqual(self.smsc.unbinds, 1)
