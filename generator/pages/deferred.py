"""Template-made HTML kept out of Markdown.

A generated page's structured parts (the facts table, value links, listings)
are HTML that templates write between ``<!-- cb:html -->`` and
``<!-- /cb:html -->``. Python-Markdown would parse that HTML character by
character, for nothing: the MkDocs plugin takes each block out before
conversion (``defer_html``), leaving a placeholder paragraph, and puts it
back into the converted page (``restore_html``). Exported Markdown keeps the
blocks inline, as raw HTML any engine passes through.

Given ``heading_id``, the plain headings next to a block (``## 地域課題``
and its value links) go with it, written as the ``toc`` extension would
write them, and blocks that only blank lines separate become one; with
``paragraphs``, plain paragraphs too (text without any character Markdown
reads, written as Markdown writes it). A case page whose narrative is plain
text then hands Markdown its title only. The headings' ``(level, id, text)``
are returned, for the page's table of contents (``page_toc``).

``token`` is a secret of the build, so a placeholder written by a
contributor cannot name a block.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

from markdown.extensions.toc import nest_toc_tokens, unique

OPEN = "<!-- cb:html -->\n"
CLOSE = "<!-- /cb:html -->"
PLAIN_HEADING = re.compile(r"(#{2,6}) ([^\\`*_\[\]<>&{}#!|\n]+?)[ \t]*")
"""A heading line whose text Markdown would write as it is (no inline syntax, no entity, no attribute list)."""
_PLAIN_LINE = re.compile(
    r"(?![-*+] |\d+[.)] |[=-]+$|:)[^\s\\`*_\[\]<>&{}#!|:~^\t](?:[^\\`*_\[\]<>&{}#!|\t]*[^\s\\`*_\[\]<>&{}#!|\t])?"
)
"""A line of a paragraph Markdown writes as it is: no inline syntax, no block syntax at its start,
no white space at either end (two trailing spaces would be a line break)."""
_HEADING_HTML = re.compile(r'<h([1-6])\b[^>]*?\bid="([^"]+)"([^>]*)>(.*?)</h\1>', re.S)
OURS = " data-cb-heading"
"""Marks a heading written here until ``page_toc`` has made the ids unique (it removes the mark)."""
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


def _plain(chunk: str, paragraphs: bool) -> tuple[int, str] | None:
    """A chunk (lines between blank lines) Markdown would write as it is: (heading level, text), or
    (0, text) for a paragraph when ``paragraphs``; None for anything else."""
    m = PLAIN_HEADING.fullmatch(chunk)
    if m:
        return len(m.group(1)), m.group(2)
    if paragraphs and all(_PLAIN_LINE.fullmatch(line) for line in chunk.split("\n")):
        return 0, chunk
    return None


def _chunks(text: str) -> list[tuple[int, int]]:
    """(first line, line after the last) of each run of non-blank lines of ``text``."""
    out, start = [], None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            if start is None:
                start = i
        elif start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(lines)))
    return out


def _split(text: str, paragraphs: bool, last: bool) -> tuple[list, str, list]:
    """``text`` (between two blocks) as (plain chunks that continue the block before it, what stays
    Markdown, word for word, plain chunks that lead into the block after it; none when ``last``).

    Chunks are taken only from the ends inward, so nothing Markdown reads across blank lines (a loose
    list, indented code) is cut."""
    lines = text.split("\n")
    spans = _chunks(text)
    plain = [_plain("\n".join(lines[a:b]), paragraphs) for a, b in spans]
    head = 0
    while head < len(spans) and plain[head] is not None:
        head += 1
    tail = len(spans)
    while not last and tail > head and plain[tail - 1] is not None:
        tail -= 1
    middle = "\n".join(lines[spans[head][0] : spans[tail - 1][1]]) + "\n\n" if head < tail else ""
    return plain[:head], middle, plain[tail:]


def defer_html(
    markdown: str,
    token: str,
    blocks: list[str] | None = None,
    heading_id: Callable[[str], str] | None = None,
    paragraphs: bool = False,
) -> tuple[str, list[str], list[tuple[int, str, str]]]:
    """Replace each block by a paragraph ``{token}x{n}``; return the Markdown, the blocks (appended to
    ``blocks``) and the headings taken along with them as (level, id, text).

    Given ``heading_id``, the plain chunks between blocks go with them (headings, and with
    ``paragraphs`` plain paragraphs: the caller knows that no configured extension reads plain text).
    The page's start, before its first block (front matter, title), stays as it is."""
    blocks = [] if blocks is None else blocks
    taken: list[tuple[int, str, str]] = []
    out: list[str] = []
    pending: list[str] | None = None
    """The HTML being gathered into one block (blocks and the plain chunks between them)."""

    def to_html(chunks) -> list[str]:
        parts = []
        for level, text in chunks:
            if level == 0:
                parts.append(f"<p>{text}</p>")
            else:
                anchor = heading_id(text)
                taken.append((level, anchor, text))
                parts.append(f'<h{level} id="{anchor}"{OURS}>{text}</h{level}>')
        return parts

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            blocks.append("\n".join(pending))
            out.append(f"{token}x{len(blocks) - 1}\n\n")
            pending = None

    segments = _segments(markdown)
    for i, (is_block, text) in enumerate(segments):
        if is_block:
            pending = (pending or []) + [text]
        elif heading_id is None or i == 0:
            if text.strip() or i == len(segments) - 1:
                flush()
                out.append(text)
        else:
            lead, keep, trail = _split(text, paragraphs, last=i == len(segments) - 1)
            pending = (pending or []) + to_html(lead)
            if keep:
                flush()
                out.append(keep)
            if trail:
                pending = to_html(trail)
    flush()
    return "".join(out), blocks, taken


def restore_html(html_text: str, blocks: list[str], token: str) -> str:
    """Put deferred blocks back where Markdown left their placeholder paragraphs."""
    return re.sub(rf"<p>{token}x(\d+)</p>", lambda m: blocks[int(m.group(1))], html_text)


def page_toc(html_text: str, names: dict[str, str]) -> tuple[str, list[dict]]:
    """The page with the marks of the headings written here removed, their ids made unique, and the
    table-of-contents tokens (as the toc extension makes them) of every heading with an id, in page order.

    ``names`` gives the title of the headings Markdown wrote (by id); the others are titled by their
    text. A heading id given twice is made unique as the toc extension would: a heading written here, or
    one of Markdown's after it, gets ``_1`` (or the next free number); Markdown's own duplicates (ids
    written by an attribute list) stay as Markdown left them."""
    flat: list[dict] = []
    seen: set[str] = set()
    claimed: set[str] = set()
    """Ids that Markdown did not give: ours, and those this function gave (Markdown's later ids may clash)."""

    def visit(m: re.Match) -> str:
        level, anchor, attrs, inner = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        ours = OURS in attrs
        whole = m.group(0).replace(OURS, "", 1) if ours else m.group(0)
        name = (
            html_lib.escape(html_lib.unescape(_TAGS.sub("", inner)), quote=False) if ours else names.get(anchor, inner)
        )
        if anchor in seen and (ours or anchor in claimed):
            new = unique(anchor, seen)
            whole = whole.replace(f'id="{anchor}"', f'id="{new}"', 1)
            anchor = new
            claimed.add(anchor)
        seen.add(anchor)
        if ours:
            claimed.add(anchor)
        flat.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        return whole

    html_text = _HEADING_HTML.sub(visit, html_text)
    return html_text, nest_toc_tokens(flat)
