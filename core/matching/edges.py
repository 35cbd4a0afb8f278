"""Feasibility (spec rules 1–7) and the vectorised candidate-edge builder.

Two views of the same rules:

* one small function per rule on a single (recipient, volunteer) pair, used by
  explanations and :func:`~core.matching.explain.why_not` because they return the
  figures behind a failure;
* :func:`build_edges`, which finds every allowed pair at once: a cKDTree on 3-D
  unit vectors proposes pairs within each volunteer's travel cap, and numpy
  bitmask arithmetic checks skills, slots and languages.

Both share :func:`haversine_km` semantics and :func:`pair_profit`, so the model,
the explanations and :func:`~core.matching.model.plan_objective` agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from .instance import Instance, Recipient, Volunteer

EARTH_RADIUS_KM = 6371.0
RULE_NAMES = {
    1: "skills",
    2: "background_check",
    3: "max_km",
    4: "slots",
    5: "gender",
    6: "language",
    7: "excluded",
}
ALL_RULES = tuple(RULE_NAMES)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371.0 km (spec "Objective")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2) - math.radians(lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _haversine_np(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    # Same operation order as haversine_km so the km term rounds identically.
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def distance_km(recipient: Recipient, volunteer: Volunteer) -> float:
    """Haversine distance between a recipient and a volunteer."""
    return haversine_km(recipient.lat, recipient.lon, volunteer.lat, volunteer.lon)


def travel_cap_km(instance: Instance, volunteer: Volunteer) -> float:
    """min(v.max_km, params.max_km): the cap of spec rule 3."""
    return min(volunteer.max_km, instance.params.max_km)


# --------------------------------------------------------------- one function per rule


@dataclass(frozen=True)
class RuleFailure:
    """A hard rule that forbids a pair, with the figures that make it fail."""

    rule: int
    name: str
    detail: str


def check_skills(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 1: v has every skill in r.required_skills."""
    missing = sorted(r.required_skills - v.skills)
    if missing:
        return RuleFailure(1, "skills", f"缺少技能 (missing skills): {', '.join(missing)}")
    return None


def check_background(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 2: r.needs_background_check implies v.background_check."""
    if r.needs_background_check and not v.background_check:
        return RuleFailure(2, "background_check",
                           f"{r.id} 需要背景审查, {v.id} 未通过 (needs a background check; {v.id} has none)")
    return None


def check_distance(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 3: haversine distance <= min(v.max_km, params.max_km)."""
    km, cap = distance_km(r, v), travel_cap_km(instance, v)
    if km > cap:
        return RuleFailure(3, "max_km", f"距离 {km:.2f} km 超过上限 {cap:g} km "
                                        f"(distance {km:.2f} km exceeds the cap of {cap:g} km)")
    return None


def check_slots(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 4: |r.slots ∩ v.slots| >= r.min_common_slots."""
    common = len(r.slots & v.slots)
    if common < r.min_common_slots:
        return RuleFailure(4, "slots", f"共同时段 {common} 个, 需要 {r.min_common_slots} 个 "
                                       f"({common} common slots, {r.min_common_slots} needed)")
    return None


def check_gender(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 5: r.gender_hard implies v.gender == r.gender_pref (no pref: no constraint)."""
    if r.gender_hard and r.gender_pref is not None and v.gender != r.gender_pref:
        return RuleFailure(5, "gender", f"要求性别 {r.gender_pref}, 志愿者为 {v.gender} "
                                        f"(requires gender {r.gender_pref}, volunteer is {v.gender})")
    return None


def check_language(instance: Instance, r: Recipient, v: Volunteer) -> RuleFailure | None:
    """Spec rule 6: a hard language requirement needs a shared language."""
    if r.language_hard and r.languages and not (r.languages & v.languages):
        return RuleFailure(6, "language", f"无共同语言: 需要 {sorted(r.languages)}, 志愿者会 {sorted(v.languages)} "
                                          f"(no shared language: needs {sorted(r.languages)}, "
                                          f"volunteer speaks {sorted(v.languages)})")
    return None


def check_excluded(instance: Instance, r: Recipient, v: Volunteer,
                   forbidden: Iterable[tuple[str, str]] = ()) -> RuleFailure | None:
    """Spec rule 7: v is not in r.excluded_volunteers (coordinator-forbidden pairs count too)."""
    if v.id in r.excluded_volunteers:
        return RuleFailure(7, "excluded", f"{v.id} 在 {r.id} 的排除名单中 ({v.id} is excluded by {r.id})")
    if (r.id, v.id) in set(forbidden):
        return RuleFailure(7, "excluded", f"协调员禁止该配对 (the coordinator forbade {r.id}–{v.id})")
    return None


RULE_CHECKS = (check_skills, check_background, check_distance, check_slots,
               check_gender, check_language, check_excluded)


def pair_failures(instance: Instance, r: Recipient, v: Volunteer,
                  forbidden: Iterable[tuple[str, str]] = ()) -> list[RuleFailure]:
    """Every hard rule (1–7) that forbids the pair, in spec order; empty when allowed."""
    failures = [check(instance, r, v) for check in RULE_CHECKS[:-1]]
    failures.append(check_excluded(instance, r, v, forbidden))
    return [f for f in failures if f is not None]


def pair_profit(instance: Instance, r: Recipient, v: Volunteer) -> int:
    """Per-pair objective term: bonuses minus round(weights.km * km) (spec "Objective")."""
    w = instance.params.weights
    profit = 0
    if v.id in r.current_volunteers:
        profit += w.continuity
    if r.gender_pref is not None and not r.gender_hard and v.gender == r.gender_pref:
        profit += w.gender_pref
    if r.languages and not r.language_hard and r.languages & v.languages:
        profit += w.language_pref
    return profit - round(w.km * distance_km(r, v))


def pair_reasons(instance: Instance, r: Recipient, v: Volunteer) -> tuple[str, ...]:
    """Why a pair is good: continuity, preferences met, skills matched."""
    reasons = []
    if v.id in r.current_volunteers:
        reasons.append("continuity")
    if r.gender_pref is not None and v.gender == r.gender_pref:
        reasons.append("gender_pref")
    if r.languages and r.languages & v.languages:
        reasons.append("language:" + ",".join(sorted(r.languages & v.languages)))
    reasons.extend(sorted(r.required_skills))
    if r.needs_background_check:
        reasons.append("background_check")
    return tuple(reasons)


# ------------------------------------------------------------------ vectorised builder


def _bitmasks(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    # Each set becomes a Python int first (the same few sets recur: cached), then
    # 64-bit words: numpy scalar updates per item took 3-4 s of CPU at 50k.
    words = max(1, (len(vocabulary) + 63) // 64)
    known: dict[frozenset[str], int] = {}
    values = []
    for items in sets:
        value = known.get(items)
        if value is None:
            value = 0
            for item in items:
                bit = vocabulary.get(item)
                if bit is not None:
                    value |= 1 << bit
            known[items] = value
        values.append(value)
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    word_mask = (1 << 64) - 1
    for word in range(words):
        masks[:, word] = np.fromiter(((value >> (64 * word)) & word_mask for value in values),
                                     dtype=np.uint64, count=len(values))
    return masks


def _vocabulary(*groups: Iterable[frozenset[str]]) -> dict[str, int]:
    words = sorted({w for group in groups for items in group for w in items})
    return {w: i for i, w in enumerate(words)}


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lmb = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lmb), np.cos(phi) * np.sin(lmb), np.sin(phi)))


def _chord(km: float) -> float:
    # Straight-line distance between unit vectors for a great-circle distance, padded
    # so that floating error never drops a pair the exact haversine test would keep.
    return 2.0 * math.sin(min(math.pi / 2, km / (2 * EARTH_RADIUS_KM))) * (1 + 1e-9) + 1e-12


def half_served(encoded: Any, cover: np.ndarray) -> np.ndarray:
    """The recipients a flow covers partly (``cover``: volunteers per recipient): teams with
    one of their two volunteers, which no valid plan may leave so. ``encoded`` is an
    :class:`EncodedInstance` or a view of one with its own ``r_needed`` (a region)."""
    return np.flatnonzero((cover > 0) & (cover < encoded.r_needed))


class EncodedInstance:
    """Numpy arrays for an instance, shared by the edge builder and the explanations."""

    def __init__(self, instance: Instance, forbidden: Iterable[tuple[str, str]] = ()) -> None:
        self.instance = instance
        vols, recs = instance.volunteers, instance.recipients
        self.n_volunteers, self.n_recipients = len(vols), len(recs)
        self.volunteer_index = {v.id: i for i, v in enumerate(vols)}
        self.recipient_index = {r.id: i for i, r in enumerate(recs)}
        w = instance.params.weights
        self.v_lat = np.array([v.lat for v in vols], dtype=np.float64)
        self.v_lon = np.array([v.lon for v in vols], dtype=np.float64)
        self.r_lat = np.array([r.lat for r in recs], dtype=np.float64)
        self.r_lon = np.array([r.lon for r in recs], dtype=np.float64)
        self.v_cap_km = np.array([min(v.max_km, instance.params.max_km) for v in vols], dtype=np.float64)
        self.v_capacity = np.array([v.capacity for v in vols], dtype=np.int64)
        self.r_needed = np.array([r.volunteers_needed for r in recs], dtype=np.int64)
        self.r_value = np.array([w.risk[r.risk] for r in recs], dtype=np.int64)
        skills = _vocabulary([v.skills for v in vols], [r.required_skills for r in recs])
        self.v_skills = _bitmasks([v.skills for v in vols], skills)
        self.r_skills = _bitmasks([r.required_skills for r in recs], skills)
        # The skill vocabulary includes required skills that no volunteer has, so a
        # recipient asking for one fails rule 1 against everyone.
        slots = _vocabulary([v.slots for v in vols], [r.slots for r in recs])
        self.v_slots = _bitmasks([v.slots for v in vols], slots)
        self.r_slots = _bitmasks([r.slots for r in recs], slots)
        langs = _vocabulary([v.languages for v in vols], [r.languages for r in recs])
        self.v_langs = _bitmasks([v.languages for v in vols], langs)
        self.r_langs = _bitmasks([r.languages for r in recs], langs)
        self.v_bg = np.array([v.background_check for v in vols], dtype=bool)
        self.r_needs_bg = np.array([r.needs_background_check for r in recs], dtype=bool)
        gender_code = {None: 0, "F": 1, "M": 2}
        self.v_gender = np.array([gender_code[v.gender] for v in vols], dtype=np.int8)
        self.r_gender_pref = np.array([gender_code[r.gender_pref] for r in recs], dtype=np.int8)
        self.r_gender_hard = np.array([r.gender_hard and r.gender_pref is not None for r in recs], dtype=bool)
        self.r_lang_hard = np.array([r.language_hard and bool(r.languages) for r in recs], dtype=bool)
        self.r_lang_soft = np.array([(not r.language_hard) and bool(r.languages) for r in recs], dtype=bool)
        self.r_gender_soft = np.array([(not r.gender_hard) and r.gender_pref is not None for r in recs],
                                      dtype=bool)
        self.r_min_slots = np.array([r.min_common_slots for r in recs], dtype=np.int64)
        nv = max(1, self.n_volunteers)
        excluded = [ri * nv + self.volunteer_index[vid]
                    for ri, r in enumerate(recs) for vid in r.excluded_volunteers]
        for rid, vid in forbidden:
            if rid in self.recipient_index and vid in self.volunteer_index:
                excluded.append(self.recipient_index[rid] * nv + self.volunteer_index[vid])
        self.excluded_keys = np.unique(np.array(excluded, dtype=np.int64))
        current = [ri * nv + self.volunteer_index[vid]
                   for ri, r in enumerate(recs) for vid in r.current_volunteers]
        self.current_keys = np.unique(np.array(current, dtype=np.int64))
        # Recipients with any excluded / current volunteer: only their pairs are
        # looked up in the keys (2 % and 30 % of recipients on the generator).
        self._r_has_excluded = np.zeros(self.n_recipients, dtype=bool)
        self._r_has_excluded[self.excluded_keys // nv] = True
        self._r_has_current = np.zeros(self.n_recipients, dtype=bool)
        self._r_has_current[self.current_keys // nv] = True
        self._v_xyz = _unit_vectors(self.v_lat, self.v_lon)
        self._r_xyz = _unit_vectors(self.r_lat, self.r_lon)
        self._r_tree: cKDTree | None = None

    @property
    def recipient_tree(self) -> cKDTree:
        """A cKDTree over recipient unit vectors, built once."""
        if self._r_tree is None:
            self._r_tree = cKDTree(self._r_xyz)
        return self._r_tree

    @staticmethod
    def _member(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
        # np.isin sorts both sides each call; the instance's keys are sorted once.
        pos = np.searchsorted(sorted_keys, keys)
        pos[pos == len(sorted_keys)] = 0
        return sorted_keys[pos] == keys

    def _pair_member(self, sorted_keys: np.ndarray, r_has: np.ndarray, r_idx: np.ndarray,
                     v_idx: np.ndarray) -> np.ndarray:
        # Only pairs whose recipient has a key at all are looked up (``r_has``).
        out = np.zeros(len(r_idx), dtype=bool)
        sel = np.flatnonzero(r_has[r_idx])
        if len(sel):
            out[sel] = self._member(sorted_keys, self.pair_keys(r_idx[sel], v_idx[sel]))
        return out

    def pair_keys(self, r_idx: np.ndarray, v_idx: np.ndarray) -> np.ndarray:
        """A unique int64 key per (recipient, volunteer) index pair."""
        return r_idx.astype(np.int64) * max(1, self.n_volunteers) + v_idx.astype(np.int64)

    def distances(self, r_idx: np.ndarray, v_idx: np.ndarray) -> np.ndarray:
        """Haversine km for index pairs."""
        return _haversine_np(self.r_lat[r_idx], self.r_lon[r_idx], self.v_lat[v_idx], self.v_lon[v_idx])

    def failure_masks(self, r_idx: np.ndarray, v_idx: np.ndarray, km: np.ndarray) -> np.ndarray:
        """Bit (k-1) set when spec rule k forbids the pair; 0 means allowed."""
        mask = np.zeros(len(r_idx), dtype=np.uint8)
        rs, vs = self.r_skills[r_idx], self.v_skills[v_idx]
        mask |= np.any(rs & ~vs, axis=1).astype(np.uint8)                                 # rule 1
        mask |= (self.r_needs_bg[r_idx] & ~self.v_bg[v_idx]).astype(np.uint8) << 1        # rule 2
        mask |= (km > self.v_cap_km[v_idx]).astype(np.uint8) << 2                         # rule 3
        common = np.bitwise_count(self.r_slots[r_idx] & self.v_slots[v_idx]).sum(axis=1)
        mask |= (common < self.r_min_slots[r_idx]).astype(np.uint8) << 3                  # rule 4
        mask |= (self.r_gender_hard[r_idx]
                 & (self.v_gender[v_idx] != self.r_gender_pref[r_idx])).astype(np.uint8) << 4  # rule 5
        shared = np.any(self.r_langs[r_idx] & self.v_langs[v_idx], axis=1)
        mask |= (self.r_lang_hard[r_idx] & ~shared).astype(np.uint8) << 5                 # rule 6
        if len(self.excluded_keys):
            excluded = self._pair_member(self.excluded_keys, self._r_has_excluded, r_idx, v_idx)
            mask |= excluded.astype(np.uint8) << 6                                        # rule 7
        return mask

    def profits(self, r_idx: np.ndarray, v_idx: np.ndarray, km: np.ndarray) -> np.ndarray:
        """Per-pair objective terms (without the recipient's risk value), as int64."""
        w = self.instance.params.weights
        profit = np.zeros(len(r_idx), dtype=np.int64)
        if len(self.current_keys):
            current = self._pair_member(self.current_keys, self._r_has_current, r_idx, v_idx)
            profit += current.astype(np.int64) * w.continuity
        gender_met = self.r_gender_soft[r_idx] & (self.v_gender[v_idx] == self.r_gender_pref[r_idx])
        profit += gender_met.astype(np.int64) * w.gender_pref
        lang_met = self.r_lang_soft[r_idx] & np.any(self.r_langs[r_idx] & self.v_langs[v_idx], axis=1)
        profit += lang_met.astype(np.int64) * w.language_pref
        # np.rint rounds half to even, exactly like Python's round() on a float.
        profit -= np.rint(float(w.km) * km).astype(np.int64)
        return profit

    def pairs_within(self, radius_km: np.ndarray | float, *, volunteer_subset: np.ndarray | None = None,
                     recipient_subset: np.ndarray | None = None,
                     chunk: int = 4096) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (recipient, volunteer) index pairs with haversine km <= each volunteer's radius.

        Volunteers are grouped by radius so that one short-cap volunteer does not
        pay for the longest cap, then queried in chunks to bound memory.
        """
        v_all = np.arange(self.n_volunteers) if volunteer_subset is None else volunteer_subset
        radius = np.broadcast_to(np.asarray(radius_km, dtype=np.float64), (self.n_volunteers,))
        out_r, out_v, out_km = [], [], []
        if len(v_all) == 0 or self.n_recipients == 0 or (recipient_subset is not None
                                                          and len(recipient_subset) == 0):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        order = v_all[np.argsort(radius[v_all], kind="stable")]
        # Bin radii into at most 12 groups; each group queries with its largest radius.
        edges = np.unique(np.quantile(radius[order], np.linspace(0, 1, 13)))
        bins = np.searchsorted(edges, radius[order], side="left")
        if recipient_subset is None:
            tree_r, r_map = self.recipient_tree, None
        else:
            tree_r, r_map = cKDTree(self._r_xyz[recipient_subset]), recipient_subset
        for b in np.unique(bins):
            group = order[bins == b]
            group_radius = float(radius[group].max())
            for start in range(0, len(group), chunk):
                part = group[start:start + chunk]
                tree_v = cKDTree(self._v_xyz[part])
                found = tree_v.sparse_distance_matrix(tree_r, _chord(group_radius), output_type="ndarray")
                if len(found) == 0:
                    continue
                v_idx = part[found["i"]]
                r_idx = found["j"].astype(np.int64)
                if r_map is not None:
                    r_idx = r_map[r_idx]
                km = self.distances(r_idx, v_idx)
                keep = km <= radius[v_idx]
                out_r.append(r_idx[keep])
                out_v.append(v_idx[keep])
                out_km.append(km[keep])
        if not out_r:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(out_r), np.concatenate(out_v), np.concatenate(out_km)


@dataclass(frozen=True)
class Edges:
    """Allowed pairs as parallel compact arrays, sorted by recipient, then profit
    (best first), then volunteer index.

    Within one recipient the unit gain of the model is increasing in the profit,
    so the first k edges of a recipient are its k best; the order depends only on
    the instance (determinism).  ``km`` is float32 to halve memory on tens of
    millions of pairs: the objective never uses it (``profit`` was computed from
    the float64 haversine), and plans recompute the exact distance of chosen pairs.
    """

    r: np.ndarray       # recipient index, int32
    v: np.ndarray       # volunteer index, int32
    km: np.ndarray      # haversine distance, float32 (display only)
    profit: np.ndarray  # per-pair objective term without the risk value, int32

    def __len__(self) -> int:
        return len(self.r)

    def subset(self, keep: np.ndarray) -> Edges:
        """The edges selected by a boolean mask or index array."""
        return Edges(self.r[keep], self.v[keep], self.km[keep], self.profit[keep])


def _radius_bins(radius: np.ndarray, max_bins: int = 12) -> list[np.ndarray]:
    """Split indices into at most ``max_bins`` groups of similar radius (ascending)."""
    order = np.argsort(radius, kind="stable")
    cuts = np.unique(np.quantile(radius[order], np.linspace(0, 1, max_bins + 1)))
    bins = np.searchsorted(cuts, radius[order], side="left")
    return [order[bins == b] for b in np.unique(bins)]


def _static_groups(encoded: EncodedInstance) -> tuple[np.ndarray, list[np.ndarray]]:
    """Recipients grouped by the attributes rules 1, 2, 5 and 6 look at.

    Returns (group id per recipient, for each group a bool mask over volunteers
    that pass rules 1, 2, 5 and 6 for every recipient of the group).
    """
    e = encoded
    hard_langs = np.where(e.r_lang_hard[:, None], e.r_langs, np.uint64(0))
    signature = np.column_stack((
        e.r_skills, e.r_needs_bg.astype(np.uint64),
        np.where(e.r_gender_hard, e.r_gender_pref, 0).astype(np.uint64), hard_langs,
        e.r_lang_hard.astype(np.uint64)))
    unique, group = np.unique(signature, axis=0, return_inverse=True)
    group = np.asarray(group).reshape(-1)
    n_skill_words = e.r_skills.shape[1]
    eligible = []
    for row in unique:
        skills = row[:n_skill_words]
        needs_bg, gender = bool(row[n_skill_words]), int(row[n_skill_words + 1])
        langs, lang_hard = row[n_skill_words + 2:-1], bool(row[-1])
        ok = ~np.any(skills[None, :] & ~e.v_skills, axis=1)                  # rule 1
        if needs_bg:
            ok &= e.v_bg                                                      # rule 2
        if gender:
            ok &= e.v_gender == gender                                        # rule 5
        if lang_hard:
            ok &= np.any(langs[None, :] & e.v_langs, axis=1)                  # rule 6
        eligible.append(ok)
    return group, eligible


def _pair_order(r_idx: np.ndarray, v_idx: np.ndarray, profit: np.ndarray, n_v: int) -> np.ndarray:
    """The order by recipient, then profit (best first), then volunteer index.

    One int64 key and one argsort: np.lexsort over the three keys took a third of
    building the 21M pairs at 50k (3.3 s).  The pairs are distinct, so the keys
    are too and the order is unique.  Falls back to lexsort if the key could overflow.
    """
    if len(r_idx) == 0:
        return np.zeros(0, dtype=np.int64)
    r_low, p_high = int(r_idx.min()), int(profit.max())
    r_span, p_span = int(r_idx.max()) - r_low + 1, p_high - int(profit.min()) + 1
    v_span = max(1, n_v)
    if r_span * p_span * v_span >= 2 ** 62:
        return np.lexsort((v_idx, -profit, r_idx))
    key = (r_idx.astype(np.int64) - r_low) * p_span
    key += p_high - profit
    key *= v_span
    key += v_idx
    return np.argsort(key)


def build_edges(encoded: EncodedInstance, *, chunk: int = 2048) -> Edges:
    """Every allowed pair (spec rules 1–7), found with spatial indexes and bitmasks.

    Recipients are grouped by the attributes of rules 1, 2, 5 and 6, so the
    spatial query only proposes volunteers that already pass them (about a sixth
    of the pairs within reach on the generator's instances); rules 3, 4 and 7 are
    then checked per pair.  Recipients are processed in chunks, each chunk's pairs
    complete and sorted, so memory stays proportional to the allowed pairs.
    """
    e = encoded
    n_r, n_v = e.n_recipients, e.n_volunteers
    pieces: list[tuple[np.ndarray, ...]] = []
    if n_r and n_v:
        group, eligible = _static_groups(e)
        for g, ok in enumerate(eligible):
            vols = np.flatnonzero(ok)
            recs = np.flatnonzero(group == g)
            if len(vols) == 0:
                continue
            trees = [(cKDTree(e._v_xyz[b]), b, _chord(float(e.v_cap_km[b].max())))
                     for b in (vols[x] for x in _radius_bins(e.v_cap_km[vols]))]
            for start in range(0, len(recs), chunk):
                part = recs[start:start + chunk]
                tree_r = cKDTree(e._r_xyz[part])
                got_r, got_v = [], []
                for tree_v, members, chord in trees:
                    found = tree_r.sparse_distance_matrix(tree_v, chord, output_type="ndarray")
                    if len(found):
                        got_r.append(part[found["i"]].astype(np.int32))
                        got_v.append(members[found["j"]].astype(np.int32))
                if not got_r:
                    continue
                r_idx, v_idx = np.concatenate(got_r), np.concatenate(got_v)
                # Rules 4 and 7 before the haversine of rule 3: the same pairs
                # survive, and the trigonometry runs on fewer of them.
                common = np.bitwise_count(e.r_slots[r_idx] & e.v_slots[v_idx]).sum(axis=1)
                keep = common >= e.r_min_slots[r_idx]                                     # rule 4
                if len(e.excluded_keys):
                    keep &= ~e._pair_member(e.excluded_keys, e._r_has_excluded, r_idx, v_idx)  # rule 7
                r_idx, v_idx = r_idx[keep], v_idx[keep]
                km = e.distances(r_idx, v_idx)
                keep = km <= e.v_cap_km[v_idx]                                            # rule 3
                r_idx, v_idx, km = r_idx[keep], v_idx[keep], km[keep]
                profit = e.profits(r_idx, v_idx, km)
                order = _pair_order(r_idx, v_idx, profit, n_v)
                pieces.append((r_idx[order], v_idx[order], km[order].astype(np.float32),
                               profit[order].astype(np.int32)))
    total = sum(len(p[0]) for p in pieces)
    r_all = np.empty(total, dtype=np.int32)
    v_all = np.empty(total, dtype=np.int32)
    km_all = np.empty(total, dtype=np.float32)
    profit_all = np.empty(total, dtype=np.int32)
    if total:
        # Each recipient's edges sit in one piece, already ordered: place every
        # piece's recipients at their global offsets (a counting sort by recipient).
        counts = np.zeros(n_r, dtype=np.int64)
        for p in pieces:
            counts += np.bincount(p[0], minlength=n_r)
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        while pieces:
            r_idx, v_idx, km, profit = pieces.pop()
            starts = np.flatnonzero(np.r_[True, r_idx[1:] != r_idx[:-1]])
            first = np.repeat(starts, np.diff(np.r_[starts, len(r_idx)]))
            pos = offsets[r_idx] + (np.arange(len(r_idx)) - first)
            r_all[pos], v_all[pos], km_all[pos], profit_all[pos] = r_idx, v_idx, km, profit
    return Edges(r_all, v_all, km_all, profit_all)
