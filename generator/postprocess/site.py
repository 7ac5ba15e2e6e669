"""What a rendered page gets after the engine: the allow-list, safe external links, glossary links,
and the search index over the built site.

The MkDocs plugin calls ``ArticleProcessor`` on each page's content as MkDocs
renders it, and ``finish_search`` after the build. ``postprocess_site`` does
the same on a site another engine built from ``casebook export-docs``: the
exported pages mark their content with ``CONTENT_START`` / ``CONTENT_END``,
so exactly what Markdown rendered is processed, as in the plugin.
"""

from __future__ import annotations

import html as html_lib
import logging
import os
import re
import shutil
from pathlib import Path

from ..model.entities import GlossaryTerm
from ..offline import SCRIPT as OFFLINE_SCRIPT
from ..pages.text import page_url, relative_url
from ..search import ASSETS as SEARCH_ASSETS
from ..search.pagefind import PagefindBinary, SiteIndexer
from .atomic import atomic_write_text
from .glossary import GlossaryLinker
from .sanitize import align_classes, protect_external_links, sanitize
from .settings import Settings

log = logging.getLogger("mkdocs.plugins.casebook.postprocess")
CONTENT_START = "<!-- casebook:content "
"""Opens a page's content in exported Markdown, followed by the page's docs path and `` -->``."""
CONTENT_END = "<!-- /casebook:content -->"
_START = re.compile(r"<!-- casebook:content (\S+) -->")
_DONE = re.compile(r'<div class="cb-content" data-casebook-src="([^"]+)"')
PAGES_CSS = Path(__file__).resolve().parent.parent / "pages" / "casebook.css"
ASSET_FILES = {
    "assets/casebook.css": PAGES_CSS,
    "assets/casebook-search.js": SEARCH_ASSETS / "casebook-search.js",
    "assets/casebook-offline.js": OFFLINE_SCRIPT,  # a page opened from disk: how to start the launcher (issue 28)
    "assets/casebook-training.js": PAGES_CSS.parent / "casebook-training.js",  # course packets (issue 24)
}
"""Site path → the package file every built site carries (the pages' styles, the search page's script, the
offline note, the trainers' switches and the packet builder)."""
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset")>')


class ArticleProcessor:
    """The post-rendering steps of one page's content (its article HTML, before the theme wraps it)."""

    def __init__(self, settings: Settings, glossary: list[GlossaryTerm], directory_urls: bool = True):
        self.settings = settings
        self.linker = GlossaryLinker(glossary)
        self.glossary_url = page_url(settings.glossary_page, directory_urls) if glossary else None

    def clean(self, html: str, src_uri: str) -> str:
        """Table alignment as classes (every page), the allow-list (the finders' one on their pages), then
        ``rel="noopener noreferrer"`` on external links."""
        html = align_classes(html)
        return protect_external_links(sanitize(html, finder=self.settings.finder(src_uri)))

    def link_glossary(self, html: str, src_uri: str, url: str) -> str:
        """Link the first use of each glossary term, on the pages ``link_glossary_in`` names."""
        if self.glossary_url is None or not self.settings.glossary_linked(src_uri):
            return html
        return self.linker.link(html, relative_url(url, self.glossary_url))


def source_candidates(dest: str) -> tuple[str, ...]:
    """The docs paths a built page may come from: ``a/b/index.html`` ← ``a/b.md`` or ``a/b/index.md``
    (for a page without content markers, which name its path)."""
    if dest == "index.html":
        return ("index.md",)
    if dest.endswith("/index.html"):
        stem = dest[: -len("/index.html")]
        return (stem + ".md", stem + "/index.md")
    return (dest[:-5] + ".md",)


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of a built site (site-relative, sorted), without search indexes and assets."""
    out = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if not rel.startswith(("pagefind", "assets/", ".")):
            out.append(rel)
    return out


def process_page(text: str, dest: str, settings: Settings, articles: ArticleProcessor) -> tuple[str, str]:
    """(the page's docs path, the page processed) for one built page at site path ``dest``.

    Exported pages name their path in their content marker; what lies between the markers is processed
    as the plugin processes a page's content, and marked as Pagefind's body when the page is searched.
    A page without markers (another engine's own page) only gets its article marked for Pagefind.
    """
    done = _DONE.search(text)
    if done:  # processed by an earlier run
        return done.group(1), text
    start = _START.search(text)
    end = text.find(CONTENT_END, start.end()) if start else -1
    src = start.group(1) if start else source_candidates(dest)[0]
    searched = settings.searchable(src) and dest != "404.html"
    if start and end > 0:
        url = "" if dest == "index.html" else dest.removesuffix("index.html")
        content = articles.link_glossary(articles.clean(text[start.end() : end], src), src, url)
        body = " data-pagefind-body" if searched else ""
        opening = f'<div class="cb-content" data-casebook-src="{html_lib.escape(src)}"{body}>'
        return src, f"{text[: start.start()]}{opening}{content}</div>{text[end + len(CONTENT_END) :]}"
    if searched:
        return src, _ARTICLE.sub(r"\1 data-pagefind-body>", text, count=1)
    return src, text


def postprocess_site(
    site_dir: Path,
    settings: Settings,
    glossary: list[GlossaryTerm],
    binary: PagefindBinary | None,
    directory_urls: bool = True,
) -> dict:
    """Process every page of a built site in place, copy the assets, build the search index; return counts.

    A page already processed (its content is marked ``data-casebook-src``) is left alone, so running it
    twice changes nothing.
    """
    site_dir = site_dir.resolve()
    articles = ArticleProcessor(settings, glossary, directory_urls)
    searchable: list[str] = []
    processed = 0
    for dest in site_pages(site_dir):
        path = site_dir / dest
        text = path.read_text(encoding="utf-8")
        src, new = process_page(text, dest, settings, articles)
        if new != text:
            atomic_write_text(path, new)
            processed += 1
        if settings.searchable(src) and dest != "404.html":
            searchable.append(dest)
    copy_assets(site_dir)
    summary = ""
    if settings.search and binary is not None:
        indexer = SiteIndexer(binary, site_dir, searchable, settings.search_part_pages)
        summary = indexer.finish()
    return {"pages": processed, "searchable": len(searchable), "search": summary}


def copy_assets(site_dir: Path) -> None:
    """The package's styles and search script into ``site_dir/assets`` (where every page links them)."""
    for rel, source in ASSET_FILES.items():
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
