"""Background tasks of the Moodle connector: thin wrappers that take ids (see STYLE.md §3)."""

from django_tasks import task

from pregon.moodle import sync


@task()
def sync_moodle(sync_run_id: int) -> None:
    """Run one queued sync with the classroom (``pregon.moodle.sync.run``)."""
    sync.run(sync_run_id)
