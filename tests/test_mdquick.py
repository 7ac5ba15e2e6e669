"""The quick inline processor must give exactly what Python-Markdown's own gives."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor

from markdown.extensions.toc import TocExtension, TocTreeprocessor

from generator.mkdocs.mdquick import TRIGGER, QuickInlineExtension, QuickInlineProcessor, QuickTocTreeprocessor, all_verified, quicken_toc

EXTENSIONS = ["admonition", "attr_list", "tables", "toc"]  # what the plugin's on_config makes sure of


def convert(text: str, quick: bool, extra=()) -> str:
    extensions = [*EXTENSIONS, *extra] + ([QuickInlineExtension()] if quick else [])
    return markdown.Markdown(extensions=extensions).convert(text)


SAMPLES = [
    "地区の住民が集まり、これからの暮らしについて話し合いを重ねてきた。",
    "一行目  \n二行目（行末の空白二つで改行）",
    "**強調** と *斜体* と _下線_ と `コード` と \\*エスケープ\\*",
    "[リンク](https://example.jp/) と ![画像](a.png) と [参照][r]\n\n[r]: https://example.jp/r",
    "<https://example.jp/> と <a@example.jp> と &amp; と &#12354; と <span>HTML</span>",
    "# 見出し {#custom}\n\n本文の段落。\n\n- 項目 1\n- 項目 2 **太字**\n\n| 表 | 列 |\n|---|---|\n| あ | `い` |",
    "!!! note \"注意\"\n    囲みの中の文章。",
    "段落の中の ! と ] と > と # と = と ~ は、どれもふつうの文字。",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_same_html_as_the_stock_processor(text):
    assert convert(text, quick=True) == convert(text, quick=False)


ALPHABET = st.sampled_from(list("あいう漢字、。 \n\t*_`[]()!<>&;#\\-:=|~x1") + ["  \n", "\n\n", "**", "](", "&amp;", "<b>", "</b>", "http://a.jp"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_same_html_for_any_text(text):
    assert convert(text, quick=True) == convert(text, quick=False)


def test_fast_path_is_on_for_the_pinned_markdown():
    """If a Markdown upgrade changes an inline pattern, the fast path switches itself off; this says so."""
    md = markdown.Markdown(extensions=[*EXTENSIONS, QuickInlineExtension()])
    assert type(md.treeprocessors["inline"]) is QuickInlineProcessor
    assert all_verified(md), "review mdquick.VERIFIED and TRIGGER against this Markdown version's inline patterns"


class _Mark(Extension):
    """An inline pattern the quick processor does not know: ==text== → <mark>."""

    def extendMarkdown(self, md):
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"(=)=(.+?)==", "mark"), "mark", 65)


@pytest.mark.parametrize("order", ["before", "after"])
def test_unknown_inline_pattern_turns_the_fast_path_off(order):
    """ "==しるし==" holds no trigger character: only the check of registered patterns keeps it converted."""
    assert TRIGGER.search("==しるし==") is None
    text = "地区の ==しるし== です。"
    md = markdown.Markdown(extensions=[*EXTENSIONS, _Mark(), QuickInlineExtension()] if order == "after" else [*EXTENSIONS, QuickInlineExtension(), _Mark()])
    html = md.convert(text)
    assert "<mark>しるし</mark>" in html
    assert html == convert(text, quick=False, extra=[_Mark()])
    assert not all_verified(md)


def test_text_without_triggers_is_returned_untouched():
    """The skip itself: no inline pattern is tried on plain prose."""
    md = markdown.Markdown(extensions=[*EXTENSIONS, QuickInlineExtension()])
    tried = []
    for pattern in md.inlinePatterns:
        original = pattern.getCompiledRegExp()
        pattern.compiled_re = _Spy(original, tried)
    md.convert("ふつうの文章です。句読点しかありません。")
    assert tried == []
    md.convert("ここに *強調* があります。")
    assert tried, "text with a trigger goes through every pattern as before"


class _Spy:
    def __init__(self, regex: re.Pattern, tried: list):
        self.regex, self.tried, self.pattern = regex, tried, regex.pattern

    def search(self, *args):
        self.tried.append(self.pattern)
        return self.regex.search(*args)

    def match(self, *args):
        self.tried.append(self.pattern)
        return self.regex.match(*args)

    def finditer(self, *args):
        self.tried.append(self.pattern)
        return self.regex.finditer(*args)


TOC_PAGES = [
    "# 事例\n\n## 地域課題\n\n本文。\n\n## 主な活動 {#katsudo}\n\n### 見守り *活動*\n\n## 地域課題\n",
    "# 目次のあるページ\n\n[TOC]\n\n## 一\n\n本文に [TOC] と書いても目次にはならない。\n\n## 二\n",
    "本文だけ。\n\n    [TOC]\n\n(コードの中の [TOC])\n",
]


@pytest.mark.parametrize("text", TOC_PAGES)
def test_quick_toc_gives_the_stock_html_and_headings(text):
    stock = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}})
    quick = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}})
    quicken_toc(quick)
    assert type(quick.treeprocessors["toc"]) is QuickTocTreeprocessor
    assert type(stock.treeprocessors["toc"]) is not QuickTocTreeprocessor
    for _ in range(2):  # and again after a reset, as the shared instance is used
        assert quick.convert(text) == stock.convert(text)
        assert quick.toc_tokens == stock.toc_tokens
        if "[TOC]" in text:  # anywhere in the text (a code block too): the div is built, as by the stock one
            assert quick.toc == stock.toc
        else:
            assert quick.toc == "<div></div>" and '<div class="toc">' in stock.toc  # built by the stock one, never shown
        quick.reset()
        stock.reset()


def test_quick_toc_leaves_another_toc_processor_alone():
    md = markdown.Markdown(extensions=["tables"])
    quicken_toc(md)  # no toc at all
    assert "toc" not in md.treeprocessors
    md = markdown.Markdown(extensions=["toc"])
    other = type("OtherToc", (TocTreeprocessor,), {})(md, TocExtension().getConfigs())
    md.treeprocessors.register(other, "toc", 5)
    quicken_toc(md)
    assert md.treeprocessors["toc"] is other
