"""The base of the tests of data migrations: take the database back to some migrations,
write rows with the models as they were then, migrate forward and read what came out."""

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase


class MigrationTestCase(TransactionTestCase):
    """``migrate(targets)`` goes to those migrations and returns the models as they stood
    there; every test ends with the database back at the latest migrations."""

    def leaves(self, before: dict[str, str | None] | None = None) -> list[tuple[str, str | None]]:
        """Every app at its latest migration, but those of ``before`` at theirs (None: none
        of them): the other apps' tables stay as their models are."""
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        return [(app, (before or {}).get(app, name)) for app, name in leaves]

    def migrate(self, targets: list[tuple[str, str | None]]) -> Apps:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        # An app taken back to none has no node of its own in the state.
        return executor.loader.project_state([t for t in targets if t[1]]).apps

    def tearDown(self) -> None:
        self.migrate(self.leaves())
        super().tearDown()
