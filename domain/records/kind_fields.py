"""Built-in fields that only some kinds of record have, beyond the engine's (`engine.builtins`).

Pure data and functions: no database, no web. Like the engine's built-ins, their values live
in the instance's `fields` (ADR 0007); `domain.records.kinds.BUILTINS` says which kind's form
shows which, and `fields.form_fields` finds them here.

    start_date          project: when the work starts (on or before its target completion)
    owner               project: the person accountable for it (not the assignee, who works
                        on the current step); an owner sees the project without staff rights
    operational_status  asset: "up" or "down", independent of the lifecycle state (an
                        in-service chiller can be down); "up" on create
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from domain.errors import N_
from engine.model import FieldDef
from engine.values import is_empty

KIND_FIELDS: tuple[FieldDef, ...] = (
    FieldDef(key="start_date", type="date", label={"en": "Start date", "es": "Fecha de inicio", "fr": "Date de début"}),
    FieldDef(key="owner", type="user", label={"en": "Owner", "es": "Propietario", "fr": "Propriétaire"},
             help={"en": "Accountable for the project; the assignee works on the current step.",
                   "es": "Responde del proyecto; el responsable trabaja en el paso actual.",
                   "fr": "Répond du projet ; le responsable travaille sur l'étape en cours."}),
    FieldDef(key="operational_status", type="select", options=("up", "down"), required=True,
             visible_to_vendor=True,  # a vendor servicing the asset needs to know it is down
             label={"en": "Operational status", "es": "Estado operativo", "fr": "État de fonctionnement"}),
)
KIND_FIELD_KEYS = frozenset(f.key for f in KIND_FIELDS)
DEFAULTS: Mapping[str, Any] = {"operational_status": "up"}  # what a new record gets when nothing was entered
STATUS_LABELS = {"up": N_("Up"), "down": N_("Down")}
# (earlier, later) date fields: the first may not come after the second when both have a value
DATE_ORDER: tuple[tuple[str, str], ...] = (("start_date", "target_completion"),)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ORDER_MSG = {  # one per field of DATE_ORDER
    "start_date": N_("The start date cannot be after the target completion date ({date})."),
    "target_completion": N_("The target completion date cannot be before the start date ({date})."),
}


def with_defaults(fields: Sequence[FieldDef], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the DEFAULTS of `fields` filled in where a default-able key is absent or empty."""
    keys = {f.key for f in fields}
    filled = dict(values)
    for key, default in DEFAULTS.items():
        if key in keys and is_empty(filled.get(key)):
            filled[key] = default
    return filled


def order_errors(fields: Sequence[FieldDef], values: Mapping[str, Any], entered: Mapping[str, Any],
                 ) -> dict[str, tuple[str, dict[str, Any]]]:
    """Date pairs of DATE_ORDER out of order in `values` (stored form), as {key: (msgid, params)}.

    Only pairs with a date field of `fields` in `entered` (what the person just entered) are
    checked, so an unrelated edit is never refused for old data; the other date may be a stored
    value outside `fields` (a transition dialog asks for one field only). The message goes to the
    field entered, to the earlier one when both were. A key of `fields` that is not a date is skipped."""
    types = {f.key: f.type for f in fields}
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    for first, last in DATE_ORDER:
        if any(types.get(key, "date") != "date" for key in (first, last)):
            continue
        if not any(key in entered and key in types for key in (first, last)):
            continue
        start, end = values.get(first), values.get(last)
        if not (_is_date(start) and _is_date(end)) or str(start) <= str(end):  # ISO dates sort as text
            continue
        if first not in entered:
            errors[last] = (ORDER_MSG[last], {"date": start})
        else:
            errors[first] = (ORDER_MSG[first], {"date": end})
    return errors


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
