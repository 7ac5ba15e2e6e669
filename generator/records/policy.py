"""Content safety: what Markdown from records and narratives may contain.

Policy (documented for editors in content/contributing.md): record fields
reach the page only through the package's templates, which escape every value
(Jinja autoescape in ``*.html.j2``; ``md_text`` where a field is Markdown).
Narratives are Markdown: raw HTML is rejected with a located error, never
passed through; links may be http(s), mailto or relative; images must come
from the site itself; attribute lists (``{: …}``), which could add event
handlers, are rejected. What Markdown renders is sanitized once more with nh3
(an allow-list), so a gap in these checks still cannot put script on a page.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

HTML_TAG = re.compile(r"<[A-Za-z!/?]")
AUTOLINK = re.compile(r"<(?:[Hh][Tt][Tt][Pp][Ss]?://[^<>\s\"'`]*|(?:mailto:)?[\w.%+-]+@[\w.-]+)>", re.ASCII)
"""Markdown autolinks (``<https://…>``, ``<info@example.jp>``): links, not HTML (checked again once rendered)."""
ATTR_LIST = re.compile(r"\{:|\{\s*[.#][\w-]|\{[^}\n]*\b[\w-]+\s*=[^}\n]*\}")
INLINE_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto"}


def link_problem(url: str, image: bool) -> str | None:
    """Why ``url`` may not be used in a link (or an image), or None."""
    target = re.sub(r"[\x00-\x20]", "", url)  # browsers ignore controls and spaces inside schemes
    m = SCHEME.match(target)
    if image:
        if m or target.startswith("//"):
            return f"画像はこのサイトの中のものだけ使えます（外部の画像は読み込みません）: {url}"
        return None
    if m and m.group(1).lower() not in SAFE_SCHEMES:
        return (
            f"リンク先に「{m.group(1)}:」は使えません。http、https、mailto、またはサイト内のリンクにしてください: {url}"
        )
    return None


class _RenderedCheck(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[str, str]] = []
        """(Japanese message, the offending text, to find it in the source)."""

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append((f"属性「{name}」は使えません。", name))
            elif name in ("href", "src") and value is not None:
                why = link_problem(html.unescape(value), image=name == "src")
                if why:
                    self.problems.append((why, value))


_MARKDOWN = None


def rendered_problems(text: str) -> list[tuple[str, str]]:
    """Render as the site does and inspect the result: the backstop behind the line checks.

    Only texts with a ``[``, ``{`` or ``&`` can produce a link, an attribute or
    an entity, so others are not rendered (most narratives: this keeps
    validation fast).
    """
    global _MARKDOWN
    if "[" not in text and "{" not in text and "&" not in text:
        return []
    if _MARKDOWN is None:
        import markdown

        _MARKDOWN = markdown.Markdown(extensions=["attr_list", "md_in_html", "admonition", "tables"])
    checker = _RenderedCheck()
    checker.feed(_MARKDOWN.reset().convert(text))
    checker.close()
    return checker.problems


def markdown_problems(text: str) -> list[tuple[int, int, str]]:
    """Problems in a Markdown text as (0-based line, 0-based column, Japanese message).

    Line checks give exact places; whatever only shows once rendered (a
    reference split over lines, an entity-encoded scheme) is reported at the
    first line.
    """
    problems = _line_problems(text)
    if not problems:
        lines = text.split("\n")
        for message, offending in dict.fromkeys(rendered_problems(text)):
            problems.append((*_locate(lines, offending), message))
    return problems


def _locate(lines: list[str], offending: str) -> tuple[int, int]:
    """Where the offending text (or a recognisable part of it) stands; else the first line."""
    for needle in (offending, offending[-12:], offending[:12], offending[-6:]):
        needle = needle.strip()
        if len(needle) < 3:
            continue
        for i, line in enumerate(lines):
            col = line.find(needle)
            if col >= 0:
                return i, col
    return 0, 0


def _line_problems(text: str) -> list[tuple[int, int, str]]:
    if "<" not in text and "{" not in text and "[" not in text:
        return []  # every pattern below needs one of these; most narratives have none
    problems = []
    for i, line in enumerate(text.split("\n")):
        m = HTML_TAG.search(AUTOLINK.sub(lambda a: " " * len(a.group()), line) if "<" in line else line)
        if m:
            problems.append((i, m.start(), "HTML タグ（< で始まる書き方）は使えません。Markdown で書いてください。"))
        m = ATTR_LIST.search(line)
        if m:
            problems.append((i, m.start(), "属性の指定（{: …} の書き方）は使えません。"))
        for m in INLINE_LINK.finditer(line):
            why = link_problem(m.group(2), image=bool(m.group(1)))
            if why:
                problems.append((i, m.start(2), why))
        m = REFERENCE.match(line)
        if m:
            why = link_problem(m.group(1), image=False)
            if why:
                problems.append((i, m.start(1), why))
    return problems
