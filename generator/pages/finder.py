"""What the two finders (the search page and 「地域の状況から探す」) are given: filter order, value order, words.

The search page's script (``search/casebook-search.js``) reads one JSON object, ``data-cb-config``:

- ``filters``: the filter groups in registry order;
- ``orders``: each group's values in the order the site lists them (regions and prefectures north to
  south, vocabulary terms as ``data/vocabulary.yaml`` lists them);
- ``words``: ``[word, filter, value]``: everyday words (the ``aliases`` of vocabulary terms), the labels
  themselves and place words (regions, prefectures with and without 県/府/都, municipalities) that the
  page offers as a filter when a query contains them.
"""

from __future__ import annotations

import re

from ..model.prefectures import BY_NAME as PREFECTURES
from ..records import registry

SITUATION_GROUPS = (
    ("regional_issue", "地域の課題"),
    ("stage", "いまの段階"),
    ("scope", "活動の範囲"),
)
"""The 「地域の状況から探す」 form's groups: (registry field, legend). Every term of each is offered."""

_PREF_SUFFIX = re.compile(r"(県|府|都)$")
_MUNICIPALITY_SUFFIX = re.compile(r"(市|町|村|区)$")


def search_config(book) -> dict:
    filters = registry.search_filters()
    orders = {f.filter: [v.label for v in book.facets[f.name].values] for f in filters}
    words: dict[str, tuple[str, str]] = {}

    def add(word: str, group: str, value: str) -> None:
        if len(word) >= 2:
            words.setdefault(word, (group, value))

    for f in filters:
        for value in book.facets[f.name].values:
            add(value.label, f.filter, value.label)
        if f.vocabulary:
            for term in book.dataset.vocab[f.name].terms:
                for alias in term.aliases:
                    add(alias, f.filter, term.label)
    for region in orders.get("地方", ()):
        add(region.removesuffix("地方"), "地方", region)
    for pref in orders.get("都道府県", ()):
        add(_PREF_SUFFIX.sub("", pref), "都道府県", pref)
    for case in book.cases:  # a municipality's name finds its prefecture (雲南 → 島根県)
        for municipality in case.municipality.split("・"):
            for word in (municipality, _MUNICIPALITY_SUFFIX.sub("", municipality)):
                if case.prefecture in PREFECTURES:
                    add(word, "都道府県", case.prefecture)
    return {"filters": [f.filter for f in filters], "orders": orders, "words": [[w, *gv] for w, gv in words.items()]}


def situation_groups(book) -> list[dict]:
    return [
        {
            "legend": legend,
            "facet": field,
            "filter": registry.BY_NAME[field].filter,
            "values": book.facets[field].values,
        }
        for field, legend in SITUATION_GROUPS
    ]


def _script(ch: str) -> str:
    if "\u3041" <= ch <= "\u309f":
        return "hiragana"
    if "\u30a0" <= ch <= "\u30ff":
        return "katakana"
    if "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ":
        return "kanji"
    return "other"


def script_runs(text: str) -> str:
    """``text`` with a space wherever the script changes (羽置の里 → 羽置 の 里).

    Indexed beside a case's name, so that a search for the whole name finds it however the
    segmenter cuts the query: the page may hold 羽|置|の里 while the query asks for 羽置|の|里.
    """
    out: list[str] = []
    last = None
    for ch in text:
        now = _script(ch)
        if out and now != last and not out[-1].isspace() and not ch.isspace():
            out.append(" ")
        out.append(ch)
        last = now
    return "".join(out)
