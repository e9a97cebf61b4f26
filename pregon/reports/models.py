from django.db import models
from django.utils import timezone

from pregon.sending.models import Mailing


class LiveFigures(models.Model):
    """A mailing's report figures, clicks per link and charts as last computed, which the
    report's live part reads while the campaign sends (pregon.reports.live)."""

    mailing = models.OneToOneField(
        Mailing, on_delete=models.CASCADE, primary_key=True, related_name="live_figures"
    )
    # pregon.reports.live.compute's answer: JSON values only.
    data = models.JSONField(default=dict)
    # When the computation that wrote ``data`` started: what it shows is at least that
    # recent.
    computed_at = models.DateTimeField(default=timezone.now)
    # When a refresh was queued for a task worker; None when none is waiting.
    refresh_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"live figures of mailing {self.mailing_id}"
