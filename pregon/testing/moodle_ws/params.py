"""A request's parameters as Moodle reads them: PHP's form arrays, then each function's
declared types (external_api::validate_parameters)."""

import re
from collections.abc import Iterable
from typing import Any

from pregon.testing.moodle_ws.errors import invalid_parameter


def php_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Form fields as PHP's $_POST holds them: ``options[0][name]=x`` nests, ``values[]=x``
    appends; a level whose keys are all numbers becomes a list, in order of its keys."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        keys = re.findall(r"[^\[\]]+|(?<=\[)(?=\])", name)
        node: Any = root
        for depth, key in enumerate(keys):
            if not isinstance(node, dict):
                break  # PHP drops a field nested under a plain value.
            key = key or str(len(node))
            if depth == len(keys) - 1:
                node[key] = value
            else:
                node = node.setdefault(key, {})
    return listify(root)


def listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {key: listify(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def integer(params: dict[str, Any], name: str, default: int | None = None) -> int:
    """A PARAM_INT parameter, validated as external_api::validate_parameters() does."""
    if name not in params:
        if default is None:
            raise invalid_parameter(f"Missing required key in single structure: {name}")
        return default
    value = params[name]
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value.strip()):
        raise invalid_parameter(f"{name} => Invalid parameter value detected")
    return int(value)


def text(params: dict[str, Any], name: str, default: str | None = None) -> str:
    if name not in params:
        if default is None:
            raise invalid_parameter(f"Missing required key in single structure: {name}")
        return default
    value = params[name]
    if not isinstance(value, str):
        raise invalid_parameter(f"{name} => Invalid parameter value detected")
    return value


def structures(params: dict[str, Any], name: str, keys: tuple[str, ...]) -> list[dict]:
    """An external_multiple_structure of external_single_structure with these keys."""
    value = params.get(name, [])
    if value == {} or value == "":
        return []
    if not isinstance(value, list):
        raise invalid_parameter(f"{name} => Only arrays accepted.")
    for item in value:
        if not isinstance(item, dict) or any(key not in item for key in keys):
            raise invalid_parameter(f"{name} => Invalid parameter value detected")
    return value
