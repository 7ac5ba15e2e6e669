"""Generated pages converted with one Markdown instance for the whole build.

MkDocs makes a new ``markdown.Markdown`` for every page (``Page.render``),
building its parsers and loading each extension again: at 5,000 case pages
that took 1.3 s of the build's main process. The plugin gives its generated
pages that are not in the navigation this ``Page`` subclass (as Material's
blog plugin gives its posts their own), created where MkDocs would create a
plain ``Page`` for them. Its ``render`` is MkDocs 1.6's, except that it
converts with one instance per build, reset between pages: Markdown's
documented way to convert many documents. tests/test_mdpage.py checks that
it gives what ``Page.render`` gives.

Markdown's own extensions reset their state with the instance; another
extension may keep something from one document to the next. With any such
extension configured, every page gets its own instance, as in MkDocs.
The shared instance's ``toc`` processor skips the ``[TOC]`` div that no
generated page asks for (``mdquick.QuickTocTreeprocessor``). Given the
placeholder of the plugin's deferred HTML blocks, a page is converted in
pieces where that gives the same result (``mdpieces``): its plain headings
and placeholder lines are written directly, and only the text between them
goes through Markdown.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import mdpieces
from .mdquick import quicken_toc

# Markdown's own extensions, by the names mkdocs.yml may give them.
_BUILTIN = {
    "abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes", "legacy_attrs",
    "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks",
}  # fmt: skip


def resettable(extensions) -> bool:
    """Whether every configured extension is one that a reset clears: Markdown's own, or this package's."""
    for ext in extensions:
        if isinstance(ext, Extension):
            if not type(ext).__module__.startswith(("markdown.extensions.", "generator.")):
                return False
        elif str(ext).removeprefix("markdown.extensions.") not in _BUILTIN:
            return False
    return True


class SharedMarkdown:
    """The one Markdown instance of a build (``None`` when the configured extensions rule it out)."""

    def __init__(self, config, placeholder: re.Pattern | None = None):
        self.config = config
        self._md: markdown.Markdown | None = None
        self.usable = resettable(config["markdown_extensions"])
        self.placeholder = placeholder
        """A placeholder line of a deferred HTML block (``render.defer_html``); with it, pages convert in pieces."""
        self.pieces = False
        """Whether pages convert in pieces (``mdpieces.usable``), known once the instance is made."""

    def get(self) -> markdown.Markdown | None:
        if not self.usable:
            return None
        if self._md is None:
            self._md = markdown.Markdown(extensions=self.config["markdown_extensions"], extension_configs=self.config["mdx_configs"] or {})
            quicken_toc(self._md)
            self.pieces = self.placeholder is not None and mdpieces.usable(self._md, self.config["markdown_extensions"])
        return self._md


class SharedMarkdownPage(Page):
    """A ``Page`` whose ``render`` converts with the build's shared Markdown instance, in pieces where it can (``mdpieces``)."""

    shared: SharedMarkdown | None = None

    def render(self, config, files) -> None:
        md = self.shared.get() if self.shared is not None else None
        if md is None:
            return super().render(config, files)
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        done = None
        if self.shared.pieces:
            processors = self._register(md, config, files)
            done = mdpieces.convert(md, self.markdown, self.shared.placeholder)
        if done is not None:
            self.content, tokens, self._title_from_render, headings = done
            raw_html_ext, extract_anchors_ext, relative_path_ext, _title = processors
            extract_anchors_ext.present_anchor_ids |= headings
        else:  # MkDocs 1.6's Page.render, with the shared instance
            raw_html_ext, extract_anchors_ext, relative_path_ext, extract_title_ext = self._register(md, config, files)
            self.content = md.convert(self.markdown)
            tokens = getattr(md, "toc_tokens", [])
            self._title_from_render = extract_title_ext.title
        self.toc = get_toc(tokens)
        self.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > mkdocs_pages.logging.DEBUG:
            self.links_to_anchors = relative_path_ext.links_to_anchors

    def _register(self, md, config, files) -> tuple:
        """A reset instance with MkDocs' per-page processors, new ones under the old names (which replaces the last page's)."""
        md.reset()
        raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(self.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(self.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        return raw_html_ext, extract_anchors_ext, relative_path_ext, extract_title_ext
