"""Markers in hand-written pages: ``<!-- casebook:NAME ARG -->`` replaced by generated Markdown.

| marker | what it becomes |
|---|---|
| ``stage-cases STAGE`` | the cases of a training stage with their lessons (at most ``STAGE_PAGE_LIMIT``) |
| ``recent-cases`` | the ``RECENT`` most recently updated cases |
| ``glossary`` | the glossary, by kana row |
| ``search-page`` | the search page's form (``search/casebook-search.js`` drives it) |
| ``situation-finder`` | the 「地域の状況から探す」 form |
| ``national SECTION`` | a section of ``data/national.yaml`` as a table or list |
| ``data-files`` | the files of ``data/`` (``pages.opendata``) with links, and the page's JSON-LD ``Dataset`` |
| ``packet-pdfs`` | links to the four stages' packet PDFs (or a note that there are none) |
| ``packet-builder`` | the /packets/ builder's form (``pages/casebook-training.js`` drives it) |
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
from . import charts, japan_map, opendata, packetfiles, packets
from .context import PageContext
from .finder import search_config, situation_groups
from .renderer import PageRenderer
from .text import md_text, md_url

MARKER = re.compile(r"<!--\s*casebook:([a-z-]+)(?:\s+([^>]*?))?\s*-->")
STAGE_PAGE_LIMIT = 20
"""A training page shows at most this many cases; the stage index lists them all."""
RECENT = 5
NATIONAL_SECTIONS = ("fy2017", "findings", "by_year", "targets", "notes")


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
            return c.updated or c.verified or ""

        ordered = sorted(book.cases, key=updated, reverse=True)
        return renderer.render("recent_cases.md.j2", here, items=[(c, updated(c) or None) for c in ordered[:RECENT]])
    if name == "glossary":
        return glossary(renderer, here)
    if name == "search-page":
        config = search_config(renderer.book)
        return renderer.render("search_page.html.j2", here, config=json.dumps(config, ensure_ascii=False))
    if name == "situation-finder":
        return renderer.render("situation.html.j2", here, groups=situation_groups(renderer.book))
    if name == "data-files":
        return opendata.files_block(renderer, here)
    if name in ("packet-pdfs", "packet-builder"):
        return packet_builder(renderer, here, name)
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


def packet_builder(renderer: PageRenderer, here: str, name: str) -> str:
    """The packet PDFs' links, or the builder's form with its configuration (course packets, issue 24)."""
    ctx = PageContext(renderer, here)
    if name == "packet-pdfs":
        content_dir = renderer.book.dataset.content_dir
        ready = content_dir is not None and packetfiles.problem() is None
        pdfs = [
            (stage, f"第{i}段階 {stage}", ctx.to_root + packetfiles.pdf_path(stage))
            for i, stage in enumerate(registry.STAGES, 1)
            if ready and packets.stage_page(content_dir, stage).is_file()
        ]
        return renderer.render("packet_builder.html.j2", here, part="pdfs", pdfs=pdfs)
    stages = [
        {"name": s, "slug": registry.STAGE_SLUGS[s], "title": f"第{i}段階 {s}",
         "page": ctx.link_to(f"training/{registry.STAGE_SLUGS[s]}.md")}
        for i, s in enumerate(registry.STAGES, 1)
    ]  # fmt: skip
    config = {
        "stages": stages,
        "sections": packets.PACKET_SECTIONS,
        "worksheet": packets.WORKSHEET,
        "index": ctx.to_root + "packets/index.json",
        "cases": ctx.to_root + "packets/cases/",
        "casePage": ctx.link_to("cases/__ID__.md"),
        "max": packets.MAX_CASES,
        "preselect": packets.DEFAULT_CASES,
    }
    return renderer.render(
        "packet_builder.html.j2",
        here,
        part="builder",
        stages=stages,
        max=packets.MAX_CASES,
        config=json.dumps(config, ensure_ascii=False),
    )
