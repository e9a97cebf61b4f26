"""A workflow's graph: its JSON format, and the checks it must pass to be activated.

The format (``Workflow.graph``), which the builder's screens and the engine share::

    {"nodes": [{"id": "n1", "type": "trigger", "config": {...}, "x": 120, "y": 80}, ...],
     "edges": [{"from": "n1", "to": "n2", "port": "next"}]}

Node ids are short strings, unique in the graph and stable across edits: enrolments name
the node a contact is at. Every node has the port "next", except a branch and a wait until
an event, which have "yes" and "no". A node with no outgoing edge ends the path. A goal node
is on no path: a contact who converts with its goal leaves the workflow wherever it is.
Each type's config is described and checked in ``pregon.automation.nodes``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pregon.automation import nodes

YES_NO = ("yes", "no")


@dataclass
class Graph:
    """A parsed graph: nodes by id, and each node's exits by port."""

    nodes: dict[str, dict] = field(default_factory=dict)
    exits: dict[str, dict[str, str]] = field(default_factory=dict)

    def node(self, node_id: str) -> dict | None:
        return self.nodes.get(node_id)

    def next(self, node_id: str, port: str = "next") -> str | None:
        """The node the ``port`` exit of ``node_id`` leads to; None ends the path."""
        return self.exits.get(node_id, {}).get(port)

    def triggers(self) -> list[dict]:
        return [node for node in self.nodes.values() if node["type"] == "trigger"]


def ports(node: dict) -> tuple[str, ...]:
    """The exits a node has."""
    if node["type"] == "branch":
        return YES_NO
    if node["type"] == "wait" and node.get("config", {}).get("mode") == "until_event":
        return YES_NO
    if node["type"] == "goal":
        return ()
    return ("next",)


def parse(data: Any) -> Graph:
    """The graph of ``data`` as far as it is well formed (see ``validate`` for the rest)."""
    graph = Graph()
    if not isinstance(data, dict):
        return graph
    for node in data.get("nodes") or []:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            node.setdefault("config", {})
            graph.nodes.setdefault(node["id"], node)
    for edge in data.get("edges") or []:
        if isinstance(edge, dict) and edge.get("from") in graph.nodes:
            graph.exits.setdefault(edge["from"], {})[edge.get("port", "next")] = edge.get("to")
    return graph


def label(node: dict) -> str:
    """How a problem names a node: its type's name and its id ("Correo (n3)")."""
    return f"{nodes.type_label(node.get('type', ''))} ({node.get('id', '?')})"


def validate(data: Any, occupied: Iterable[str] = ()) -> list[str]:
    """Every problem that keeps ``data`` from running, in words for the person who built it
    (empty: the graph may be activated).

    ``occupied`` names the nodes where contacts are now: such a node may be left with
    nothing leading into it, so that nobody else enters it while its contacts finish it
    and go on from its exits."""
    problems = _structure(data)
    if problems:
        return problems
    graph = parse(data)
    problems += _edges(data, graph)
    if not graph.triggers():
        problems.append(_("Add a trigger: it says who enters the workflow."))
    problems += _exits(graph)
    problems += _unreachable(graph, set(occupied))
    problems += _cycles(graph)
    for node in graph.nodes.values():
        problems += [f"{label(node)}: {problem}" for problem in nodes.check(node)]
    return problems


def _structure(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return [_("The workflow has no steps: add a trigger and the steps that follow it.")]
    if not isinstance(data.get("edges", []), list):
        return [_("The connections between the steps are not readable.")]
    problems, seen = [], set()
    for node in data["nodes"]:
        node_id = node.get("id") if isinstance(node, dict) else None
        if not isinstance(node_id, str) or not node_id or len(node_id) > 32:
            problems.append(_("A step has no name (id): remove it and add it again."))
            continue
        if node_id in seen:
            problems.append(_("Two steps are called %(id)s: rename one.") % {"id": node_id})
        seen.add(node_id)
        if node.get("type") not in nodes.TYPES:
            problems.append(_("The step %(id)s is of an unknown type.") % {"id": node_id})
        if not isinstance(node.get("config", {}), dict):
            problems.append(_("The settings of step %(id)s are not readable.") % {"id": node_id})
    return problems


def _edges(data: dict, graph: Graph) -> list[str]:
    problems, used = [], set()
    for edge in data.get("edges") or []:
        source = graph.node(edge.get("from")) if isinstance(edge, dict) else None
        target = graph.node(edge.get("to")) if source else None
        if source is None or target is None:
            problems.append(_("A connection leads from or to a step that does not exist."))
            continue
        port = edge.get("port", "next")
        if port not in ports(source):
            problems.append(
                _("%(node)s has no exit “%(port)s”.") % {"node": label(source), "port": port}
            )
        elif (source["id"], port) in used:
            problems.append(
                _("%(node)s has two connections from one exit.") % {"node": label(source)}
            )
        used.add((source["id"], port))
        if target["type"] in ("trigger", "goal"):
            problems.append(_("Nothing may lead into %(node)s.") % {"node": label(target)})
    return problems


def _exits(graph: Graph) -> list[str]:
    problems = []
    for node in graph.nodes.values():
        if ports(node) == YES_NO:
            missing = [port for port in YES_NO if not graph.next(node["id"], port)]
            if missing:
                problems.append(
                    _("%(node)s needs both exits, “yes” and “no”: connect the missing one.")
                    % {"node": label(node)}
                )
        elif node["type"] == "trigger" and not graph.next(node["id"]):
            problems.append(
                _("%(node)s leads nowhere: connect it to a step.") % {"node": label(node)}
            )
    return problems


def _unreachable(graph: Graph, occupied: set[str]) -> list[str]:
    reached = set()
    todo = [node["id"] for node in graph.triggers()] + sorted(occupied & set(graph.nodes))
    while todo:
        node_id = todo.pop()
        if node_id in reached or node_id not in graph.nodes:
            continue
        reached.add(node_id)
        todo += list(graph.exits.get(node_id, {}).values())
    return [
        _("%(node)s is not connected to any trigger.") % {"node": label(node)}
        for node in graph.nodes.values()
        if node["id"] not in reached and node["type"] != "goal"
    ]


def _cycles(graph: Graph) -> list[str]:
    """A loop with no wait in it would run a contact round it for ever, at once."""
    looping: set[str] = set()
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done

    def walk(node_id: str, path: list[str]) -> None:
        state[node_id] = 1
        for target in graph.exits.get(node_id, {}).values():
            node = graph.node(target)
            if node is None or node["type"] == "wait":
                continue
            if state.get(target) == 1:
                looping.update(path[path.index(target) :] if target in path else [target])
            elif target not in state:
                walk(target, [*path, target])
        state[node_id] = 2

    for node_id, node in graph.nodes.items():
        if node_id not in state and node["type"] != "wait":
            walk(node_id, [node_id])
    if not looping:
        return []
    names = ", ".join(sorted(looping))
    return [
        _("The steps %(nodes)s form a loop with no wait: add a wait to the loop, or break it.")
        % {"nodes": names}
    ]


def removed(old: Any, new: Any) -> set[str]:
    """The nodes of ``old`` that ``new`` no longer has, or has as another type."""
    before, after = parse(old).nodes, parse(new).nodes
    return {
        node_id
        for node_id, node in before.items()
        if node_id not in after or after[node_id]["type"] != node["type"]
    }
