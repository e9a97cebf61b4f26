"""Domains made before the bounce subdomain keep receiving bounces where they did."""

import importlib

from django.apps import apps
from django.test import TestCase

from pregon.domains.models import SendingDomain

migration = importlib.import_module("pregon.domains.migrations.0003_return_path")


class ReturnPathMigrationTestCase(TestCase):
    def test_an_existing_domain_keeps_its_own_name_as_return_path(self) -> None:
        SendingDomain.objects.create(name="escuela.example.pe")
        # As stored before the field existed: save() would fill in the subdomain.
        SendingDomain.objects.update(return_path="")
        migration.keep_return_paths(apps, None)
        self.assertEqual(SendingDomain.objects.get().return_path, "escuela.example.pe")

    def test_a_new_domain_gets_the_subdomain(self) -> None:
        domain = SendingDomain.objects.create(name="escuela.example.pe")
        self.assertEqual(domain.return_path, "rebotes.escuela.example.pe")
