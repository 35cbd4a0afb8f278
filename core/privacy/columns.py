"""Columns holding a resident ID number, encrypted at rest with a keyed blind index (issue 9).

:class:`EncryptedIdentifier` is the column type: values are sealed with
:func:`core.privacy.crypto.encrypt` on the way in and opened on the way out, so the ORM,
Core selects of the table's columns and exports all see the plain number, and the
database only ever holds ``v1:…`` ciphertext (random nonce: equal numbers give different
ciphertexts). Exact lookups cannot compare ciphertexts, so the type's comparator turns
``col == number``, ``col != number``, ``col.in_(numbers)`` and ``col.not_in(numbers)`` into
the same comparison on the sibling index column (HMAC of the number under its own key),
which also carries the uniqueness the plain column used to have. Ordering or pattern
operators (``<``, ``like``, ``startswith`` …) raise: on ciphertext they would answer
silently wrong.

:func:`link_blind_index` keeps the index filled: an attribute ``set`` event for ORM
writes, and a context-sensitive insert default for Core and ORM bulk inserts (the demo
generator and the Excel import). A Core ``UPDATE`` that changes the number itself must
set the index column too (none does today: imports match on the number, never change it).
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import String, event
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from core.privacy import crypto

INDEX_LENGTH = 64  # hex HMAC-SHA256
CIPHERTEXT_LENGTH = 128  # "v1:" + base64url(nonce 12 + up to 22 characters + tag 16) is at most 70

_EQUALITY = {operators.eq, operators.ne, operators.in_op, operators.not_in_op}
_REFUSED = {
    operators.lt, operators.le, operators.gt, operators.ge, operators.between_op, operators.not_between_op,
    operators.like_op, operators.not_like_op, operators.ilike_op, operators.not_ilike_op,
    operators.startswith_op, operators.not_startswith_op, operators.endswith_op, operators.not_endswith_op,
    operators.contains_op, operators.not_contains_op, operators.match_op, operators.not_match_op,
    operators.regexp_match_op, operators.not_regexp_match_op,
}


class EncryptedIdentifier(TypeDecorator):
    """A resident ID number (or a number embedding one) stored as AES-GCM ciphertext.

    ``index`` names the sibling column of the same table that holds the blind index;
    ``context`` is bound into the ciphertext (AES-GCM associated data), so a value copied
    into a column of another kind does not decrypt.
    """

    impl = String(CIPHERTEXT_LENGTH)
    cache_ok = True

    def __init__(self, index: str, context: str = "id_number") -> None:
        super().__init__()
        self.index = index
        self.context = context

    def __repr__(self) -> str:  # what Alembic's autogenerate renders
        return f"EncryptedIdentifier(index={self.index!r}, context={self.context!r})"

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(str(value), context=self.context.encode())

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return crypto.decrypt(value, context=self.context.encode())

    def plain(self, value: str | None) -> str | None:
        """The number behind ``value`` (which may already be ciphertext)."""
        return crypto.decrypt(value, context=self.context.encode()) if crypto.is_ciphertext(value) else value

    def index_of(self, value: str | None) -> str | None:
        return crypto.blind_index(self.plain(value))

    class Comparator(TypeDecorator.Comparator, String.Comparator):  # type: ignore[misc]
        def _index_column(self) -> ColumnElement[Any]:
            table = getattr(self.expr, "table", None)
            if table is None or self.expr.type.index not in table.c:
                raise TypeError(f"{self.expr} is encrypted: compare the column of a table, which has its blind index")
            return table.c[self.expr.type.index]

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> ColumnElement[Any]:
            if op in _REFUSED:
                raise TypeError(f"{self.expr} is encrypted at rest: only exact comparisons (==, !=, in_) work")
            if op not in _EQUALITY or not other or other[0] is None:
                return super().operate(op, *other, **kwargs)
            return op(self._index_column(), self._indexed(op, other[0]), **kwargs)

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> ColumnElement[Any]:
            if op in _REFUSED:
                raise TypeError(f"{self.expr} is encrypted at rest: only exact comparisons (==, !=, in_) work")
            if op in (operators.eq, operators.ne) and other is not None:
                return op(self._indexed(op, other), self._index_column(), **kwargs)
            return super().reverse_operate(op, other, **kwargs)

        def _indexed(self, op: Any, other: Any) -> Any:
            kind: EncryptedIdentifier = self.expr.type
            if hasattr(other, "__clause_element__"):  # an ORM attribute
                other = other.__clause_element__()
            if op in (operators.in_op, operators.not_in_op):
                if isinstance(other, (ColumnElement, str)) or not hasattr(other, "__iter__"):
                    raise TypeError(f"{self.expr} is encrypted: in_() takes a list of numbers")
                values = list(other)
                if not all(v is None or isinstance(v, str) for v in values):
                    raise TypeError(f"{self.expr} is encrypted: in_() takes a list of numbers")
                return [kind.index_of(v) for v in values]
            if isinstance(other, ColumnElement):
                if isinstance(other.type, EncryptedIdentifier):
                    return other.comparator._index_column()  # type: ignore[attr-defined]
            elif isinstance(other, str):
                return kind.index_of(other)
            raise TypeError(f"{self.expr} is encrypted: compare it with a number or another encrypted column")

    comparator_factory = Comparator  # type: ignore[assignment]


class EncryptedText(TypeDecorator):
    """A short secret stored as AES-GCM ciphertext (``v1:…``), e.g. a TOTP secret.

    Unlike :class:`EncryptedIdentifier` nothing is normalised and there is no blind index:
    such a column is read by its row, never searched. ``context`` (the table and column)
    is bound into the ciphertext. Values written before encryption (plain text) still read,
    so a half-migrated row never locks an administrator out.
    """

    impl = String(CIPHERTEXT_LENGTH)
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def __repr__(self) -> str:  # what Alembic's autogenerate renders
        return f"EncryptedText(context={self.context!r})"

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return crypto.seal(None if value is None else str(value), context=self.context.encode())

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return crypto.unseal(value, context=self.context.encode(), what=f"an encrypted {self.context}")


def index_default(column: str, kind: EncryptedIdentifier) -> Callable[[Any], str | None]:
    """An insert default computing the blind index from the row's ``column`` (bulk inserts)."""

    def default(context: Any) -> str | None:
        return kind.index_of(context.get_current_parameters().get(column))

    return default


def link_blind_index(attribute: Any, index: str) -> None:
    """Keep ``index`` in step with ``attribute`` on ORM writes (``Person(id_number=…)``,
    ``person.id_number = …``)."""
    kind: EncryptedIdentifier = attribute.property.columns[0].type

    @event.listens_for(attribute, "set", propagate=True)
    def _set(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(target, index, kind.index_of(value))
