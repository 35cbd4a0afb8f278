"""The registry of import kinds: ``carematch import KIND FILE`` and ``/imports`` accept these keys."""

from __future__ import annotations

from core.excel.households import HouseholdsKind
from core.excel.importing import ImportKind
from core.excel.more_kinds import DisabilitiesKind, IncomesKind, StandardsKind, VolunteersKind

KINDS: dict[str, ImportKind] = {
    kind.key: kind
    for kind in (HouseholdsKind(), IncomesKind(), DisabilitiesKind(), VolunteersKind(), StandardsKind())
}


def get_kind(key: str) -> ImportKind:
    try:
        return KINDS[key]
    except KeyError:
        raise KeyError(f"unknown import kind {key!r}; known: {', '.join(KINDS)}") from None
