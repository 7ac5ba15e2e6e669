"""A Markdown extension that skips inline processing of text no inline pattern can match.

Python-Markdown tries every inline pattern (links, emphasis, code, HTML,
entities …) on every text node, one regular expression and several Python
calls each. A case narrative is paragraphs of Japanese prose in which none
of them can match, and at 5,000 cases this trying was a sixth of the main
process's time in ``mkdocs build``.

Each stock pattern needs one of a few characters to match (``\\ ` [ < & * _``)
or a hard line break (two spaces before a newline). ``QuickInlineProcessor``
checks a text for those with one search and returns text without any as it
is, which is exactly what the stock processor returns for it. This holds
only for the patterns listed in ``VERIFIED``: if any other inline pattern is
registered (another extension, another Markdown version), the processor
behaves exactly like the stock one for that page.

``QuickTocTreeprocessor`` is the same idea for the ``toc`` processor: the
headings' tokens as the stock one computes them, without the ``[TOC]`` div
a page does not ask for.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

TRIGGER = re.compile(r"[\\`\[<&*_]|  \n")
"""What at least one verified pattern needs in order to match."""

VERIFIED = {
    ("BacktickInlineProcessor", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)"),
    ("EscapeInlineProcessor", r"\\(.)"),
    ("ReferenceInlineProcessor", r"(?<!\!)\["),
    ("LinkInlineProcessor", r"(?<!\!)\["),
    ("ImageInlineProcessor", r"\!\["),
    ("ImageReferenceInlineProcessor", r"\!\["),
    ("ShortReferenceInlineProcessor", r"(?<!\!)\["),
    ("ShortImageReferenceInlineProcessor", r"\!\["),
    ("AutolinkInlineProcessor", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"),
    ("AutomailInlineProcessor", r"<([^<> !]+@[^@<> ]+)>"),
    ("SubstituteTagInlineProcessor", r"  \n"),
    (
        "HtmlInlineProcessor",
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
        r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""",
    ),
    ("HtmlInlineProcessor", r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"),
    ("DelimiterProcessor", r"\*|_"),
}
"""(class, pattern) of Python-Markdown 3.11's stock inline patterns, each checked against ``TRIGGER``."""


def _signature(pattern) -> tuple[str, str]:
    return type(pattern).__name__, pattern.compiled_re.pattern


def all_verified(md: Markdown) -> bool:
    """Whether every inline pattern registered on ``md`` is one of ``VERIFIED`` (markdown.inlinepatterns classes)."""
    return all(type(p).__module__ == "markdown.inlinepatterns" and _signature(p) in VERIFIED for p in md.inlinePatterns)


class QuickInlineProcessor(InlineProcessor):
    """The stock inline processor, returning at once text that no registered pattern can match."""

    def run(self, tree, ancestors=None):
        self._quick = all_verified(self.md)  # per page: extensions registered after this one are seen
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # the stock processor's private method
        if patternIndex == 0 and self._quick and TRIGGER.search(data) is None:
            return data
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)


class QuickInlineExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if type(md.treeprocessors["inline"]) is InlineProcessor:  # another extension's replacement is left alone
            md.treeprocessors.register(QuickInlineProcessor(md), "inline", 20)


class QuickTocTreeprocessor(TocTreeprocessor):
    """The stock ``toc`` treeprocessor, without the table of contents a page does not ask for.

    The stock processor builds, prettifies and serializes a ``<div class="toc">``
    on every page and walks the whole tree for the ``[TOC]`` marker, though
    only a page with the marker shows that div. MkDocs reads the headings
    from ``toc_tokens``, which this computes exactly as the stock processor
    does. On a page whose text has no marker, the div is left empty (``md.toc``
    is ``<div></div>``) and the tree is not walked: that was 3% of a
    5,000-case build's main process. Used on the build's shared instance
    (generator/mdpage.py), whose only extensions are Markdown's own and ours.
    """

    def run(self, doc) -> None:
        # A paragraph equal to the marker needs the marker in the text the parser was given.
        self._wanted = bool(self.marker) and any(self.marker in line for line in self.md.lines)
        super().run(doc)

    def build_toc_div(self, toc_list: list):
        return super().build_toc_div(toc_list) if self._wanted else etree.Element("div")

    def replace_marker(self, root, elem) -> None:
        if self._wanted:
            super().replace_marker(root, elem)


def quicken_toc(md: Markdown) -> None:
    """Put ``QuickTocTreeprocessor`` in the place of the stock ``toc`` processor of ``md``, with its configuration."""
    if type(md.treeprocessors["toc"] if "toc" in md.treeprocessors else None) is not TocTreeprocessor:
        return  # no toc, or another extension's processor
    for ext in md.registeredExtensions:
        if type(ext) is TocExtension:
            md.treeprocessors.register(QuickTocTreeprocessor(md, ext.getConfigs()), "toc", 5)  # the stock priority
            return
