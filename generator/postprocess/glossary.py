"""Automatic glossary links in rendered HTML.

Python-Markdown's ``abbr`` needs word boundaries, which Japanese sentences do
not have, so terms are found with one compiled alternation (longest first,
so 地域運営組織 wins over 組織) over the text between tags. Text inside
headings, links, code and similar elements is never touched; each term is
linked once per page, at its first occurrence. The HTML holds text escaped
(``Q&A`` as ``Q&amp;A``), so each term is looked for in its escaped form.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from ..model.entities import GlossaryTerm

SKIP = frozenset("a abbr button code h1 h2 h3 h4 h5 h6 kbd label pre script select style svg textarea title".split())
_HEADINGS = frozenset(f"h{i}" for i in range(1, 7))
_SKIP_TAG = re.compile(r"<(/?)(" + "|".join(sorted(SKIP - _HEADINGS) + ["h[1-6]"]) + r")(?=[\s/>])([^>]*)>", re.I)
"""A start or end tag of an element in SKIP. Greedy up to ``>`` (a lazy ``[^>]*?`` tried the end at every
character of every tag: twice the time), the self-closing slash checked on the few matches."""


class GlossaryLinker:
    def __init__(self, terms: list[GlossaryTerm]):
        self.by_surface: dict[str, GlossaryTerm] = {}
        for t in terms:
            if not t.link:
                continue
            for surface in (t.term, *t.aka):
                # As the term appears in rendered HTML text: & < > escaped (quotes stay as they are in text).
                self.by_surface.setdefault(html.escape(surface, quote=False), t)
        surfaces = sorted(self.by_surface, key=lambda s: (-len(s), s))
        self.pattern = re.compile("|".join(map(re.escape, surfaces))) if surfaces else None

    def link(self, text: str, glossary_href: str) -> str:
        """Link the first occurrence of each term in ``text`` (HTML) to ``glossary_href#slug``.

        One scan for the terms over the whole page (in C), then, for the few
        first occurrences, two checks: not inside a tag (an attribute, a
        comment) and not inside an element whose text must stay plain.
        """
        if self.pattern is None:
            return text
        skipped = _skipped_spans(text)
        starts = [s for s, _e in skipped]
        out: list[str] = []
        done: set[str] = set()
        pos = 0
        for m in self.pattern.finditer(text):
            term = self.by_surface[m.group(0)]
            if term.slug in done:
                continue
            i = m.start()
            if text.rfind("<", 0, i) > text.rfind(">", 0, i):
                continue  # inside a tag or a comment
            k = bisect_right(starts, i) - 1
            if k >= 0 and i < skipped[k][1]:
                continue
            done.add(term.slug)
            title = html.escape(term.definition, quote=True)
            out.append(text[pos:i])
            out.append(f'<a class="cb-term" href="{glossary_href}#{term.slug}" title="{title}">{m.group(0)}</a>')
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost element in SKIP, in order."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _SKIP_TAG.finditer(text):
        if m.group(3).endswith("/"):  # self-closing: no text inside
            continue
        if m.group(1):
            if depth:
                depth -= 1
                if not depth:
                    spans.append((start, m.end()))
        else:
            if not depth:
                start = m.start()
            depth += 1
    if depth:
        spans.append((start, len(text)))
    return spans
