from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "pregon.contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        # Django's hook for setting up a new database connection: segment text rules need
        # the accent-folding function on SQLite (pregon.contacts.segments.Fold).
        from pregon.contacts.segments import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="pregon_sqlite_fold")
