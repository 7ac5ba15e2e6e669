"""``PageContext``: what a template knows about the page it renders.

Every generated page is rendered with ``page``, a ``PageContext`` for its
docs-relative path. Its methods give links that work from that page (the
same URLs MkDocs gives, relative, so the site works from any folder) and
the HTML pieces many pages share: links to facet values, listing items,
related cases. Pieces that do not depend on the page are rendered once per
build and kept by the renderer (``Shared``).
"""

from __future__ import annotations

import html

from markupsafe import Markup

from .text import first_sentence, page_url, relative, relative_url


class Shared:
    """Pieces rendered once per build and reused by every page that shows them."""

    def __init__(self, renderer):
        self.renderer = renderer
        self.items: dict[tuple, str] = {}
        """(way to the root, case id, its text) → the case's <li> in a listing."""
        self.facet_links: dict[tuple, Markup] = {}
        """(way to the root, facet, label, text, class) → <a> to the value's page, for pages outside index/."""


class PageContext:
    """The page being rendered: ``here`` (a docs-relative ``.md`` path) and how to link from it."""

    def __init__(self, renderer, here: str):
        self.renderer = renderer
        self.book = renderer.book
        self.here = here
        self.directory_urls = renderer.directory_urls
        self.url_here = page_url(here, self.directory_urls)
        to_root = relative_url(self.url_here, "")
        self.to_root = "" if to_root == "./" else to_root
        """The relative way from this page to the site root ("" at the root)."""

    def url(self, target: str) -> str:
        """A Markdown link target: the docs-relative path of ``target`` (``.md``, MkDocs resolves it)."""
        return relative(self.here, target)

    def link_to(self, target: str) -> str:
        """The final URL of page ``target`` (a docs-relative ``.md`` path, ``#anchor`` kept), relative to this page."""
        target, _, anchor = target.partition("#")
        link = relative_url(self.url_here, page_url(target, self.directory_urls))
        return link + ("#" + anchor if anchor else "")

    def aliases(self, case) -> list[str]:
        """The everyday words (vocabulary ``aliases``) of every value the case carries, once each."""
        vocab = self.book.dataset.vocab
        words: dict[str, None] = {}
        for name, vocabulary in vocab.items():
            spec = vocabulary and self.book.facets[name].spec
            for label in spec.values(case) if spec else ():
                term = vocabulary.by_label.get(label)
                words.update(dict.fromkeys(term.aliases if term else ()))
        return list(words)

    def facet_a(self, facet: str, label: str, text=None, cls: str | None = None) -> Markup:
        """``<a>`` to a facet value's page, its text escaped (``text`` defaults to the label)."""
        shared = self.renderer.shared.facet_links
        key = (self.to_root, facet, label, text, cls) if not self.here.startswith("index/") else None
        a = shared.get(key) if key else None
        if a is None:
            attr = f' class="{cls}"' if cls else ""
            href = html.escape(self.link_to(self.book.facets[facet].path(label)))
            a = Markup(f'<a{attr} href="{href}">{html.escape(str(text or label), quote=False)}</a>')
            if key:
                shared[key] = a
        return a

    def facet_links(self, facet: str, labels, separator: str, cls: str | None = None) -> Markup:
        """``facet_a`` of several values, joined by ``separator``."""
        return Markup(html.escape(separator)).join(self.facet_a(facet, label, None, cls) for label in labels)

    def list_items(self, cases, stage: str | None = None) -> str:
        """The <li> of each case (``case_item.html.j2``), with its first sentence or, given a stage, its lesson."""
        items = self.renderer.shared.items
        template = self.renderer.template("case_item.html.j2")
        out = []
        for c in cases:
            text = c.stage_lesson(stage) if stage else first_sentence(c.summary)
            key = (self.to_root, c.id, c.name, c.prefecture, c.municipality, text)
            li = items.get(key)
            if li is None:
                link = self.link_to(f"cases/{c.id}.md")
                li = items[key] = template.render(c=c, link=link, text=text).strip()
            out.append(li)
        return "\n".join(out) + "\n" if out else ""

    def related_items(self, related) -> Markup:
        """The <li> of each related case (``related_item.html.j2``), with what the two cases share."""
        template = self.renderer.template("related_item.html.j2")
        return Markup(
            "\n".join(template.render(r=r, link=self.link_to(f"cases/{r.case.id}.md")).strip() for r in related)
        )
