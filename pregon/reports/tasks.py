"""Background work of the reports app: the PDF report mailed when a campaign finishes, and
the live figures a campaign's report polls."""

from django_tasks import task

from pregon.campaigns.models import Campaign
from pregon.reports import live, pdf
from pregon.sending.models import Mailing


@task()
def mail_report(campaign_id: int) -> None:
    """Draw the campaign's PDF report and email it to its ``report_to`` staff
    (``pdf.mail_report``)."""
    pdf.mail_report(campaign_id)


@task()
def refresh_live_figures(mailing_id: int) -> None:
    """Compute a mailing's live figures again for its report's polls (``live.latest``)."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is not None:
        live.refresh(mailing)


def queue_reports(name: str, payloads: list[dict]) -> None:
    """The listener of ``campaign.finished``: queue ``mail_report`` for each finished
    campaign that has staff to send its report to.

    It runs in the transaction that finished the campaign, so it only writes the task's
    row, which commits with the campaign's new status (or not at all); the worker that
    takes the task draws the PDF and talks to the mail server.
    """
    finished = [payload["campaign"] for payload in payloads]
    wanted = (
        Campaign.report_to.through.objects.filter(campaign_id__in=finished)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    for campaign_id in wanted:
        mail_report.enqueue(campaign_id)
