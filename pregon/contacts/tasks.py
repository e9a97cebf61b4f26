"""Background tasks of the contacts app: thin wrappers that take ids (see STYLE.md §3)."""

from django_tasks import task

from pregon.contacts import imports
from pregon.contacts.segments import columns


@task()
def import_contacts(import_id: int, attempt: int) -> None:
    """Run one attempt of a contact import (``pregon.contacts.imports.run_import``)."""
    imports.run_import(import_id, attempt)


@task()
def build_field_column(field_id: int) -> None:
    """Add a custom field's column for segment rules (``segments.columns``)."""
    columns.build_field_column(field_id)
