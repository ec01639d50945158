"""A record form: one widget per typed field, live `visible_when`, refusals shown at their fields.

The form knows field definitions and choices only; saving is the page's business:

    form = FieldForm(fields, values=record.values, choices=choices, locale=locale, tz=tz)
    ...
    try:
        await io_bound(lambda: service.update_record(ctx, ..., values=form.values()))
    except ValidationFailed as exc:
        form.show_errors(exc)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from functools import partial
from types import MappingProxyType
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.events import ValueChangeEventArguments

from domain.errors import DomainError, ValidationFailed
from domain.records.fields import (
    LONGTEXT_MAX,
    REF_TYPES,
    TEXT_MAX,
    clean_value,
    option_labels,
    visible_keys,
)
from engine.conditions import Actor
from engine.model import FieldDef, label_text
from engine.values import BadValue, to_moment, to_money, zone
from ui.i18n import _, error_text
from ui.widgets import clear_errors, labelled, mark_error

CURRENCIES = ("EUR", "USD", "GBP", "MXN", "CAD")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class FieldForm:
    """Widgets for `fields` in the current container, filled from `values` (stored form).

    `choices` gives the options of user / vendor / asset / building fields as
    {type: {id: display name}}. Labels are in `locale`; datetimes are shown and entered in
    `tz` (a tzinfo or an IANA name; an unknown name means UTC). Fields in `required`
    (default: those with `required=True`) are marked with *. `actor` is passed to
    `visible_when` conditions that ask about the person.
    """

    def __init__(self, fields: Sequence[FieldDef], *, values: Mapping[str, Any] = _EMPTY,
                 choices: Mapping[str, Mapping[str, str]], locale: str, tz: tzinfo | str, currency_default: str = "EUR",
                 required: Collection[str] | None = None, actor: Actor | None = None) -> None:
        self.fields = tuple(fields)
        self._by_key = {f.key: f for f in self.fields}
        self._initial = dict(values)
        self._choices = choices
        self._locale, self._tz, self._actor = locale, zone(tz) if isinstance(tz, str) else tz, actor
        self._currency_default = currency_default
        self._required = frozenset(required if required is not None else (f.key for f in self.fields if f.required))
        self._known = {kind: (*choices.get(kind, {}), *self._ids_in_use(kind)) for kind in REF_TYPES}
        self._dynamic = any(f.visible_when for f in self.fields)
        self._boxes: dict[str, ui.element] = {}
        self._widgets: dict[str, tuple[ValueElement[Any], ...]] = {}
        with ui.column().classes("w-full gap-2") as self.container:
            for field in self.fields:
                with ui.element("div").classes("w-full") as box:
                    self._widgets[field.key] = self._build(field, self._initial.get(field.key))
                self._boxes[field.key] = box
        self._refresh()

    @property
    def elements(self) -> dict[str, ui.element]:
        """The widget of each field that carries its error message (for `ui.widgets.show_error`)."""
        return {key: widgets[0] for key, widgets in self._widgets.items()}

    def values(self) -> dict[str, Any]:
        """What the person entered, for `clean_values`: every visible field's raw value
        (None / "" / [] when empty, which clears it); hidden fields are left out."""
        raw = {f.key: self._raw(f) for f in self.fields}
        visible = self._visible(raw)
        return {key: value for key, value in raw.items() if key in visible}

    def show_errors(self, error: DomainError) -> None:
        """Each message of a ValidationFailed at its field (labels in the form's locale); what
        has no visible field to go to, and any other refusal, in a notification."""
        self.clear_errors()
        if not isinstance(error, ValidationFailed):
            ui.notify(error_text(error), type="negative", position="top")
            return
        elsewhere: list[str] = []
        placed = False
        for key, msgid in error.fields.items():
            params = error.params_for(key)
            field = self._by_key.get(key)
            if field is not None and "label" in params:
                params["label"] = self._plain_label(field)
            message = _(msgid, **params)
            if field is not None and field.type != "boolean" and self._boxes[key].visible:
                mark_error(self._widgets[key][0], message)
                placed = True
            else:
                elsewhere.append(message)
        if placed:
            elsewhere.append(_("Please correct the highlighted fields."))
        ui.notify(" ".join(elsewhere), type="negative", position="top")

    def clear_errors(self) -> None:
        clear_errors({f"{key}.{i}": widget for key, widgets in self._widgets.items()
                      for i, widget in enumerate(widgets)})

    # --- building -----------------------------------------------------------------------------------------

    def _build(self, field: FieldDef, value: Any) -> tuple[ValueElement[Any], ...]:
        label = self._plain_label(field) + (" *" if field.key in self._required else "")
        changed = partial(self._changed, field.key)
        kind = field.type
        widgets: tuple[ValueElement[Any], ...]
        if kind in ("text", "longtext", "number", "date"):
            maker = ui.textarea if kind == "longtext" else ui.input
            widget = maker(label, value=_text_of(value), on_change=changed).props("dense").classes("w-full")
            if kind == "number":
                widget.props["inputmode"] = "decimal"
            elif kind == "date":
                widget.props("type=date stack-label")
            else:
                widget.props["maxlength"] = LONGTEXT_MAX if kind == "longtext" else TEXT_MAX
                widget.props.set_bool("autogrow", kind == "longtext")
            widgets = (widget,)
        elif kind == "money":
            widgets = self._money(field, label, value, changed)
        elif kind == "datetime":
            widgets = self._datetime(field, label, value, changed)
        elif kind == "boolean":
            widgets = (ui.checkbox(label, value=value is True, on_change=changed).props("dense"),)
        else:
            widgets = (self._select(field, label, value, changed),)
        if field.help:
            widgets[0].props["hint"] = label_text(field.help, self._locale)
        if field.key in self._required and kind != "boolean":
            widgets[0].props["aria-required"] = "true"
        return widgets

    def _select(self, field: FieldDef, label: str, value: Any, changed: Any) -> ValueElement[Any]:
        options = dict(self._choices.get(field.type, {})) if field.type in REF_TYPES else option_labels(field, _)
        multiple = field.type == "multiselect"
        chosen = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]
        for stale in chosen:  # a value no longer offered (someone left, an old option) still shows
            options.setdefault(stale, stale)
        select = ui.select(options, label=label, value=chosen if multiple else next(iter(chosen), None),
                           multiple=multiple, clearable=field.key not in self._required,
                           with_input=field.type in REF_TYPES, on_change=changed)
        select.props("dense options-dense" + (" use-chips" if multiple else "")).classes("w-full")
        return select

    def _money(self, field: FieldDef, label: str, value: Any, changed: Any) -> tuple[ValueElement[Any], ...]:
        try:
            money = to_money(value) if value is not None else None
        except BadValue:
            money = None
        code = money.currency if money is not None else self._currency_default
        codes = list(dict.fromkeys((*CURRENCIES, self._currency_default, *([code] if code else []))))
        with ui.row().classes("w-full no-wrap items-start gap-2"):
            amount = ui.input(label, value=_amount_text(money.amount) if money else "", on_change=changed)
            amount.props("dense").classes("grow")
            amount.props["inputmode"] = "decimal"
            currency = ui.select(codes, label=_("Currency"), value=code, clearable=True, on_change=changed)
            currency.props("dense options-dense").classes("w-28")
            labelled(currency, _("Currency of {field}", field=self._plain_label(field)))
        return amount, currency

    def _datetime(self, field: FieldDef, label: str, value: Any, changed: Any) -> tuple[ValueElement[Any], ...]:
        try:
            local = to_moment(value, tz=self._tz, as_date=False) if value else None
        except BadValue:
            local = None
        day_text = (local.date() if isinstance(local, datetime) else local).isoformat() if local else ""
        time_text = local.strftime("%H:%M") if isinstance(local, datetime) else ""
        with ui.row().classes("w-full no-wrap items-start gap-2"):
            day = ui.input(label, value=day_text, on_change=changed)
            day.props("dense type=date stack-label").classes("grow")
            time = ui.input(_("Time of day"), value=time_text, on_change=changed)
            time.props("dense type=time stack-label").classes("w-32")
            labelled(time, _("Time of {field}", field=self._plain_label(field)))
        return day, time

    def _plain_label(self, field: FieldDef) -> str:
        return label_text(field.label, self._locale, field.key)

    def _ids_in_use(self, kind: str) -> tuple[str, ...]:
        """Ids already stored in fields of `kind`: they stay valid while unchanged."""
        return tuple(str(v) for f in self.fields if f.type == kind and (v := self._initial.get(f.key)))

    # --- reading and visibility ---------------------------------------------------------------------------

    def _raw(self, field: FieldDef) -> Any:
        widgets = self._widgets[field.key]
        if field.type == "money":
            amount, currency = (w.value for w in widgets)
            return {"amount": (amount or "").strip(), "currency": currency or None}
        if field.type == "datetime":
            day, time = ((w.value or "").strip() for w in widgets)
            return f"{day}T{time}" if day and time else (day or time or None)
        if field.type == "multiselect":
            return list(widgets[0].value or [])
        if field.type == "boolean":
            return bool(widgets[0].value)
        return widgets[0].value

    def _visible(self, raw: Mapping[str, Any]) -> frozenset[str]:
        if not self._dynamic:
            return frozenset(self._by_key)
        merged = dict(self._initial)
        for key, value in raw.items():
            try:
                cleaned = clean_value(self._by_key[key], value, known=self._known, tz=self._tz)
            except ValidationFailed:
                cleaned = value  # the condition sees it as entered (and cannot compare it)
            if cleaned is None:
                merged.pop(key, None)
            else:
                merged[key] = cleaned
        return visible_keys(self.fields, merged, tz=self._tz, now=datetime.now(UTC), actor=self._actor)

    def _refresh(self) -> None:
        if not self._dynamic:
            return
        visible = self._visible({f.key: self._raw(f) for f in self.fields})
        for key, box in self._boxes.items():
            box.set_visibility(key in visible)

    def _changed(self, key: str, _event: ValueChangeEventArguments[Any]) -> None:
        for widget in self._widgets.get(key, ()):
            if widget.props.get("error"):
                widget.props.pop("error", None)
                widget.props.pop("error-message", None)
                widget.update()
        self._refresh()


def _text_of(value: Any) -> str:
    return "" if value is None else str(value)


def _amount_text(amount: Any) -> str:
    return format(amount, "f")
