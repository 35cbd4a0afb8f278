"""Maintain the message catalogs: extract, update, compile, and add translations.

    python tools/i18n.py update            # extract msgids, merge into zh and en catalogs, compile
    python tools/i18n.py add FILE          # add "msgid<TAB>中文" lines to the zh catalog, then update
    python tools/i18n.py check             # exit 1 if a msgid lacks a Chinese translation

English msgids are the source language; Chinese is the default UI language.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "core" / "translations"
LOCALES = ("zh", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [
    ("core/**.py", "python"),
    ("plugins/**.py", "python"),
    ("core/templates/**.html", "jinja2"),
    ("plugins/**/templates/**.html", "jinja2"),
]


def extract() -> Catalog:
    template = Catalog(project="CareMatch")
    for dirname in ("core", "plugins"):
        methods = [(pattern.split("/", 1)[1], method) for pattern, method in METHODS if pattern.startswith(dirname)]
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / dirname, method_map=methods, keywords=KEYWORDS,
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            template.add(message, None, [(f"{dirname}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale)
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, omit_header=True, no_location=True, sort_output=True, width=0)
    with path.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)


def update() -> None:
    template = extract()
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        save(catalog, locale)


def add(path: Path) -> None:
    catalog = load("zh")
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        msgid, text = line.split("\t", 1)
        existing = catalog.get(msgid)
        if existing is not None:  # Catalog.add keeps an existing entry's (empty) string
            existing.string = text.strip()
        else:
            catalog.add(msgid, text.strip())
    save(catalog, "zh")
    update()


def untranslated() -> list[str]:
    catalog = load("zh")
    wanted = {m.id for m in extract() if m.id}
    have = {m.id: m.string for m in catalog if m.id}
    return sorted(str(i) for i in wanted if not have.get(i))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "add":
        add(Path(argv[2]))
    elif command == "check":
        missing = untranslated()
        for msgid in missing:
            print(f"no Chinese translation: {msgid!r}")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
