"""The designer's properties panel: the selected state, transition, or the workflow itself.

Each input commits when it loses focus or on Enter (one undo step per change, not per
keystroke); the editor then redraws the canvas and re-validates. Label maps are edited
one language per input; an id or a field key is renamed everywhere the document names it.

The panel is rebuilt from the document after many edits. The list editors keep their rows
in slots the panel holds per element and list (`inputs.kept_rows`), so an unfinished action
outlives a rebuild; slots follow a renamed state or transition and go with a deleted one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from domain.errors import N_
from engine.builtins import BUILTIN_FIELDS
from engine.model import label_text
from ui.designer.actions import ActionsEditor
from ui.designer.conditions import ConditionBuilder
from ui.designer.document import ANY, DesignError
from ui.designer.fields import FieldsEditor
from ui.designer.inputs import Slot, as_label, commit_input, label_inputs, shown_label
from ui.designer.slas import SpanningSlasEditor, StateSlaEditor
from ui.i18n import _, current_locale
from ui.widgets import labelled

if TYPE_CHECKING:
    from ui.designer.editor import Editor

CATEGORIES = {"todo": N_("To do"), "in_progress": N_("In progress"), "waiting": N_("Waiting"),
              "done": N_("Done"), "cancelled": N_("Cancelled")}
SUBJECTS = {"request": N_("Requests"), "project": N_("Projects"), "asset": N_("Assets"), "vendor": N_("Vendors"),
            "contract": N_("Contracts"), "scope_change": N_("Scope changes"), "task": N_("Tasks"),
            "milestone": N_("Milestones")}


class PropertiesPanel:
    """What the selection is, and every property this slice of the designer edits."""

    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.kept: dict[tuple[str, str, str], Slot] = {}  # (kind, id, list) → the list editor's slot

    @ui.refreshable_method
    def show(self) -> None:
        kind, ident = self.editor.selection
        doc = self.editor.doc
        self._forget_gone()
        with ui.column().classes("w-full gap-2 p-2").props('role="region"') as box:
            # its width is the pane's, never its content's: long chips and labels then shrink or wrap
            # instead of widening the pane (a sideways scroll)
            box.style("contain: inline-size")
            labelled(box, _("Properties"))
            if kind == "state" and ident == ANY:
                self._heading(_("Any state"))
                ui.label(_("Transitions drawn from here may be taken from every state that is not terminal."))\
                    .classes("text-body2 text-grey-7")
            elif kind == "state" and doc.state(ident) is not None:
                self._state(ident)
            elif kind == "transition" and doc.transition(ident) is not None:
                self._transition(ident)
            elif kind == "many":
                self._heading(_("{count} items selected", count=ident))
                ui.label(_("Press Delete to remove them, or Ctrl+C to copy them.")).classes("text-body2 text-grey-7")
            else:
                self._workflow()

    # --- the three kinds -------------------------------------------------------------

    def _workflow(self) -> None:
        doc, editor = self.editor.doc, self.editor
        self._heading(_("Workflow"))
        key = commit_input(_("Key"), doc.doc.get("key", ""), lambda v: editor.edit_workflow({"key": v}))
        if editor.saved_once:
            key.disable()
            key.tooltip(_("The key names the workflow in records and files; it is fixed once saved."))
        label_inputs(lambda: doc.doc.get("name"), lambda v: editor.edit_workflow({"name": v}), N_("Name ({language})"))
        subject = ui.select({k: _(v) for k, v in SUBJECTS.items()}, label=_("Records it moves"),
                            value=doc.doc.get("subject", "request"),
                            on_change=lambda e: editor.edit_workflow({"subject": e.value})).props("dense outlined")
        if editor.saved_once:
            subject.disable()
        commit_input(_("Description"), shown_label(doc.doc.get("description"), ""),
                     lambda v: editor.edit_workflow({"description": v or None}), textarea=True)
        ui.select(self.editor.role_options(), label=_("Roles this workflow uses"), multiple=True,
                  value=list(doc.doc.get("roles") or []), new_value_mode="add-unique",
                  on_change=lambda e: editor.edit_workflow({"roles": list(e.value or [])})
                  ).props("dense outlined use-chips").classes("w-full")
        FieldsEditor(doc.doc.get("fields"), states=self._states(), roles=editor.role_options(),
                     on_change=lambda v: editor.edit_workflow({"fields": v}), on_rename=self._rename_field,
                     kept=self._slot("workflow", "", "fields")).show()
        SpanningSlasEditor(doc.doc.get("slas"), states=self._states(), roles=editor.role_options(),
                           fields=self._field_types(), transitions=self._transitions(),
                           on_change=lambda v: editor.edit_workflow({"slas": v}),
                           kept=self._slot("workflow", "", "slas")).show()

    def _state(self, state_id: str) -> None:
        doc, editor = self.editor.doc, self.editor
        state = doc.state(state_id) or {}
        self._heading(_("State"))
        commit_input(_("Id"), state_id, lambda v: self._rename("state", state_id, v), testid="state-id")
        label_inputs(lambda: (doc.state(state_id) or {}).get("name"),
                    lambda v: editor.edit("state", state_id, {"name": v}), N_("Name ({language})"))
        ui.select({k: _(v) for k, v in CATEGORIES.items()}, label=_("Category"),
                  value=state.get("category", "todo"),
                  on_change=lambda e: editor.edit("state", state_id, {"category": e.value})).props("dense outlined")
        initial = ui.checkbox(_("Initial state (records start here)"), value=doc.doc.get("initial_state") == state_id)
        initial.on_value_change(lambda e: editor.set_initial(state_id) if e.value else self.show.refresh())
        ui.checkbox(_("Terminal (records end here)"), value=bool(state.get("terminal")),
                    on_change=lambda e: editor.edit("state", state_id, {"terminal": True if e.value else None}))
        StateSlaEditor(state.get("sla"), roles=editor.role_options(), fields=self._field_types(),
                       transitions=self._transitions(), kept=self._slot("state", state_id, "sla"),
                       on_change=lambda v: editor.edit("state", state_id, {"sla": v})).show()
        ui.label(_("On entering")).classes("text-subtitle2 q-mt-sm")
        ActionsEditor(state.get("on_enter"), roles=editor.role_options(), fields=self._field_types(),
                      transitions=self._transitions(), kept=self._slot("state", state_id, "on_enter"),
                      on_change=lambda v: editor.edit("state", state_id, {"on_enter": v})).show()

    def _transition(self, transition_id: str) -> None:
        doc, editor = self.editor.doc, self.editor
        transition = doc.transition(transition_id) or {}
        self._heading(_("Transition"))
        source, target = transition.get("from"), transition.get("to")
        sources = ", ".join(source) if isinstance(source, list) else (_("any state") if source == ANY else source)
        ui.label(_("From {source} to {target}", source=sources, target=target)).classes("text-body2 text-grey-7")
        commit_input(_("Id"), transition_id, lambda v: self._rename("transition", transition_id, v),
                     testid="transition-id")
        label_inputs(lambda: (doc.transition(transition_id) or {}).get("label"),
                    lambda v: editor.edit("transition", transition_id, {"label": v}), N_("Button label ({language})"))
        options = {"any": _("Anyone (any)"), **self.editor.role_options()}
        roles = ui.select(options, label=_("Who may take it"), multiple=True, value=list(transition.get("roles") or []),
                          new_value_mode="add-unique",
                          on_change=lambda e: editor.edit("transition", transition_id, {"roles": list(e.value or [])}))
        roles.props("dense outlined use-chips").classes("w-full")
        requires = _dict(transition.get("requires"))

        def require(**changes: Any) -> None:
            current = _dict((doc.transition(transition_id) or {}).get("requires"))
            editor.edit("transition", transition_id, {"requires": _requires(current, **changes)})

        ui.select(self._field_options(), label=_("Fields required to take it"), multiple=True,
                  value=list(requires.get("fields") or []),
                  on_change=lambda e: require(fields=list(e.value or []))
                  ).props("dense outlined use-chips").classes("w-full")
        ui.checkbox(_("A comment is required"), value=bool(requires.get("comment")),
                    on_change=lambda e: require(comment=bool(e.value)))
        ui.checkbox(_("The record's creator may not take it (no self-approval)"),
                    value=bool(transition.get("forbid_self_approval")),
                    on_change=lambda e: editor.edit("transition", transition_id,
                                                    {"forbid_self_approval": True if e.value else None}))
        ui.label(_("Only when")).classes("text-subtitle2 q-mt-sm")
        ConditionBuilder(transition.get("condition"), fields=self._field_types(), roles=self.editor.role_options(),
                         on_change=lambda c: editor.edit("transition", transition_id, {"condition": c})).show()
        ui.label(_("Then")).classes("text-subtitle2 q-mt-sm")
        ActionsEditor(transition.get("actions"), roles=editor.role_options(), fields=self._field_types(),
                      transitions=self._transitions(), kept=self._slot("transition", transition_id, "actions"),
                      on_change=lambda v: editor.edit("transition", transition_id, {"actions": v})).show()

    # --- renames and kept rows -----------------------------------------------------

    def _rename(self, kind: str, old: str, new: str) -> str | None:
        """Rename a state or transition; its slots move along (before the panel is redrawn)."""
        moved = [key for key in self.kept if key[:2] == (kind, old) and new != old]
        for _kind, _old, name in moved:
            self.kept[(kind, new, name)] = self.kept[(kind, old, name)]
        problem = self.editor.rename(kind, old, new)
        for _kind, _old, name in moved:
            self.kept.pop((kind, old, name) if problem is None else (kind, new, name), None)
        return problem

    def _rename_field(self, old: str, new: str, index: int) -> str | None:
        """Rename a custom field and everything that names it, as one undo step; a message when refused."""
        try:
            self.editor.doc.rename_field(old, new, index=index)
        except DesignError as exc:
            return design_error_text(exc)
        self.editor.changed()
        return None

    def _slot(self, kind: str, ident: str, name: str) -> Slot:
        return self.kept.setdefault((kind, ident, name), {})

    def _forget_gone(self) -> None:
        """Drop the slots of states and transitions no longer in the document (a new one may take the id)."""
        doc = self.editor.doc
        for key in list(self.kept):
            kind, ident, _name = key
            if (kind == "state" and doc.state(ident) is None) or (kind == "transition" and
                                                                  doc.transition(ident) is None):
                del self.kept[key]

    # --- pieces ---------------------------------------------------------------------

    def _heading(self, text: str) -> None:
        ui.label(text).classes("text-subtitle1 text-weight-medium")

    def _states(self) -> dict[str, str]:
        locale = current_locale()
        return {s["id"]: label_text(as_label(s.get("name")), locale, s["id"]) for s in self.editor.doc.states
                if isinstance(s.get("id"), str)}

    def _transitions(self) -> dict[str, str]:
        locale = current_locale()
        return {t["id"]: label_text(as_label(t.get("label")), locale, t["id"]) for t in self.editor.doc.transitions
                if isinstance(t.get("id"), str)}

    def _field_types(self) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        """key → (label, type, options) of the built-in and custom fields, for conditions."""
        locale = current_locale()
        found = {f.key: (label_text(f.label, locale, f.key), f.type, tuple(f.options)) for f in BUILTIN_FIELDS}
        for spec in self.editor.doc.doc.get("fields") or []:
            if isinstance(spec, dict) and isinstance(spec.get("key"), str):
                options = tuple(o for o in spec.get("options") or [] if isinstance(o, str))
                found[spec["key"]] = (label_text(as_label(spec.get("label")), locale, spec["key"]),
                                      str(spec.get("type", "text")), options)
        return found

    def _field_options(self) -> dict[str, str]:
        fields = {f["key"]: shown_label(f.get("label"), f["key"]) for f in self.editor.doc.doc.get("fields") or []
                  if isinstance(f, dict) and isinstance(f.get("key"), str)}
        builtins = {f.key: label_text(f.label, current_locale(), f.key) for f in BUILTIN_FIELDS}
        return {**builtins, **fields}


def design_error_text(error: DesignError) -> str:
    return _(error.msgid, **error.params)



def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _requires(current: dict[str, Any], **changes: Any) -> dict[str, Any] | None:
    merged = {**current, **changes}
    return {k: v for k, v in merged.items() if v} or None
