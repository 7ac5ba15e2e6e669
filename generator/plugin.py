"""The MkDocs plugin: wires MkDocs events to the pipeline stages.

on_config loads and validates the records (a bad record stops the build
with every located message) and builds the model; on_files adds the
generated pages as virtual files and starts the search index;
on_page_markdown fills markers in hand-written pages; on_page_content
links glossary terms and hands each finished article to Pagefind;
on_post_build waits for the index and swaps the new site in.
"""

from __future__ import annotations

import fnmatch
import gc
import os
import re
import secrets
import time
from pathlib import Path

from jinja2 import BytecodeCache
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .errors import DataError
from .history import last_commit_epoch, last_updated
from .output import AtomicSite, strict_warnings
from .indices import Casebook, build_casebook
from .linker import GlossaryLinker
from .mdpage import SharedMarkdown, SharedMarkdownPage
from .mdquick import QuickInlineExtension
from .render import MARKER, PageRenderer, defer_html, flat_globals, relative_url, restore_html
from .safety import protect_external_links, sanitize
from .search import PART_PAGES, SearchIndexError, SiteIndexer, find_binary
from .validate import load_dataset

log = get_plugin_logger("casebook")
ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).parent / "theme"
CSS = "assets/casebook.css"
JS = "assets/casebook-search.js"
ARTICLE = '<article class="md-content__inner md-typeset">'



class CasebookConfig(Config):
    enabled = c.Type(bool, default=True)
    data_dir = c.Type(str, default="data")
    """Folder of the records, relative to mkdocs.yml."""
    templates_dir = c.Optional(c.Type(str))
    """Folder whose templates override the package's (same file names)."""
    glossary_page = c.Type(str, default="glossary/index.md")
    link_glossary_in = c.ListOfItems(c.Type(str), default=["cases/", "training/"])
    """Docs-relative path prefixes whose pages get automatic glossary links."""
    drafts = c.Type(bool, default=False)
    """Also publish records with ``status: 下書き`` (or set CASEBOOK_DRAFTS=1)."""
    search = c.Type(bool, default=True)
    """Index the built site with Pagefind."""
    search_streaming = c.Deprecated(
        message="casebook の設定 '{}' は廃止しました。検索索引はいつもビルドと並行して作られます。mkdocs.yml からこの行を消してください。"
    )
    """Removed: the site is always indexed during the build, part by part (``search.SiteIndexer``)."""
    search_part_pages = c.Type(int, default=PART_PAGES)
    """Pages per Pagefind run; a larger site is indexed in parts that the browser merges (see ``search.PART_PAGES``)."""
    search_exclude = c.ListOfItems(
        c.Type(str),
        default=["search.md", "situation.md", "cases/index.md", "index/index.md", "index/*/index.md", "index/matrix.md", "index/matrix/*", "index/kana/*"],
    )
    """Docs-relative paths (glob patterns) left out of the search index: finders and lists of lists."""
    sanitize_exclude = c.ListOfItems(c.Type(str), default=["search.md", "situation.md"])
    """Pages not passed through the HTML allow-list (they hold the finders' form controls)."""


def _default_nav(docs_dir: Path) -> list:
    """A nav for projects that set none: MkDocs' automatic nav would list every case page.

    Hand-written pages as MkDocs would list them, but the generated pages
    only through their entry points (事例, 事例の索引).
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


class LazyPage(File):
    """A generated page whose Markdown is made when MkDocs first reads it (``PageRenderer.sources``).

    MkDocs reads a generated file's content from ``File._content``; here that
    is a property that calls ``make`` once, on first use. So a full build
    starts converting pages right after ``on_files`` instead of after every
    page is rendered, and the first part of the search index starts sooner.
    """

    casebook_later = False
    """Rendered by a forked child: MkDocs is given these pages last in each search part."""
    _made: str | bytes | None = None
    _make = None

    @classmethod
    def lazy(cls, config, src_uri: str, make, later: bool = False) -> "LazyPage":
        page = cls.generated(config, src_uri, content="")
        page._made, page._make, page.casebook_later = None, make, later
        return page

    @property
    def _content(self):
        if self._made is None and self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    @_content.setter
    def _content(self, value):
        self._made, self._make = value, None


class MemoryBytecodeCache(BytecodeCache):
    """Compiled theme templates kept by the plugin: MkDocs makes a new Jinja environment for every
    build, so each ``mkdocs serve`` rebuild compiled Material's templates again (a tenth of a
    one-case rebuild at 5,000 cases). Jinja checks each entry against the template's source."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class NavCache:
    """Material's navigation HTML by what it depends on, for pages the navigation does not list.

    Such a page makes no navigation item active, so the navigation's HTML
    depends only on where the page sits: the key is the page's relative URL to
    every navigation target and to the site root.
    """

    def __init__(self, nav):
        self.listed = {p.file.src_uri for p in nav.pages}
        self.targets = sorted({p.url for p in nav.pages} | {""})
        self.html: dict[tuple, str] = {}

    def key(self, page) -> tuple | None:
        if page is None or page.file.src_uri in self.listed:
            return None
        return tuple(relative_url(page.url, t) for t in self.targets)

    def has(self, key) -> bool:
        return key in self.html

    def get(self, key) -> str:
        return self.html[key]

    def put(self, key, html: str) -> str:
        if key is not None:
            self.html[key] = html
        return html


class BlockCache:
    """Theme blocks by a key the template gives (theme/main.html, partials/header.html, partials/toc.html), for one build.

    A ``None`` key is never stored: the template renders that block for its page alone.
    """

    def __init__(self):
        self.html: dict[tuple, str] = {}
        self.reused = 0

    def has(self, key) -> bool:
        return key is not None and key in self.html

    def get(self, key) -> str:
        self.reused += 1
        return self.html[key]

    def put(self, key, html: str) -> str:
        if key is not None:
            self.html[key] = html
        return html

    @staticmethod
    def toc_key(toc) -> tuple | None:
        """What Material's partials/toc.html shows of a page's table of contents: each entry's title, link and
        entries below it (the links are anchors in the page). Case pages share a handful of such tables.
        ``None`` (render it for this page) when a plugin set an entry's ``typeset`` title."""
        key = []
        for item in toc or ():
            if getattr(item, "typeset", None):
                return None
            children = BlockCache.toc_key(item.children)
            if children is None:
                return None
            key.append((item.title, item.url, children))
        return ("toc", *key)


class CasebookPlugin(BasePlugin[CasebookConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command, dirty):
        self.is_serve = command == "serve"
        self.is_dirty = dirty
        # Kept across `mkdocs serve --dirty` rebuilds (the plugin object lives as long as the server):
        self._memo: dict = {}
        """Rendered Markdown by its inputs (PageRenderer.memo)."""
        self._written: dict[str, int] = {}
        """Docs path → hash of the Markdown its HTML was last built from."""
        self._indexed = False
        self._deferred_memo: dict[str, tuple[str, str, list[str]]] = {}
        """serve --dirty: path → (Markdown, Markdown with placeholders, blocks)."""
        self._bytecode = MemoryBytecodeCache()
        self._token = "cb" + secrets.token_hex(8)
        """Names deferred HTML blocks in this process's Markdown (render.defer_html)."""

    @property
    def _incremental(self) -> bool:
        return getattr(self, "is_serve", False) and getattr(self, "is_dirty", False)

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path).parent.resolve()
        self.data_dir = (self.root / self.config.data_dir).resolve()
        self.docs_dir = Path(config.docs_dir).resolve()
        for ext in ("attr_list", "admonition", "tables", "toc"):
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        if not any(isinstance(ext, QuickInlineExtension) for ext in config.markdown_extensions):
            config.markdown_extensions.append(QuickInlineExtension())
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        if JS not in config.extra_javascript:
            config.extra_javascript.append(JS)
        if str(THEME) not in config.theme.dirs:  # after a project's custom_dir, before Material's own
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if config.nav is None:
            config.nav = _default_nav(self.docs_dir)
        try:
            dataset = load_dataset(self.root, self.data_dir, self.docs_dir, use_cache=True)
        except DataError as exc:
            raise PluginError("事例データに問題があります。\n" + exc.summary()) from None
        drafts = self.config.drafts or os.environ.get("CASEBOOK_DRAFTS") == "1"
        self.book: Casebook = build_casebook(dataset, include_drafts=drafts)
        templates = self.root / self.config.templates_dir if self.config.templates_dir else None
        memo = self._memo if self._incremental else None
        self.renderer = PageRenderer(self.book, last_updated(self.root, self.data_dir), templates, config.use_directory_urls, memo)
        self.linker = GlossaryLinker(self.book.glossary)
        log.info(f"事例 {len(self.book.cases)} 件、用語 {len(self.book.glossary)} 件を読み込みました。")
        if "SOURCE_DATE_EPOCH" not in os.environ:  # reproducible dates (sitemap): the last commit's time
            epoch = last_commit_epoch(self.root)
            if epoch:
                os.environ["SOURCE_DATE_EPOCH"] = epoch
        self.swap = None
        if not (getattr(self, "is_serve", False) or getattr(self, "is_dirty", False)):
            self.swap = AtomicSite(Path(config.site_dir))
            config.site_dir = str(self.swap.staging)
            # The records and the model live until the build ends: out of the collector's sight, its full
            # passes over the growing build no longer walk them (0.6 -> 0.3 s of 5,000 cases' build), and a
            # forked child never touches them. Not under serve, where each rebuild's model must be freed.
            gc.freeze()
        return config

    def _add_pages(self, files: Files, config):
        if not self.config.enabled:
            return files
        self.deferred: dict[str, list[str]] = {}
        self._generated: set[str] = set()
        """Paths of the pages this plugin adds."""
        self._written_sources_skip = {f"cases/{i}.md" for i in self.book.dataset.narratives}
        narratives = self.book.dataset.narratives
        for case_id in narratives:
            self._drop(files, f"cases/{case_id}.md")
        if not self._incremental:
            for path, make, later in self.renderer.sources():
                self._add_lazy(files, config, path, make, later)
        else:  # serve --dirty: every page now, to compare with what was built
            for path, markdown in self.renderer.pages():
                self._add(files, config, path, markdown)
            for file in files.documentation_pages():
                if file.abs_src_path and file.src_uri not in self._written_sources_skip:
                    text = Path(file.abs_src_path).read_text(encoding="utf-8")
                    if "casebook:" in text:
                        digest = hash(self.renderer.fill_markers(text, file.src_uri))
                        if self._written.get(file.src_uri) != digest:
                            file.is_modified = lambda: True  # type: ignore[method-assign]
                        self._written[file.src_uri] = digest
        for asset in (CSS, JS):
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(ASSETS / Path(asset).name)))
        # Browsers ask for /favicon.ico whatever the page says; answer with the theme's icon instead of a 404.
        icon = files.get_file_from_path(str(config.theme.get("favicon") or "assets/images/favicon.png"))
        if icon is not None and files.get_file_from_path("favicon.ico") is None:
            files.append(File.generated(config, "favicon.ico", abs_src_path=icon.abs_src_path))
        return files

    @event_priority(-100)  # after every plugin has added its pages
    def _start_search(self, files: Files, config):
        """Start the search index, and order the pages so that MkDocs completes its parts one after another."""
        self.indexer = None
        if not (self.config.enabled and self.config.search) or (self._incremental and self._indexed):
            return files
        pages = {f.dest_uri: f for f in files.documentation_pages() if not self._unsearched(f.src_uri)}
        self.indexer = SiteIndexer(self.binary, Path(config.site_dir), list(pages), self.config.search_part_pages)
        # Part by part; in a part, the pages a forked child renders last, so that its share has arrived.
        part_of = self.indexer.part_of
        first = sorted((pages[p] for p in self.indexer.order), key=lambda f: (part_of[f.dest_uri], getattr(f, "casebook_later", False)))
        rest = [f for f in files if f.dest_uri not in pages]
        return Files(first + rest)

    on_files = CombinedEvent(_add_pages, _start_search)

    @staticmethod
    def _drop(files: Files, path: str) -> None:
        """Remove the file at ``path``, if any (the generated page takes its place)."""
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)

    def _add(self, files: Files, config, path: str, markdown: str) -> None:
        self._drop(files, path)
        self._generated.add(path)
        prev = self._deferred_memo.get(path)
        if prev is not None and prev[0] == markdown:  # serve: the memoised Markdown, the same string object
            markdown, blocks = prev[1], prev[2]
        else:
            source = markdown
            markdown, blocks = defer_html(markdown, self._token)
            if self._incremental:
                self._deferred_memo[path] = (source, markdown, blocks)
        if blocks:
            self.deferred[path] = blocks
        file = File.generated(config, path, content=markdown)
        if self._incremental:
            self._rebuild_only_if_changed(file, hash((markdown, tuple(blocks))))
        files.append(file)

    def _add_lazy(self, files: Files, config, path: str, make, later: bool) -> None:
        self._drop(files, path)
        self._generated.add(path)

        def markdown() -> str:
            text, blocks = defer_html(make(), self._token)
            if blocks:
                self.deferred[path] = blocks
            return text

        files.append(LazyPage.lazy(config, path, markdown, later))

    def _rebuild_only_if_changed(self, file: File, digest: int) -> None:
        """In ``serve --dirty``, a page whose Markdown is what its HTML was built from is not built again.

        MkDocs rebuilds a generated file on every dirty build (it has no source
        time to compare); comparing the content itself keeps a one-case edit to
        the few pages that show that case.
        """
        path = file.src_uri
        if self._written.get(path) == digest:
            file.is_modified = lambda: not os.path.isfile(file.abs_dest_path)  # type: ignore[method-assign]
        self._written[path] = digest

    @event_priority(-50)
    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        here = page.file.src_uri
        blocks: list[str] = []
        # Only what markers generate is deferred: a hand-written page's own HTML goes through Markdown and the allow-list.
        filled = self.renderer.fill_markers(markdown, here, post=lambda out: defer_html(out, self._token, blocks)[0])
        if blocks:
            self.deferred[here] = blocks
        for m in MARKER.finditer(filled):
            log.warning(f"{here}: 不明なマーカー「{m.group(0)}」があります。")
        return filled

    def _page_content(self, html, page, config, files):
        if not self.config.enabled:
            return html
        uri = page.file.src_uri
        if not any(fnmatch.fnmatchcase(uri, p) for p in self.config.sanitize_exclude):
            # Narratives and hand-written pages come from contributors: Markdown's output passes the allow-list.
            # The deferred blocks are the package's templates, which escape every record value (autoescape).
            html = sanitize(html)
        html = protect_external_links(html)
        blocks = self.deferred.get(uri)
        if blocks:
            html = restore_html(html, blocks, self._token)
        if uri == self.config.glossary_page or not any(uri.startswith(p) for p in self.config.link_glossary_in):
            return html
        glossary = files.get_file_from_path(self.config.glossary_page)
        if glossary is None:
            return html
        return self.linker.link(html, get_relative_url(glossary.url, page.url))

    @event_priority(-100)  # the article as the page will show it, after every plugin's changes
    def _snapshot_for_search(self, html, page, config, files):
        if getattr(self, "indexer", None) is not None:
            self.indexer.snapshot(page.file.dest_uri, page.title or config.site_name, html)
        return html

    on_page_content = CombinedEvent(_page_content, _snapshot_for_search)

    def on_nav(self, nav, config, files):
        if self.config.enabled:
            self.nav_cache = NavCache(nav)
            # The generated pages outside the nav get, instead of the plain Page that MkDocs made
            # for them, one that converts with the build's shared Markdown instance (mdpage), in pieces
            # around the placeholders of their deferred blocks (mdpieces).
            shared = SharedMarkdown(config, re.compile(re.escape(self._token) + r"x\d+"))
            if shared.usable:
                listed = self.nav_cache.listed
                for file in files.documentation_pages():
                    if file.src_uri in self._generated and file.src_uri not in listed and type(file.page) is Page:
                        SharedMarkdownPage(None, file, config).shared = shared
        return nav

    def on_env(self, env, config, files):
        """``casebook-theme-original/…`` names the theme's templates after this package's overrides (see theme/partials/nav.html)."""
        if not self.config.enabled:
            return env
        from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

        after = config.theme.dirs[config.theme.dirs.index(str(THEME)) + 1 :]
        env.loader = ChoiceLoader([env.loader, PrefixLoader({"casebook-theme-original": FileSystemLoader(after)})])
        env.globals["casebook_nav"] = self.nav_cache
        env.globals["casebook_blocks"] = self.block_cache = BlockCache()
        flat_globals(env)
        if env.bytecode_cache is None:
            env.bytecode_cache = self._bytecode
        return env

    def on_pre_build(self, config):
        self.indexer = None
        self.binary = None
        if not (self.config.enabled and self.config.search):
            return
        self.binary = find_binary(self.root)
        if self.binary is None:
            raise PluginError("Pagefind が見つかりません。`make site`（または `npm ci`）で入れてください。検索なしで作るには mkdocs.yml で casebook の search: false を指定します。")
        if self.binary.warning:
            log.warning(self.binary.warning)

    def on_post_page(self, output, page, config):
        """Mark the page's article as Pagefind's body (nav, header and footer stay out), as its snapshot was indexed."""
        if not (self.config.enabled and self.config.search):
            return output
        if self._unsearched(page.file.src_uri):
            return output
        return output.replace(ARTICLE, ARTICLE[:-1] + " data-pagefind-body>", 1)

    def _unsearched(self, src_uri: str) -> bool:
        return any(fnmatch.fnmatchcase(src_uri, p) for p in self.config.search_exclude)

    def _index(self, config) -> None:
        log.debug("Every page is written; finishing the search index.")
        try:
            summary = self.indexer.finish(keep_stage=self.swap is not None)
            if self.swap is not None:
                self.swap.remove_later(self.indexer.stage)
        except SearchIndexError as exc:
            raise PluginError(str(exc)) from None
        finally:
            self.indexer = None
        log.info(f"Pagefind（{self.binary.origin}）で検索索引を作りました。{summary}")

    @event_priority(-100)  # after every other plugin's post_build: index, then swap, last
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        log.debug(f"Theme blocks: {len(self.block_cache.html)} rendered, reused {self.block_cache.reused} times.")
        if self.indexer is not None:
            self._index(config)
            self._indexed = True
        elif self.config.search:
            log.info("プレビュー（serve --dirty）では検索索引を作り直しません。最新の索引は mkdocs build で作られます。")
        if self.swap is None:
            return
        if config.strict and strict_warnings():
            # MkDocs aborts right after this event; the previous site must stay as it was.
            self.swap.discard()
            return
        started = time.perf_counter()
        self.swap.commit()
        log.debug(f"The new site is in place ({time.perf_counter() - started:.1f} s, with removing the previous one).")

    def on_build_error(self, *, error):
        if getattr(self, "indexer", None) is not None:
            self.indexer.abort()
            self.indexer = None
        if getattr(self, "swap", None) is not None:
            self.swap.discard()

    def on_serve(self, server, config, builder):
        if self.config.enabled:
            _native_watcher(server)
            server.watch(str(self.data_dir))
        return server


def _native_watcher(server) -> None:
    """Let ``mkdocs serve`` hear of changes from the OS (inotify) instead of polling every half second.

    MkDocs polls for portability; with 5,000 record files each poll stats them
    all in Python, competing with the rebuild, and an edit waits up to 0.5 s to
    be noticed. Where watchdog has a native observer, the watches are moved to
    it before the server starts; anything unexpected leaves MkDocs' own.

    Only changes count: a native observer also reports files being opened and
    read, and MkDocs rebuilds on any event, so the build's own reads would start
    the next build, for ever.
    """
    try:
        from watchdog import events
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        if Observer is PollingObserver or type(server.observer) is not PollingObserver or server.observer.is_alive():
            return
        changes = [
            events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
            events.FileClosedEvent, events.FileAttribEvent, events.DirCreatedEvent, events.DirDeletedEvent,
            events.DirMovedEvent, events.DirModifiedEvent,
        ]  # fmt: skip

        class ChangesOnly(Observer):
            def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
                return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or changes, follow_symlink=follow_symlink)

        watched = dict(server._watched_paths)
        for path in watched:
            server.unwatch(path)
        server.observer = ChangesOnly()
        for path, count in watched.items():
            for _ in range(count):
                server.watch(path)
    except Exception as exc:  # noqa: BLE001 - MkDocs or watchdog internals changed: keep MkDocs' polling observer
        log.debug(f"OS のファイル監視に切り替えられませんでした: {exc}")
