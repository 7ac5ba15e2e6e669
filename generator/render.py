"""Stage 4, render: the site's generated pages as (path, Markdown) pairs.

Nothing here knows MkDocs: ``PageRenderer.pages()`` yields every generated
page and ``fill_markers`` expands the ``<!-- casebook:… -->`` markers in
hand-written pages. The plugin and ``casebook export-docs`` both use it.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
from functools import lru_cache, partial
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from types import BuiltinFunctionType, FunctionType
from typing import Callable, Iterator

import jinja2
import jinja2.compiler
import markupsafe
from markupsafe import Markup

from . import forked, kana_key
from .indices import KANA_ROWS, Casebook, decade_label
from .model import STAGE_SLUGS, STAGES
from .prefectures import BY_NAME as PREFECTURE_BY_NAME
from .related import WEIGHTS, Related

TEMPLATES = Path(__file__).parent / "templates"
SEARCH_FILTERS = (
    ("段階", "stage"),
    ("都道府県", "prefecture"),
    ("種類", "kind"),
    ("法人格", "legal_form"),
    ("地域課題", "regional_issue"),
    ("主な活動", "activity"),
    ("収入源", "income"),
    ("形成の要因", "formation_factor"),
    ("持続の要因", "sustainability_factor"),
    ("活動範囲", "scope"),
)
"""(Pagefind filter name, facet) on every case page; 地方 is added from the prefecture."""
MARKER = re.compile(r"<!--\s*casebook:([a-z-]+)(?:\s+([^>]*?))?\s*-->")
STAGE_PAGE_LIMIT = 20
"""A training page shows at most this many cases; the stage index lists them all."""
RECENT = 5
CASE_CHUNK = 64
"""Case pages per chunk when rendering every page at once (``PageRenderer.pages``): about 20 ms of work."""
FORK_MIN = 400
"""From this many cases, a full build renders a share of the case pages in a forked child."""
CHILD_SHARE = 0.58
"""In a full build (``sources``), the child's share of the case pages: this process also renders the index pages,
and takes the child's pages back. In a full build both cores are busy either way, so the share changes little
there; rendering every page at once (``pages``) shares them by speed instead."""

_NEWLINES = re.compile(r"[ \t]*[\r\n][\s]*")
_MD_ESCAPE = re.compile(r"([\\`*_\[\]#{}!|])")


def md_text(value) -> str:
    """Plain text made inert in Markdown (record fields are plain text, not Markdown).

    HTML's three specials become entities; Markdown's become backslash escapes
    (``{}`` too, so text can never form an attribute list); newlines become spaces.
    """
    if value is None:
        return ""
    return one_line(_MD_ESCAPE.sub(r"\\\1", str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")))


def md_cell(value) -> str:
    return md_text(value)


def attr_text(value) -> str:
    """Text inside an admonition title's double quotes (Markdown reads it as inline text: escape it too)."""
    return md_text(str(value).replace('"', "”"))


def first_sentence(text: str, limit: int = 80) -> str:
    head = text.split("。", 1)[0]
    head = head + "。" if len(head) < len(text) else head
    return head if len(head) <= limit else head[: limit - 1] + "…"


def md_url(url: str) -> str:
    """A link destination that nothing in the URL can break out of: ``<…>`` with ``<``, ``>`` encoded."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("\n", "") + ">"


def sources_text(sources) -> str:
    parts = []
    for s in sources:
        title = md_text(s.title)
        text = f"[{title}]({md_url(s.url)})" if s.url else title
        parts.append(text + (f"（{md_text(s.publisher)}）" if s.publisher else ""))
    return "、".join(parts)


def shared_text(shared) -> Markup:
    """What two related cases share, as text: 形成の要因「危機感の共有」「…」、地域課題「高齢化」 (values escaped).

    A filter rather than nested template loops: a case page lists five related
    cases, and Jinja's ``loop.last`` bookkeeping was a third of its rendering.
    """
    esc = escape_repeated
    return Markup("、".join(f"{esc(label)}「{'」「'.join(esc(v) for v in values)}」" for label, values in shared))


_SHARED_LABELS = tuple(html.escape(label) + "「" for _attr, label, _w in WEIGHTS)
_SHARED_PARTS: dict[str, tuple[int, str, str]] = {}
"""A value's key in ``Features.flat`` → (its attribute's index, ``label「value`` and ``」「value``, escaped)."""


def shared_html(r: Related) -> str:
    """``shared_text(r.shared)`` in one pass over the page's case's values, without building ``r.shared``.

    Each value of this page's case that the related case also has, in this
    case's order, grouped by attribute: 形成の要因「危機感の共有」「…」、地域課題「高齢化」.
    A case page writes five of these (25,000 at 5,000 cases): tuples and a loop
    per attribute took twice as long.
    """
    their = r.theirs.flat_set()
    out = []
    last = -1
    for key in r.mine.flat():
        if key in their:
            part = _SHARED_PARTS.get(key) or _shared_part(key)
            if part[0] == last:
                out.append(part[2])
            else:
                out.append(part[1] if last < 0 else "」、" + part[1])
                last = part[0]
    if out:
        out.append("」")
    return "".join(out)


def _shared_part(key: str) -> tuple[int, str, str]:
    index, _, value = key.partition("\x1f")
    i = int(index)
    escaped = escape_repeated(value)
    part = _SHARED_PARTS[key] = (i, _SHARED_LABELS[i] + escaped, "」「" + escaped)
    return part


@lru_cache(maxsize=100_000)
def escape_repeated(text: str) -> str:
    """``html.escape(text)``, remembered: vocabulary labels recur on every page (a case page escapes about 50)."""
    return html.escape(text)


def pagefind_value(value) -> Markup:
    """A value inside a data-pagefind-* attribute: HTML-escaped, and without ASCII commas (Pagefind's separator)."""
    return _pagefind_text(str(value))


@lru_cache(maxsize=100_000)
def _filter_span(name: str, value: str) -> str:
    """A case page's element for one Pagefind filter value (the same few hundred on every page: made once)."""
    return f'<span data-pagefind-filter="{html.escape(name)}:{_pagefind_text(value)}"></span>\n'


@lru_cache(maxsize=100_000)
def _pagefind_text(text: str) -> Markup:
    return Markup(html.escape(text.replace(",", "，"), quote=True))


def one_line(value) -> str:
    """Record text on one line (still to be escaped): a blank line would end a raw HTML block in exported Markdown."""
    text = str(value)
    return _NEWLINES.sub(" ", text) if "\n" in text or "\r" in text else text


def yaml_str(value: str) -> str:
    """A YAML (JSON) double-quoted string: what ``json.dumps(str(value), ensure_ascii=False)`` gives,
    without building an encoder per call (two calls per case page, each 15 times this one)."""
    return _json_string(str(value))


def flat_globals(env: jinja2.Environment) -> jinja2.Environment:
    """Have ``env`` give each template its globals as one flat dict.

    Jinja gives each template a ChainMap of its globals and the environment's,
    and walks it into the context of every render and every include: for a
    listing item that was a third of its rendering (a 5,000-case build renders
    17,000), and the theme's base template includes a dozen partials per page.
    A flat copy holds the same names as long as the environment's globals are
    complete before its first template loads: true of ``_environment`` and of
    MkDocs' theme environment after ``on_env`` (pages render after every plugin's).
    """
    env.make_globals = lambda d: {**env.globals, **(d or {})}  # type: ignore[method-assign]
    return env


_escape_text = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's escaping of a plain ``str`` (C), without wrapping the result in ``Markup``."""


def escape_output(value) -> str:
    """``markupsafe.escape(value)`` as a plain ``str``: what an autoescaped ``{{ … }}`` writes.

    The same characters escaped the same way (``__html__`` honoured); only the
    ``Markup`` wrapper around each value is left out, which nothing reads: a
    template's output pieces are joined, and a block's or macro's joined
    output is made ``Markup`` by Jinja as before.
    """
    if type(value) is str:
        return _escape_text(value)  # type: ignore[misc]
    to_html = getattr(value, "__html__", None)
    return to_html() if to_html is not None else _escape_text(str(value))  # type: ignore[misc]


class _PlainOutputGenerator(jinja2.compiler.CodeGenerator):
    """Compiles an autoescaped ``{{ … }}`` to ``escape_output(…)`` instead of ``escape(…)``.

    ``markupsafe.escape`` checks for ``__html__`` and wraps every value in a
    new ``Markup``: on a case page, 110 values each, that was a quarter of
    rendering it. Only output that is escaped at compile time is changed
    (``{% autoescape true %}`` sections, ``.html.j2`` templates); a template
    whose escaping is decided at render time compiles as Jinja's own.
    """

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)

    @jinja2.compiler.optimizeconst
    def visit_Call(self, node, frame, forward_caller: bool = False) -> None:
        """``f(x)`` calls ``f`` directly when ``Context.call`` would pass it nothing more.

        ``Context.call`` looks for ``pass_context`` and its kin on every call
        (twice), and for a plain function only drops two keyword arguments it
        added itself: on a case page, 25 calls of this kind were an eighth of
        rendering it. The callee is evaluated once; anything but a plain Python
        or built-in function goes through ``Context.call`` as before.
        """
        if forward_caller or self.environment.is_async or self.environment.sandboxed:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self._callees = getattr(self, "_callees", 0) + 1
        name = f"cb_callee_{self._callees}"
        saved, self.stream = self.stream, io.StringIO()
        try:
            self.signature(node, frame)
            arguments = self.stream.getvalue().removeprefix(", ")
        finally:
            self.stream = saved
        self.write(f"({name}({arguments}) if environment.plain_callable({name} := ")
        self.visit(node.node, frame)
        self.write(f") else context.call({name}")
        extra = {"_loop_vars": "_loop_vars"} if frame.loop_frame else {}
        if frame.block_frame:
            extra["_block_vars"] = "_block_vars"
        self.signature(node, frame, extra or None)
        self.write("))")


def plain_callable(fn) -> bool:
    """Whether ``Context.call`` would call ``fn`` as it is: a Python function without Jinja's
    ``pass_*`` mark, or a built-in function (which cannot carry one)."""
    kind = type(fn)
    if kind is FunctionType:
        return "jinja_pass_arg" not in fn.__dict__
    return kind is BuiltinFunctionType


def plain_output(env: jinja2.Environment) -> jinja2.Environment:
    """Have ``env`` compile autoescaped output with ``escape_output`` (see ``_PlainOutputGenerator``).

    Kept to what can be checked: without markupsafe's C escaping or with a
    Jinja whose code generator lacks the hook, ``env`` is left as it is.
    """
    if _escape_text is not None and callable(getattr(jinja2.compiler.CodeGenerator, "_output_child_pre", None)):
        env.code_generator_class = _PlainOutputGenerator
        env.escape_output = escape_output  # type: ignore[attr-defined]
        env.plain_callable = plain_callable  # type: ignore[attr-defined]
    return env


@lru_cache(maxsize=None)
def _environment(override: str | None) -> jinja2.Environment:
    search = [override, str(TEMPLATES)] if override else [str(TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),  # HTML templates escape by default; Markdown ones use t/cell
    )
    env.globals.update(decade=decade_label, stage_slug=STAGE_SLUGS.get, stages=STAGES, sources_text=sources_text)
    env.filters.update(
        md_url=md_url, t=md_text, cell=md_cell, attr_text=attr_text, first_sentence=first_sentence, yaml_str=yaml_str, pf=pagefind_value, line=one_line, shared_text=shared_text
    )
    return plain_output(flat_globals(env))


def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from ``override`` first (a project's own), then the package's."""
    return _environment(str(override) if override else None)


def relative(here: str, target: str) -> str:
    """Link from page ``here`` to page ``target`` (both docs-relative ``.md`` paths)."""
    target, _, anchor = target.partition("#")
    link = _relpath(target, posixpath.dirname(here) or ".")
    return link + ("#" + anchor if anchor else "")


@lru_cache(maxsize=65536)
def _relpath(target: str, start: str) -> str:
    """posixpath.relpath, memoised: thousands of pages link to the same few hundred targets from a few folders."""
    return posixpath.relpath(target, start)


def _listed(case) -> tuple:
    """What a listing shows of a case: a page listing it changes only when one of these does."""
    return (case.id, case.name, case.prefecture, case.municipality, case.summary)


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a docs-relative ``.md`` path (``cases/x.md`` → ``cases/x/``)."""
    stem = path[:-3] if path.endswith(".md") else path
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(here: str, target: str) -> str:
    """Relative link between two site URLs (directory style ``a/b/`` or file style ``a/b.html``).

    Plain string work, no ``posixpath.relpath``: a build asks this about
    250,000 times at 5,000 cases, each case page from its own folder.
    """
    base = here.split("/")[:-1]
    parts = target.split("/")
    common = 0
    for a, b in zip(base, parts[:-1]):
        if a != b:
            break
        common += 1
    return "../" * (len(base) - common) + "/".join(parts[common:]) or "./"


_OPEN = "<!-- cb:html -->\n"
_CLOSE = "<!-- /cb:html -->"


def defer_html(markdown: str, token: str, blocks: list[str] | None = None) -> tuple[str, list[str]]:
    """Take the generated raw-HTML blocks out of a page, leaving numbered placeholder paragraphs.

    Python-Markdown parses raw HTML character by character, and Markdown for
    a record's structured fields costs far more than the HTML the templates
    can write directly. The plugin converts what is left and puts the blocks
    back with ``restore_html``; exported Markdown keeps them inline.

    A block is what lies between ``<!-- cb:html -->`` and a line break and the
    next ``<!-- /cb:html -->``, without one line break before that. Found with
    ``str.find``: a lazy regular expression tried the closing marker at every
    character of the blocks, a second of a 5,000-case build.

    ``token`` is a secret of the build: a placeholder written by a contributor
    cannot name a block. Blocks are appended to ``blocks`` when given.
    """
    blocks = [] if blocks is None else blocks
    out: list[str] = []
    pos = 0
    while (start := markdown.find(_OPEN, pos)) >= 0 and (end := markdown.find(_CLOSE, start + len(_OPEN))) >= 0:
        block = markdown[start + len(_OPEN) : end]
        blocks.append(block[:-1] if block.endswith("\n") else block)
        out.append(markdown[pos:start])
        out.append(f"{token}x{len(blocks) - 1}")
        pos = end + len(_CLOSE)
    out.append(markdown[pos:])
    return "".join(out), blocks


def restore_html(html_text: str, blocks: list[str], token: str) -> str:
    """Put deferred blocks back where Markdown left their placeholder paragraphs."""
    return re.sub(rf"<p>{token}x(\d+)</p>", lambda m: blocks[int(m.group(1))], html_text)


_TO_ROOT = "\x00to-root\x00"
"""Stands for the way from a page to the site's root in a listing item rendered for every depth
(no record holds a NUL character: YAML does not allow one)."""


_SHARED = Markup("\x00shared\x00")
"""Stands for what two related cases share in a related case's <li>, rendered once for every page."""
_ANY_ID = "\x00id\x00"
"""A stand-in case id, in a link to a case page (no id or folder holds a NUL)."""
_SEPARATORS = {" ": " ", "、": "、"}
"""Separators templates join facet links with, escaped (``facet_a.each``)."""


def _from_child(child: forked.Forked, i: int) -> str:
    return child.result()[i]


class PageRenderer:
    """Renders every generated page of a ``Casebook``."""

    def __init__(
        self,
        book: Casebook,
        updated: dict[str, str] | None = None,
        templates: Path | None = None,
        directory_urls: bool = True,
        memo: dict | None = None,
    ):
        self.book = book
        self.directory_urls = directory_urls
        self.memo = memo
        """path → (inputs, Markdown) kept across rebuilds (``mkdocs serve``): unchanged inputs are not rendered again."""
        self.updated = updated or {}
        self.env = environment(templates)  # one per process and template folder: compiled templates survive serve rebuilds
        self._templates = {}
        self._items: dict[tuple, str] = memo.setdefault(("list items",), {}) if memo is not None else {}
        """(id, name, place, text) → a listing's <li>, its link starting with ``_TO_ROOT``: one case appears
        on a dozen listing pages, at two or three depths."""
        self._items_now: dict[tuple, dict[str, str]] = {}
        """(to root, stage) → case id → <li>, for this renderer's pages (the records do not change during a build)."""
        self._related_items: dict[tuple[str, str], str] = {}
        """(link to a stand-in case, or the link itself; case id) → the case's <li> among a page's related cases, what is shared left as ``_SHARED``
        (case pages link to another case the same way: a case is listed on a few pages, rendered once)."""
        self._facet_links: dict[str, dict[tuple, Markup]] = {}
        """To root → (facet, label, text, class) → <a>, for pages outside index/ (case pages ask about 30 each)."""

    def _template(self, name: str) -> jinja2.Template:
        return self._templates.get(name) or self._templates.setdefault(name, self.env.get_template(name))

    def _render(self, name: str, here: str, **context) -> str:
        template = self._template(name)
        facets = self.book.facets

        def url(target: str) -> str:
            return relative(here, target)

        here_url = page_url(here, self.directory_urls)
        directory_urls = self.directory_urls
        to_root = relative_url(here_url, "")
        to_root = "" if to_root == "./" else to_root
        # A link to a page outside this page's top folder is the way to the root and the page's URL.
        top, slash, _rest = here_url.partition("/")
        other_top = top + "/" if slash else None

        def link_to(target: str) -> str:
            """Final URL, unescaped (for autoescaped HTML templates)."""
            url = page_url(target, directory_urls)
            if other_top is not None and url and not url.startswith(other_top):
                return to_root + url
            return relative_url(here_url, url)
        # Facet pages live under index/: from a page outside it, a link to one is the way to the root and the
        # page's URL, so the <a> is the same on every page at the same depth.
        shared = self._facet_links.setdefault(to_root, {}) if not here.startswith("index/") else {}

        def facet_a(facet: str, label: str, text=None, cls: str | None = None) -> Markup:
            """``<a>`` to a facet value's page (for autoescaped templates: the text is escaped here)."""
            key = (facet, label, text, cls)
            a = shared.get(key)
            if a is None:
                attr = f' class="{cls}"' if cls else ""
                href = html.escape(link_to(facets[facet].path(label)))
                a = Markup(f'<a{attr} href="{href}">{html.escape(str(text or label), quote=False)}</a>')
                shared[key] = a
            return a

        def each(facet: str, labels, separator: str, cls: str | None = None) -> Markup:
            """``facet_a`` of several values, joined (one call from a template, not a loop with ``loop.last``)."""
            get = shared.get
            links = [get((facet, label, None, cls)) or facet_a(facet, label, None, cls) for label in labels]
            return Markup((_SEPARATORS.get(separator) or html.escape(separator)).join(links))

        facet_a.each = each

        def list_items(cases, stage: str | None = None) -> str:
            """The <li> of each case (case_item.html.j2), with its first sentence or, given a stage, its lesson."""
            now = self._items_now.get((to_root, stage))
            if now is None:
                now = self._items_now[(to_root, stage)] = {}
            get = now.get
            out = [get(c.id) or new_item(c, stage, now) for c in cases]
            return "\n".join(out) + "\n" if out else ""

        def new_item(c, stage: str | None, now: dict) -> str:
            text = c.stage_lesson(stage) if stage else first_sentence(c.summary)
            key = (c.id, c.name, c.prefecture, c.municipality, text)
            li = self._items.get(key)
            if li is None:  # rendered once for pages at every depth, with a stand-in for the way to the root
                link = _TO_ROOT + page_url(f"cases/{c.id}.md", self.directory_urls)
                li = self._items[key] = self._template("case_item.html.j2").render(c=c, link=link, text=text).strip()
            li = now[c.id] = li.replace(_TO_ROOT, to_root)
            return li

        def related_items(related) -> Markup:
            """The <li> of each related case (related_item.html.j2, rendered once per case and link to it),
            with what the two cases share."""
            heads = self._related_items
            case_link = link_to(f"cases/{_ANY_ID}.md")
            own_folders = here_url.split("/")
            out = []
            for r in related:
                case_id = r.case.id
                # Links from this page to case pages differ only in the id, unless the id is a folder of
                # this page's own URL: the link to a stand-in id, made once per page, keys the <li>.
                key = (case_link, case_id) if case_id not in own_folders else (link_to(f"cases/{case_id}.md"), case_id)
                head = heads.get(key)
                if head is None:
                    link = key[0].replace(_ANY_ID, case_id)
                    head = heads[key] = self._template("related_item.html.j2").render(c=r.case, link=link, shared=_SHARED).strip()
                out.append(head.replace(_SHARED, shared_html(r)))
            return Markup("\n".join(out))

        return template.render(list_items=list_items, related_items=related_items, url=url, link_to=link_to, facet_a=facet_a, **context)

    # -- pages -------------------------------------------------------------
    def pages(self) -> Iterator[tuple[str, str]]:
        """Every generated page as (docs-relative path, Markdown): the case pages, then the index pages.

        All are rendered now (``casebook export-docs``, the benchmark): at many
        cases, this process renders the index pages and then case pages from
        the first while a forked child renders case pages from the last,
        until they meet (``forked.from_both_ends``).
        """
        cases = self.book.cases
        if self.memo is not None or len(cases) < FORK_MIN or not forked.usable():
            for path, make, _later in self.sources():
                yield path, make()
            return
        starts = range(0, len(cases), CASE_CHUNK)
        related = self.book.related
        for start in starts:
            related.split_at(start)  # each process ranks the rows of its own chunks
        related.prepare()

        def work(i: int) -> list:
            if i == 0:  # first, and so in this process: the index pages
                return list(self._index_pages())
            return self._case_pages(cases[starts[i - 1] : starts[i - 1] + CASE_CHUNK])

        with forked.gc_frozen():
            done = forked.from_both_ends(len(starts) + 1, work)
        for start, markdowns in zip(starts, done[1:]):
            for case, markdown in zip(cases[start : start + CASE_CHUNK], markdowns, strict=True):
                yield self.case_path(case.id), markdown
        yield from done[0]

    def sources(self) -> Iterator[tuple[str, Callable[[], str], bool]]:
        """Every generated page as (path, a function returning its Markdown, whether a forked child renders it).

        A case page is rendered when its function is called; a full build
        calls it when MkDocs reads the page (plugin.LazyPage), so MkDocs
        converts the first pages while the rest are still to be rendered.
        Index pages are rendered here, as they are yielded. At many cases,
        a forked child (``forked.Forked``) renders the last ``CHILD_SHARE`` of
        the case pages from the start, ranking their related cases too; they
        come last, and the first call of one of them waits for the child's
        whole share.
        """
        cases = self.book.cases
        split = len(cases)
        if self.memo is None and len(cases) >= FORK_MIN and forked.usable():
            split -= int(len(cases) * CHILD_SHARE)
        later = None
        if split < len(cases):
            related = self.book.related
            related.split_at(split)  # each process ranks the rows of its own pages
            related.prepare()
            later = forked.Forked(self._case_pages, cases[split:])
        for case in cases[:split]:
            yield self.case_path(case.id), partial(self._case, case), False
        for path, markdown in self._index_pages():
            yield path, partial(str, markdown), False
        if later is not None:
            for i, case in enumerate(cases[split:]):
                yield self.case_path(case.id), partial(_from_child, later, i), True

    def _case_pages(self, cases) -> list[str]:
        return [self._case(case) for case in cases]

    def _case(self, case) -> str:
        book = self.book
        path = book.dataset.narratives.get(case.id)
        narrative = path.read_text(encoding="utf-8") if path else None
        key = lambda: (case, tuple(book.related.get(case.id, ())), narrative)  # noqa: E731
        return self._cached(self.case_path(case.id), key, lambda: self.case_page(case, narrative))

    def _index_pages(self) -> Iterator[tuple[str, str]]:
        book = self.book
        yield "cases/index.md", self._cases_index()
        facets = [f for f in book.facets.values() if f.name != "kana"]
        yield "index/index.md", self._render("facets.md.j2", "index/index.md", facets=facets, total=len(book.cases))
        for facet in book.facets.values():
            yield from self._facet_pages(facet)
        yield from self._matrix_pages()

    def _cached(self, path: str, key, render) -> str:
        """``render()``, or under ``mkdocs serve`` the page's last Markdown if ``key()`` (its inputs) has not changed."""
        if self.memo is None:
            return render()
        key = key()
        hit = self.memo.get(path)
        if hit is not None and hit[0] == key:
            return hit[1]
        markdown = render()
        self.memo[path] = (key, markdown)
        return markdown

    @staticmethod
    def case_path(case_id: str) -> str:
        return f"cases/{case_id}.md"

    def case_page(self, case, narrative: str | None = None) -> str:
        here = self.case_path(case.id)
        body = narrative if narrative is not None else case.body
        return self._render(
            "case.md.j2",
            here,
            case=case,
            body=(body or "").strip(),
            related=self.book.related.get(case.id, []),
            filter_spans=self.filter_spans(case),
        )

    def filter_spans(self, case) -> Markup:
        """The case page's Pagefind filters, one element per value, in the order the search page shows
        them: 地方 (from the prefecture), then ``SEARCH_FILTERS``."""
        facets = self.book.facets
        spans = [_filter_span("地方", PREFECTURE_BY_NAME[case.prefecture].region)]
        for name, facet in SEARCH_FILTERS:
            for value in facets[facet].extract(case):
                spans.append(_filter_span(name, value))
        return Markup("".join(spans))

    def _cases_index(self) -> str:
        book = self.book
        pref = book.facets["prefecture"]
        regions = []
        for region in book.regions:
            values = [v for v in pref.used if v.group == region.name]
            if values:
                regions.append((region.name, values))
        facets = [f for f in book.facets.values() if f.name not in ("kana",)]
        return self._render(
            "cases_index.md.j2",
            "cases/index.md",
            total=len(book.cases),
            kinds=book.facets["kind"].values,
            kind_facet=book.facets["kind"],
            kana_facet=book.facets["kana"],
            facets=facets,
            regions=regions,
            pref_facet=pref,
        )

    def _facet_pages(self, facet) -> Iterator[tuple[str, str]]:
        groups = None
        intro = _FACET_INTRO.get(facet.name, f"{facet.title}ごとに事例を分けた一覧です。数字は事例の件数です。")
        if facet.name == "prefecture":
            groups = [(r.name, [v for v in facet.values if v.group == r.name]) for r in self.book.regions]
            intro = "都道府県ごとの事例の数です。地方ごとに、都道府県コードの順に並べています。"
        if facet.name != "kana":
            yield facet.overview_path, self._render("facet_overview.md.j2", facet.overview_path, facet=facet, groups=groups, intro=intro)
        for value in facet.used:
            path = facet.path(value.label)
            cases = facet.cases[value.label]
            if facet.name == "stage":
                key = lambda: (value, tuple((_listed(c), c.stage_lesson(value.label)) for c in cases))  # noqa: E731
                yield path, self._cached(path, key, lambda: self._render("stage_value.md.j2", path, value=value, cases=cases))
            else:
                key = lambda: (facet.title, value, tuple(_listed(c) for c in cases))  # noqa: E731
                yield path, self._cached(path, key, lambda: self._render("facet_value.md.j2", path, facet=facet, value=value, cases=cases, intro=""))

    def cell_path(self, facet, value, stage: str) -> str:
        return f"index/matrix/{facet.slug}/{value.slug}-{STAGE_SLUGS[stage]}.md"

    def _matrix_cells(self):
        """Factor facet name → value label → stage → the value's cases with a lesson for that stage (in the value's order).

        One pass over each case's own stages, not a search of its stages for each of the four.
        """
        cells = {}
        for name in ("formation_factor", "sustainability_factor"):
            facet = self.book.facets[name]
            cells[name] = by_value = {}
            for v in facet.values:
                by_value[v.label] = by_stage = {s: [] for s in STAGES}
                for c in facet.cases.get(v.label, ()):
                    for stage, lesson in c.stages:
                        if lesson and stage in by_stage:
                            by_stage[stage].append(c)
        return cells

    def _matrix_pages(self) -> Iterator[tuple[str, str]]:
        facets = [self.book.facets["formation_factor"], self.book.facets["sustainability_factor"]]
        cells = self._matrix_cells()
        yield "index/matrix.md", self._render("matrix.md.j2", "index/matrix.md", facets=facets, cells=cells, cell_path=self.cell_path)
        stage_facet = self.book.facets["stage"]
        for facet in facets:
            for value in facet.values:
                for stage in STAGES:
                    cases = cells[facet.name][value.label][stage]
                    if cases:
                        path = self.cell_path(facet, value, stage)
                        key = lambda: (facet.title, value, stage, tuple((_listed(c), c.stage_lesson(stage)) for c in cases))  # noqa: E731
                        yield path, self._cached(
                            path, key, lambda: self._render("matrix_cell.md.j2", path, facet=facet, value=value, stage=stage, cases=cases, stage_facet=stage_facet)
                        )

    # -- markers in hand-written pages --------------------------------------
    def fill_markers(self, markdown: str, here: str, post=None) -> str:
        """Replace ``<!-- casebook:NAME ARG -->`` markers; unknown markers are left for the caller to report.

        ``post`` is applied to each marker's output (the plugin defers its HTML blocks).
        """
        if "casebook:" not in markdown:
            return markdown

        def expand(m: re.Match) -> str:
            out = self._marker(m.group(1), (m.group(2) or "").strip(), here, m.group(0))
            return post(out) if post and out is not m.group(0) else out

        return MARKER.sub(expand, markdown)

    def _marker(self, name: str, arg: str, here: str, original: str) -> str:
        book = self.book
        if name == "stage-cases" and arg in STAGES:
            cases = book.facets["stage"].cases.get(arg, [])
            shown = cases[:STAGE_PAGE_LIMIT]
            return self._render("stage_cases.md.j2", here, cases=shown, stage=arg, more=len(cases) - len(shown), stage_facet=book.facets["stage"])
        if name == "recent-cases":
            ordered = sorted(book.cases, key=lambda c: (self.updated.get(c.id) or c.verified or ""), reverse=True)
            items = [(c, self.updated.get(c.id) or c.verified) for c in ordered[:RECENT]]
            return self._render("recent_cases.md.j2", here, items=items)
        if name == "glossary":
            return self._glossary(here)
        if name == "search-page":
            return self._render("search_page.html.j2", here)
        if name == "situation-finder":
            facets = book.facets
            groups = [
                {"legend": "地域の課題（あてはまるものをすべて）", "facet": "regional_issue", "filter": "地域課題", "values": facets["regional_issue"].used},
                {"legend": "いまの段階", "facet": "stage", "filter": "段階", "values": facets["stage"].used},
                {"legend": "活動の範囲", "facet": "scope", "filter": "活動範囲", "values": facets["scope"].used},
            ]
            return self._render("situation.html.j2", here, groups=groups)
        if name == "national" and book.dataset.national and arg in ("fy2017", "findings", "by_year", "targets", "notes"):
            national = book.dataset.national
            sources = national["sources"]

            def src(key):
                if not key:
                    return ""
                s = sources[key]
                title = md_text(s.title) + (f"（{md_text(s.publisher)}）" if s.publisher else "")
                return f"[{title}]({md_url(s.url)})" if s.url else title

            return self._render("national.md.j2", here, section=arg, items=national.get(arg) or [], src=src)
        return original

    def _glossary(self, here: str) -> str:
        terms = sorted(self.book.glossary, key=lambda t: kana_key(t.reading))
        rows: dict[str, list] = {}
        row_of = {ch: label for label, _slug, chars in KANA_ROWS for ch in chars}
        for t in terms:
            rows.setdefault(row_of.get(kana_key(t.reading)[:1], "その他"), []).append(t)
        order = [label for label, _s, _c in KANA_ROWS] + ["その他"]
        slug_of = {t.term: t.slug for t in terms}

        def related_links(names) -> str:
            return "、".join(f"[{md_text(n)}](#{slug_of[n]})" for n in names)

        return self._render("glossary.md.j2", here, rows=[(r, rows[r]) for r in order if r in rows], related_links=related_links)


_FACET_INTRO = {
    "stage": "研修テキストの4つの段階ごとに、その段階で学べる事例の数です。",
    "decade": "設立の年代ごとの事例の数です。設立年が出典で確かめられない事例は含みません。",
}
