"""The mailings of a workflow's email nodes: frozen from the template at activation (and at
resume, for a node whose email changed), so that the sending engine needs nothing of
automation and a template edited later changes nothing on its way."""

import hashlib

from django.utils.text import slugify

from pregon.automation.models import NodeMailing, Workflow
from pregon.content import preheader
from pregon.content.models import EmailTemplate
from pregon.sending import links, quota
from pregon.sending.models import Mailing, MailingStatus, SenderIdentity
from pregon.sending.utm import Utm


def freeze(workflow: Workflow) -> None:
    """Give each email node a mailing of its current email, unless it has one already."""
    for node in workflow.graph.get("nodes", []):
        if node.get("type") != "email":
            continue
        latest = current(workflow, node["id"])
        if latest is None or latest.config != node["config"]:
            _create(workflow, node)


def current(workflow: Workflow, node_id: str) -> NodeMailing | None:
    return NodeMailing.objects.filter(workflow=workflow, node=node_id).order_by("-pk").first()


def another_round(workflow: Workflow, node_id: str) -> NodeMailing:
    """A new mailing like the node's current one, for contacts who had that one already
    (they entered the workflow again)."""
    latest = current(workflow, node_id)
    mailing = latest.mailing
    mailing.pk, mailing.id, mailing.code = None, None, None
    mailing._state.adding = True
    mailing.code = Mailing._meta.get_field("code").default()
    mailing.save()
    return NodeMailing.objects.create(
        workflow=workflow, node=node_id, mailing=mailing, config=latest.config
    )


def _create(workflow: Workflow, node: dict) -> NodeMailing:
    config = node["config"]
    template = EmailTemplate.objects.get(code=config["template"])
    sender = SenderIdentity.objects.select_related("domain").get(pk=config["sender"])
    utm = Utm(source="pregon", medium="email", campaign=slugify(workflow.name) or "flujo")
    body, urls = links.prepare(
        preheader.apply(template.html, config.get("preheader", "")),
        clicks=True,
        opens=True,
        utm=utm,
    )
    label = hashlib.sha256(f"workflow:{workflow.code.hex}".encode()).hexdigest()[:32]
    mailing = Mailing.objects.create(
        subject=config["subject"],
        html=body,
        links=urls,
        track_opens=True,
        text=template.text,
        sender=sender,
        list_id=f"<{label}.{sender.domain.name}>",
        feedback_id=f"{workflow.pk}:automation:pregon",
    )
    return NodeMailing.objects.create(
        workflow=workflow, node=node["id"], mailing=mailing, config=config
    )


def resume_after_quota() -> int:
    """Resume the workflows' mailings the sending engine paused when the month's messages
    ran out, once messages are available again (a new month, or a credit); return how many.
    (Campaigns' mailings follow their campaigns: pregon.campaigns.scheduling.)"""
    paused = Mailing.objects.filter(
        pk__in=NodeMailing.objects.values("mailing_id"),
        status=MailingStatus.PAUSED,
        pause_reason="quota",
    )
    if not paused.exists() or quota.balance() <= 0:
        return 0
    return paused.update(status=MailingStatus.ACTIVE, pause_reason="")
