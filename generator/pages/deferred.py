"""Template-made HTML kept out of Markdown.

A generated page's structured parts (the facts table, value links, listings)
are HTML that templates write between ``<!-- cb:html -->`` and
``<!-- /cb:html -->``. Python-Markdown would parse that HTML character by
character, for nothing: the MkDocs plugin takes each block out before
conversion (``defer_html``), leaving a placeholder paragraph, and puts it
back into the converted page (``restore_html``). Exported Markdown keeps the
blocks inline, as raw HTML any engine passes through.

Given ``heading_id``, the plain headings that stand right before a block
(``## 地域課題`` and its value links) go with it, written as the ``toc``
extension would write them, and blocks that only blank lines separate
become one: a case page then hands Markdown its title and narrative only.
Their ``(level, id, text)`` are returned, for the page's table of contents
(``page_toc``).

``token`` is a secret of the build, so a placeholder written by a
contributor cannot name a block.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Callable

from markdown.extensions.toc import nest_toc_tokens, unique

OPEN = "<!-- cb:html -->\n"
CLOSE = "<!-- /cb:html -->"
PLAIN_HEADING = re.compile(r"(#{2,6}) ([^\\`*_\[\]<>&{}#\n]+?)[ \t]*")
"""A heading line whose text Markdown would write as it is (no inline syntax, no entity, no attribute list)."""
_HEADING_HTML = re.compile(r'<h([1-6])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _segments(markdown: str) -> list[tuple[bool, str]]:
    """The page as (is a block, text) pieces, in order."""
    out: list[tuple[bool, str]] = []
    pos = 0
    while (start := markdown.find(OPEN, pos)) >= 0 and (end := markdown.find(CLOSE, start + len(OPEN))) >= 0:
        out.append((False, markdown[pos:start]))
        block = markdown[start + len(OPEN) : end]
        out.append((True, block[:-1] if block.endswith("\n") else block))
        pos = end + len(CLOSE)
    out.append((False, markdown[pos:]))
    return out


def _heading_tail(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Split ``text`` into what stays Markdown and the plain heading lines that end it (each between blank lines)."""
    lines = text.split("\n")
    headings: list[tuple[int, str]] = []
    end = len(lines)
    while True:
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        if end == 0:
            break
        m = PLAIN_HEADING.fullmatch(lines[end - 1])
        if m is None or (end > 1 and lines[end - 2].strip()):
            break
        headings.insert(0, (len(m.group(1)), m.group(2)))
        end -= 1
    return "\n".join(lines[:end]) + ("\n\n" if end else ""), headings


def defer_html(
    markdown: str, token: str, blocks: list[str] | None = None, heading_id: Callable[[str], str] | None = None
) -> tuple[str, list[str], list[tuple[int, str, str]]]:
    """Replace each block by a paragraph ``{token}x{n}``; return the Markdown, the blocks (appended to
    ``blocks``) and the headings taken along with them as (level, id, text)."""
    blocks = [] if blocks is None else blocks
    taken: list[tuple[int, str, str]] = []
    out: list[str] = []
    pending: list[str] | None = None
    """The HTML of the block being gathered (headings and blocks that follow each other)."""
    for is_block, text in _segments(markdown):
        if not is_block:
            keep, headings = _heading_tail(text) if heading_id else (text, [])
            if pending is not None and (keep.strip() or not headings and text.strip()):
                blocks.append("\n".join(pending))
                out.append(f"{token}x{len(blocks) - 1}")
                pending = None
            if pending is None or keep.strip():
                out.append(keep if heading_id else text)
            if headings:
                pending = pending or []
                for level, name in headings:
                    anchor = heading_id(name)
                    taken.append((level, anchor, name))
                    pending.append(f'<h{level} id="{anchor}">{name}</h{level}>')
            continue
        if pending is None:
            pending = []
        pending.append(text)
    if pending is not None:
        blocks.append("\n".join(pending))
        out.append(f"{token}x{len(blocks) - 1}\n")
    return "".join(out), blocks, taken


def restore_html(html_text: str, blocks: list[str], token: str) -> str:
    """Put deferred blocks back where Markdown left their placeholder paragraphs."""
    return re.sub(rf"<p>{token}x(\d+)</p>", lambda m: blocks[int(m.group(1))], html_text)


def page_toc(html_text: str, names: dict[str, str]) -> tuple[str, list[dict]]:
    """The page with unique heading ids, and table-of-contents tokens (as Python-Markdown's toc extension
    makes them) of every heading with an id, in page order. ``names`` gives the title of the headings
    Markdown wrote (by id); the others are titled by their text. A heading whose id an earlier one has
    (a narrative's 「## 出典」 after the page's own) gets the toc extension's ``_1`` suffix."""
    flat: list[dict] = []
    seen: set[str] = set()

    def visit(m: re.Match) -> str:
        level, anchor, inner = int(m.group(1)), m.group(2), m.group(3)
        name = names.get(anchor) or html_lib.escape(html_lib.unescape(_TAGS.sub("", inner)), quote=False)
        whole = m.group(0)
        if anchor in seen:
            new = unique(anchor, seen)
            whole = whole.replace(f'id="{anchor}"', f'id="{new}"', 1)
            anchor = new
        seen.add(anchor)
        flat.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        return whole

    html_text = _HEADING_HTML.sub(visit, html_text)
    return html_text, nest_toc_tokens(flat)
