"""The edge builder's one-key sort gives exactly the (recipient, best profit, volunteer) order."""

from __future__ import annotations

import numpy as np
import pytest

from core.matching.edges import _pair_order


@pytest.mark.parametrize("n_v", [1, 7, 75_000, 2 ** 40])   # 2**40: the key would overflow, lexsort is used
def test_pair_order_equals_lexsort(n_v: int) -> None:
    rng = np.random.default_rng(n_v)
    n = 5000
    r = rng.integers(100, 400, n).astype(np.int32)
    v = rng.integers(0, min(n_v, 10 ** 6), n).astype(np.int64)
    keys = np.unique(r.astype(np.int64) * max(n_v, 10 ** 6) + v)     # distinct pairs, as the builder has
    r = (keys // max(n_v, 10 ** 6)).astype(np.int32)
    v = (keys % max(n_v, 10 ** 6)).astype(np.int32 if n_v < 2 ** 31 else np.int64)
    profit = rng.integers(-3000, 400, len(r)).astype(np.int64)
    expected = np.lexsort((v, -profit, r))
    assert np.array_equal(_pair_order(r, v, profit, n_v), expected)


def test_pair_order_empty() -> None:
    empty = np.zeros(0, dtype=np.int32)
    assert len(_pair_order(empty, empty, np.zeros(0, dtype=np.int64), 5)) == 0
