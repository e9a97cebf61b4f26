import unittest

from django.db import connection
from django.test import TestCase

from pregon.contacts.models import Contact
from pregon.sending import engine
from pregon.sending.models import Mailing, Message, SenderIdentity


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's planner statistics")
class QueueStatisticsTestCase(TestCase):
    """A campaign's queue is analysed as soon as it is written: the claims' plans depend on
    the statistics saying that queued messages are many (docs/design.md, "The send's
    indexes")."""

    @classmethod
    def setUpTestData(cls) -> None:
        sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="capacitacion@escuela.example.pe"
        )
        cls.mailings = [
            Mailing.objects.create(
                subject="Curso de diciembre",
                html="<p>Hola</p>",
                text="Hola",
                sender=sender,
                list_id="<participantes.escuela.example.pe>",
                feedback_id="1:pregon:escuela",
            )
            for _ in range(2)
        ]
        Contact.objects.bulk_create(
            Contact(email=f"persona{n}@example.pe") for n in range(engine.ANALYZE_AFTER)
        )

    def analysed_rows(self) -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [Message._meta.db_table],
            )
            return cursor.fetchone()[0]

    def test_a_large_queue_is_analysed_at_once(self) -> None:
        queued = engine.enqueue(self.mailings[0], Contact.objects.all())
        self.assertEqual(queued, engine.ANALYZE_AFTER)
        self.assertEqual(self.analysed_rows(), engine.ANALYZE_AFTER)

    def test_a_small_one_is_left_to_autovacuum(self) -> None:
        before = self.analysed_rows()
        few = Contact.objects.order_by("pk").values_list("pk", flat=True)[:10]
        engine.enqueue(self.mailings[1], Contact.objects.filter(pk__in=list(few)))
        self.assertEqual(self.analysed_rows(), before)
