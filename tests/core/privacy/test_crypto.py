"""The ID-number primitives: AES-GCM round trip, a keyed blind index, key from configuration."""

from __future__ import annotations

import stat

import pytest

pytest.importorskip("cryptography")

from core.privacy import crypto  # noqa: E402


@pytest.fixture
def fixed_key(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATA_KEY", "11" * 32)
    crypto.reset()
    yield
    crypto.reset()


def test_round_trip_random_nonce_and_blind_index(fixed_key) -> None:  # type: ignore[no-untyped-def]
    number = "23060219800301001x"
    one, two = crypto.encrypt(number), crypto.encrypt(number)
    assert one != two and one.startswith("v1:") and number.upper() not in one
    assert crypto.decrypt(one) == number.upper()
    assert crypto.encrypt(one) == one  # never encrypted twice
    assert crypto.blind_index(number) == crypto.blind_index(" 23060219800301001X ")
    assert len(crypto.blind_index(number)) == 64


def test_a_different_key_gives_a_different_index_and_cannot_decrypt(fixed_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sealed, index = crypto.encrypt("230602198003010011"), crypto.blind_index("230602198003010011")
    monkeypatch.setenv("CAREMATCH_DATA_KEY", "22" * 32)
    crypto.reset()
    assert crypto.blind_index("230602198003010011") != index
    with pytest.raises(Exception):
        crypto.decrypt(sealed)


def test_the_key_file_is_generated_once_with_mode_0600(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CAREMATCH_DATA_KEY", raising=False)
    monkeypatch.setenv("CAREMATCH_DATA_KEY_FILE", str(tmp_path / "data_key"))
    crypto.reset()
    try:
        first = crypto.master_key()
        crypto.reset()
        assert crypto.master_key() == first
        assert stat.S_IMODE((tmp_path / "data_key").stat().st_mode) == 0o600
    finally:
        crypto.reset()
