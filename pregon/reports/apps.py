from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pregon.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from pregon.lib import events
        from pregon.reports import tasks

        # A finished campaign's PDF report goes to the staff chosen for it (pregon.reports.pdf).
        events.listen([events.CAMPAIGN_FINISHED], tasks.queue_reports)
