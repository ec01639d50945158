"""Fields every record has, which conditions and forms may use without declaring them."""

from __future__ import annotations

from engine.conditions import FieldSpec
from engine.model import PRIORITIES, Definition, FieldDef

BUILTIN_FIELDS: tuple[FieldDef, ...] = (
    FieldDef(key="title", type="text", label={"en": "Title", "es": "Título", "fr": "Titre"}),
    FieldDef(key="description", type="longtext", label={"en": "Description", "es": "Descripción",
                                                        "fr": "Description"}),
    FieldDef(key="priority", type="select", options=PRIORITIES,
             label={"en": "Priority", "es": "Prioridad", "fr": "Priorité"}),
    FieldDef(key="assignee", type="user", label={"en": "Assignee", "es": "Responsable", "fr": "Responsable"}),
    FieldDef(key="requester", type="user", label={"en": "Requester", "es": "Solicitante", "fr": "Demandeur"}),
    FieldDef(key="vendor", type="vendor", label={"en": "Vendor", "es": "Proveedor", "fr": "Fournisseur"}),
    FieldDef(key="due_date", type="date", label={"en": "Due date", "es": "Fecha límite", "fr": "Échéance"}),
    FieldDef(key="building", type="building", label={"en": "Building", "es": "Edificio", "fr": "Bâtiment"}),
    FieldDef(key="asset", type="asset", label={"en": "Asset", "es": "Activo", "fr": "Actif"}),
)
BUILTIN_KEYS = frozenset(f.key for f in BUILTIN_FIELDS)


def field_specs(fields: tuple[FieldDef, ...]) -> dict[str, FieldSpec]:
    """Built-in and custom fields as the condition evaluator sees them (custom ones win)."""
    return {f.key: FieldSpec(key=f.key, type=f.type, label=f.label, options=f.options)
            for f in (*BUILTIN_FIELDS, *fields)}


def definition_specs(definition: Definition) -> dict[str, FieldSpec]:
    """`field_specs` of a compiled definition, built once per definition."""
    specs = definition.memo.get("field_specs")
    if specs is None:
        specs = definition.memo["field_specs"] = field_specs(definition.fields)
    return specs
