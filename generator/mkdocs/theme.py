"""The theme side of the MkDocs adapter: a default nav, and theme pieces rendered once per build.

``NavCache`` and ``TocCache`` back ``theme_cache/partials/nav.html`` and
``toc.html``, which wrap Material's own partials: a page that the navigation
does not list sees the same navigation HTML as every other page at the same
place, and case pages share a handful of tables of contents. Rendering
Material's navigation for each of thousands of case pages was the largest
part of its template time.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jinja2 import BytecodeCache

from ..pages.text import relative_url

THEME = Path(__file__).parent / "theme"
"""Overrides any engine with Material can use (the header's search dialog): exported with the docs."""
THEME_CACHE = Path(__file__).parent / "theme_cache"
"""Overrides that only work with the plugin (they call ``casebook_nav`` and ``casebook_toc``)."""


def edit_uris(book, root: Path, docs_dir: Path) -> dict[str, str]:
    """Case page → its record file relative to the docs folder: ``edit_uri`` (mkdocs.yml) names the docs
    folder in the repository, so 「このページを編集」 on a case page opens ``data/cases/<id>.yaml``."""
    docs = os.path.relpath(docs_dir, root)
    return {
        f"cases/{case.id}.md": Path(os.path.relpath(case.location.path, docs)).as_posix()
        for case in book.cases
        if case.location.path
    }


def normal_url(url: str | None) -> str | None:
    """``url`` without ``..`` path segments (``…/main/content/../data/x.yaml`` → ``…/main/data/x.yaml``)."""
    if not url or "/." not in url:
        return url
    parts = urlsplit(url)
    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
    return urlunsplit(parts._replace(path=path))


def default_nav(docs_dir: Path) -> list:
    """A nav for projects that set none: MkDocs' automatic nav would list every case page.

    Hand-written pages as MkDocs would list them, the generated pages only
    through their entry points (事例, 事例の索引).
    """
    nav: list = []
    if (docs_dir / "index.md").is_file():
        nav.append("index.md")
    nav.append({"事例": ["cases/index.md", {"事例の索引": "index/index.md"}, {"要因 × 研修の段階": "index/matrix.md"}]})
    for path in sorted(docs_dir.glob("*.md")):
        if path.name != "index.md":
            nav.append(path.name)
    for folder in sorted(p for p in docs_dir.iterdir() if p.is_dir() and p.name not in ("cases", "index", "assets")):
        pages = sorted(q.relative_to(docs_dir).as_posix() for q in folder.rglob("*.md"))
        pages.sort(key=lambda q: not q.endswith("/index.md"))
        if pages:
            nav.append({folder.name: pages})
    return nav


class MemoryBytecodeCache(BytecodeCache):
    """Compiled theme templates kept by the plugin across ``mkdocs serve`` rebuilds (MkDocs makes a new
    Jinja environment for every build). Jinja checks each entry against the template's source."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class _Blocks:
    """Rendered HTML by key, for one build; a ``None`` key is never stored (render it for that page alone)."""

    def __init__(self):
        self.html: dict[tuple, str] = {}

    def has(self, key) -> bool:
        return key is not None and key in self.html

    def get(self, key) -> str:
        return self.html[key]

    def put(self, key, html: str) -> str:
        if key is not None:
            self.html[key] = html
        return html


class NavCache(_Blocks):
    """Material's navigation HTML for pages the navigation does not list.

    Such a page makes no navigation item active, so the navigation depends
    only on where the page sits: the key is the page's relative URL to every
    navigation target and to the site root.
    """

    def __init__(self, nav):
        super().__init__()
        self.listed = {p.file.src_uri for p in nav.pages}
        self.targets = sorted({p.url for p in nav.pages} | {""})

    def key(self, page) -> tuple | None:
        if page is None or page.file.src_uri in self.listed:
            return None
        return tuple(relative_url(page.url, t) for t in self.targets)


class TocCache(_Blocks):
    """Material's table of contents by what it shows: each entry's title, anchor and entries below it."""

    def key(self, toc) -> tuple | None:
        key = []
        for item in toc or ():
            if getattr(item, "typeset", None):  # a plugin's typeset title: render it for this page
                return None
            children = self.key(item.children)
            if children is None:
                return None
            key.append((item.title, item.url, children))
        return ("toc", *key)
