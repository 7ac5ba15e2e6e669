"""Markers in hand-written pages: ``<!-- casebook:NAME ARG -->`` replaced by generated Markdown.

| marker | what it becomes |
|---|---|
| ``stage-cases STAGE`` | the cases of a training stage with their lessons (at most ``STAGE_PAGE_LIMIT``) |
| ``recent-cases`` | the ``RECENT`` most recently updated cases |
| ``glossary`` | the glossary, by kana row |
| ``search-page`` | the search page's form (``search/casebook-search.js`` drives it) |
| ``situation-finder`` | the 「地域の状況から探す」 form |
| ``national SECTION`` | a section of ``data/national.yaml`` as a table or list |
| ``national-chart trend`` | the organizations and municipalities per survey year as column charts (``charts``) |
| ``national-chart regions`` | the FY2016 organizations per region as bars, with their table |
| ``case-map`` | the map of cases (``japan_map``), small, with the list of its links |

An unknown marker is left as it is; the plugin warns about it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ..model.kana import KANA_ROWS, OTHER, kana_key, kana_row
from ..records import registry
from . import charts, japan_map
from .context import PageContext
from .renderer import PageRenderer
from .text import md_text, md_url

MARKER = re.compile(r"<!--\s*casebook:([a-z-]+)(?:\s+([^>]*?))?\s*-->")
STAGE_PAGE_LIMIT = 20
"""A training page shows at most this many cases; the stage index lists them all."""
RECENT = 5
NATIONAL_SECTIONS = ("fy2017", "findings", "by_year", "targets", "notes")
SITUATION_GROUPS = (
    ("regional_issue", "地域の課題（あてはまるものをすべて）"),
    ("stage", "いまの段階"),
    ("scope", "活動の範囲"),
)
"""The 「地域の状況から探す」 form's groups: (registry field, legend)."""


def fill_markers(renderer: PageRenderer, markdown: str, here: str, post: Callable[[str], str] | None = None) -> str:
    """Replace the markers of a hand-written page; ``post`` is applied to each marker's output."""
    if "casebook:" not in markdown:
        return markdown

    def expand(m: re.Match) -> str:
        out = marker(renderer, m.group(1), (m.group(2) or "").strip(), here)
        if out is None:
            return m.group(0)
        return post(out) if post else out

    return MARKER.sub(expand, markdown)


def marker(renderer: PageRenderer, name: str, arg: str, here: str) -> str | None:
    """The Markdown of one marker, or None for an unknown one."""
    book = renderer.book
    if name == "stage-cases" and arg in registry.STAGES:
        cases = book.facets["stage"].cases.get(arg, [])
        shown = cases[:STAGE_PAGE_LIMIT]
        return renderer.render(
            "stage_cases.md.j2",
            here,
            cases=shown,
            stage=arg,
            more=len(cases) - len(shown),
            stage_facet=book.facets["stage"],
        )
    if name == "recent-cases":

        def updated(c):
            return renderer.updated.get(c.id) or c.verified or ""

        ordered = sorted(book.cases, key=updated, reverse=True)
        return renderer.render("recent_cases.md.j2", here, items=[(c, updated(c) or None) for c in ordered[:RECENT]])
    if name == "glossary":
        return glossary(renderer, here)
    if name == "search-page":
        config = {"filters": [f.filter for f in registry.search_filters()]}
        return renderer.render("search_page.html.j2", here, config=json.dumps(config, ensure_ascii=False))
    if name == "situation-finder":
        groups = [
            {
                "legend": legend,
                "facet": field,
                "filter": registry.BY_NAME[field].filter,
                "values": book.facets[field].used,
            }
            for field, legend in SITUATION_GROUPS
        ]
        return renderer.render("situation.html.j2", here, groups=groups)
    if name == "national" and book.dataset.national and arg in NATIONAL_SECTIONS:
        return national(renderer, here, arg)
    # Charts and the map of cases (issue 27): HTML blocks, kept out of Markdown (pages.deferred).
    if name == "national-chart" and book.dataset.national and arg in ("trend", "regions"):
        data = book.dataset.national
        chart = charts.national_charts(data) if arg == "trend" else charts.region_chart(data)
        return f"<!-- cb:html -->\n{chart}\n<!-- /cb:html -->\n"
    if name == "case-map":
        page = PageContext(renderer, here)
        return f"<!-- cb:html -->\n{japan_map.case_map(page, 'small', with_list=True)}\n<!-- /cb:html -->\n"
    return None


def glossary(renderer: PageRenderer, here: str) -> str:
    terms = sorted(renderer.book.glossary, key=lambda t: kana_key(t.reading))
    rows: dict[str, list] = {}
    for t in terms:
        rows.setdefault(kana_row(t.reading), []).append(t)
    order = [label for label, _slug, _chars in KANA_ROWS] + [OTHER[0]]
    slug_of = {t.term: t.slug for t in terms}

    def related_links(names) -> str:
        return "、".join(f"[{md_text(n)}](#{slug_of[n]})" for n in names)

    return renderer.render(
        "glossary.md.j2", here, rows=[(r, rows[r]) for r in order if r in rows], related_links=related_links
    )


def national(renderer: PageRenderer, here: str, section: str) -> str:
    data = renderer.book.dataset.national
    sources = data["sources"]

    def src(key):
        if not key:
            return ""
        s = sources[key]
        title = md_text(s.title) + (f"（{md_text(s.publisher)}）" if s.publisher else "")
        return f"[{title}]({md_url(s.url)})" if s.url else title

    return renderer.render("national.md.j2", here, section=section, items=data.get(section) or [], src=src)
