"""Every generated page as (docs-relative path, Markdown).

Nothing here knows MkDocs. ``PageRenderer.pages()`` yields the case pages and
the index pages; ``markers.fill_markers`` expands the ``<!-- casebook:… -->``
markers of hand-written pages. One method per page kind; each renders one
template with a ``PageContext`` (``page``) for its path. The MkDocs plugin and
``casebook export-docs`` both use it.

Under ``mkdocs serve`` the renderer is given a ``memo`` that outlives the
build: a page whose inputs did not change is not rendered again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2

from ..model.casebook import Casebook, Facet
from ..records.registry import STAGE_SLUGS, STAGES
from . import jsonld, packets
from .context import PageContext, Shared
from .sitefiles import site_files
from .templating import environment
from .text import page_url, relative_url

_FACET_INTRO = {
    "stage": "研修テキストの4つの段階ごとに、その段階で学べる事例の数です。",
    "decade": "設立の年代ごとの事例の数です。設立年が出典で確かめられない事例は含みません。",
    "prefecture": "都道府県ごとの事例の数です。地方ごとに、都道府県コードの順に並べています。",
}
FACTOR_FACETS = ("formation_factor", "sustainability_factor")
"""The facets crossed with the training stages on the matrix pages."""


def _listed(case) -> tuple:
    """What a listing shows of a case: a listing page changes only when one of these does."""
    return (case.id, case.name, case.prefecture, case.municipality, case.summary)


class PageRenderer:
    """Renders every generated page of a ``Casebook``."""

    def __init__(
        self,
        book: Casebook,
        templates: Path | None = None,
        directory_urls: bool = True,
        memo: dict | None = None,
        site_url: str | None = None,
    ):
        self.book = book
        self.directory_urls = directory_urls
        self.memo = memo
        """path → (inputs, Markdown), kept across ``mkdocs serve`` rebuilds."""
        self.site_url = site_url or None
        """The site's address (mkdocs.yml ``site_url``): absolute page URLs in the data files and JSON-LD."""
        self.env = environment(templates)
        self.shared = Shared(self)

    def template(self, name: str) -> jinja2.Template:
        return self.env.get_template(name)

    def render(self, name: str, here: str, **context) -> str:
        """Template ``name`` for the page at ``here``, with ``page`` (its ``PageContext``) and ``context``."""
        return self.template(name).render(page=PageContext(self, here), **context)

    def _cached(self, path: str, key: Callable[[], object], render: Callable[[], str]) -> str:
        """``render()``, or under ``mkdocs serve`` the page's last Markdown if ``key()`` (its inputs) is unchanged."""
        if self.memo is None:
            return render()
        inputs = key()
        hit = self.memo.get(path)
        if hit is not None and hit[0] == inputs:
            return hit[1]
        markdown = render()
        self.memo[path] = (inputs, markdown)
        return markdown

    # -- all pages ---------------------------------------------------------
    def pages(self) -> Iterator[tuple[str, str]]:
        """Every generated page as (docs-relative path, Markdown): the case pages, then the index pages."""
        for case in self.book.cases:
            yield self.case_path(case.id), self.case(case)
        yield from self.index_pages()

    def site_files(self) -> Iterator[tuple[str, bytes | Path]]:
        """Every file of the site that is not a Markdown page, as (docs-relative path, bytes or a file to copy)."""
        yield from site_files(self)

    def index_pages(self) -> Iterator[tuple[str, str]]:
        book = self.book
        yield "cases/index.md", self.cases_index()
        yield "index/index.md", self.facets_index()
        for facet in book.paged_facets:
            if facet.name != "kana":
                yield facet.overview_path, self.facet_overview(facet)
            for value in facet.used:
                yield facet.path(value.label), self.facet_value(facet, value)
        yield from self.matrix_pages()
        yield from self.worksheet_pages()

    # -- case pages ----------------------------------------------------------
    @staticmethod
    def case_path(case_id: str) -> str:
        return f"cases/{case_id}.md"

    def case(self, case) -> str:
        """A case page: the record's facts, its narrative (``content/cases/<id>.md`` or ``body``), related cases."""
        path = self.book.dataset.narratives.get(case.id)
        narrative = path.read_text(encoding="utf-8") if path else None
        related = self.book.related.get(case.id, [])
        return self._cached(
            self.case_path(case.id),
            lambda: (case, tuple(related), narrative),
            lambda: self.render(
                "case.md.j2",
                self.case_path(case.id),
                case=case,
                related=related,
                body=(narrative or case.body or "").strip(),
                json_ld=jsonld.dumps(jsonld.organization(case, self.absolute_url(self.case_path(case.id)))),
            ),
        )

    def absolute_url(self, path: str) -> str:
        """The URL of page ``path``: with ``site_url``, absolute; without, relative to that page itself."""
        url = page_url(path, self.directory_urls)
        if self.site_url:
            return self.site_url.rstrip("/") + "/" + url
        return relative_url(url, url)

    # -- index pages -----------------------------------------------------------
    def cases_index(self) -> str:
        book = self.book
        pref = book.facets["prefecture"]
        regions = [(r.name, [v for v in pref.used if v.group == r.name]) for r in book.regions]
        return self.render(
            "cases_index.md.j2",
            "cases/index.md",
            total=len(book.cases),
            kind_facet=book.facets["kind"],
            kana_facet=book.facets["kana"],
            facets=[f for f in book.paged_facets if f.name != "kana"],
            regions=[(name, values) for name, values in regions if values],
            pref_facet=pref,
        )

    def facets_index(self) -> str:
        facets = [f for f in self.book.paged_facets if f.name != "kana"]
        return self.render("facets.md.j2", "index/index.md", facets=facets, total=len(self.book.cases))

    def facet_overview(self, facet: Facet) -> str:
        groups = None
        if facet.name == "prefecture":
            groups = [(r.name, [v for v in facet.values if v.group == r.name]) for r in self.book.regions]
        intro = _FACET_INTRO.get(facet.name, f"{facet.title}ごとに事例を分けた一覧です。数字は事例の件数です。")
        return self.render("facet_overview.md.j2", facet.overview_path, facet=facet, groups=groups, intro=intro)

    def facet_value(self, facet: Facet, value) -> str:
        path = facet.path(value.label)
        cases = facet.cases[value.label]
        if facet.name == "stage":
            return self._cached(
                path,
                lambda: (value, tuple((_listed(c), c.stage_lesson(value.label)) for c in cases)),
                lambda: self.render("stage_value.md.j2", path, value=value, cases=cases),
            )
        return self._cached(
            path,
            lambda: (facet.title, value, tuple(_listed(c) for c in cases)),
            lambda: self.render("facet_value.md.j2", path, facet=facet, value=value, cases=cases),
        )

    # -- worksheets (course packets, issue 24) ------------------------------------
    def worksheet_pages(self) -> Iterator[tuple[str, str]]:
        """Each stage's worksheet as a page of its own (``training/worksheets/<slug>.md``), printable alone."""
        content_dir = self.book.dataset.content_dir
        for stage in STAGES if content_dir else ():
            source = packets.stage_page(content_dir, stage)
            if source.is_file():
                path = f"training/worksheets/{STAGE_SLUGS[stage]}.md"
                text = packets.parse_stage(stage, source.read_text(encoding="utf-8"))
                body = packets.worksheet_markdown(text)
                if body:
                    stage_path = f"training/{STAGE_SLUGS[stage]}.md"
                    yield (
                        path,
                        self.render(
                            "worksheet.md.j2", path, stage=stage, title=text.title, body=body, stage_path=stage_path
                        ),
                    )

    # -- factors × stages --------------------------------------------------------
    def cell_path(self, facet: Facet, value, stage: str) -> str:
        return f"index/matrix/{facet.slug}/{value.slug}-{STAGE_SLUGS[stage]}.md"

    def matrix_cells(self) -> dict[str, dict[str, dict[str, list]]]:
        """Factor facet → value label → stage → the value's cases with a lesson for that stage."""
        cells: dict[str, dict[str, dict[str, list]]] = {}
        for name in FACTOR_FACETS:
            facet = self.book.facets[name]
            cells[name] = {}
            for v in facet.values:
                by_stage = cells[name][v.label] = {s: [] for s in STAGES}
                for c in facet.cases.get(v.label, ()):
                    for stage, lesson in c.stages:
                        if lesson:
                            by_stage[stage].append(c)
        return cells

    def matrix_pages(self) -> Iterator[tuple[str, str]]:
        facets = [self.book.facets[name] for name in FACTOR_FACETS]
        cells = self.matrix_cells()
        yield (
            "index/matrix.md",
            self.render("matrix.md.j2", "index/matrix.md", facets=facets, cells=cells, cell_path=self.cell_path),
        )
        for facet in facets:
            for value in facet.values:
                for stage in STAGES:
                    cases = cells[facet.name][value.label][stage]
                    if cases:
                        yield self.cell_path(facet, value, stage), self.matrix_cell(facet, value, stage, cases)

    def matrix_cell(self, facet: Facet, value, stage: str, cases: list) -> str:
        path = self.cell_path(facet, value, stage)
        return self._cached(
            path,
            lambda: (facet.title, value, stage, tuple((_listed(c), c.stage_lesson(stage)) for c in cases)),
            lambda: self.render(
                "matrix_cell.md.j2",
                path,
                facet=facet,
                value=value,
                stage=stage,
                cases=cases,
                stage_facet=self.book.facets["stage"],
            ),
        )
