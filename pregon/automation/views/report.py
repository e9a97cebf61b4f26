"""A workflow's report: its figures (``stats.figures``) and each step's (``stats.steps``):
contacts waiting there and gone through, and what its emails, SMS or webhook calls did; with
a chart of the contacts at and through each step."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.automation import stats
from pregon.automation.models import Workflow

# The figures' cards, in order, with their labels (keys of ``stats.figures``).
CARDS = {
    "entered": pgettext_lazy("workflow figures", "Entered"),
    "waiting": gettext_lazy("In progress"),
    "completed": pgettext_lazy("workflow figures", "Completed"),
    "exited_goal": gettext_lazy("Left at the goal"),
    "failed": pgettext_lazy("workflow figures", "Failed"),
    "emails_sent": gettext_lazy("Emails sent"),
    "emails_opened": gettext_lazy("Emails opened"),
    "emails_clicked": gettext_lazy("Emails clicked"),
    "emails_failed": gettext_lazy("Emails failed"),
    "sms_sent": gettext_lazy("SMS sent"),
    "sms_failed": gettext_lazy("SMS failed"),
    "conversions": gettext_lazy("Conversions"),
    "webhooks_delivered": gettext_lazy("Webhook calls delivered"),
    "webhooks_failed": gettext_lazy("Webhook calls failed"),
}


# The steps table's columns (keys of ``stats.steps``' rows); a webhook's calls still being
# retried show in its "failed" cell.
COLUMNS = {
    "waiting": gettext_lazy("Waiting there now"),
    "passed": gettext_lazy("Went through"),
    "sent": pgettext_lazy("step figures", "Sent"),
    "delivered": pgettext_lazy("step figures", "Delivered"),
    "opened": pgettext_lazy("step figures", "Opened"),
    "clicked": pgettext_lazy("step figures", "Clicked"),
    "failed": pgettext_lazy("step figures", "Failed"),
    "conversions": gettext_lazy("Conversions"),
}


def _rows(workflow: Workflow) -> list[dict]:
    """Each step of the graph in its order, with its cells (None: not a figure of its type)."""
    rows = stats.steps(workflow, stats.node_figures(workflow))
    for row in rows:
        row["cells"] = [(key, row[key]) for key in COLUMNS]
    return rows


@authorize(Role.ANALYST)
def report(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    workflow = get_object_or_404(Workflow, code=code)
    figures = stats.figures(workflow)
    rows = _rows(workflow)
    chart = {
        "type": "bar",
        "counts": True,
        "labels": [row["label"] for row in rows],
        "datasets": [
            {"label": _("Waiting there now"), "data": [row["waiting"] for row in rows]},
            {"label": _("Went through"), "data": [row["passed"] for row in rows]},
        ],
    }
    context = {
        "workflow": workflow,
        "cards": [(key, label, figures[key]) for key, label in CARDS.items() if key in figures],
        "rows": rows,
        "columns": COLUMNS.values(),
        "chart": chart,
    }
    return render(request, "automation/report.html", context)
