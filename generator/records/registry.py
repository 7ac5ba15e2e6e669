"""The field registry: every field whose values group cases, declared once.

One row (``FacetField``) says where a field's values come from (the record
key, the vocabulary), what its pages are called and where they live
(``index/<slug>/``), whether and under which label the search page filters
by it, how much sharing a value makes two cases related, and where the case
page shows it. The validator and the JSON Schema (``definitions``), the
facets and index pages (``model.casebook``), the Pagefind filters and the
search page's script (``search.filters``) and the case template all read
these rows.

Adding a vocabulary-valued field (say 連携先) is: its terms in
``data/vocabulary.yaml`` under the row's ``name``, one row here, and
``casebook schema``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

SOURCED = "sourced"
"""``required`` value: required unless the record says ``completeness: 要出典``."""

STAGES = ("知る", "かたちづくる", "動いてみる", "持続・発展させる")
"""The four training stages, in teaching order."""
STAGE_SLUGS = {
    "知る": "shiru",
    "かたちづくる": "katachizukuru",
    "動いてみる": "ugoitemiru",
    "持続・発展させる": "jizoku-hatten",
}
KINDS = {"団体": "dantai", "自治体の仕組み": "jichitai-shikumi"}
STRUCTURES = {"一体型": "ittai", "分離型": "bunri"}
COMPLETENESS = ("完全", "部分的", "要出典")
STATUSES = ("公開", "下書き")

ROW, CHIPS, FACTORS = "row", "chips", "factors"
"""Where a case page shows a field: a row of the facts table, a section of value links, a section of factor notes."""


@dataclass(frozen=True)
class FacetField:
    """One field whose values group cases into index pages."""

    name: str
    """The facet's name; for a vocabulary-valued field also its section in ``data/vocabulary.yaml``."""
    title: str
    """Page title, and the field's label on case pages."""
    slug: str
    """URL folder of its index pages: ``index/<slug>/``."""
    key: str | None = None
    """Record key holding the values (None: derived from other fields, see ``extract``)."""
    vocabulary: bool = False
    """Values are the terms of ``data/vocabulary.yaml`` section ``name`` (else fixed choices, or derived)."""
    many: bool = False
    """A list of values (else one value)."""
    factor: bool = False
    """A list of factor notes (``factor`` + ``detail``), grouped by their factor."""
    required: bool | str = False
    """True, False or ``SOURCED``."""
    min_items: int = 0
    description: str = ""
    """What the record field means (JSON Schema, editors' help)."""
    filter: str | None = None
    """Label of the search page's filter for it; None: not a filter."""
    weight: int = 0
    """How much a shared value counts towards two cases being related (0: not at all)."""
    section: str | None = None
    """Where case pages show it: ``ROW``, ``CHIPS``, ``FACTORS`` or None (elsewhere, or nowhere)."""
    always: bool = False
    """The case page shows its section even when the record has no value
    (「出典で確かめられた情報はまだありません」)."""
    pages: bool = True
    """It has index pages (a filter-only field has none)."""
    extract: Callable | None = None
    """Values of a case, for a field without a plain ``key`` (nested or derived)."""

    def values(self, case) -> Iterable[str]:
        """This field's values in ``case``, in record order."""
        if self.extract is not None:
            return self.extract(case)
        value = getattr(case, self.key)
        if self.factor:
            return [note.factor for note in value]
        if self.many:
            return value
        return (value,) if value else ()


def _region(case) -> tuple[str, ...]:
    from ..model.prefectures import BY_NAME

    return (BY_NAME[case.prefecture].region,)


def _decade(case) -> tuple[str, ...]:
    return (decade_label(case.founded),) if case.founded else ()


def decade_label(year: int) -> str:
    return f"{year // 10 * 10}年代"


def _kana(case) -> tuple[str, ...]:
    from ..model.kana import kana_row

    return (kana_row(case.kana),)


FIELDS: tuple[FacetField, ...] = (
    FacetField("stage", "研修の段階", "stage", extract=lambda c: [s for s, _ in c.stages], filter="段階"),
    FacetField("region", "地方", "region", extract=_region, filter="地方", pages=False),
    FacetField(
        "prefecture",
        "都道府県",
        "prefecture",
        key="prefecture",
        required=True,
        filter="都道府県",
        description="都道府県（「広島県」のように省略せずに）",
    ),
    FacetField(
        "kind", "種類", "kind", key="kind", filter="種類", description="団体、または自治体の仕組み（市全域の制度など）"
    ),
    FacetField(
        "legal_form",
        "法人格",
        "legal-form",
        key="legal_form",
        vocabulary=True,
        required=SOURCED,
        filter="法人格",
        section=ROW,
        always=True,
        description="法人格",
    ),
    FacetField(
        "scope",
        "活動範囲",
        "scope",
        key="scope",
        vocabulary=True,
        filter="活動範囲",
        section=ROW,
        description="活動範囲",
    ),
    FacetField("base", "拠点", "base", key="base", vocabulary=True, section=ROW, description="拠点"),
    FacetField(
        "structure",
        "協議と実行の体制",
        "structure",
        key="structure",
        section=ROW,
        description="協議機能と実行機能: 一体型 または 分離型",
    ),
    FacetField(
        "regional_issue",
        "地域課題",
        "regional-issue",
        key="regional_issues",
        vocabulary=True,
        many=True,
        min_items=1,
        required=SOURCED,
        filter="地域課題",
        weight=2,
        section=CHIPS,
        always=True,
        description="地域課題",
    ),
    FacetField(
        "activity",
        "主な活動",
        "activity",
        key="activities",
        vocabulary=True,
        many=True,
        min_items=1,
        required=SOURCED,
        filter="主な活動",
        weight=1,
        section=CHIPS,
        always=True,
        description="主な活動",
    ),
    FacetField(
        "income",
        "収入源",
        "income",
        key="income_sources",
        vocabulary=True,
        many=True,
        filter="収入源",
        section=CHIPS,
        description="収入源",
    ),
    FacetField(
        "challenge",
        "組織の課題",
        "challenge",
        key="challenges",
        vocabulary=True,
        many=True,
        section=CHIPS,
        description="組織の課題",
    ),
    FacetField(
        "formation_factor",
        "形成の要因",
        "formation-factor",
        key="formation_factors",
        vocabulary=True,
        factor=True,
        min_items=1,
        required=SOURCED,
        filter="形成の要因",
        weight=3,
        section=FACTORS,
        always=True,
        description="形成の要因",
    ),
    FacetField(
        "sustainability_factor",
        "持続的な運営の要因",
        "sustainability-factor",
        key="sustainability_factors",
        vocabulary=True,
        factor=True,
        filter="持続的な運営の要因",
        weight=3,
        section=FACTORS,
        description="持続的な運営の要因",
    ),
    FacetField(
        "external_actor",
        "外部人材",
        "external-actor",
        vocabulary=True,
        extract=lambda c: [s.actor for s in c.external_support],
    ),
    FacetField(
        "external_effect",
        "外部人材の効果",
        "external-effect",
        vocabulary=True,
        extract=lambda c: list(dict.fromkeys(e for s in c.external_support for e in s.effects)),
    ),
    FacetField("decade", "設立の年代", "decade", extract=_decade),
    FacetField("kana", "読み（あいうえお順）", "kana", extract=_kana),
)
"""Every facet, in the order index pages list them."""

BY_NAME = {f.name: f for f in FIELDS}
VOCABULARIES = tuple(f.name for f in FIELDS if f.vocabulary)
"""The sections of ``data/vocabulary.yaml``."""
RESERVED_SLUGS = frozenset({"matrix", "index"})
"""Folders under ``index/`` that are not facets."""


def search_filters() -> tuple[FacetField, ...]:
    """The search page's filters, in the order it shows them."""
    return tuple(f for f in FIELDS if f.filter)


def weighted() -> tuple[FacetField, ...]:
    """The fields related cases are ranked by, most weight first (ties in registry order)."""
    return tuple(sorted((f for f in FIELDS if f.weight), key=lambda f: -f.weight))
