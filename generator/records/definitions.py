"""What a valid record is: the one definition behind ``casebook validate``,
the MkDocs plugin and ``casebook schema``.

Field names are English; the descriptions (shown in editors through the
JSON Schema) and every message are Japanese. Fields whose values group
cases are declared in ``registry`` and built into the records here.
"""

from __future__ import annotations

import re

from ..model import prefectures
from ..model.entities import Case, FactorNote, GlossaryTerm, Population, Source, Support, Term
from . import registry
from .compound import Field, ListOf, MapOf, Record
from .errors import CaseError, Location
from .fields import INVALID, Choice, Date, Int, Text, Url, Vocab, Walk, this_year
from .narratives import case_links, structure_problems
from .policy import markdown_problems
from .registry import COMPLETENESS, KINDS, STAGES, STATUSES, STRUCTURES

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
KANA = r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe \u3000]+$"
_HTML = re.compile(r"<[A-Za-z!/?]")
_KANA = re.compile(KANA)


class Plain(Text):
    """Text that may not carry raw HTML (our policy: reject, never pass through)."""

    def accept(self, value, node, field, w):
        if _HTML.search(value):
            return w.error(node, field, "HTML タグ（< で始まる書き方）は使えません。ふつうの文章で書いてください。")
        return value


class MarkdownText(Text):
    """A narrative in Markdown, checked against the content policy (``policy``) and, as narrative files are,
    for headings (no h1, no skipped level: it is placed under an h2)."""

    def accept(self, value, node, field, w):
        problems = markdown_problems(value) + structure_problems(value)
        at = node.start_mark
        if not problems:
            links = case_links(value)
            if not links:
                return value
            source, value_lines = w.text.split("\n")[at.line : node.end_mark.line + 1], value.split("\n")
            return Body(
                value,
                tuple(
                    (case_id, target, Location(w.display, *_find(source, at, value_lines, line, column)))
                    for line, column, case_id, target in links
                ),
            )
        source = w.text.split("\n")[at.line : node.end_mark.line + 1]
        value_lines = value.split("\n")
        for line, column, message in problems:
            w.errors.append(
                CaseError(Location(w.display, *_find(source, at, value_lines, line, column)), field, message)
            )
        return INVALID


class Body(str):
    """A record's ``body`` that links to other cases: the text, and each link as (case id, link, where in the
    file). Whether a linked case is published is only known once every record is read (``load.check_cases``)."""

    links: tuple[tuple[str, str, Location], ...]

    def __new__(cls, text: str, links: tuple = ()):
        body = super().__new__(cls, text)
        body.links = links
        return body

    def __reduce__(self):  # pickled by the validation cache
        return (Body, (str(self), self.links))


def _find(source: list[str], at, value_lines: list[str], line: int, column: int) -> tuple[int, int]:
    """Where a place inside a scalar's value is in the file.

    Folding, quoting and indentation change columns and lines, so the text at
    that place is looked up in the scalar's source lines; a place that cannot
    be found (say, a problem only seen after rendering) is the scalar's start.
    """
    text = value_lines[line] if line < len(value_lines) else ""
    for width in (24, 12, 6, 3):
        snippet = text[column : column + width]
        if len(snippet) < min(width, 3):
            continue
        for i, src in enumerate(source):
            start = at.column if i == 0 else 0
            hit = src.find(snippet, start)
            if hit >= 0 and (width >= len(text) - column or src.count(snippet) == 1 or i >= line):
                return at.line + i, hit
    return at.line, at.column


class Slug(Text):
    """A slug used in a page's path: names a generated page already uses are refused."""

    def __init__(self, max_len: int, reserved: dict[str, str]):
        super().__init__(
            max_len=max_len,
            pattern=SLUG,
            pattern_message="半角の小文字・数字とハイフンだけで書いてください（例: kawane-shinko）。"
            "先頭と末尾にハイフンは使えません。",
        )
        self.reserved = reserved
        """Reserved name → the generated page it would replace (Japanese)."""
        self._accepts = bool(reserved)

    def accept(self, value, node, field, w):
        page = self.reserved.get(value)
        if page is not None:
            return w.error(node, field, f"「{value}」は{page}の名前なので使えません。別の名前にしてください。")
        return value


def slug(max_len: int = 64, reserved: dict[str, str] | None = None) -> Text:
    return Slug(max_len, reserved or {})


CASE_RESERVED = {"index": "事例の一覧ページ（cases/index.md）"}
"""Case ids a generated page under ``cases/`` uses (a case page is ``cases/<id>.md``)."""
TERM_RESERVED = {"index": "その分類の一覧ページ（index/<分類>/index.md）"}
"""Vocabulary slugs a generated page under ``index/<facet>/`` uses (a value's page is ``index/<facet>/<slug>.md``)."""


class Kana(Text):
    """A reading: normalized to NFKC first (half-width ｶﾀｶﾅ and decomposed か + ゙ become full-width,
    composed kana), then only kana, ー, ・ and spaces; a message names the first other character."""

    def __init__(self, max_len: int):
        super().__init__(max_len=max_len, normalize="NFKC")
        self._accepts = True

    def accept(self, value, node, field, w):
        if _KANA.match(value):
            return value
        bad = next(c for c in value if not _KANA.match(c))
        return w.error(
            node,
            field,
            f"読みはひらがなかカタカナで書いてください（ー・と空白も使えます）。"
            f"使えない文字「{bad}」（U+{ord(bad):04X}）があります。",
        )

    def schema(self, vocab):
        return {**super().schema(vocab), "pattern": KANA}


def _population_rule(values, node, field, w: Walk):
    if values.get("people") is None and values.get("households") is None:
        w.error(node, field, "人口（people）か世帯数（households）の少なくとも一方を書いてください。")


def _dates_rule(values, node, field, w: Walk):
    """``updated`` is not before ``verified``: checking the facts means editing the record on that day."""
    updated, verified = values.get("updated"), values.get("verified")
    if updated and verified and updated < verified:
        at = next(v for k, v in node.value if getattr(k, "value", None) == "updated")
        w.error(
            at,
            "updated",
            f"更新日（updated: {updated}）が最終確認日（verified: {verified}）より前です。"
            f"事実を確かめた日には記録も変えているはずなので、updated を {verified} 以降の日付にしてください。",
        )


def source_record(url_required: bool) -> Record:
    return Record(
        (
            Field("title", Plain(max_len=200), True, description="出典の題名（ページや資料の名前）"),
            Field("url", Url(max_len=2000), url_required, description="出典の URL（http または https）"),
            Field("publisher", Plain(max_len=100), description="発行者（市町村、省庁、新聞社など）"),
            Field("year", Int(1868, this_year, "年"), description="発行年"),
        ),
        factory=Source,
    )


def _factor_record(vocabulary: str) -> Record:
    return Record(
        (
            Field("factor", Vocab(vocabulary=vocabulary), True, description="要因（語彙から選ぶ）"),
            Field("detail", Plain(max_len=1000), description="この事例で具体的にどうだったか"),
        ),
        factory=FactorNote,
    )


_CHOICES = {
    "prefecture": Choice(choices=tuple(p.name for p in prefectures.PREFECTURES), suggest=prefectures.suggest),
    "kind": Choice(choices=tuple(KINDS)),
    "structure": Choice(choices=tuple(STRUCTURES)),
}
_DEFAULTS = {"kind": "団体"}


def registry_field(row: registry.FacetField) -> Field:
    """The record field of a registry row that has a record key."""
    if row.factor:
        kind = ListOf(_factor_record(row.name), row.min_items)
    elif row.vocabulary:
        kind = ListOf(Vocab(vocabulary=row.name), row.min_items, True) if row.many else Vocab(vocabulary=row.name)
    else:
        kind = _CHOICES[row.name]
    return Field(row.key, kind, row.required, default=_DEFAULTS.get(row.name), description=row.description)


_KEYED = {row.key: registry_field(row) for row in registry.FIELDS if row.key}
"""Record key → field, for every registry row with a key (in registry order)."""


def _keyed(*keys: str) -> tuple[Field, ...]:
    return tuple(_KEYED[k] for k in keys)


_IDENTITY = ("kind", "prefecture")
"""Registry fields placed among the identity fields at the top of a record."""

CASE = Record(
    (
        Field(
            "id",
            slug(reserved=CASE_RESERVED),
            True,
            description="URL に使う識別子。半角小文字・数字・ハイフン、64文字まで",
        ),
        Field("name", Plain(max_len=200), True, description="正式名称"),
        Field(
            "kana",
            Kana(max_len=200),
            True,
            description="読み（ひらがな・カタカナ）。あいうえお順に使う",
        ),
        *_keyed(*_IDENTITY),
        Field("municipality", Plain(max_len=100), True, description="市区町村"),
        Field("district", Plain(max_len=100), description="地区名"),
        Field("founded", Int(1868, this_year, "年"), description="設立年（西暦）"),
        Field(
            "population",
            Record(
                (
                    Field("people", Int(0, 100_000_000, "人数")),
                    Field("households", Int(0, 100_000_000, "世帯数")),
                    Field("year", Int(1868, this_year, "年"), True, description="何年の数字か"),
                ),
                factory=Population,
                rules=(_population_rule,),
            ),
            description="人口・世帯数とその年",
        ),
        Field("summary", Plain(max_len=300), True, description="概要（300文字まで、ふつうの文章）"),
        *(field for key, field in _KEYED.items() if key not in _IDENTITY),
        Field(
            "external_support",
            ListOf(
                Record(
                    (
                        Field("actor", Vocab(vocabulary="external_actor"), True, description="外部人材"),
                        Field("effects", ListOf(Vocab(vocabulary="external_effect"), 0, True), description="効果"),
                        Field("detail", Plain(max_len=1000), description="具体的な内容"),
                    ),
                    factory=Support,
                )
            ),
            description="外部人材の活用",
        ),
        Field(
            "stages",
            MapOf(Choice(choices=STAGES), Plain(max_len=1000), 1, STAGES),
            True,
            description="研修の段階ごとの学びのポイント",
        ),
        Field(
            "body",
            MarkdownText(max_len=20000),
            description="本文（Markdown）。content/cases/<id>.md に書いてもよい（両方は不可）",
        ),
        Field("sources", ListOf(source_record(True), 1), True, description="出典（1つ以上）"),
        Field(
            "completeness",
            Choice(choices=COMPLETENESS),
            default="部分的",
            description="情報の完全度: 完全・部分的・要出典",
        ),
        Field("verified", Date(), description="事実を最後に確かめた日（YYYY-MM-DD）"),
        Field(
            "updated",
            Date(),
            description="この事例の記録（と本文 content/cases/<id>.md）を最後に変えた日（YYYY-MM-DD）。"
            "ページの「更新日」と「最近更新された事例」に使う",
        ),
        Field("status", Choice(choices=STATUSES), default="公開", description="公開 または 下書き"),
    ),
    factory=Case.from_fields,
    rules=(_dates_rule,),
    located=True,
    title="地域運営組織の事例レコード",
)

CASE_FIELDS = tuple(f.name for f in CASE.fields)

ALIASES_HELP = "住民がふだん使う言い方（検索で見つかるようにする別の言葉。ほかの見出しや別の言い方と重ならないこと）"

TERM = Record(
    (
        Field("label", Plain(max_len=60), True),
        Field("slug", slug(reserved=TERM_RESERVED), True),
        Field("description", Plain(max_len=300), True),
        Field("group", Plain(max_len=60)),
        Field("aliases", ListOf(Plain(max_len=60), 0, True), description=ALIASES_HELP),
    ),
    factory=lambda aliases=None, **kw: Term(aliases=tuple(aliases or ()), **kw),
    located=True,
)
VOCABULARY_NAMES = registry.VOCABULARIES
VOCABULARY_FILE = Record(
    tuple(
        Field(
            name, Record((Field("terms", ListOf(TERM, 1), True),), factory=lambda **fields: fields, located=True), True
        )
        for name in VOCABULARY_NAMES
    )
)

GLOSSARY_FILE = Record(
    (
        Field(
            "terms",
            ListOf(
                Record(
                    (
                        Field("term", Plain(max_len=60), True),
                        Field("slug", slug(), True),
                        Field("reading", Kana(max_len=100), True),
                        Field("aka", ListOf(Plain(max_len=60), 0, True)),
                        Field("definition", Plain(max_len=600), True),
                        Field("related", ListOf(Plain(max_len=60), 0, True)),
                        Field("sources", ListOf(source_record(False), 1), True),
                        Field("link", Choice(choices=("yes", "no")), default="yes"),
                        Field("aliases", ListOf(Plain(max_len=60), 0, True), description=ALIASES_HELP),
                    ),
                    factory=lambda link, aliases=None, **kw: GlossaryTerm(
                        link=link != "no", aliases=tuple(aliases or ()), **kw
                    ),
                    located=True,
                ),
                1,
            ),
            True,
        ),
    )
)

_NATIONAL_ITEM = Record(
    (
        Field("key", slug()),
        Field("label", Plain(max_len=100)),
        Field("value", Plain(max_len=40)),
        Field("unit", Plain(max_len=20)),
        Field("text", Plain(max_len=600)),
        Field("fiscal_year", Plain(max_len=40)),
        Field("organizations", Plain(max_len=40)),
        Field("municipalities", Plain(max_len=40)),
        Field("responding", Plain(max_len=40)),
        Field("note", Plain(max_len=600)),
        Field("source", slug()),
    ),
    factory=lambda **fields: fields,  # every key present (None when absent), for the templates
    located=True,  # "location": where the item starts (load_national takes it out after its checks)
)
NATIONAL_FILE = Record(
    (
        Field("sources", MapOf(slug(), source_record(False), 1), True),
        Field("fy2017", ListOf(_NATIONAL_ITEM, 1), True),
        Field("findings", ListOf(_NATIONAL_ITEM)),
        Field("by_year", ListOf(_NATIONAL_ITEM)),
        Field("targets", ListOf(_NATIONAL_ITEM)),
        Field("notes", ListOf(_NATIONAL_ITEM)),
    )
)
