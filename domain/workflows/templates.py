"""Built-in templates: the typical flows, shipped as YAML next to this module."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from domain.context import Ctx
from domain.errors import N_, NotFound
from domain.iam import roles as roles_uc
from domain.workflows import definitions
from engine.load import compile_definition, parse_source

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SUBJECT_PERMISSIONS = {
    "request": ["request:read", "request:transition"],
    "asset": ["asset:read", "asset:transition"],
    "vendor": ["vendor:read", "vendor:transition"],
}
PROJECT_PERMISSIONS = ["project:read", "project:transition"]


def template_keys() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.yaml"))


def template_source(key: str) -> bytes:
    path = TEMPLATE_DIR / f"{key}.yaml"
    if key not in template_keys():
        raise NotFound(N_("There is no built-in template {key}."), key=key)
    return path.read_bytes()


def ensure_roles(ctx: Ctx, *, source: bytes | str) -> list[str]:
    """Create, as custom roles, the workflow's roles this tenant lacks (with the permissions to
    see and move records of the workflow's subject); returns the keys created."""
    definition = compile_definition(source)
    existing = {r.key for r in roles_uc.list_roles(ctx)}
    permissions = SUBJECT_PERMISSIONS.get(definition.subject, PROJECT_PERMISSIONS)
    created = []
    for key in sorted(definition.roles - existing):
        roles_uc.create_role(ctx, key=key, name=key.replace("_", " ").capitalize(), permissions=permissions,
                             description="")
        created.append(key)
    return created


def publish_template(ctx: Ctx, *, key: str) -> definitions.VersionView:
    """Save, publish and staff a built-in template in the tenant (roles it needs are created)."""
    source = template_source(key)
    ensure_roles(ctx, source=source)
    draft = definitions.save_draft(ctx, document=source)
    return definitions.publish(ctx, version_id=draft.id)


def starting_document(ctx: Ctx, *, template: str | None = None, clone: str | None = None) -> dict[str, Any]:
    """A document to start a new workflow from: a built-in template or a copy of the tenant's
    workflow `clone` (its draft, else its newest version), under a key no workflow has yet.

    Raises NotFound for an unknown template or workflow."""
    ctx.require(definitions.DESIGN)
    if clone:
        versions = definitions.list_versions(ctx, key=clone)
        if not versions:
            raise NotFound(N_("There is no workflow {key}."), key=clone)
        current = next((v for v in versions if v.status == "draft"), versions[0])
        document = copy.deepcopy(current.document)
    else:
        document, _problems = parse_source(template_source(template or ""))
    taken = {d.key for d in definitions.list_definitions(ctx)}
    key, number = str(document["key"]), 1
    while key in taken:
        number += 1
        key = f"{str(document['key'])[:58]}_{number}"
    return {**document, "key": key}
