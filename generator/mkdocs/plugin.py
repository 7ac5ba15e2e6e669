"""The MkDocs plugin: MkDocs events wired to the engine-independent core.

- ``on_config``: load and validate the records (``records.load_dataset``; a bad
  record stops the build with every located message), build the model, set up
  the renderer; add the pages' styles, the search script, the theme overrides.
- ``on_files``: add every generated page (``pages.PageRenderer``) as a virtual
  file, what Markdown would leave as it is kept out of Markdown
  (``pages.deferred``); start the search index (``search.SiteIndexer``) and
  order the pages so that its parts fill one after another.
- ``on_nav`` / ``on_env``: the navigation and table-of-contents caches
  (``mkdocs.theme``).
- ``on_page_markdown``: fill the markers of hand-written pages (``pages.markers``).
- ``on_page_content``: allow-list, safe external links, deferred HTML back,
  the table of contents, glossary links (``postprocess.site.ArticleProcessor``);
  hand the finished article to the search index.
- ``on_post_page``: mark the article as Pagefind's body.
- ``on_post_build``: finish the search index, then swap the new site in
  (``postprocess.atomic.AtomicSite``).

``casebook export-docs`` and ``casebook postprocess`` do the same for another engine.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markdown.extensions.toc import slugify as markdown_slugify
from markdown.extensions.toc import unique
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from ..model.casebook import Casebook, build_casebook
from ..model.history import last_commit_epoch, last_updated
from ..pages.deferred import defer_html, page_toc, restore_html
from ..pages.markers import MARKER, fill_markers
from ..pages.renderer import PageRenderer
from ..postprocess.atomic import AtomicSite, remove_stale, strict_warnings
from ..postprocess.faults import SignalCleanup, file_error
from ..postprocess.settings import Settings
from ..postprocess.site import ASSET_FILES, ArticleProcessor
from ..records import DataError, load_dataset
from ..search.pagefind import SearchIndexError, SiteIndexer, find_binary
from .theme import THEME, THEME_CACHE, MemoryBytecodeCache, NavCache, TocCache, default_nav

log = get_plugin_logger("casebook")
PLAIN_TEXT_SAFE = frozenset(
    ("admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "meta", "sane_lists")
    + ("tables", "toc")
)
"""Markdown's extensions that write plain text (no character they read) as it is: with only these configured,
plain headings and paragraphs of generated pages can be written without Markdown (``pages.deferred``)."""
ARTICLE = '<article class="md-content__inner md-typeset">'
_DEFAULTS = Settings()


class CasebookConfig(Config):
    """The plugin's options; their meaning and defaults are ``postprocess.settings.Settings``'s."""

    enabled = c.Type(bool, default=True)
    data_dir = c.Type(str, default=_DEFAULTS.data_dir)
    templates_dir = c.Optional(c.Type(str))
    glossary_page = c.Type(str, default=_DEFAULTS.glossary_page)
    link_glossary_in = c.ListOfItems(c.Type(str), default=list(_DEFAULTS.link_glossary_in))
    drafts = c.Type(bool, default=_DEFAULTS.drafts)
    search = c.Type(bool, default=_DEFAULTS.search)
    search_streaming = c.Deprecated(
        message="casebook の設定 '{}' は廃止しました。検索索引はいつもビルドと並行して作られます。"
        "mkdocs.yml からこの行を消してください。"
    )
    search_part_pages = c.Type(int, default=_DEFAULTS.search_part_pages)
    search_exclude = c.ListOfItems(c.Type(str), default=list(_DEFAULTS.search_exclude))
    sanitize_exclude = c.ListOfItems(c.Type(str), default=list(_DEFAULTS.sanitize_exclude))
    defer_plain_text = c.Type(bool, default=True)
    """Write the plain headings and paragraphs of generated pages as Markdown would, without it (the same
    HTML, checked by tests/test_deferred.py); off: only the template-made HTML blocks skip Markdown."""


class CasebookPlugin(BasePlugin[CasebookConfig]):
    """Builds the casebook's pages into a MkDocs site (see the module docstring for the events)."""

    supports_multiple_instances = False

    def __init__(self):
        self.is_serve = False
        self.is_dirty = False
        self.memo: dict = {}
        """Rendered Markdown by its inputs, kept across ``serve --dirty`` rebuilds (``PageRenderer.memo``)."""
        self.kept: dict[str, tuple] = {}
        """``serve --dirty``: docs path → (the renderer's Markdown, what ``defer_html`` made of it), last build."""
        self.written: dict[str, int] = {}
        """``serve --dirty``: hand-written page → hash of the Markdown its markers gave at the last build."""
        self.indexed = False
        """The search index was built once (``serve --dirty`` does not rebuild it)."""
        self.bytecode = MemoryBytecodeCache()
        self.token = "cb" + secrets.token_hex(8)
        """Names the deferred HTML blocks of this process's pages (``pages.deferred``)."""
        self.settings = _DEFAULTS
        self.book: Casebook | None = None
        self.renderer: PageRenderer | None = None
        self.articles: ArticleProcessor | None = None
        self.deferred: dict[str, list[str]] = {}
        """Docs path → its deferred HTML blocks, for this build."""
        self.headings: dict[str, list[tuple[int, str, str]]] = {}
        """Docs path → the headings that went with its blocks (their table of contents is made in on_page_content)."""
        self.swap: AtomicSite | None = None
        self.site_target: Path | None = None
        """The site folder mkdocs.yml names (a build writes into ``swap.staging`` instead)."""
        self.config_file: Path | None = None
        self.signals = SignalCleanup(self._remove_working_folders)
        """Removes this build's working folders on SIGTERM, SIGHUP or SIGINT (set during a build)."""
        self.indexer: SiteIndexer | None = None
        self.binary = None
        self.nav_cache: NavCache | None = None
        self.data_dir: Path | None = None
        self.plain_text_safe = False
        """Plain headings and paragraphs of generated pages are written outside Markdown (``defer_plain_text``)."""

    def on_startup(self, *, command, dirty):
        self.is_serve = command == "serve"
        self.is_dirty = dirty

    @property
    def incremental(self) -> bool:
        return self.is_serve and self.is_dirty

    def on_config(self, config):
        if not self.config.enabled:
            return config
        options = {k: v for k, v in self.config.items() if k not in ("enabled", "search_streaming", "defer_plain_text")}
        self.settings = settings = Settings.from_options(options)
        self.site_target, self.config_file = Path(config.site_dir), Path(config.config_file_path)
        root = Path(config.config_file_path).parent.resolve()
        self.data_dir = (root / settings.data_dir).resolve()
        docs_dir = Path(config.docs_dir).resolve()
        for ext in ("attr_list", "admonition", "tables", "toc"):
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        for asset in ASSET_FILES:
            extra = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if asset not in extra:
                extra.append(asset)
        at = 1 if config.theme.custom_dir else 0  # after a project's custom_dir, before Material's own
        for folder in (THEME_CACHE, THEME):
            if str(folder) not in config.theme.dirs:
                config.theme.dirs.insert(at, str(folder))
        if config.nav is None:
            config.nav = default_nav(docs_dir)
        try:
            dataset = load_dataset(root, self.data_dir, docs_dir, use_cache=True)
        except DataError as exc:
            raise PluginError("事例データに問題があります。\n" + exc.summary()) from None
        drafts = settings.drafts or os.environ.get("CASEBOOK_DRAFTS") == "1"
        self.book = build_casebook(dataset, include_drafts=drafts)
        templates = root / settings.templates_dir if settings.templates_dir else None
        memo = self.memo if self.incremental else None
        self.renderer = PageRenderer(
            self.book, last_updated(root, self.data_dir), templates, config.use_directory_urls, memo
        )
        self.articles = ArticleProcessor(settings, self.book.glossary, config.use_directory_urls)
        log.info(f"事例 {len(self.book.cases)} 件、用語 {len(self.book.glossary)} 件を読み込みました。")
        if "SOURCE_DATE_EPOCH" not in os.environ:  # reproducible dates (sitemap): the last commit's time
            epoch = last_commit_epoch(root)
            if epoch:
                os.environ["SOURCE_DATE_EPOCH"] = epoch
        self.swap = None
        try:  # the output folder is made now: a site that cannot be written stops the build before any work
            if not (self.is_serve or self.is_dirty):
                self.swap = AtomicSite(self.site_target)
                self.swap.staging.mkdir(parents=True, exist_ok=True)
                config.site_dir = str(self.swap.staging)
            else:
                remove_stale(self.site_target.resolve())
                self.site_target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PluginError(file_error(exc, self.config_file, self.site_target)) from None
        self.signals.install()
        return config

    # -- files -------------------------------------------------------------------
    def _add_pages(self, files: Files, config):
        if not self.config.enabled:
            return files
        self.deferred = {}
        self.headings = {}
        self.plain_text_safe = self.config.defer_plain_text and self._plain_text_safe(config)
        narratives = self.book.dataset.narratives
        for case_id in narratives:  # a narrative is part of its case page, not a page of its own
            _drop(files, f"cases/{case_id}.md")
        for path, markdown in self.renderer.pages():
            self._add(files, config, path, markdown)
        if self.incremental:
            self._mark_changed_markers(files, {f"cases/{i}.md" for i in narratives})
        for asset, source in ASSET_FILES.items():
            if files.get_file_from_path(asset) is None:
                files.append(File.generated(config, asset, abs_src_path=str(source)))
        # Browsers ask for /favicon.ico whatever the page says; answer with the theme's icon instead of a 404.
        icon = files.get_file_from_path(str(config.theme.get("favicon") or "assets/images/favicon.png"))
        if icon is not None and files.get_file_from_path("favicon.ico") is None:
            files.append(File.generated(config, "favicon.ico", abs_src_path=icon.abs_src_path))
        return files

    @staticmethod
    def _plain_text_safe(config) -> bool:
        for ext in config.markdown_extensions:
            name = ext if isinstance(ext, str) else type(ext).__module__
            if name.removeprefix("markdown.extensions.") not in PLAIN_TEXT_SAFE:
                return False
        return True

    def _heading_ids(self, config):
        """The ids the toc extension would give a page's headings, in order (its ``slugify`` and ``separator``)."""
        toc = config.mdx_configs.get("toc") or {}
        slugify, separator = toc.get("slugify") or markdown_slugify, toc.get("separator", "-")
        used: set[str] = set()

        def heading_id(text: str) -> str:
            anchor = unique(slugify(text, separator), used)
            used.add(anchor)
            return anchor

        return heading_id

    def _add(self, files: Files, config, path: str, source: str) -> None:
        _drop(files, path)
        kept = self.kept.get(path) if self.incremental else None
        if kept is not None and kept[0] is source:  # serve --dirty: the renderer's memo gave the same Markdown
            markdown, blocks, headings = kept[1]
            unchanged = True
        else:
            safe = self.plain_text_safe
            heading_id = self._heading_ids(config) if safe else None
            markdown, blocks, headings = defer_html(source, self.token, heading_id=heading_id, paragraphs=safe)
            unchanged = kept is not None and kept[1] == (markdown, blocks, headings)
            if self.incremental:
                self.kept[path] = (source, (markdown, blocks, headings))
        if blocks:
            self.deferred[path] = blocks
        if headings:
            self.headings[path] = headings
        file = File.generated(config, path, content=markdown)
        if unchanged:  # a page whose Markdown is what its HTML was built from is not built again
            file.is_modified = lambda: not os.path.isfile(file.abs_dest_path)  # type: ignore[method-assign]
        files.append(file)

    def _mark_changed_markers(self, files: Files, narratives: set[str]) -> None:
        """``serve --dirty``: a hand-written page whose markers now give other Markdown is built again."""
        for file in files.documentation_pages():
            if file.abs_src_path and file.src_uri not in narratives:
                text = Path(file.abs_src_path).read_text(encoding="utf-8")
                if "casebook:" in text:
                    digest = hash(fill_markers(self.renderer, text, file.src_uri))
                    if self.written.get(file.src_uri) != digest:
                        file.is_modified = lambda: True  # type: ignore[method-assign]
                    self.written[file.src_uri] = digest

    @event_priority(-100)  # after every plugin has added its pages
    def _start_search(self, files: Files, config):
        """Start the search index, and order the pages so that MkDocs completes its parts one after another."""
        self.indexer = None
        if not (self.config.enabled and self.settings.search) or (self.incremental and self.indexed):
            return files
        pages = {f.dest_uri: f for f in files.documentation_pages() if self.settings.searchable(f.src_uri)}
        self.indexer = SiteIndexer(
            self.binary, Path(config.site_dir), list(pages), self.settings.search_part_pages, threads=1
        )
        first = [pages[p] for p in self.indexer.order]
        return Files(first + [f for f in files if f.dest_uri not in pages])

    on_files = CombinedEvent(_add_pages, _start_search)

    # -- pages -------------------------------------------------------------------
    @event_priority(-50)
    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        here = page.file.src_uri
        blocks: list[str] = []
        # Only what markers generate is deferred: a hand-written page's own HTML goes through Markdown and the
        # allow-list.
        filled = fill_markers(self.renderer, markdown, here, post=lambda out: defer_html(out, self.token, blocks)[0])
        if blocks:
            self.deferred[here] = blocks
        for m in MARKER.finditer(filled):
            log.warning(f"{here}: 不明なマーカー「{m.group(0)}」があります。")
        return filled

    def _page_content(self, html, page, config, files):
        if not self.config.enabled:
            return html
        uri = page.file.src_uri
        # What Markdown rendered passes the allow-list; the deferred blocks are the package's autoescaped templates.
        html = self.articles.clean(html, uri)
        blocks = self.deferred.get(uri)
        if blocks:
            html = restore_html(html, blocks, self.token)
        if uri in self.headings:  # the table of contents of every heading, Markdown's and the blocks' own
            names = {item.id: item.title for item in _walk(page.toc)}
            html, tokens = page_toc(html, names)
            page.toc = get_toc(tokens)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids |= {anchor for _level, anchor, _text in self.headings[uri]}
        return self.articles.link_glossary(html, uri, page.url)

    @event_priority(-100)  # the article as the page will show it, after every plugin's changes
    def _snapshot_for_search(self, html, page, config, files):
        if self.indexer is not None:
            self.indexer.snapshot(page.file.dest_uri, page.title or config.site_name, html)
        return html

    on_page_content = CombinedEvent(_page_content, _snapshot_for_search)

    def on_post_page(self, output, page, config):
        """Mark the page's article as Pagefind's body (nav, header and footer stay out), as its snapshot was indexed."""
        if not (self.config.enabled and self.settings.search and self.settings.searchable(page.file.src_uri)):
            return output
        return output.replace(ARTICLE, ARTICLE[:-1] + " data-pagefind-body>", 1)

    # -- theme -------------------------------------------------------------------
    def on_nav(self, nav, config, files):
        if self.config.enabled:
            self.nav_cache = NavCache(nav)
        return nav

    def on_env(self, env, config, files):
        """``casebook-theme-original/…`` names the theme's templates after this package's overrides (theme_cache/)."""
        if not self.config.enabled:
            return env
        after = config.theme.dirs[config.theme.dirs.index(str(THEME_CACHE)) + 1 :]
        env.loader = ChoiceLoader([env.loader, PrefixLoader({"casebook-theme-original": FileSystemLoader(after)})])
        env.globals["casebook_nav"] = self.nav_cache
        env.globals["casebook_toc"] = TocCache()
        if env.bytecode_cache is None:
            env.bytecode_cache = self.bytecode
        return env

    # -- build -------------------------------------------------------------------
    def on_pre_build(self, config):
        self.indexer = None
        self.binary = None
        if not (self.config.enabled and self.settings.search):
            return
        self.binary = find_binary(Path(config.config_file_path).parent)
        if self.binary is None:
            raise PluginError(
                "Pagefind が見つかりません。`make site`（または `npm ci`）で入れてください。"
                "検索なしで作るには mkdocs.yml で casebook の search: false を指定します。"
            )
        if self.binary.warning:
            log.warning(self.binary.warning)

    @event_priority(-100)  # after every other plugin's post_build: index, then swap, last
    def on_post_build(self, config):
        if not self.config.enabled:
            return
        try:
            self._finish(config)
        finally:
            self.signals.restore()

    def _finish(self, config) -> None:
        if self.indexer is not None:
            try:
                summary = self.indexer.finish(keep_stage=self.swap is not None)
                if self.swap is not None:
                    self.swap.remove_later(self.indexer.stage)
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
            finally:
                self.indexer = None
            self.indexed = True
            log.info(f"Pagefind（{self.binary.origin}）で検索索引を作りました。{summary}")
        elif self.settings.search:
            log.info(
                "プレビュー（serve --dirty）では検索索引を作り直しません。最新の索引は mkdocs build で作られます。"
            )
        if self.swap is None:
            return
        if config.strict and strict_warnings():
            self.swap.discard()  # MkDocs aborts right after this event; the previous site stays as it was
            return
        self.swap.commit()

    @event_priority(-100)  # last: a file-system error becomes a message (Abort) instead of a traceback
    def on_build_error(self, *, error):
        self._remove_working_folders()
        self.signals.restore()
        if isinstance(error, OSError) and self.config_file is not None:
            log.error(file_error(error, self.config_file, self.site_target))
            raise Abort("ファイルを読み書きできなかったため、ビルドを中止しました。") from None

    def _remove_working_folders(self) -> None:
        """A failed or interrupted build: stop Pagefind, remove the staged site and the staged pages."""
        if self.indexer is not None:
            self.indexer.abort()
            self.indexer = None
        if self.swap is not None:
            self.swap.discard()

    def on_serve(self, server, config, builder):
        if self.config.enabled:
            server.watch(str(self.data_dir))
        return server


def _drop(files: Files, path: str) -> None:
    """Remove the file at ``path``, if any (a generated page takes its place)."""
    existing = files.get_file_from_path(path)
    if existing is not None:
        files.remove(existing)


def _walk(toc):
    for item in toc:
        yield item
        yield from _walk(item.children)
