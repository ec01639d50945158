"""Load the .po catalogs, and keep them in step with the source (`python3 main.py messages`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCALES = ("en", "es", "fr")
SOURCE_DIRS = ("ui", "domain", "api", "scheduler", "engine")
KEYWORDS = {"_": None, "N_": None}


def po_path(locale: str) -> Path:
    return HERE / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> dict[str, str]:
    """msgid -> msgstr for `locale` (empty translations left out)."""
    path = po_path(locale)
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def extract() -> Catalog:
    """Every `_()` / `N_()` string in the source, with where it is used."""
    catalog = Catalog(project="Baton", charset="utf-8")
    for directory in SOURCE_DIRS:
        path = ROOT / directory
        if not path.exists():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(path), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
        ):
            catalog.add(message, locations=[(f"{directory}/{filename}", lineno)])
    return catalog


def update_catalogs() -> int:
    """Merge the extracted strings into each locale's .po (English filled in); report gaps."""
    template = extract()
    missing_total = 0
    for locale in LOCALES:
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = translations.__wrapped__(locale) if path.exists() else {}
        catalog = Catalog(locale=locale, project="Baton", charset="utf-8")
        for message in template:
            if not message.id:
                continue
            text = message.id if locale == "en" else old.get(str(message.id), "")
            catalog.add(message.id, text, locations=message.locations)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        missing_total += len(missing)
        print(f"{locale}: {len(catalog)} messages, {len(missing)} untranslated")
    return 1 if missing_total else 0
