"""The casebook options, engine-independent: the MkDocs plugin's config and ``casebook postprocess`` read the same."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from ..search.pagefind import PART_PAGES

SEARCH_EXCLUDE = (
    "index.md",  # the home page is a way in, not an answer (issue 23)
    "search.md",
    "situation.md",
    "cases/index.md",
    "index/index.md",
    "index/*/index.md",
    "index/matrix.md",
    "index/matrix/*",
    "index/kana/*",
    "packets.md",  # course packets (issue 24): the builder and the printable worksheets
    "training/worksheets/*",
)
"""Docs-relative paths (glob patterns) left out of the search index: the home page, finders and lists of lists."""


@dataclass(frozen=True)
class Settings:
    data_dir: str = "data"
    """Folder of the records, relative to mkdocs.yml."""
    templates_dir: str | None = None
    """Folder whose templates override the package's (same file names)."""
    glossary_page: str = "glossary/index.md"
    link_glossary_in: tuple[str, ...] = ("cases/", "training/")
    """Docs-relative path prefixes whose pages get automatic glossary links."""
    drafts: bool = False
    """Also publish records with ``status: 下書き`` (or set CASEBOOK_DRAFTS=1)."""
    search: bool = True
    """Index the built site with Pagefind."""
    search_part_pages: int = PART_PAGES
    """Pages per Pagefind run; a larger site is indexed in parts that the browser merges."""
    search_exclude: tuple[str, ...] = SEARCH_EXCLUDE
    finder_pages: tuple[str, ...] = ("search.md", "situation.md", "packets.md")
    """Pages cleaned with the finders' allow-list (``sanitize.FINDER_TAGS``: their form controls too);
    every other page gets the plain one. No page skips the allow-list."""

    def searchable(self, src_uri: str) -> bool:
        return not any(fnmatch.fnmatchcase(src_uri, p) for p in self.search_exclude)

    def finder(self, src_uri: str) -> bool:
        return any(fnmatch.fnmatchcase(src_uri, p) for p in self.finder_pages)

    def glossary_linked(self, src_uri: str) -> bool:
        return src_uri != self.glossary_page and any(src_uri.startswith(p) for p in self.link_glossary_in)

    @classmethod
    def from_options(cls, options: dict) -> Settings:
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items() if k in known}
        return cls(**values)


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml as data: tags such as ``!!python/name:`` (code MkDocs would load) become None."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_mkdocs_yml(root: Path) -> dict:
    """The project's mkdocs.yml as plain data ({} when missing)."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Lenient) or {}


def casebook_options(config: dict) -> dict:
    """The casebook plugin's options in a loaded mkdocs.yml ({} when it lists the plugin without options)."""
    for entry in config.get("plugins") or ():
        if entry == "casebook":
            return {}
        if isinstance(entry, dict) and "casebook" in entry:
            return entry["casebook"] or {}
    return {}
