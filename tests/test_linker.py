"""Glossary auto-linking inside Japanese sentences."""

from __future__ import annotations

from generator.model.entities import GlossaryTerm, Source
from generator.postprocess.glossary import GlossaryLinker


def term(t, slug, aka=(), link=True):
    return GlossaryTerm(t, slug, "よみ", f"{t}の説明", (Source("s"),), tuple(aka), (), link)


LINKER = GlossaryLinker(
    [term("組織", "soshiki"), term("地域運営組織", "rmo", aka=("RMO",)), term("会費", "kaihi", link=False)]
)


def test_term_inside_a_japanese_sentence_is_linked_longest_first():
    html = LINKER.link("<p>住民の地域運営組織が活動する。</p>", "../glossary/")
    assert (
        html
        == '<p>住民の<a class="cb-term" href="../glossary/#rmo" title="地域運営組織の説明">地域運営組織</a>が活動する。</p>'
    )


def test_first_occurrence_only_and_aliases_count_as_the_same_term():
    html = LINKER.link("<p>RMOは地域運営組織です。組織は組織。</p>", "g/")
    assert html.count('href="g/#rmo"') == 1
    assert html.count('href="g/#soshiki"') == 1
    assert html.startswith('<p><a class="cb-term" href="g/#rmo"')


def test_never_inside_headings_links_or_code():
    src = '<h2>地域運営組織</h2><p><a href="x">地域運営組織</a> <code>組織</code></p><pre>組織</pre><p>地域運営組織</p>'
    html = LINKER.link(src, "g/")
    assert html.startswith('<h2>地域運営組織</h2><p><a href="x">地域運営組織</a> <code>組織</code></p><pre>組織</pre>')
    assert html.endswith('<p><a class="cb-term" href="g/#rmo" title="地域運営組織の説明">地域運営組織</a></p>')


def test_terms_marked_not_to_link_stay_plain_and_attributes_are_untouched():
    html = LINKER.link('<p title="組織">会費を集める</p><img alt="組織">', "g/")
    assert html.startswith('<p title="組織">会費を集める</p><img alt="組織">')


def test_definition_is_escaped_in_the_title():
    linker = GlossaryLinker([GlossaryTerm("拠点", "kyoten", "きょてん", '"><script>x</script>', (Source("s"),))])
    html = linker.link("<p>拠点</p>", "g/")
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html


def test_skipped_elements_in_any_case_nested_and_self_closing():
    """Upper-case tags, nested skipped elements, a self-closing one (no text inside) and an attribute holding '/'."""
    src = (
        '<H3 class="x">組織</H3><svg viewBox="0 0 1 1"><title>組織</title><path d="M0/0"/></svg>'
        '<A HREF="a/b/">組織<code>組織</code>組織</A><a name="top"/><p>組織</p>'
    )
    html = LINKER.link(src, "g/")
    assert html.count("cb-term") == 1
    assert html.endswith('<p><a class="cb-term" href="g/#soshiki" title="組織の説明">組織</a></p>')
    assert html.startswith(src[: src.index("<p>")])


def test_a_term_whose_prefix_is_another_term_is_linked_whole():
    """The short term is a PREFIX of the long one: a leftmost-match alternation that tried the short one first
    would link 小規模多機能自治 and leave 推進ネットワーク会議 plain (a suffix pair passes in either order)."""
    short = term("小規模多機能自治", "shokibo")
    long = term("小規模多機能自治推進ネットワーク会議", "network")
    for terms in ([short, long], [long, short]):  # the glossary's order must not matter
        html = GlossaryLinker(terms).link("<p>小規模多機能自治推進ネットワーク会議に加わる。</p>", "g/")
        assert html == (
            '<p><a class="cb-term" href="g/#network" title="小規模多機能自治推進ネットワーク会議の説明">'
            "小規模多機能自治推進ネットワーク会議</a>に加わる。</p>"
        )
    # The short term alone is still linked, once, where it stands by itself.
    html = GlossaryLinker([short, long]).link("<p>小規模多機能自治推進ネットワーク会議と小規模多機能自治。</p>", "g/")
    assert html.count('href="g/#network"') == 1 and html.count('href="g/#shokibo"') == 1
    assert html.endswith(
        'と<a class="cb-term" href="g/#shokibo" title="小規模多機能自治の説明">小規模多機能自治</a>。</p>'
    )


# Found by the mutation run (make mutation): each test pins one branch of the linker.


def test_a_term_inside_an_attribute_is_skipped_and_its_later_use_linked():
    html = LINKER.link('<p title="地域運営組織について">説明</p><p>地域運営組織です。</p>', "g/")
    assert html.startswith('<p title="地域運営組織について">説明</p><p><a class="cb-term" href="g/#rmo"'), html


def test_a_term_at_the_very_start_of_the_text_is_linked():
    assert LINKER.link("地域運営組織です。", "g/").startswith('<a class="cb-term" href="g/#rmo"')


def test_a_term_right_after_a_skipped_element_is_linked():
    html = LINKER.link("<p><code>x</code>地域運営組織</p>", "g/")
    assert html == '<p><code>x</code><a class="cb-term" href="g/#rmo" title="地域運営組織の説明">地域運営組織</a></p>'


def test_a_self_closing_skip_tag_does_not_end_the_scan_of_later_skipped_elements():
    html = LINKER.link("<p><a/>文<code>地域運営組織</code>と組織</p>", "g/")
    assert 'href="g/#rmo"' not in html and 'href="g/#soshiki"' in html, html


def test_a_term_inside_an_unclosed_skipped_element_is_not_linked():
    html = LINKER.link("<p>組織<pre>地域運営組織", "g/")
    assert 'href="g/#rmo"' not in html and 'href="g/#soshiki"' in html, html


def test_the_definition_is_escaped_in_the_title():
    linker = GlossaryLinker([GlossaryTerm("協議会", "kyogikai", "よみ", 'A&B "引用" <b>', (Source("s"),))])
    assert 'title="A&amp;B &quot;引用&quot; &lt;b&gt;"' in linker.link("<p>協議会</p>", "g/")


def test_a_term_with_an_ampersand_is_linked_in_html_where_it_is_escaped():
    """Rendered HTML holds ``Q&A`` as ``Q&amp;A`` (Python-Markdown, then the allow-list): the alias is found there,
    and the linked text stays escaped. Synthetic terms; the HTML is what Markdown and nh3 really make of it."""
    import markdown

    from generator.postprocess.sanitize import sanitize

    linker = GlossaryLinker(
        [term("よくある質問", "faq", aka=("Q&A",)), term("R&D<研究>", "rd")]  # an alias, and a term with & and <
    )
    html = sanitize(markdown.markdown("集まりで出たQ&Aをまとめ、R&D<研究>の場にしました。"))
    assert "Q&amp;A" in html and "R&amp;D&lt;研究&gt;" in html  # what the linker gets
    linked = linker.link(html, "g/")
    assert linked == (
        '<p>集まりで出た<a class="cb-term" href="g/#faq" title="よくある質問の説明">Q&amp;A</a>をまとめ、'
        '<a class="cb-term" href="g/#rd" title="R&amp;D&lt;研究&gt;の説明">R&amp;D&lt;研究&gt;</a>の場にしました。</p>'
    )


def test_a_term_that_is_not_linked_does_not_stop_the_terms_after_it():
    linker = GlossaryLinker([term("会費", "kaihi", link=False), term("地域運営組織", "rmo")])
    assert 'href="g/#rmo"' in linker.link("<p>会費と地域運営組織</p>", "g/")
