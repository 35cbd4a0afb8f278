"""Pruning: the shortcut for instances where every pair is worth something keeps
exactly the pairs the full computation keeps."""

from __future__ import annotations

import numpy as np
import pytest

from core.matching import load_instance
from core.matching.edges import EncodedInstance, build_edges
from core.matching.model import edge_totals, prune_edges
from matching_builders import instance_doc, north, recipient, volunteer


def _pairs(instance_document: dict) -> tuple[set, set]:
    encoded = EncodedInstance(load_instance(instance_document))
    edges = build_edges(encoded)
    pruned = prune_edges(encoded, edges, np.zeros(0, dtype=np.int64))
    full = edges.subset(edge_totals(encoded, edges) > 0)
    as_set = lambda e: set(zip(e.r.tolist(), e.v.tolist()))  # noqa: E731
    return as_set(pruned), as_set(full)


@pytest.mark.parametrize("km_weight", [2, 90])   # 90: some pairs are not worth their distance
def test_pruning_shortcut_equals_full_totals(km_weight: int) -> None:
    volunteers = [volunteer("v1"), volunteer("v2", lat=north(4.0), capacity=2),
                  volunteer("v3", lat=north(9.0), skills=["child_care"])]
    recipients = [
        recipient("single"),
        recipient("team_two", volunteers_needed=2),                      # v1 and v2 allowed
        recipient("team_one", volunteers_needed=2, excluded_volunteers=["v2"]),   # only v1: never servable
        recipient("far", risk=1, lat=north(12.0)),
    ]
    document = instance_doc(volunteers, recipients, weights={"km": km_weight})
    pruned, full = _pairs(document)
    assert pruned == full
    encoded = EncodedInstance(load_instance(document))
    team_one = encoded.recipient_index["team_one"]
    assert all(r != team_one for r, _ in pruned)     # the lone pair of a team is dropped
    team_two = encoded.recipient_index["team_two"]
    assert sum(r == team_two for r, _ in pruned) == 2
