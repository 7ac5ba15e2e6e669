"""Generated pages keep what Markdown would leave as it is out of Markdown (pages.deferred), for the same HTML.

Every document here is converted twice: whole, by Python-Markdown with the
bundled site's extensions (as plain MkDocs would), and deferred (template
blocks, plain headings and plain paragraphs taken out), the rest converted
and the blocks put back, with the table of contents made from the page. Both
must give the same HTML and the same table of contents.
"""

from __future__ import annotations

import re

import markdown
import markdown.extensions.toc
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify, unique
from pymdownx.slugs import slugify as pymdownx_slugify

from generator.pages.deferred import defer_html, page_toc, restore_html

SLUGIFY = pymdownx_slugify(case="lower")
EXTENSIONS = ["admonition", "attr_list", "tables", "toc"]
CONFIGS = {"toc": {"permalink": False, "slugify": SLUGIFY}}
BLOCK = "<!-- cb:html -->\n<p>表の<strong>値</strong></p>\n<ul>\n<li>a</li>\n</ul>\n<!-- /cb:html -->"

CHUNKS = [
    BLOCK,
    "## 地域課題",
    "### 出典",
    "## 出典",
    "本文です。",
    "一行目。\n二行目、続き。",
    "1972年に発足しました。会員は約230戸です。",
    "- 箇条書き\n- 二つ目",
    "1. 番号つき",
    "    字下げしたコード",
    "**強調**のある文。",
    "[リンク](https://example.jp/)のある文。",
    "> 引用",
    "　全角の空白で始まる段落。",
    "行末に空白が二つ  \nある段落。",
    "見出しの下線\n===",
    "---",
    '!!! note "注意"\n    中身',
    "| 表 | 値 |\n|---|---|\n| a | 1 |",
    "タイトル",
    "## タイトル",
    "## 地域課題 {: #own }",
    "A &amp; B と <b>タグ</b>",
]


def whole(text: str) -> tuple[str, list]:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    out = md.convert(text)
    return re.sub(r"<!-- /?cb:html -->\n?", "", out), md.toc_tokens


def deferred(text: str) -> tuple[str, list]:
    used: set[str] = set()

    def heading_id(name: str) -> str:
        anchor = unique(SLUGIFY(name, "-"), used)
        used.add(anchor)
        return anchor

    rest, blocks, _taken = defer_html(text, "TOK", heading_id=heading_id, paragraphs=True)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    out = restore_html(md.convert(rest), blocks, "TOK")

    def names(tokens):
        for t in tokens:
            yield t["id"], t["name"]
            yield from names(t["children"])

    out, tokens = page_toc(out, dict(names(md.toc_tokens)))
    return out, tokens


def _tags_apart(html: str) -> str:
    """White space between block-level tags does not show: Markdown writes one newline, the blocks another."""
    return re.sub(r">\s+<", "><", html.strip())


def _toc(tokens) -> list:
    return [(t["level"], t["id"], t["name"], _toc(t["children"])) for t in tokens]


def check(text: str) -> None:
    html_whole, toc_whole = whole(text)
    html_deferred, toc_deferred = deferred(text)
    assert _tags_apart(html_deferred) == _tags_apart(html_whole)
    assert _toc(toc_deferred) == _toc(toc_whole)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CHUNKS), max_size=12))
def test_deferred_pages_convert_to_what_markdown_gives(chunks):
    check("# タイトル\n\n" + "\n\n".join(chunks) + "\n")


def test_a_case_page_hands_markdown_its_title_only():
    text = (
        "# 川根振興協議会\n\n"
        + BLOCK
        + "\n\n## 地域課題\n\n"
        + BLOCK
        + "\n\n## 事例のくわしい内容\n\n本文です。\n\n二段落目。\n\n## 出典\n\n"
        + BLOCK
        + "\n"
    )
    rest, blocks, taken = defer_html(text, "TOK", heading_id=lambda s: slugify(s, "-"), paragraphs=True)
    assert rest == "# 川根振興協議会\n\nTOKx0\n\n" and len(blocks) == 1
    assert [t[2] for t in taken] == ["地域課題", "事例のくわしい内容", "出典"]
    check(text)


def test_what_markdown_reads_stays_markdown():
    text = (
        "# T\n\n"
        + BLOCK
        + "\n\n[リンク](https://example.jp/)の文。\n\n- 一\n\n    コード\n\n\n    続き\n\nあと。\n\n"
        + BLOCK
        + "\n"
    )
    rest, _blocks, _taken = defer_html(text, "TOK", heading_id=lambda s: s, paragraphs=True)
    assert (
        "[リンク](https://example.jp/)の文。\n\n- 一\n\n    コード\n\n\n    続き" in rest
    )  # word for word, blank lines too
    assert "あと。" not in rest  # the plain paragraph after the list leads into the next block
    check(text)


def test_without_heading_ids_only_blocks_leave_and_neighbours_merge():
    text = "# T\n\n" + BLOCK + "\n\n" + BLOCK + "\n\n## 見出し\n\n" + BLOCK + "\n"
    rest, blocks, taken = defer_html(text, "TOK")
    assert rest.count("TOKx") == 2 and "## 見出し" in rest and taken == []
    assert restore_html(markdown.markdown(rest), blocks, "TOK").count("<li>a</li>") == 3


def test_plain_text_stays_markdown_with_an_extension_that_reads_it():
    """abbr and magiclink change plain text (abbreviations, bare URLs): with either configured, nothing plain
    is written outside Markdown."""
    from types import SimpleNamespace

    from generator.mkdocs.plugin import CasebookPlugin

    def safe(*extensions):
        return CasebookPlugin._plain_text_safe(SimpleNamespace(markdown_extensions=list(extensions)))

    assert safe("toc", "tables", "fenced_code", "admonition", "attr_list")
    assert safe("markdown.extensions.toc", markdown.extensions.toc.TocExtension())
    assert not safe("toc", "abbr")
    assert not safe("toc", "pymdownx.magiclink")
