"""Automatic glossary links in rendered HTML.

Python-Markdown's ``abbr`` needs word boundaries, which Japanese sentences do
not have, so terms are found with one compiled alternation (longest first,
so 地域運営組織 wins over 組織) over the text between tags. Text inside
headings, links, code and similar elements is never touched; each term is
linked once per page, at its first occurrence.
"""

from __future__ import annotations

import html
import re

from .model import GlossaryTerm

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(/?)>|<!--.*?-->", re.S)
SKIP = frozenset("a abbr button code h1 h2 h3 h4 h5 h6 kbd label pre script select style svg textarea title".split())


class GlossaryLinker:
    def __init__(self, terms: list[GlossaryTerm]):
        self.by_surface: dict[str, GlossaryTerm] = {}
        for t in terms:
            if not t.link:
                continue
            for surface in (t.term, *t.aka):
                self.by_surface.setdefault(surface, t)
        surfaces = sorted(self.by_surface, key=lambda s: (-len(s), s))
        self.pattern = re.compile("|".join(map(re.escape, surfaces))) if surfaces else None

    def link(self, text: str, glossary_href: str) -> str:
        """Link the first occurrence of each term in ``text`` (HTML) to ``glossary_href#slug``."""
        if self.pattern is None:
            return text
        out: list[str] = []
        done: set[str] = set()
        skip: dict[str, int] = {}
        pos = 0
        for m in _TAG.finditer(text):
            if m.start() > pos:
                segment = text[pos : m.start()]
                out.append(segment if any(skip.values()) else self._link_segment(segment, glossary_href, done))
            out.append(m.group(0))
            name = (m.group(2) or "").lower()
            if name in SKIP and not m.group(4):
                skip[name] = skip.get(name, 0) + (-1 if m.group(1) else 1)
            pos = m.end()
        tail = text[pos:]
        out.append(tail if any(skip.values()) else self._link_segment(tail, glossary_href, done))
        return "".join(out)

    def _link_segment(self, segment: str, href: str, done: set[str]) -> str:
        def repl(m: re.Match) -> str:
            term = self.by_surface[m.group(0)]
            if term.slug in done:
                return m.group(0)
            done.add(term.slug)
            title = html.escape(term.definition, quote=True)
            return f'<a class="cb-term" href="{href}#{term.slug}" title="{title}">{m.group(0)}</a>'

        return self.pattern.sub(repl, segment)
