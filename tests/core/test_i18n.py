"""Chinese is the default UI language: every user-visible string has a translation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_msgid_in_the_code_has_a_chinese_translation() -> None:
    missing = _tool().untranslated()
    assert missing == [], f"add these to the zh catalog (python tools/i18n.py add FILE): {missing}"


def test_compiled_catalogs_match_their_sources() -> None:
    for locale in ("zh", "en"):
        base = ROOT / "core" / "translations" / locale / "LC_MESSAGES" / "messages"
        with open(f"{base}.po", "rb") as f:
            po = {m.id: m.string for m in read_po(f) if m.id}
        with open(f"{base}.mo", "rb") as f:
            mo = {m.id: m.string for m in read_mo(f) if m.id}
        assert {k: v for k, v in po.items() if v} == {k: v for k, v in mo.items() if v}, (
            f"{locale} .mo is stale: run python tools/i18n.py update"
        )
