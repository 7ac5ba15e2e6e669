"""Generated pages converted with one shared Markdown instance (generator.mdpage) give what MkDocs' Page gives."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.mkdocs import mdpieces
from generator.mkdocs.mdpage import SharedMarkdown, SharedMarkdownPage, resettable
from generator.mkdocs.mdquick import QuickInlineExtension

from .sitebuild import copy_bundled

PAGES = {
    "cases/a.md": "# 事例 A\n\n[B へ](b.md#kadai) と [索引](../index/x.md)。\n\n## 課題 {#kadai}\n\n!!! note \"メモ\"\n    注意書き。\n\n| 列 | 値 |\n|---|---|\n| 1 | 2 |\n",
    "cases/b.md": "# 事例 B\n\n## 課題 {#kadai}\n\n## 課題\n\n<div id=\"raw\">生の HTML</div>\n\n```\nコード <b>\n```\n\n[リンク][ref]\n\n[ref]: a.md\n",
    "cases/c.md": "本文だけで見出しなし。*強調* と `code`。\n\n## 課題\n",
    "index/x.md": "# 索引\n\n[A](../cases/a.md) [B](../cases/b.md#kadai)\n",
    "cases/d.md": "# 目次つき\n\n[TOC]\n\n## 一\n\n## 二\n",
}


@pytest.fixture
def config(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - toc:\n      permalink: false\n  - tables\n  - fenced_code\n  - admonition\n  - attr_list\n",
        encoding="utf-8",
    )
    cfg = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    cfg["markdown_extensions"].append(QuickInlineExtension())
    cfg.plugins._current_plugin = None
    return cfg


def rendered(page: Page) -> tuple:
    toc = [(item.title, item.id, item.level, [(c.title, c.id) for c in item.children]) for item in page.toc]
    links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}  # File objects differ between runs
    return (page.content, toc, page._title_from_render, page.present_anchor_ids, links)


def render_all(config, cls, shared=None) -> dict:
    files = Files([File.generated(config, path, content=text) for path, text in PAGES.items()])
    out = {}
    for _ in range(2):  # twice over: a second pass shows anything one page leaves in the shared instance
        for file in files.documentation_pages():
            page = cls(None, file, config)
            if shared is not None:
                page.shared = shared
            page.read_source(config)
            page.render(config, files)
            out.setdefault(file.src_uri, []).append(rendered(page))
    return out


def test_the_shared_instance_gives_what_page_render_gives(config):
    shared = SharedMarkdown(config)
    assert shared.usable
    mine = render_all(config, SharedMarkdownPage, shared)
    theirs = render_all(config, Page)
    assert mine == theirs
    assert all(first == second for first, second in mine.values())
    assert 'id="kadai"' in mine["cases/b.md"][0][0] and 'id="_1"' in mine["cases/b.md"][0][0]  # ids unique in a page, not counted across pages
    assert mine["cases/c.md"][0][2] is None and mine["cases/a.md"][0][2] == "事例 A"
    assert shared.get() is shared.get()


def test_other_extensions_keep_an_instance_per_page(config):
    assert resettable(["toc", "markdown.extensions.tables", QuickInlineExtension()])
    assert not resettable(["toc", "pymdownx.superfences"])
    config["markdown_extensions"].append("pymdownx.caret")
    shared = SharedMarkdown(config)
    assert not shared.usable and shared.get() is None
    assert render_all(config, SharedMarkdownPage, shared) == render_all(config, Page)


def test_a_build_converts_the_generated_pages_with_one_instance(tmp_path):
    """A real build of the bundled site: hand-written and nav pages get MkDocs' Page and their own
    instance; every other generated page (the case and index pages) the shared one."""
    code = textwrap.dedent(
        """
        import markdown, os, shutil, sys
        from mkdocs.__main__ import cli
        from generator.mkdocs import mdpieces
        made, pieces = [], []
        init = markdown.Markdown.__init__
        markdown.Markdown.__init__ = lambda self, *a, **k: made.append(1) or init(self, *a, **k)
        convert = mdpieces.convert
        def counted(*args):
            done = convert(*args)
            pieces.extend([1] if done is not None else [])
            return done
        mdpieces.convert = counted
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        try:
            cli(["build", "-q", "-d", sys.argv[1], "--config-file", sys.argv[2]], standalone_mode=False)
        except SystemExit as exc:
            assert not exc.code, exc.code
        pages = sum(1 for root, _d, names in os.walk(sys.argv[1]) for n in names if n == "index.html")
        print(len(made), pages, len(pieces))
        """
    )
    copy_bundled(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - casebook\n", "  - casebook:\n      search: false\n"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site"), str(config)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    instances, pages, in_pieces = map(int, proc.stdout.split())
    assert pages > 100 and instances < 40, (instances, pages)
    assert in_pieces > 16, in_pieces  # at least the bundled case pages convert in pieces


TOKEN = "cb0123456789abcdef"
PLACEHOLDER = re.compile(TOKEN + r"x\d+")

PIECES = {
    # (Markdown, whether it converts in pieces)
    "case": (f"# 事例の名前 第1号（架空）\n\n{TOKEN}x0\n\n## 地域課題\n\n{TOKEN}x1\n\n## 事例のくわしい内容\n\n本文の段落。[索引](../index/x.md) と *強調*。\n\n- 箇条 1\n- 箇条 2\n\n| 列 | 値 |\n|---|---|\n| 1 | 2 |\n\n## 出典\n\n{TOKEN}x2\n", True),
    "no text": (f"# 見出しだけ\n\n{TOKEN}x0\n\n## 同じ\n\n## 同じ\n\n### 下の階層\n\n## 同じ\n", True),
    "text first": (f"前書き。\n\n# 後の h1\n\n{TOKEN}x0\n", True),
    "h2 first": ("## 二\n\n# 一\n\n本文。\n", True),
    "heading in text": ("# 題\n\n本文\n## くっついた見出し\n", False),
    "setext": ("# 題\n\n下線の見出し\n------\n", False),
    "fenced": ("# 題\n\n```\n\n# コード内\n\n```\n", False),
    "tilde fence": ("# 題\n\n~~~\n\n## コード内\n\n~~~\n", False),
    "indented": ("# 題\n\n    コード\n\n    # まだコード\n", False),
    "admonition": ('# 題\n\n!!! note "メモ"\n\n    中身\n\n## 後\n', False),
    "raw html block": ("# 題\n\n<div>\n\n## 中\n\n</div>\n", False),
    "reference": ("# 題\n\n[リンク][r]\n\n## 次\n\n[r]: ../index/x.md\n", False),
    "attr id": ("# 題\n\n段落\n{: #own }\n\n## 二\n", False),
    # Heading lines with characters Markdown reads are text, and a text that makes a heading is converted whole.
    "attr heading": ("# 題 {#top}\n\n本文。\n", False),
    "special heading": ("# 題と*強調*\n\n本文。\n", False),
    "inline id": ('# 題\n\n本文 <a id="x">y</a>\n', False),
    "toc marker": ("# 題\n\n[TOC]\n\n## 二\n", False),
    "closing hashes": ("# 題 #\n\n本文。\n", False),
    "placeholder glued": (f"本文。\n{TOKEN}x0\n\n## 二\n", True),
    "tab": ("# 題\n\n本文\tタブ。\n", False),
}


def both_ways(config, file, files, shared) -> list[tuple]:
    """``rendered`` of ``file`` converted by SharedMarkdownPage (with ``shared``) and by MkDocs' Page."""
    out = []
    for cls in (SharedMarkdownPage, Page):
        page = cls(None, file, config)
        page.shared = shared
        page.read_source(config)
        page.render(config, files)
        out.append(rendered(page))
    return out


def test_pieces_give_what_markdown_gives_for_the_whole_page(config):
    """Each page converted by SharedMarkdownPage with placeholders (in pieces where it can) and by MkDocs' Page."""
    shared = SharedMarkdown(config, PLACEHOLDER)
    shared.get()
    assert shared.pieces
    for name, (text, in_pieces) in PIECES.items():
        file = File.generated(config, "cases/p.md", content=text)
        files = Files([file, File.generated(config, "index/x.md", content="# x\n")])
        mine, stock = both_ways(config, file, files, shared)
        assert mine == stock, name
        md = shared.get()
        md.reset()
        assert (mdpieces.convert(md, text, PLACEHOLDER) is not None) == in_pieces, name


def test_generated_pages_convert_in_pieces_as_markdown_would(tmp_path):
    """Every page the plugin generates for 40 synthetic cases and the bundled content: the same
    HTML, table of contents, title and anchors as MkDocs' Page, and case pages in pieces."""
    from generator.model.casebook import build_casebook
    from generator.pages.renderer import PageRenderer
from generator.pages.deferred import defer_html
    from generator.records.load import load_dataset

    from .sitebuild import synthetic_site

    synthetic_site(tmp_path, 40)
    cfg = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    cfg["markdown_extensions"].append(QuickInlineExtension())
    cfg.plugins._current_plugin = None
    shared = SharedMarkdown(cfg, PLACEHOLDER)
    md = shared.get()
    assert shared.pieces
    sources = {path: defer_html(markdown, TOKEN)[0] for path, markdown in PageRenderer(build_casebook(load_dataset(tmp_path))).pages()}
    files = Files([File.generated(cfg, path, content=text) for path, text in sources.items()])
    in_pieces = 0
    for file in files.documentation_pages():
        mine, stock = both_ways(cfg, file, files, shared)
        assert mine == stock, file.src_uri
        md.reset()
        if mdpieces.convert(md, sources[file.src_uri], PLACEHOLDER) is not None:
            in_pieces += 1
        elif file.src_uri.startswith("cases/") and file.src_uri != "cases/index.md":
            raise AssertionError(f"{file.src_uri} was converted whole")
    assert in_pieces >= 40, in_pieces


_PLAIN = st.text(alphabet="地域の会議。、ab1.", max_size=12)
_SPECIAL = st.sampled_from([" ", "\u3000", "\u00a0", "\u2028", "#", "# ", "-", "- ", "=", ">", "!", ":", "~", "|", "*", "_", "&", "<", "{", "}", "1.", "1)"])
_LINE = st.one_of(*[_PLAIN] * 8, st.tuples(_SPECIAL, _PLAIN), st.tuples(_PLAIN, _SPECIAL), st.tuples(_PLAIN, _SPECIAL, _PLAIN)).map(lambda t: t if isinstance(t, str) else "".join(t))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_LINE, min_size=1, max_size=6))
def test_plain_paragraphs_are_written_as_markdown_writes_them(config, lines):
    """Text that mdpieces takes for plain paragraphs comes out as Markdown makes it."""
    text = "\n".join(lines).strip("\n")
    if not text.strip() or mdpieces.NOT_PLAIN.search(text):
        return
    shared = SharedMarkdown(config, PLACEHOLDER)
    md = shared.get()
    md.reset()
    page = f"## 見出し\n\n{text}\n\n{TOKEN}x0\n"
    done = mdpieces.convert(md, page, PLACEHOLDER)
    md.reset()
    assert done is not None and done[0] == md.convert(page)


def test_pieces_need_the_toc_settings_they_read_and_safe_extensions(config):
    """Another Markdown whose toc processor lacks a setting, an unknown extension, or permalinks: pages convert whole."""
    md = SharedMarkdown(config).get()
    assert mdpieces.usable(md, config["markdown_extensions"])
    assert not mdpieces.usable(md, [*config["markdown_extensions"], "footnotes"])
    toc = md.treeprocessors["toc"]
    saved = toc.toc_top
    del toc.toc_top
    try:
        assert not mdpieces.usable(md, config["markdown_extensions"])
    finally:
        toc.toc_top = saved
    toc.use_permalinks = True
    assert not mdpieces.usable(md, config["markdown_extensions"])
