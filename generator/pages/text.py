"""Text for generated pages: record values made inert in Markdown and HTML, and links between pages.

Record fields are plain text, never Markdown: ``md_text`` escapes what
Markdown and HTML would read. HTML templates (``*.html.j2``) are autoescaped
by Jinja instead.
"""

from __future__ import annotations

import html
import json
import posixpath
import re

from markupsafe import Markup

_NEWLINES = re.compile(r"[ \t]*[\r\n][\s]*")
_MD_ESCAPE = re.compile(r"([\\`*_\[\]#{}!|])")


def one_line(value) -> str:
    """Record text on one line (still to be escaped): a blank line would end a raw HTML block in exported Markdown."""
    text = str(value)
    return _NEWLINES.sub(" ", text) if "\n" in text or "\r" in text else text


def md_text(value) -> str:
    """Plain text made inert in Markdown: HTML's three specials as entities, Markdown's as backslash escapes
    (``{}`` too, so text can never form an attribute list), newlines as spaces."""
    if value is None:
        return ""
    return one_line(_MD_ESCAPE.sub(r"\\\1", str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")))


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


def source_text(source) -> str:
    """A source as Markdown: its title linked to its URL, and its publisher."""
    title = md_text(source.title)
    text = f"[{title}]({md_url(source.url)})" if source.url else title
    return text + (f"（{md_text(source.publisher)}）" if source.publisher else "")


def sources_text(sources) -> str:
    return "、".join(source_text(s) for s in sources)


def yaml_str(value) -> str:
    """A YAML (JSON) double-quoted string, for front matter."""
    return json.dumps(str(value), ensure_ascii=False)


def pagefind_value(value) -> Markup:
    """A value inside a data-pagefind-* attribute: HTML-escaped, without ASCII commas (Pagefind's separator)."""
    return Markup(html.escape(str(value).replace(",", "，"), quote=True))


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a docs-relative ``.md`` path (``cases/x.md`` → ``cases/x/``)."""
    stem = path[:-3] if path.endswith(".md") else path
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(here: str, target: str) -> str:
    """Relative link between two site URLs (directory style ``a/b/`` or file style ``a/b.html``)."""
    base = here.split("/")[:-1]
    parts = target.split("/")
    common = 0
    for a, b in zip(base, parts[:-1], strict=False):
        if a != b:
            break
        common += 1
    return "../" * (len(base) - common) + "/".join(parts[common:]) or "./"


def relative(here: str, target: str) -> str:
    """Markdown link from page ``here`` to page ``target`` (docs-relative ``.md`` paths, ``#anchor`` kept)."""
    target, _, anchor = target.partition("#")
    link = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return link + ("#" + anchor if anchor else "")


def japanese_date(iso: str) -> str:
    """``2026-12-07`` → ``2026年12月7日`` (how residents read a date; the record keeps the ISO form)."""
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"
