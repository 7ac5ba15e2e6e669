"""Related cases: the five cases sharing the most weighted values with each case.

The weights are the field registry's (``FacetField.weight``: shared factors
count most). Scores are a sparse-feature dot product (``X·W·Xᵀ``) computed
with numpy a block of rows at a time, so there is no all-pairs Python loop:
at 5,000 cases this is a handful of matrix products. Ties break by あいうえお
order. Rows are ranked when a page first asks for one (``RelatedCases``), so
``mkdocs serve`` ranks only what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..records import registry
from .entities import Case
from .kana import kana_key

TOP = 5
BLOCK = 1024
"""Rows ranked together: a block's keys are BLOCK × N floats."""
EXACT32_LIMIT = 2**24
"""float32 holds every integer below this exactly."""

Features = dict[str, tuple[str, ...]]
"""A case's values of each weighted field (registry name → values)."""


def features(case: Case) -> Features:
    return {spec.name: tuple(spec.values(case)) for spec in registry.weighted()}


@dataclass(frozen=True, eq=False)
class Related:
    """One related case: the case, its score, and what it shares with the case it is related to."""

    case: Case
    score: int
    mine: Features
    theirs: Features

    def __eq__(self, other) -> bool:
        return isinstance(other, Related) and (self.case, self.score) == (other.case, other.score)

    def __hash__(self) -> int:
        return hash((self.case, self.score))

    @property
    def shared(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(field title, the shared values in this case's order), e.g. (("形成の要因", ("危機感の共有",)),)."""
        out = []
        for spec in registry.weighted():
            theirs = self.theirs[spec.name]
            common = tuple(v for v in self.mine[spec.name] if v in theirs)
            if common:
                out.append((spec.title, common))
        return tuple(out)


_last: tuple[tuple, dict] | None = None
"""The previous features and the rows ranked from them: a ``mkdocs serve`` rebuild in which no
case's features changed reuses them."""


def related_cases(cases: list[Case], top: int = TOP) -> RelatedCases:
    """Each case's ``top`` related cases, best first (ranked when first asked for)."""
    global _last
    feats = [features(c) for c in cases]
    key = (top, tuple((c.id, c.kana, tuple(f.values())) for c, f in zip(cases, feats, strict=True)))
    if _last is None or _last[0] != key:
        _last = (key, {})
    return RelatedCases(cases, feats, top, _last[1])


class RelatedCases(Mapping):
    """Case id → its related cases, ranked a block of rows at a time when a row is first asked for."""

    def __init__(self, cases: list[Case], feats: list[Features], top: int, ranked: dict[str, list[tuple[str, int]]]):
        self.cases = cases
        self.feats = feats
        self.top = top
        self.row = {c.id: i for i, c in enumerate(cases)}
        self.ranked = ranked
        """Rows ranked so far: case id → [(related id, score)]."""
        self._ranker: _Ranker | None = None

    def __getitem__(self, case_id: str) -> list[Related]:
        i = self.row[case_id]  # KeyError for an unknown id, as a dict
        if case_id not in self.ranked:
            if self._ranker is None:
                self._ranker = _Ranker(self.cases, self.feats, self.top)
            stop = min(i + BLOCK, len(self.cases))
            self.ranked.update(self._ranker.rank(i, stop))
        mine = self.feats[i]
        return [
            Related(self.cases[self.row[other]], score, mine, self.feats[self.row[other]])
            for other, score in self.ranked[case_id]
        ]

    def __iter__(self):
        return iter(self.row)

    def __len__(self) -> int:
        return len(self.row)

    def __contains__(self, case_id) -> bool:
        return case_id in self.row


class _Ranker:
    """The weighted feature matrices, and the ranking of any range of rows against all cases.

    One sortable number per pair: score * (n + 1) + tiebreak, where the tiebreak
    (n - position in あいうえお order, so earlier wins) is below n + 1. Scores
    are sums of small integer weights, so every step is exact in float32 while
    the keys stay below 2**24 (about 100,000 cases); past that, float64.
    """

    def __init__(self, cases: list[Case], feats: list[Features], top: int):
        n = self.n = len(cases)
        self.ids = [c.id for c in cases]
        self.k = min(top, n - 1)
        specs = registry.weighted()
        columns: dict[tuple[str, str], int] = {}
        rows, cols, weights = [], [], []
        for i, f in enumerate(feats):
            for spec in specs:
                for v in f[spec.name]:
                    j = columns.setdefault((spec.name, v), len(columns))
                    rows.append(i)
                    cols.append(j)
                    weights.append(spec.weight)
        self.scale = n + 1
        width = max(len(columns), 1)
        top_weight = max((s.weight for s in specs), default=1)
        dtype = np.float32 if (top_weight * width + 1) * self.scale < EXACT32_LIMIT else np.float64
        x = np.zeros((n, width), dtype=dtype)
        x[rows, cols] = 1.0
        col_weight = np.zeros(width, dtype=dtype)
        col_weight[cols] = weights
        order = sorted(range(n), key=lambda i: (kana_key(cases[i].kana), cases[i].id))
        tiebreak = np.empty(n, dtype=dtype)
        tiebreak[order] = np.arange(n, 0, -1, dtype=dtype)
        # [x·w·scale, 1] · [x, tiebreak]ᵀ = (x·w·xᵀ)·scale + tiebreak, exact below the limit above.
        self.left = np.hstack([x * (col_weight * self.scale), np.ones((n, 1), dtype=dtype)])
        self.right = np.ascontiguousarray(np.hstack([x, tiebreak[:, None]]).T)

    def rank(self, start: int, stop: int) -> dict[str, list[tuple[str, int]]]:
        """Rows ``start`` to ``stop``: case id → [(related id, score)], best first, scores above 0."""
        n, k, scale, ids = self.n, self.k, self.scale, self.ids
        if k <= 0:
            return {ids[i]: [] for i in range(start, stop)}
        keys = self.left[start:stop] @ self.right
        keys[np.arange(stop - start), np.arange(start, stop)] = 0.0  # a case is not related to itself
        best = np.argpartition(keys, n - k, axis=1)[:, n - k :]
        best_keys = np.take_along_axis(keys, best, axis=1)
        order_in_row = np.argsort(-best_keys, axis=1)
        ranked = np.take_along_axis(best, order_in_row, axis=1).tolist()
        scores = (np.take_along_axis(best_keys, order_in_row, axis=1) // scale).astype(int).tolist()
        return {
            ids[start + r]: [(ids[j], s) for j, s in zip(js, ss, strict=True) if s > 0]
            for r, (js, ss) in enumerate(zip(ranked, scores, strict=True))
        }
