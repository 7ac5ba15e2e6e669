"""The allow-list on case pages: what Markdown renders passes nh3 and external links get ``rel``.

The input policy (``records.policy``) refuses raw HTML in narratives, so the
allow-list is the second line: these tests put hostile HTML behind the policy
(directly into ``ArticleProcessor.clean``, and through a build hook that adds
it to a case page's Markdown) and check that none of it ships.
"""

from __future__ import annotations

import re

from generator.postprocess.settings import Settings
from generator.postprocess.site import ArticleProcessor

from .sitebuild import article, copy_bundled, mkdocs_build

HOSTILE = (
    '<p>本文<img src="photo.png" onerror="alert(1)" alt="写真">'
    '<a href="https://example.org/" onclick="steal()">外部の資料</a>'
    '<a href="javascript:alert(2)">だます</a>'
    "<script>alert(3)</script>"
    '<span style="position:fixed" onmouseover="x()">覆う</span></p>'
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
EXTERNAL = re.compile(r'<a [^>]*href="(?:https?:)?//[^"]*"[^>]*>')


def test_clean_on_a_case_page_removes_handlers_scripts_and_unsafe_links():
    html = ArticleProcessor(Settings(), []).clean(HOSTILE, "cases/x.md")
    assert HANDLER.search(html) is None, html
    assert "<script" not in html and "alert(3)" not in html
    assert "javascript:" not in html and "position:fixed" not in html
    assert '<img src="photo.png" alt="写真">' in html  # what is allowed stays
    assert '<a href="https://example.org/" rel="noopener noreferrer">外部の資料</a>' in html


def test_a_case_page_built_with_hostile_html_behind_the_policy_ships_none_of_it(tmp_path):
    """A hook adds raw HTML to one case page's Markdown (as a gap in the input policy would):
    the built page has no event handler, no script, and every external link has rel="noopener noreferrer"."""
    project = copy_bundled(tmp_path / "p")
    (project / "smuggle.py").write_text(
        "HOSTILE = " + repr(HOSTILE) + "\n\n"
        "def on_page_markdown(markdown, page, config, files):\n"
        "    if page.file.src_uri == 'cases/kawane.md':\n"
        "        return markdown + '\\n\\n' + HOSTILE + '\\n'\n"
        "    return markdown\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - smuggle.py\n", encoding="utf-8")
    mkdocs_build(project)
    html = article((project / "site" / "cases" / "kawane" / "index.html").read_text(encoding="utf-8"))
    assert "外部の資料" in html and "photo.png" in html, "the hook's HTML reached the page"
    assert HANDLER.search(html) is None, HANDLER.search(html).group(0)
    assert "<script" not in html and "javascript:" not in html and "position:fixed" not in html
    external = EXTERNAL.findall(html)
    assert len(external) > 4  # the case's sources and the smuggled link
    assert [a for a in external if 'rel="noopener noreferrer"' not in a] == []
    # Every case page: its sources leave the site with rel, and nothing carries a handler.
    for path in (project / "site" / "cases").glob("*/index.html"):
        body = article(path.read_text(encoding="utf-8"))
        assert HANDLER.search(body) is None, path
        assert [a for a in EXTERNAL.findall(body) if 'rel="noopener noreferrer"' not in a] == [], path


def test_images_from_outside_the_site_lose_their_source_and_local_ones_keep_it():
    html = ArticleProcessor(Settings(), []).clean(
        '<p><img src="https://tracker.example/p.png" alt="外"><img src="//cdn.example/q.png" alt="外2">'
        '<img src="../images/map.png" alt="地図"><a href="https://example.org/a.png">画像へのリンク</a></p>',
        "cases/x.md",
    )
    assert "tracker.example" not in html and "cdn.example" not in html, html
    assert '<img src="../images/map.png" alt="地図">' in html
    assert 'href="https://example.org/a.png"' in html  # a link (not an image) to another host stays


def test_a_page_without_images_is_cleaned_too():
    html = ArticleProcessor(Settings(), []).clean('<p onclick="x()">本文<script>y()</script></p>', "cases/x.md")
    assert html == "<p>本文</p>"


def test_finder_pages_are_sanitized_too_and_keep_their_form(tmp_path):
    """issue 22: search.md and situation.md no longer skip the allow-list; they get the finders' one."""
    project = copy_bundled(tmp_path / "p")
    for name in ("search.md", "situation.md"):
        page = project / "content" / name
        page.write_text(
            page.read_text(encoding="utf-8")
            + '\n<script>alert("x")</script>\n\n<p onclick="steal()">押してください</p>\n',
            encoding="utf-8",
        )
    mkdocs_build(project)
    for folder, root in (("search", 'id="cb-search-page"'), ("situation", 'id="cb-situation"')):
        html = article((project / "site" / folder / "index.html").read_text(encoding="utf-8"))
        assert "押してください" in html, "the added paragraph reached the page"
        assert "<script" not in html and 'alert("x")' not in html, folder
        assert HANDLER.search(html) is None, HANDLER.search(html).group(0)
        assert root in html and "<input" in html, folder
        assert "data-cb-" in html and "<form" in html, f"the finder's own markup survives on {folder}"


def test_table_alignment_becomes_a_class_on_every_page_and_no_style_attribute_is_left():
    """Markdown's aligned columns (``style="text-align: …"``) would need 'unsafe-inline' in a
    Content-Security-Policy: every page, the finders' pages with their own allow-list
    included, gets classes instead; a style the allow-list would not keep is dropped, not kept."""
    import markdown

    table = markdown.markdown("| 名前 | 数 | 中 |\n|:--|--:|:-:|\n| a | 1 | x |\n", extensions=["tables"])
    assert table.count('style="text-align: ') == 6  # what Markdown writes
    articles = ArticleProcessor(Settings(), [])
    for src in ("cases/x.md", "search.md", "national.md"):
        html = articles.clean(table, src)
        assert "style=" not in html, (src, html)
        assert html.count('class="cb-align-left"') == 2 and html.count('class="cb-align-right"') == 2
        assert html.count('class="cb-align-center"') == 2
    assert 'style="' not in articles.clean('<table><tr><td style="color: red">x</td></tr></table>', "cases/x.md")
    # A cell that already has a class keeps it.
    cell = articles.clean('<table><tr><td class="n" style="text-align:right">1</td></tr></table>', "search.md")
    assert '<td class="cb-align-right n">1</td>' in cell, cell


def test_form_controls_are_removed_outside_the_finders_pages():
    from generator.postprocess.sanitize import sanitize

    form = '<form><label>名前<input name="q"></label><button type="submit">送る</button></form>'
    assert "<input" not in sanitize(form) and "<button" not in sanitize(form) and "<form" not in sanitize(form)
    assert "<input" in sanitize(form, finder=True)


def test_an_aligned_cell_keeps_its_other_attributes():
    html = ArticleProcessor(Settings(), []).clean(
        '<table><tr><td id="n1" title="人数" style="text-align: right">12</td></tr></table>', "national.md"
    )
    assert '<td id="n1" title="人数" class="cb-align-right">12</td>' in html, html


def test_a_page_with_json_ld_still_loses_outside_image_sources():
    from generator.postprocess.sanitize import sanitize

    html = sanitize(
        '<script type="application/ld+json">{"@type": "Organization", "name": "x"}</script>'
        '<p><img src="https://tracker.example/p.png" alt="外"><img src="../a.png" alt="内"></p>'
    )
    assert "tracker.example" not in html and '<img src="../a.png" alt="内">' in html, html
    assert html.count("application/ld+json") == 1


def test_a_json_ld_block_that_is_not_json_is_removed_whole():
    from generator.postprocess.sanitize import sanitize

    html = sanitize('<p>前</p><script type="application/ld+json">{"name": </script><p>後</p>')
    assert html == "<p>前</p><p>後</p>", html
