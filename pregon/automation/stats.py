"""A workflow's figures for its report, the builder's canvas and the API: the whole
workflow's (``figures``) and each step's (``node_figures``, ``steps``). Read from the
enrolments, the step log and sending's, tracking's and webhooks' rows, in a few grouped
queries whatever the number of contacts.

Opens and clicks are people's, as in a campaign's report (pregon.reports.stats): events of
machines (privacy proxies, link scanners) are left out, and a click counts as an open.
Opened, clicked and converted count messages, not events.

An email node's messages are those of its mailings (``NodeMailing``). An SMS node's and a
webhook node's are found by their idempotency key, ``wf<workflow>:e<enrolment>:n<node>``
with ``:v<n>`` on a later visit (pregon.automation.step): one conditional count per node
and figure in a single query, rather than a node column on sending's and webhooks' rows.
"""

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When

from pregon.automation import graph as graphs
from pregon.automation.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    NodeMailing,
    Outcome,
    StepLog,
    Workflow,
)
from pregon.sending.models import Message, MessageStatus
from pregon.sending.sms.models import SmsMessage, SmsStatus
from pregon.tracking.models import Event, EventKind
from pregon.webhooks.models import Delivery, DeliveryStatus

# What each figure counts, for the whole workflow and for one node alike.
EMAIL = {
    "sent": Q(status__in=[MessageStatus.SENT, MessageStatus.OUTBOX]),
    "failed": Q(status=MessageStatus.FAILED),
}
# An SMS the gateway took counts as sent, even if its receipt said it was not delivered.
SMS = {
    "sent": Q(status__in=[SmsStatus.SENT, SmsStatus.DELIVERED, SmsStatus.UNDELIVERED]),
    "delivered": Q(status=SmsStatus.DELIVERED),
    "clicked": Q(clicked_at__isnull=False),
    "failed": Q(status__in=[SmsStatus.FAILED, SmsStatus.UNDELIVERED]),
}
# A call is retried with backoff for a day before it counts as failed.
CALLS = {
    "delivered": Q(status=DeliveryStatus.DELIVERED),
    "retrying": Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], attempt_count__gt=0),
    "failed": Q(status=DeliveryStatus.FAILED),
}
# The figures of each kind of node, besides "waiting" and "passed", which every node has.
NODE_FIGURES = {
    "email": ("sent", "opened", "clicked", "failed", "conversions"),
    "sms": ("sent", "delivered", "clicked", "failed"),
    "webhook": ("delivered", "retrying", "failed"),
}
# Every node figure, in the order the report's table and the API give them.
STEP_FIGURES = (
    "waiting",
    "passed",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "failed",
    "retrying",
    "conversions",
)


def _email_events() -> dict[str, Count]:
    """People's opens and clicks, and conversions: messages with at least one."""
    return {
        "opened": Count("message", distinct=True, filter=Event.opening()),
        "clicked": Count("message", distinct=True, filter=Event.clicking()),
        "conversions": Count("message", distinct=True, filter=Q(kind=EventKind.CONVERTED)),
    }


def _texts(workflow: Workflow) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(workflow_id=workflow.pk)


def _calls(workflow: Workflow) -> QuerySet[Delivery]:
    # The webhook steps' calls are one-off deliveries (no endpoint) keyed "wf<id>:e…".
    return Delivery.objects.filter(endpoint=None, key__startswith=f"wf{workflow.pk}:")


def figures(workflow: Workflow) -> dict[str, int]:
    """Entered, waiting (in progress), completed, exited at goal and failed; emails sent,
    opened, clicked and failed; SMS sent and failed; conversions; webhook calls delivered
    and failed."""
    runs = Enrolment.objects.filter(workflow=workflow).aggregate(
        entered=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        exited_goal=Count("pk", filter=Q(status=EnrolmentStatus.EXITED_GOAL)),
        failed=Count("pk", filter=Q(status=EnrolmentStatus.FAILED)),
    )
    mailing_ids = NodeMailing.objects.filter(workflow=workflow).values("mailing_id")
    emails = Message.objects.filter(mailing_id__in=mailing_ids).aggregate(
        **{f"emails_{name}": Count("pk", filter=q) for name, q in EMAIL.items()}
    )
    events = _email_events()
    tracked = Event.objects.filter(message__mailing_id__in=mailing_ids).aggregate(
        emails_opened=events["opened"],
        emails_clicked=events["clicked"],
        conversions=events["conversions"],
    )
    texts = _texts(workflow).aggregate(
        sms_sent=Count("pk", filter=SMS["sent"]), sms_failed=Count("pk", filter=SMS["failed"])
    )
    calls = _calls(workflow).aggregate(
        webhooks_delivered=Count("pk", filter=CALLS["delivered"]),
        webhooks_failed=Count("pk", filter=CALLS["failed"]),
    )
    return {**runs, **emails, **tracked, **texts, **calls}


def node_figures(workflow: Workflow) -> dict[str, dict[str, int]]:
    """Per node id: contacts there now ("waiting") and steps run there ("passed"), and for
    the graph's message nodes what their messages did (``NODE_FIGURES``). Nodes no longer
    in the graph keep their counts."""
    nodes = workflow.graph.get("nodes", []) if isinstance(workflow.graph, dict) else []
    result: dict[str, dict[str, int]] = {}
    for node in nodes:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            names = ("waiting", "passed", *NODE_FIGURES.get(node.get("type"), ()))
            result[node["id"]] = dict.fromkeys(names, 0)

    def add(node_id: str, values: dict[str, int]) -> None:
        result.setdefault(node_id, {"waiting": 0, "passed": 0}).update(values)

    for node_id, counts in _movement(workflow).items():
        add(node_id, counts)
    for node_id, counts in _emails(workflow).items():
        add(node_id, counts)
    of_type = {kind: [n["id"] for n in nodes if n.get("type") == kind] for kind in NODE_FIGURES}
    for node_id, counts in _keyed_counts(_texts(workflow), of_type["sms"], SMS).items():
        add(node_id, counts)
    for node_id, counts in _keyed_counts(_calls(workflow), of_type["webhook"], CALLS).items():
        add(node_id, counts)
    return result


def _movement(workflow: Workflow) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    here = (
        Enrolment.objects.filter(workflow=workflow, status__in=ACTIVE_STATUSES)
        .values("node")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in here:
        counts.setdefault(row["node"], {})["waiting"] = row["n"]
    passed = (
        StepLog.objects.filter(workflow=workflow)
        .exclude(outcome=Outcome.WAITING)
        .values("node")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in passed:
        counts.setdefault(row["node"], {})["passed"] = row["n"]
    return counts


def _emails(workflow: Workflow) -> dict[str, dict[str, int]]:
    """The email nodes' figures: their messages grouped by mailing, then by node (a node
    has a further mailing per round and per change of its email)."""
    node_of = dict(NodeMailing.objects.filter(workflow=workflow).values_list("mailing_id", "node"))
    if not node_of:
        return {}
    counts = {node_id: dict.fromkeys(NODE_FIGURES["email"], 0) for node_id in node_of.values()}
    messages = (
        Message.objects.filter(mailing_id__in=list(node_of))
        .values("mailing_id")
        .annotate(**{name: Count("pk", filter=q) for name, q in EMAIL.items()})
        .order_by()
    )
    events = (
        Event.objects.filter(message__mailing_id__in=list(node_of))
        .values(mailing_id=F("message__mailing_id"))
        .annotate(**_email_events())
        .order_by()
    )
    for row in [*messages, *events]:
        node = counts[node_of[row.pop("mailing_id")]]
        for name, value in row.items():
            node[name] += value
    return counts


def _keyed(node_id: str) -> Q:
    """The rows whose idempotency key names ``node_id``, on any visit."""
    return Q(key__endswith=f":n{node_id}") | Q(key__contains=f":n{node_id}:v")


def _keyed_counts(
    rows: QuerySet, node_ids: list[str], counted: dict[str, Q]
) -> dict[str, dict[str, int]]:
    """Each figure of ``counted`` for each node, in one query over ``rows``: each row's
    node is worked out once from its key, then the rows are grouped by it."""
    if not node_ids:
        return {}
    node = Case(
        *[When(_keyed(node_id), then=Value(node_id)) for node_id in node_ids],
        default=Value(""),
        output_field=CharField(),
    )
    groups = (
        rows.annotate(step=node)
        .values("step")
        .annotate(**{name: Count("pk", filter=q) for name, q in counted.items()})
        .order_by()
    )
    counts = {node_id: dict.fromkeys(counted, 0) for node_id in node_ids}
    for row in groups:
        step = row.pop("step")
        if step in counts:
            counts[step] = row
    return counts


def steps(workflow: Workflow, figures_by_node: dict[str, dict[str, int]]) -> list[dict]:
    """The graph's nodes in its order, each with its id, type, label ("Correo (n3)"), what
    it does in a few words (an email's subject, an SMS's text, a webhook's address) and its
    figures (``node_figures``; None for a figure its type does not have)."""
    rows = []
    for node in graphs.parse(workflow.graph).nodes.values():
        counts = figures_by_node.get(node["id"], {})
        own = ("waiting", "passed", *NODE_FIGURES.get(node.get("type"), ()))
        rows.append(
            {
                "id": node["id"],
                "type": node.get("type", ""),
                "label": graphs.label(node),
                "detail": _detail(node),
                **{name: counts.get(name, 0) if name in own else None for name in STEP_FIGURES},
            }
        )
    return rows


def _detail(node: dict) -> str:
    config = node.get("config") or {}
    text = {"email": "subject", "sms": "text", "webhook": "url"}.get(node.get("type"), "")
    value = str(config.get(text, "")) if text else ""
    return value if len(value) <= 80 else value[:79] + "…"
