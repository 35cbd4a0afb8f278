"""ID-number encryption at rest with a keyed blind index (groundwork for issue 9 step 5).

Wired into the schema by :mod:`core.privacy.columns` and migration 0011: this module is
the key handling and the two primitives the migration and the column type use:

* :func:`encrypt` / :func:`decrypt`: AES-256-GCM, random 96-bit nonce, text form
  ``v1:<base64url(nonce|ciphertext|tag)>`` (an ID number never starts with ``v1:``, so an
  already-encrypted value is recognised and never encrypted twice);
* :func:`blind_index`: HMAC-SHA256 of the normalised number under a key derived
  separately from the master key (HKDF labels), for exact lookups and uniqueness;
* :func:`seal` / :func:`unseal`: the same AES-GCM for other short secrets stored as they
  are (the administrators' TOTP secrets, ``core.privacy.columns.EncryptedText``), each
  bound to its column by the associated data.

The key comes from configuration, never the repository: ``CAREMATCH_DATA_KEY`` (64 hex
characters), else ``CAREMATCH_DATA_KEY_FILE``, else ``data_key`` in the instance folder
(``CAREMATCH_INSTANCE`` or ``./instance``, the same folder core.app uses), generated once
with mode 0600 and created atomically so concurrent first runs agree on one key. It is a
process-level resolver, not Flask config, because the test template database is seeded
before any app exists and is copied into every test.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

PREFIX = "v1:"


class DataKeyError(RuntimeError):
    pass


def key_path() -> Path:
    explicit = os.environ.get("CAREMATCH_DATA_KEY_FILE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("CAREMATCH_INSTANCE", Path.cwd() / "instance")).resolve() / "data_key"


def read_or_create_secret(path: Path) -> str:
    """The hexadecimal secret in ``path``, written once (0600) if absent; several processes
    starting together all end up with the first writer's secret."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(tmp, path)  # atomic: the first writer wins, later ones read its key
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def key_from_hex(text: str, name: str, error: type[Exception] = DataKeyError) -> bytes:
    """A 32-byte key written as 64 hexadecimal characters; ``error`` names what is wrong."""
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise error(f"{name} must be 64 hexadecimal characters") from None
    if len(key) != 32:
        raise error(f"{name} must be 32 bytes (64 hexadecimal characters)")
    return key


@functools.lru_cache(maxsize=1)
def master_key() -> bytes:
    return key_from_hex(os.environ.get("CAREMATCH_DATA_KEY") or read_or_create_secret(key_path()), "the data key")


def _derive(label: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"carematch/" + label).derive(master_key())


@functools.lru_cache(maxsize=1)
def _aead():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(_derive(b"id-number/encrypt/v1"))


@functools.lru_cache(maxsize=1)
def _index_key() -> bytes:
    return _derive(b"id-number/blind-index/v1")


def reset() -> None:
    """Forget the cached keys (tests that change the key)."""
    master_key.cache_clear()
    _aead.cache_clear()
    _index_key.cache_clear()


def normalise(number: str) -> str:
    return number.strip().upper()


def is_ciphertext(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)  # type: ignore[union-attr]


def seal(text: str | None, *, context: bytes) -> str | None:
    """Encrypt any short text as stored (no normalisation): ``v1:…`` under the data key.

    ``context`` (AES-GCM associated data) names the column, so a value copied into a column
    of another kind does not open. Already-sealed values pass through unchanged.
    """
    if text is None or is_ciphertext(text):
        return text
    nonce = secrets.token_bytes(12)
    sealed = _aead().encrypt(nonce, text.encode(), context)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(value: str | None, *, context: bytes, what: str = "an encrypted value") -> str | None:
    """The text behind ``value`` (plain values pass through: rows written before encryption)."""
    if value is None or not is_ciphertext(value):
        return value
    from cryptography.exceptions import InvalidTag

    raw = value[len(PREFIX):]
    data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    try:
        return _aead().decrypt(data[:12], data[12:], context).decode()
    except InvalidTag:
        raise DataKeyError(
            f"{what} does not open with this data key: {key_source()} is not the key the database "
            "was encrypted with (or the stored value was altered)"
        ) from None


def key_source() -> str:
    """Where the data key comes from, for error messages (never the key itself)."""
    return "CAREMATCH_DATA_KEY" if os.environ.get("CAREMATCH_DATA_KEY") else f"the key file {key_path()}"


def encrypt(number: str | None, *, context: bytes = b"id_number") -> str | None:
    if number is None or is_ciphertext(number):
        return number
    return seal(normalise(number), context=context)


def decrypt(value: str | None, *, context: bytes = b"id_number") -> str | None:
    return unseal(value, context=context, what="an encrypted ID number")


def blind_index(number: str | None) -> str | None:
    if number is None:
        return None
    return hmac.new(_index_key(), normalise(number).encode(), hashlib.sha256).hexdigest()
