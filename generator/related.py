"""Related cases: the 5 cases sharing the most weighted features with each case.

Scores are a sparse-feature dot product (``X·W·Xᵀ``) computed with numpy in
row blocks, so there is no all-pairs Python loop: at 5,000 cases this is a
handful of matrix products. Ties break by あいうえお order, deterministically.
Blocks are ranked when a page first asks for one of their rows (``RelatedCases``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

if "numpy" not in sys.modules:
    # One BLAS thread: blocks are ranked while pages render, here and in a forked child, and
    # OpenBLAS's second thread, which spins while it waits for work, took a core from them.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

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
ARGMAX_K = 16
"""Up to this many related cases, a row's best are found by repeated argmax; beyond, by argpartition."""
BLOCK = 1024
EXACT32_LIMIT = 2**24
"""float32 holds every integer below this exactly."""


class Related:
    """One related case of ``of``: the case, its score, and both cases' ``features`` (computed once per case).

    ``of`` is the case whose related case this is (a page's memo key holds that case already).
    Equal, and hashed, by (case, score), as a frozen dataclass comparing those two would be;
    a plain class with slots because a build makes 25,000 of them at 5,000 cases, and a frozen
    dataclass's ``__init__`` (``object.__setattr__`` per field) took three to four times as long.
    """

    __slots__ = ("case", "score", "of", "mine", "theirs")

    def __init__(self, case: Case, score: int, of: Case, mine: Features, theirs: Features):
        self.case = case
        self.score = score
        self.of = of
        self.mine = mine
        self.theirs = theirs

    def __eq__(self, other) -> bool:
        if type(other) is not Related:
            return NotImplemented
        return self.case == other.case and self.score == other.score

    def __hash__(self) -> int:
        return hash((self.case, self.score))

    def __repr__(self) -> str:
        return f"Related(case={self.case!r}, score={self.score!r})"

    @property
    def shared(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(what is shared, the shared values), e.g. (("形成の要因", ("危機感の共有",)),).

        Worked out when asked for, not with the ranking. Case pages write the same
        as text in one pass, without this tuple (``render.shared_html``).
        """
        shared = []
        mine, theirs = self.mine, self.theirs
        for attr, label, _w in WEIGHTS:
            their = theirs[attr]
            if their:
                common = tuple(filter(their.__contains__, mine[attr]))
                if common:
                    shared.append((label, common))
        return tuple(shared)


class Features(dict):
    """A case's values of each weighted attribute (attribute → tuple of values), in ``WEIGHTS`` order.

    ``flat()`` gives the same values as one key each, ``f"{attribute index}\x1f{value}"``, in
    that order, and ``flat_set()`` as a set: a case page writes what it shares with each of
    its five related cases (``render.shared_html``), and one membership test per value
    (2.5 µs a pair) took less than half the time of a loop per attribute. Worked out when
    first asked for, in the process that renders the page.
    """

    __slots__ = ("_flat", "_flat_set")

    def flat(self) -> tuple[str, ...]:
        try:
            return self._flat
        except AttributeError:
            self._flat = tuple(f"{i}\x1f{v}" for i, attr in enumerate(ATTRIBUTES) for v in self[attr])
            return self._flat

    def flat_set(self) -> frozenset[str]:
        try:
            return self._flat_set
        except AttributeError:
            self._flat_set = frozenset(self.flat())
            return self._flat_set


ATTRIBUTES = tuple(attr for attr, _label, _w in WEIGHTS)


def features(case: Case) -> Features:
    """The case's values of each weighted attribute (a factor note's factor)."""
    return Features(
        formation_factors=tuple([n.factor for n in case.formation_factors]),
        sustainability_factors=tuple([n.factor for n in case.sustainability_factors]),
        regional_issues=case.regional_issues,
        activities=case.activities,
    )


_last: tuple[tuple, dict] | None = None
"""The previous features and the rows ranked from them (case id → [(id, score)]): a rebuild
in which no case's features changed reuses them (``mkdocs serve``)."""


def related_cases(cases: list[Case], top: int = TOP) -> "RelatedCases":
    """Each case's ``top`` related cases, best first (ranked when first asked for: see ``RelatedCases``)."""
    global _last
    feats = [features(c) for c in cases]
    key = (top, tuple((c.id, c.kana, tuple(f.values())) for c, f in zip(cases, feats)))
    if _last is None or _last[0] != key:
        _last = (key, {})
    return RelatedCases(cases, feats, top, _last[1])


class RelatedCases(Mapping):
    """Case id → its related cases, ranked in blocks of rows when a row is first asked for.

    Case pages ask in their order, so a build's first pages need only the
    first block, and a forked child (render.PageRenderer.sources) ranks the
    rows of the pages it renders while this process ranks its own: the
    ranking is split over both cores without being computed twice.
    ``split_at(i)`` keeps blocks from crossing row ``i``.
    """

    def __init__(self, cases: list[Case], feats: list[Features], top: int, ranked: dict[str, list[tuple[str, int]]]):
        self.cases = cases
        self.feats = feats
        self.top = top
        self.row = {c.id: i for i, c in enumerate(cases)}
        self.ranked = ranked
        """Rows ranked so far: case id → [(related id, score)] (shared with ``_last``)."""
        self._related: dict[str, list[Related]] = {}
        self._bounds: set[int] = set()
        self._ranker: _Ranker | None = None

    def split_at(self, row: int) -> None:
        self._bounds.add(row)

    def prepare(self) -> None:
        """Build the feature matrix now (before a fork: the child inherits it instead of building its own)."""
        if self._ranker is None and any(c.id not in self.ranked for c in self.cases):
            self._ranker = _Ranker(self.cases, self.feats, self.top)

    def __getitem__(self, case_id: str) -> list[Related]:
        hit = self._related.get(case_id)
        if hit is not None:
            return hit
        i = self.row[case_id]  # KeyError for an unknown id, as a dict
        if case_id not in self.ranked:
            self.prepare()
            stop = min(i + BLOCK, len(self.cases), *(b for b in self._bounds if b > i))
            while stop > i + 1 and self.cases[stop - 1].id in self.ranked:
                stop -= 1
            self.ranked.update(self._ranker.rank(i, stop))
        cases, feats, row = self.cases, self.feats, self.row
        of, mine = cases[i], feats[i]
        out = self._related[case_id] = [Related(cases[row[other]], score, of, mine, feats[row[other]]) for other, score in self.ranked[case_id]]
        return out

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
        columns: dict[tuple[str, str], int] = {}
        rows, cols, weights = [], [], []
        for i, f in enumerate(feats):
            for attr, _label, w in WEIGHTS:
                for v in f[attr]:
                    j = columns.setdefault((attr, v), len(columns))
                    rows.append(i)
                    cols.append(j)
                    weights.append(w)
        self.scale = n + 1
        width = max(len(columns), 1)
        exact32 = (max(w for *_x, w in WEIGHTS) * width + 1) * self.scale < EXACT32_LIMIT
        dtype = np.float32 if exact32 else np.float64
        x = np.zeros((n, width), dtype=dtype)
        x[rows, cols] = 1.0
        col_weight = np.zeros(width, dtype=dtype)
        col_weight[cols] = weights
        order = sorted(range(n), key=lambda i: (kana_key(cases[i].kana), cases[i].id))
        tiebreak = np.empty(n, dtype=dtype)
        tiebreak[order] = np.arange(n, 0, -1, dtype=dtype)
        # One product gives the keys: [x·w·scale, 1] · [x, tiebreak]ᵀ = (x·w·xᵀ)·scale + tiebreak,
        # every partial sum an integer below the limit above, so exact as the three steps were.
        self.left = np.hstack([x * (col_weight * self.scale), np.ones((n, 1), dtype=dtype)])
        self.right = np.ascontiguousarray(np.hstack([x, tiebreak[:, None]]).T)

    def rank(self, start: int, stop: int) -> dict[str, list[tuple[str, int]]]:
        """Rows ``start`` to ``stop``: case id → [(related id, score)], best first, scores above 0."""
        n, k, scale, ids = self.n, self.k, self.scale, self.ids
        if k <= 0:
            return {ids[i]: [] for i in range(start, stop)}
        keys = self.left[start:stop] @ self.right  # the weights two cases share, times scale, plus the tiebreak
        rows = np.arange(stop - start)
        keys[rows, np.arange(start, stop)] = 0.0  # a case is not related to itself
        if k <= ARGMAX_K:
            # The best key of every row k times over, taking each out once found: a few scans of
            # the block, where argpartition's selection was two thirds of ranking. Keys in a row
            # differ (the tiebreak), so this finds the same cases in the same order.
            best = np.empty((stop - start, k), dtype=np.intp)
            best_keys = np.empty((stop - start, k), dtype=keys.dtype)
            for t in range(k):
                found = keys.argmax(axis=1)
                best[:, t] = found
                best_keys[:, t] = keys[rows, found]
                keys[rows, found] = -1.0  # below every key
            ranked = best.tolist()
            scores = (best_keys // scale).astype(int).tolist()
        else:
            best = np.argpartition(keys, n - k, axis=1)[:, n - k :]
            best_keys = np.take_along_axis(keys, best, axis=1)
            order_in_row = np.argsort(-best_keys, axis=1)
            ranked = np.take_along_axis(best, order_in_row, axis=1).tolist()
            scores = (np.take_along_axis(best_keys, order_in_row, axis=1) // scale).astype(int).tolist()
        return {ids[start + r]: [(ids[j], s) for j, s in zip(js, ss) if s > 0] for r, (js, ss) in enumerate(zip(ranked, scores))}
