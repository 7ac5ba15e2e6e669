"""Stage 3, model and indices: facets (value → cases), kana rows, the site model.

Every facet is built in one pass over the cases; listing order is あいうえお
(``kana_key``) everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import kana_key
from .model import KIND_SLUGS, KINDS, STAGE_SLUGS, STAGES, STRUCTURE_SLUGS, STRUCTURES, Case, Vocabulary
from .prefectures import PREFECTURES, REGIONS
from .related import RelatedCases, related_cases
from .validate import Dataset


@dataclass(frozen=True)
class FacetValue:
    label: str
    slug: str
    description: str = ""
    group: str | None = None
    """For prefectures: the 地方 they belong to."""


@dataclass
class Facet:
    """One way to group cases (an activity, a prefecture, a stage …), with one page per value."""

    name: str
    title: str
    slug: str
    values: tuple[FacetValue, ...]
    extract: Callable[[Case], Iterable[str]] = field(repr=False)
    by_label: dict[str, FacetValue] = field(default_factory=dict, repr=False)
    overview: str | None = None
    """Page listing the values, when it is not the usual ``index/<slug>/index.md``."""
    _cases: dict[str, list[Case]] | None = field(default=None, repr=False, compare=False)
    _fill: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.by_label = {v.label: v for v in self.values}

    @property
    def cases(self) -> dict[str, list[Case]]:
        """Value label → its cases, in あいうえお order.

        Filled when first asked for, for every facet of the casebook at once
        (``build_facets``): case pages need only the values and their pages, so
        a full build renders them in a forked child while this process fills
        the lists for the index pages.
        """
        if self._cases is None:
            if self._fill is None:
                self._cases = {}
            else:
                self._fill()
        return self._cases  # type: ignore[return-value]

    @property
    def overview_path(self) -> str:
        return self.overview or f"index/{self.slug}/index.md"

    def path(self, label: str) -> str:
        return f"index/{self.slug}/{self.by_label[label].slug}.md"

    def count(self, label: str) -> int:
        return len(self.cases.get(label, ()))

    @property
    def used(self) -> list[FacetValue]:
        return [v for v in self.values if self.cases.get(v.label)]


def _vocab_values(v: Vocabulary) -> tuple[FacetValue, ...]:
    return tuple(FacetValue(t.label, t.slug, t.description, t.group) for t in v.terms)


def _one(attr: str) -> Callable[[Case], Iterable[str]]:
    def get(case: Case):
        value = getattr(case, attr)
        return (value,) if value else ()

    return get


def _many(attr: str) -> Callable[[Case], Iterable[str]]:
    return lambda case: getattr(case, attr)


def _factors(attr: str) -> Callable[[Case], Iterable[str]]:
    return lambda case: [n.factor for n in getattr(case, attr)]


def decade_label(year: int) -> str:
    return f"{year // 10 * 10}年代"


KANA_ROWS = (
    ("あ行", "a", "あいうえおぁぃぅぇぉゔ"),
    ("か行", "ka", "かきくけこがぎぐげご"),
    ("さ行", "sa", "さしすせそざじずぜぞ"),
    ("た行", "ta", "たちつてとだぢづでどっ"),
    ("な行", "na", "なにぬねの"),
    ("は行", "ha", "はひふへほばびぶべぼぱぴぷぺぽ"),
    ("ま行", "ma", "まみむめも"),
    ("や行", "ya", "やゆよゃゅょ"),
    ("ら行", "ra", "らりるれろ"),
    ("わ行", "wa", "わをんゎゐゑ"),
)
_ROW_OF = {ch: label for label, _slug, chars in KANA_ROWS for ch in chars}


def kana_row(case: Case) -> str:
    key = kana_key(case.kana)
    return _ROW_OF.get(key[:1], "その他")


def build_facets(vocab: dict[str, Vocabulary], cases: list[Case]) -> dict[str, Facet]:
    """All facets in display order, each with its cases in あいうえお order (listed when first asked for: ``Facet.cases``)."""
    decades = sorted({c.founded // 10 * 10 for c in cases if c.founded})
    facets = [
        Facet("stage", "研修の段階", "stage", tuple(FacetValue(s, STAGE_SLUGS[s]) for s in STAGES), lambda c: [s for s, _ in c.stages]),
        Facet("prefecture", "都道府県", "prefecture", tuple(FacetValue(p.name, p.slug, group=p.region) for p in PREFECTURES), _one("prefecture")),
        Facet("kind", "種類", "kind", tuple(FacetValue(k, KIND_SLUGS[k], _KIND_TEXT[k]) for k in KINDS), _one("kind")),
        Facet("legal_form", vocab["legal_form"].title, vocab["legal_form"].slug, _vocab_values(vocab["legal_form"]), _one("legal_form")),
        Facet("scope", vocab["scope"].title, vocab["scope"].slug, _vocab_values(vocab["scope"]), _one("scope")),
        Facet("base", vocab["base"].title, vocab["base"].slug, _vocab_values(vocab["base"]), _one("base")),
        Facet("structure", "協議と実行の体制", "structure", tuple(FacetValue(s, STRUCTURE_SLUGS[s], _STRUCTURE_TEXT[s]) for s in STRUCTURES), _one("structure")),
        Facet("regional_issue", vocab["regional_issue"].title, vocab["regional_issue"].slug, _vocab_values(vocab["regional_issue"]), _many("regional_issues")),
        Facet("activity", vocab["activity"].title, vocab["activity"].slug, _vocab_values(vocab["activity"]), _many("activities")),
        Facet("income", vocab["income"].title, vocab["income"].slug, _vocab_values(vocab["income"]), _many("income_sources")),
        Facet("challenge", vocab["challenge"].title, vocab["challenge"].slug, _vocab_values(vocab["challenge"]), _many("challenges")),
        Facet("formation_factor", vocab["formation_factor"].title, vocab["formation_factor"].slug, _vocab_values(vocab["formation_factor"]), _factors("formation_factors")),
        Facet("sustainability_factor", vocab["sustainability_factor"].title, vocab["sustainability_factor"].slug, _vocab_values(vocab["sustainability_factor"]), _factors("sustainability_factors")),
        Facet("external_actor", vocab["external_actor"].title, vocab["external_actor"].slug, _vocab_values(vocab["external_actor"]), lambda c: [s.actor for s in c.external_support]),
        Facet("external_effect", vocab["external_effect"].title, vocab["external_effect"].slug, _vocab_values(vocab["external_effect"]), lambda c: {e for s in c.external_support for e in s.effects}),
        Facet("decade", "設立の年代", "decade", tuple(FacetValue(f"{d}年代", f"{d}s") for d in decades), lambda c: (decade_label(c.founded),) if c.founded else ()),
        Facet("kana", "読み（あいうえお順）", "kana", tuple(FacetValue(label, slug) for label, slug, _ in KANA_ROWS) + (FacetValue("その他", "other"),), lambda c: (kana_row(c),), overview="cases/index.md"),
    ]

    def fill() -> None:
        for facet in facets:
            facet._cases = {}
        for facet in facets:
            lists = facet._cases
            for case in cases:  # cases arrive sorted, so every list stays in あいうえお order
                for label in facet.extract(case):
                    lists.setdefault(label, []).append(case)

    for facet in facets:
        facet._fill = fill
    return {f.name: f for f in facets}


_KIND_TEXT = {"団体": "地域で活動するひとつの組織です。", "自治体の仕組み": "市町村や県が全域で進める、地域運営組織の制度や仕組みです。"}
_STRUCTURE_TEXT = {
    "一体型": "話し合い（協議）と事業の実行を、ひとつの組織が担う形です。",
    "分離型": "話し合う組織と、事業を行う組織（会社やNPOなど）を分けている形です。",
}


@dataclass
class Casebook:
    """The site model: published cases, their facets and related cases."""

    dataset: Dataset
    cases: list[Case]
    """Published cases in あいうえお order."""
    facets: dict[str, Facet]
    related: RelatedCases
    """Case id → its related cases (a mapping that ranks them when first asked for)."""
    by_id: dict[str, Case]
    regions = REGIONS

    @property
    def glossary(self):
        return self.dataset.glossary


def build_casebook(dataset: Dataset, include_drafts: bool = False) -> Casebook:
    cases = [c for c in dataset.cases if include_drafts or c.published]
    cases.sort(key=lambda c: (kana_key(c.kana), c.id))
    facets = build_facets(dataset.vocab, cases)
    return Casebook(dataset, cases, facets, related_cases(cases), {c.id: c for c in cases})
