"""Related cases: the 5 cases sharing the most weighted features with each case.

Scores are a sparse-feature dot product (``X·W·Xᵀ``) computed with numpy in
row blocks, so there is no all-pairs Python loop: at 5,000 cases this is a
handful of matrix products. Ties break by あいうえお order, deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import kana_key
from .model import Case

WEIGHTS = (
    ("formation_factors", "形成の要因", 3),
    ("sustainability_factors", "持続的な運営の要因", 3),
    ("regional_issues", "地域課題", 2),
    ("activities", "主な活動", 1),
)
"""(case attribute, label shown on the page, weight): shared factors count most."""
TOP = 5
BLOCK = 1024
EXACT32_LIMIT = 2**24
"""float32 holds every integer below this exactly."""


@dataclass(frozen=True)
class Related:
    case: Case
    score: int
    of: Case = field(compare=False, repr=False)
    """The case whose related case this is (a page's memo key holds that case already)."""

    @property
    def shared(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(what is shared, the shared values), e.g. (("形成の要因", ("危機感の共有",)),).

        Worked out when a page shows it, not with the ranking: a full build renders
        most case pages in a forked child (render.PageRenderer.pages), so this runs there.
        """
        mine, theirs = features(self.of), features(self.case)
        shared = []
        for attr, label, _w in WEIGHTS:
            common = tuple(v for v in mine[attr] if v in theirs[attr])
            if common:
                shared.append((label, common))
        return tuple(shared)


def features(case: Case) -> dict[str, tuple[str, ...]]:
    out = {}
    for attr, _label, _w in WEIGHTS:
        values = getattr(case, attr)
        out[attr] = tuple(v.factor if hasattr(v, "factor") else v for v in values)
    return out


_last: tuple[tuple, dict] | None = None
"""The previous ranking and what it was computed from: a rebuild in which no case's features changed reuses it."""


def related_cases(cases: list[Case], top: int = TOP) -> dict[str, list[Related]]:
    """Each case's ``top`` related cases, best first."""
    global _last
    feats = [features(c) for c in cases]
    key = (top, tuple((c.id, c.kana, tuple(f.values())) for c, f in zip(cases, feats)))
    if _last is not None and _last[0] == key:  # mkdocs serve after an edit that changed no feature
        ranking = _last[1]
    else:
        ranking = _rank(cases, feats, top)
        _last = (key, ranking)
    by_id = {c.id: c for c in cases}
    return {cid: [Related(by_id[other], score, by_id[cid]) for other, score in items] for cid, items in ranking.items()}


def _rank(cases: list[Case], feats: list[dict], top: int) -> dict[str, list[tuple[str, int]]]:
    n = len(cases)
    if n < 2:
        return {c.id: [] for c in cases}
    columns: dict[tuple[str, str], int] = {}
    rows, cols, weights = [], [], []
    for i, f in enumerate(feats):
        for attr, _label, w in WEIGHTS:
            for v in f[attr]:
                j = columns.setdefault((attr, v), len(columns))
                rows.append(i)
                cols.append(j)
                weights.append(w)
    # One sortable number per pair: score * (n + 1) + tiebreak, where the tiebreak
    # (n - position in あいうえお order, so earlier wins) is below n + 1. Scores
    # are sums of small integer weights, so every step is exact in float32 while
    # the keys stay below 2**24 (about 100,000 cases); past that, float64.
    scale = n + 1
    width = max(len(columns), 1)
    exact32 = (max(w for *_x, w in WEIGHTS) * width + 1) * scale < EXACT32_LIMIT
    dtype = np.float32 if exact32 else np.float64
    x = np.zeros((n, width), dtype=dtype)
    x[rows, cols] = 1.0
    col_weight = np.zeros(width, dtype=dtype)
    col_weight[cols] = weights
    xw = x * col_weight
    order = sorted(range(n), key=lambda i: (kana_key(cases[i].kana), cases[i].id))
    tiebreak = np.empty(n, dtype=dtype)
    tiebreak[order] = np.arange(n, 0, -1, dtype=dtype)
    out: dict[str, list[tuple[str, int]]] = {}
    k = min(top, n - 1)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        keys = xw[start:stop] @ x.T  # the weights two cases share
        keys *= scale
        keys += tiebreak
        keys[np.arange(stop - start), np.arange(start, stop)] = 0.0  # a case is not related to itself
        best = np.argpartition(keys, n - k, axis=1)[:, n - k :]
        best_keys = np.take_along_axis(keys, best, axis=1)
        order_in_row = np.argsort(-best_keys, axis=1)
        ranked = np.take_along_axis(best, order_in_row, axis=1).tolist()
        scores = (np.take_along_axis(best_keys, order_in_row, axis=1) // scale).astype(int).tolist()
        for r, (js, ss) in enumerate(zip(ranked, scores)):
            i = start + r
            out[cases[i].id] = [(cases[j].id, s) for j, s in zip(js, ss) if s > 0]
    return out
