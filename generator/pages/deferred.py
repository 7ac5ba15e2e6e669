"""Template-made HTML kept out of Markdown.

A generated page's structured parts (the facts table, value links, listings)
are HTML that templates write between ``<!-- cb:html -->`` and
``<!-- /cb:html -->``. Python-Markdown would parse that HTML character by
character, for nothing: the MkDocs plugin takes each block out before
conversion (``defer_html``), leaving a placeholder paragraph, and puts it
back into the converted page (``restore_html``). Exported Markdown keeps the
blocks inline, as raw HTML any engine passes through.

``token`` is a secret of the build, so a placeholder written by a
contributor cannot name a block.
"""

from __future__ import annotations

import re

OPEN = "<!-- cb:html -->\n"
CLOSE = "<!-- /cb:html -->"


def defer_html(markdown: str, token: str, blocks: list[str] | None = None) -> tuple[str, list[str]]:
    """Replace each block by a paragraph ``{token}x{n}``; return the Markdown and the blocks (appended to ``blocks``)."""
    blocks = [] if blocks is None else blocks
    out: list[str] = []
    pos = 0
    while (start := markdown.find(OPEN, pos)) >= 0 and (end := markdown.find(CLOSE, start + len(OPEN))) >= 0:
        block = markdown[start + len(OPEN) : end]
        blocks.append(block[:-1] if block.endswith("\n") else block)
        out.append(markdown[pos:start])
        out.append(f"{token}x{len(blocks) - 1}")
        pos = end + len(CLOSE)
    out.append(markdown[pos:])
    return "".join(out), blocks


def restore_html(html_text: str, blocks: list[str], token: str) -> str:
    """Put deferred blocks back where Markdown left their placeholder paragraphs."""
    return re.sub(rf"<p>{token}x(\d+)</p>", lambda m: blocks[int(m.group(1))], html_text)
