"""The site model: published cases, their facets (value → cases) and related cases.

Facets come from the field registry (``records.registry``): one per row, with
its values from the vocabulary, the row's fixed choices, or the cases
themselves (decades). Listing order is あいうえお (``kana_key``) everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import registry
from ..records.registry import FacetField
from .entities import Case, Dataset, Vocabulary
from .kana import KANA_ROWS, OTHER, kana_key
from .prefectures import PREFECTURES, REGIONS
from .related import RelatedCases, related_cases


@dataclass(frozen=True)
class FacetValue:
    label: str
    slug: str
    description: str = ""
    group: str | None = None
    """For prefectures: the 地方 they belong to."""


@dataclass
class Facet:
    """One way to group cases (an activity, a prefecture, a stage …), with one page per value in use."""

    spec: FacetField
    values: tuple[FacetValue, ...]
    cases: dict[str, list[Case]] = field(default_factory=dict, repr=False)
    """Value label → its cases, in あいうえお order."""

    def __post_init__(self):
        self.by_label = {v.label: v for v in self.values}

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def overview_path(self) -> str:
        """The page listing the values (the kana rows are listed on the cases index)."""
        return "cases/index.md" if self.name == "kana" else f"index/{self.slug}/index.md"

    def path(self, label: str) -> str:
        return f"index/{self.slug}/{self.by_label[label].slug}.md"

    def count(self, label: str) -> int:
        return len(self.cases.get(label, ()))

    @property
    def used(self) -> list[FacetValue]:
        return [v for v in self.values if self.cases.get(v.label)]


_KIND_TEXT = {
    "団体": "地域で活動するひとつの組織です。",
    "自治体の仕組み": "市町村や県が全域で進める、地域運営組織の制度や仕組みです。",
}
_STRUCTURE_TEXT = {
    "一体型": "話し合い（協議）と事業の実行を、ひとつの組織が担う形です。",
    "分離型": "話し合う組織と、事業を行う組織（会社やNPOなど）を分けている形です。",
}


def facet_values(spec: FacetField, vocab: dict[str, Vocabulary], cases: list[Case]) -> tuple[FacetValue, ...]:
    """Every value a facet can take, in display order."""
    if spec.vocabulary:
        return tuple(FacetValue(t.label, t.slug, t.description, t.group) for t in vocab[spec.name].terms)
    if spec.name == "stage":
        return tuple(FacetValue(s, registry.STAGE_SLUGS[s]) for s in registry.STAGES)
    if spec.name == "prefecture":
        return tuple(FacetValue(p.name, p.slug, group=p.region) for p in PREFECTURES)
    if spec.name == "region":
        return tuple(FacetValue(r.name, r.slug) for r in REGIONS)
    if spec.name == "kind":
        return tuple(FacetValue(k, slug, _KIND_TEXT[k]) for k, slug in registry.KINDS.items())
    if spec.name == "structure":
        return tuple(FacetValue(s, slug, _STRUCTURE_TEXT[s]) for s, slug in registry.STRUCTURES.items())
    if spec.name == "decade":
        decades = sorted({c.founded // 10 * 10 for c in cases if c.founded})
        return tuple(FacetValue(f"{d}年代", f"{d}s") for d in decades)
    if spec.name == "kana":
        return tuple(FacetValue(label, slug) for label, slug, _ in KANA_ROWS) + (FacetValue(*OTHER),)
    raise ValueError(f"no values for facet {spec.name!r}: give it a vocabulary or add its choices here")


def build_facets(vocab: dict[str, Vocabulary], cases: list[Case]) -> dict[str, Facet]:
    """One facet per registry row, each value's cases in あいうえお order (``cases`` arrive sorted)."""
    facets = {}
    for spec in registry.FIELDS:
        facet = Facet(spec, facet_values(spec, vocab, cases))
        lists = facet.cases
        for case in cases:
            for label in spec.values(case):
                lists.setdefault(label, []).append(case)
        facets[spec.name] = facet
    return facets


@dataclass
class Casebook:
    """The site model: published cases, their facets and related cases."""

    dataset: Dataset
    cases: list[Case]
    """Published cases in あいうえお order."""
    facets: dict[str, Facet]
    related: RelatedCases
    """Case id → its related cases (ranked when first asked for)."""
    by_id: dict[str, Case]
    regions = REGIONS

    @property
    def glossary(self):
        return self.dataset.glossary

    @property
    def paged_facets(self) -> list[Facet]:
        """The facets with index pages, in registry order."""
        return [f for f in self.facets.values() if f.spec.pages]


def build_casebook(dataset: Dataset, include_drafts: bool = False) -> Casebook:
    cases = [c for c in dataset.cases if include_drafts or c.published]
    cases.sort(key=lambda c: (kana_key(c.kana), c.id))
    facets = build_facets(dataset.vocab, cases)
    return Casebook(dataset, cases, facets, related_cases(cases), {c.id: c for c in cases})
