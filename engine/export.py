"""Writing definitions: canonical key order (the schema's), as YAML or JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from engine.schema import schema


def canonical(doc: Any, node: Mapping[str, Any] | None = None) -> Any:
    """`doc` with mapping keys in the order the schema lists them (unknown keys after, sorted),
    so an exported file reads top-down and export → import → export is identical."""
    root = schema()
    node = root if node is None else node
    node = _resolve(root, node)
    if isinstance(doc, Mapping):
        properties = node.get("properties", {})
        order = list(properties)
        keys = [k for k in order if k in doc] + sorted(k for k in doc if k not in properties)
        extra = node.get("additionalProperties")
        return {k: canonical(doc[k], properties.get(k) or (extra if isinstance(extra, dict) else {})) for k in keys}
    if isinstance(doc, list):
        return [canonical(item, node.get("items", {})) for item in doc]
    return doc


def to_yaml(doc: Any) -> str:
    return yaml.safe_dump(canonical(doc), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def to_json(doc: Any) -> str:
    return json.dumps(canonical(doc), ensure_ascii=False, indent=2) + "\n"


def _resolve(root: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in node and seen < 20:
        ref = node["$ref"].removeprefix("#/").split("/")
        target: Any = root
        for part in ref:
            target = target[part]
        node, seen = target, seen + 1
    if "oneOf" in node and "properties" not in node:
        merged: dict[str, Any] = {}
        for option in node["oneOf"]:
            option = _resolve(root, option)
            merged.update(option.get("properties", {}))
        if merged:
            return {"properties": merged}
    return node
