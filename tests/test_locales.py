"""The .po catalogs are in step with the source and fully translated.

No database and no NiceGUI: the catalogs are read with Babel and through
`locales.catalogs.translations` (what `ui.i18n._` uses), never through `ui.i18n`.

When a test here fails after you added or changed a `_()` / `N_()` string, run
`python main.py messages` and fill in the new msgstr in locales/es and locales/fr.
"""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from locales.catalogs import LOCALES, ROOT, SOURCE_DIRS, extract, po_path, translations

TRANSLATED = ("es", "fr")

# The navigation and header labels the browser tests look for.
NAV_LABELS = {
    "fr": {
        "Dashboard": "Tableau de bord",
        "Requests": "Demandes",
        "Projects": "Projets",
        "Assets": "Actifs",
        "Vendors": "Fournisseurs",
        "Designer": "Concepteur",
        "Admin": "Administration",
        "Audit": "Audit",
        "Sign out": "Se déconnecter",
        "Sign in": "Se connecter",
        "Users": "Utilisateurs",
        "Language": "Langue",
        "Theme": "Thème",
        "Dark": "Sombre",
        "Light": "Clair",
        "Automatic": "Automatique",
    },
    "es": {
        "Dashboard": "Panel",
        "Requests": "Solicitudes",
        "Projects": "Proyectos",
        "Assets": "Activos",
        "Vendors": "Proveedores",
        "Designer": "Diseñador",
        "Admin": "Administración",
        "Audit": "Auditoría",
        "Sign out": "Cerrar sesión",
        "Sign in": "Iniciar sesión",
        "Users": "Usuarios",
        "Language": "Idioma",
        "Theme": "Tema",
        "Dark": "Oscuro",
        "Light": "Claro",
        "Automatic": "Automático",
    },
}

HINT = "run `python main.py messages`, then translate the new strings in locales/es and locales/fr"


@cache
def source_ids() -> frozenset[str]:
    """Every msgid Babel extracts from the source, as `main.py messages` does."""
    return frozenset(str(m.id) for m in extract() if m.id)


@cache
def catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def entries(locale: str) -> dict[str, object]:
    return {str(m.id): m for m in catalog(locale) if m.id}


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format() template (raises ValueError on stray braces)."""
    return {field.split(".")[0].split("[")[0] for _lit, field, _spec, _conv in string.Formatter().parse(text)
            if field is not None}


def listing(ids: object) -> str:
    return "\n".join(f"  {item!r}" for item in sorted(ids))  # type: ignore[call-overload]


def test_source_has_messages() -> None:
    assert len(source_ids()) > 100, "extract() found suspiciously few messages"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_in_the_catalog(locale: str) -> None:
    missing = source_ids() - entries(locale).keys()
    assert not missing, f"{len(missing)} msgid(s) missing from {po_path(locale)}; {HINT}:\n{listing(missing)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_obsolete_entries(locale: str) -> None:
    extra = entries(locale).keys() - source_ids()
    obsolete = set(catalog(locale).obsolete)
    assert not extra, (f"{len(extra)} msgid(s) in {po_path(locale)} are no longer in the source; "
                       f"run `python main.py messages` to drop them:\n{listing(extra)}")
    assert not obsolete, f"{po_path(locale)} has obsolete (#~) entries:\n{listing(obsolete)}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    found = entries(locale)
    untranslated = {msgid for msgid, m in found.items() if not str(m.string).strip()}  # type: ignore[attr-defined]
    fuzzy = {msgid for msgid, m in found.items() if m.fuzzy}  # type: ignore[attr-defined]
    assert not untranslated, f"{len(untranslated)} untranslated msgid(s) in {po_path(locale)}:\n{listing(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy msgid(s) in {po_path(locale)}:\n{listing(fuzzy)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale: str) -> None:
    problems = []
    for msgid, message in entries(locale).items():
        text = str(message.string)  # type: ignore[attr-defined]
        if not text:
            continue
        try:
            wanted, got = placeholders(msgid), placeholders(text)
        except ValueError as error:
            problems.append(f"  {msgid!r} -> {text!r}: {error}")
            continue
        if wanted != got:
            problems.append(f"  {msgid!r} -> {text!r}: expected {sorted(wanted)}, found {sorted(got)}")
    assert not problems, f"placeholder mismatches in {po_path(locale)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", sorted(NAV_LABELS))
def test_navigation_labels(locale: str) -> None:
    table = translations(locale)
    wrong = {msgid: table.get(msgid) for msgid, expected in NAV_LABELS[locale].items()
             if table.get(msgid) != expected}
    assert not wrong, (f"{locale}: navigation labels differ from what the browser tests expect "
                       f"(msgid -> current translation, None = missing): {wrong}")


def literal_calls() -> dict[str, str]:
    """msgid -> first location of every `_("literal")` / `N_("literal")` call in the source, found
    with the ast (which also sees calls inside f-strings)."""
    found: dict[str, str] = {}
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"_", "N_"}
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, f"{Path(path).relative_to(ROOT)}:{node.lineno}")
    return found


def test_extraction_sees_every_literal_call() -> None:
    """Babel's extractor cannot look inside f-strings on this Python, so `f'...{_("Theme")}...'`
    is translated at run time but never reaches the catalogs. Hoist such calls out of the f-string."""
    unseen = {msgid: where for msgid, where in literal_calls().items() if msgid not in source_ids()}
    assert not unseen, ("these strings are passed to _()/N_() but Babel does not extract them "
                        "(probably inside an f-string; assign `_()` to a variable first):\n"
                        + "\n".join(f"  {msgid!r} at {where}" for msgid, where in sorted(unseen.items())))
