"""A generated page converted in pieces: its headings and placeholders written directly, its text by Markdown.

A generated page is mostly headings with fixed, plain text and the
placeholder paragraphs of its deferred HTML blocks (``render.defer_html``);
only a case's narrative and a listing's short paragraphs need Markdown.
Converting the whole page tests each of those lines against a dozen block
processors and renders every heading twice for the table of contents: about
half of converting a 5,000-case site's case pages. ``convert`` writes them
as Python-Markdown would (the same HTML, ids, table-of-contents tokens and
title) and converts only the text between them, piece by piece.

It does so only where the result is sure to be the same, and otherwise
returns ``None`` so that the page is converted whole:

- the instance has only Markdown's toc, tables, fenced_code, admonition and
  attr_list and this package's extensions, with toc writing no permalinks or
  anchors and keeping heading levels (``usable``);
- a heading line is ``#`` to ``######``, one space and text without the
  characters Markdown reads (``\\ ` * _ [ ] < > & { } #``), alone between
  blank lines, like a placeholder line;
- no text piece has a line that could open a block running over a blank
  line (fenced or indented code, indented list or admonition content, raw
  HTML), a reference definition another piece could use, or the ``[TOC]``
  marker;
- no text piece makes a heading, a table-of-contents entry or an ``id``, or
  nothing at all;
- a text piece is written as paragraphs directly when it is plain text
  (``NOT_PLAIN``), as Markdown writes it.

tests/test_mdpage.py compares it with MkDocs' own conversion, page by page.
"""

from __future__ import annotations

import re

import markdown
import markdown.extensions
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, nest_toc_tokens, unique

from .mdquick import QuickInlineExtension

SAFE_EXTENSIONS = (TocExtension, TableExtension, FencedCodeExtension, AdmonitionExtension, AttrListExtension, QuickInlineExtension)
HEADING = re.compile(r"(#{1,6}) ([^\s\\`*_\[\]<>&{}#](?:[^\\`*_\[\]<>&{}#\t]*[^\s\\`*_\[\]<>&{}#])?)")
RISKY_LINE = re.compile(r"^(?: {4}| {0,3}(?:```|~~~|<|\[[^\]\n]*\]:))|\t|\r|[\x02\x03]", re.M)
"""A line that may open a block running past a blank line, or define a reference; or a character Markdown rewrites first."""
MADE_BY_TEXT = re.compile(r"<h[1-6][ >]|\sid=\"")
NOT_PLAIN = re.compile(r"[\\`*_\[\]<>&{}|\t\r\x02\x03]|^[^\S\n]|[^\S\n]$|^(?:[#>+\-=!:~]|\d+[.)])|\n[^\S\n]*\n[^\S\n]*\n", re.M)
"""What makes text more than paragraphs of plain text for Markdown: a character some syntax reads, a line that
starts a block other than a paragraph, whitespace at either end of a line, or blank lines that are not single."""


SAFE_NAMES = {"toc", "tables", "fenced_code", "admonition", "attr_list"}


def usable(md: markdown.Markdown, extensions) -> bool:
    """Whether pieces converted alone give what they give together: ``extensions`` (as mkdocs.yml lists
    them) are all in ``SAFE_NAMES`` or this package's, and ``md``'s toc writes no permalinks or anchors
    and keeps heading levels."""
    for ext in extensions:
        if isinstance(ext, markdown.extensions.Extension):
            if not isinstance(ext, SAFE_EXTENSIONS):
                return False
        elif str(ext).removeprefix("markdown.extensions.") not in SAFE_NAMES:
            return False
    toc = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None
    if not isinstance(toc, TocTreeprocessor):
        return False
    if not all(hasattr(toc, name) for name in TOC_SETTINGS):  # another Markdown version: leave it to Markdown
        return False
    return toc.use_permalinks in (False, None) and not toc.use_anchors and int(toc.base_level) == 0  # baselevel 1


TOC_SETTINGS = ("use_permalinks", "use_anchors", "base_level", "toc_top", "toc_bottom", "slugify", "sep", "marker")
"""The toc processor's settings (Python-Markdown 3.x) that ``convert`` reads."""


def convert(md: markdown.Markdown, text: str, placeholder: re.Pattern) -> tuple[str, list, str | None, set[str]] | None:
    """(HTML, table-of-contents tokens, title, heading ids) of ``text`` as ``md.convert`` gives them, or None (see above).

    MkDocs' per-page processors registered on ``md`` see the text pieces, and
    keep what they find as they would from the whole text.
    """
    lines = text.strip("\n").split("\n")
    last = len(lines) - 1
    parts: list[list[str]] = []  # [kind, line or text]: "h" heading, "p" placeholder, "md" text for Markdown
    start = 0
    for i, line in enumerate(lines):
        if (i == 0 or not lines[i - 1].strip()) and (i == last or not lines[i + 1].strip()):
            if placeholder.fullmatch(line):
                kind = "p"
            elif line.startswith("#") and HEADING.fullmatch(line):
                kind = "h"
            else:
                continue
            _add_text(parts, lines[start:i])
            parts.append([kind, line])
            start = i + 1
    _add_text(parts, lines[start:])
    toc = md.treeprocessors["toc"]
    texts = [part for part in parts if part[0] == "md"]
    if any(RISKY_LINE.search(part[1]) for part in texts) or (toc.marker and toc.marker in text):
        return None

    raw_html = md.preprocessors["mkdocs_raw_html"] if "mkdocs_raw_html" in md.preprocessors else None
    raw_ids: set[str] = set()
    for part in texts:
        if NOT_PLAIN.search(part[1]) is None:  # paragraphs of plain text, as Markdown writes them
            part[1] = "\n".join(f"<p>{p}</p>" for p in part[1].split("\n\n"))
            continue
        md.reset()
        part[1] = md.convert(part[1])
        if md.toc_tokens or MADE_BY_TEXT.search(part[1]) or not part[1]:
            return None  # an empty piece would leave the next element first, where MkDocs looks for the title
        if raw_html is not None:
            raw_ids |= raw_html.present_anchor_ids  # each run replaces the set; one run over the whole text finds them all
    if raw_html is not None:
        raw_html.present_anchor_ids = raw_ids

    out: list[str] = []
    used: set[str] = set()
    counters: dict[str, int] = {}
    tokens = []
    title = None
    for n, (kind, piece) in enumerate(parts):
        if kind == "md":
            out.append(piece)
        elif kind == "p":
            out.append(f"<p>{piece}</p>")
        else:
            hashes, _, name = piece.partition(" ")
            level = len(hashes)
            anchor = _unique(toc.slugify(name, toc.sep), used, counters)
            if any(c in anchor for c in '&<>"\x02\x03'):
                return None  # the serializer would escape it, or the unescaper rewrite it: leave that to them
            out.append(f'<h{level} id="{anchor}">{name}</h{level}>')
            if toc.toc_top <= level <= toc.toc_bottom:
                tokens.append({"level": level, "id": anchor, "name": name, "html": name, "data-toc-label": ""})
            if n == 0 and level == 1:
                title = name
    md.toc_tokens = nest_toc_tokens(tokens)
    return "\n".join(out), md.toc_tokens, title, used


def _add_text(parts: list[list[str]], lines: list[str]) -> None:
    text = "\n".join(lines).strip("\n")
    if text.strip():
        parts.append(["md", text])


def _unique(anchor: str, used: set[str], counters: dict[str, int]) -> str:
    try:
        return unique(anchor, used, counters)
    except TypeError:  # Markdown before 3.10: no counters
        return unique(anchor, used)

