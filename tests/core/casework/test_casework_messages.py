"""Every casework msgid has a Chinese translation in core/casework/messages_zh*.txt."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[3]


def test_every_casework_msgid_has_a_chinese_line() -> None:
    lines = [line for path in sorted((ROOT / "core/casework").glob("messages_zh*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    translated = dict(line.split("\t", 1) for line in lines if line and not line.startswith("#"))
    sources = [(ROOT / "core/casework/views.py", "python", {})]
    sources += [(p, "jinja2", {"extensions": "jinja2.ext.i18n"})
                for p in sorted((ROOT / "core/templates/casework").glob("*.html"))]
    missing = []
    for path, method, options in sources:
        for _lineno, message, _comments, _context in extract_from_file(
                method, str(path), keywords={"_": None, "gettext": None}, options=options):
            msgid = message if isinstance(message, str) else message[0]
            if not translated.get(msgid):
                missing.append(f"{path.name}: {msgid}")
    assert missing == []
