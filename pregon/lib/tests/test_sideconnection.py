"""side_connection: a second connection whose writes commit while the first one's
transaction stays open (PostgreSQL: SQLite has one writer at a time), and the first
connection itself inside an outer atomic block."""

import unittest

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import ConnectionDoesNotExist
from django.test import TestCase, TransactionTestCase

from pregon.contacts.models import MailingList
from pregon.lib.sideconnection import side_connection


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite has a single writer")
class SideConnectionTestCase(TransactionTestCase):
    def test_its_writes_commit_while_the_first_connection_stays_in_a_transaction(
        self,
    ) -> None:
        with side_connection() as side, transaction.atomic():
            self.assertNotEqual(side, DEFAULT_DB_ALIAS)
            MailingList.objects.create(name="Sin confirmar")
            MailingList.objects.using(side).create(name="Confirmada")
            transaction.set_rollback(True)
        self.assertEqual(list(MailingList.objects.values_list("name", flat=True)), ["Confirmada"])
        with self.assertRaises(ConnectionDoesNotExist):
            connections[side]


class SideConnectionInATransactionTestCase(TestCase):
    def test_inside_an_atomic_block_it_is_the_same_connection(self) -> None:
        with side_connection() as side:
            self.assertEqual(side, DEFAULT_DB_ALIAS)
