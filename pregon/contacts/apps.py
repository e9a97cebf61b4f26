from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "pregon.contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from pregon.contacts import segments, system_checks  # noqa: F401  (registers it)
        from pregon.contacts.segments.membership import LISTS, TAGS
        from pregon.contacts.segments.sql import register_sqlite_fold

        # Django's hook for setting up a new database connection: segment text rules need
        # the accent-folding function on SQLite (pregon.contacts.segments.sql.Fold).
        connection_created.connect(register_sqlite_fold, dispatch_uid="pregon_sqlite_fold")
        # Segment rules on lists and tags, registered as other apps register theirs; contacts
        # comes first in INSTALLED_APPS, so these come first in the editor.
        segments.register(LISTS)
        segments.register(TAGS)
