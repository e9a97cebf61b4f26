"""What the automation tests share: graph builders, a ready template and sender, and a
worker's loop."""

import itertools

from pregon.automation import engine
from pregon.content.models import EmailTemplate, Format
from pregon.sending import quota
from pregon.sending.models import SenderIdentity
from pregon.testing.campaigns import HTML


def node(node_id: str, node_type: str, /, **config: object) -> dict:
    return {"id": node_id, "type": node_type, "config": config, "x": 0, "y": 0}


def edge(source: str, target: str, port: str = "next") -> dict:
    return {"from": source, "to": target, "port": port}


def chain(*nodes: dict) -> dict:
    """A graph of ``nodes`` one after the other (each by its "next" exit)."""
    edges = [edge(a["id"], b["id"]) for a, b in itertools.pairwise(nodes)]
    return {"nodes": list(nodes), "edges": edges}


def email_node(node_id: str, subject: str = "Hola {{ nombre }}") -> dict:
    """An email node of a new ready template, from the school's sender."""
    quota.ensure_plan()
    template = EmailTemplate(name="Bienvenida", format=Format.HTML)
    template.set_source(HTML)
    template.save()
    sender, _ = SenderIdentity.objects.get_or_create(
        from_email="capacitacion@escuela.example.pe",
        defaults={"from_name": "Escuela de Capacitación"},
    )
    return node(node_id, "email", template=str(template.code), subject=subject, sender=sender.pk)


def run_all(batch: int = engine.BATCH_SIZE) -> int:
    """What a worker process does until nothing is due; return the steps run."""
    steps = 0
    while ran := engine.run_due(batch):
        steps += ran
    return steps
