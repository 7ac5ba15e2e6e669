"""The built site: real ``mkdocs build --strict`` of the bundled data and of synthetic fixtures."""

from __future__ import annotations

import html as html_lib
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.model.casebook import build_casebook
from generator.records.load import load_dataset
from generator.records.registry import STAGES

from .sitebuild import REPO, article, case_links, copy_bundled, mkdocs_build, synthetic_site

CASE_SECTIONS = (
    "地域課題",
    "主な活動",
    "形成の要因",
    "研修の段階と学びのポイント",
    "出典",
    "関連する事例",
    "情報の確かさ",
)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled site, built once for this module."""
    project = copy_bundled(tmp_path_factory.mktemp("bundled"))
    proc = mkdocs_build(project)
    return project, proc


@pytest.fixture(scope="module")
def book():
    return build_casebook(load_dataset(REPO, content_dir=REPO / "content"))


def page(project: Path, url: str) -> str:
    return (project / "site" / url / "index.html").read_text(encoding="utf-8")


def test_strict_build_has_no_warnings(bundled):
    _project, proc = bundled
    assert "WARNING" not in proc.stderr, proc.stderr


def test_every_case_has_its_page_with_every_section(bundled, book):
    project, _ = bundled
    assert book.cases, "the bundled data should publish cases"
    for case in book.cases:
        html = article(page(project, f"cases/{case.id}"))
        assert case.name in html
        for section in CASE_SECTIONS:
            assert section in html, (case.id, section)
        if case.sustainability_factors:
            assert "持続的な運営の要因" in html
        if case.external_support:
            assert "外部人材の活用" in html
        for source in case.sources:
            assert source.url.replace("&", "&amp;") in html, (case.id, source.url)


def test_every_vocabulary_value_on_a_case_links_to_its_index_page(bundled, book):
    project, _ = bundled
    for case in book.cases:
        html = article(page(project, f"cases/{case.id}"))
        for name, facet in book.facets.items():
            if name == "kana" or not facet.spec.pages:
                continue
            for label in facet.spec.values(case):
                slug = facet.by_label[label].slug
                assert re.search(rf'href="\.\./\.\./index/{facet.slug}/{re.escape(slug)}/"', html), (
                    case.id,
                    name,
                    label,
                )


KANA_ROWS = {
    "あ行": "あいうえお",
    "か行": "かきくけこがぎぐげご",
    "さ行": "さしすせそざじずぜぞ",
    "た行": "たちつてとだぢづでど",
    "な行": "なにぬねの",
    "は行": "はひふへほばびぶべぼぱぴぷぺぽ",
    "ま行": "まみむめも",
    "や行": "やゆよ",
    "ら行": "らりるれろ",
    "わ行": "わをん",
}
"""The rows of the あいうえお index, written here (not taken from ``generator.model.kana``)."""


def record_facets(record: dict) -> set[tuple[str, str]]:
    """(page title, value) of every index page a raw record (YAML as written) belongs on, by the rules of
    the field list in README/ARCHITECTURE, written out here: the generator's model is not consulted."""
    out = {("研修の段階", stage) for stage in record["stages"]}
    out.add(("都道府県", record["prefecture"]))
    out.add(("種類", record.get("kind", "団体")))
    for title, key in (
        ("法人格", "legal_form"),
        ("活動範囲", "scope"),
        ("拠点", "base"),
        ("協議と実行の体制", "structure"),
    ):
        if record.get(key):
            out.add((title, record[key]))
    for title, key in (
        ("地域課題", "regional_issues"),
        ("主な活動", "activities"),
        ("収入源", "income_sources"),
        ("組織の課題", "challenges"),
    ):
        out |= {(title, value) for value in record.get(key) or ()}
    for title, key in (("形成の要因", "formation_factors"), ("持続的な運営の要因", "sustainability_factors")):
        out |= {(title, note["factor"]) for note in record.get(key) or ()}
    for support in record.get("external_support") or ():
        out.add(("外部人材", support["actor"]))
        out |= {("外部人材の効果", effect) for effect in support.get("effects") or ()}
    if record.get("founded"):
        out.add(("設立の年代", f"{record['founded'] // 10 * 10}年代"))
    first = record["kana"][0]
    first = chr(ord(first) - 0x60) if "ァ" <= first <= "ヶ" else first  # katakana → hiragana
    (row,) = [row for row, chars in KANA_ROWS.items() if first in chars]
    out.add(("読み（あいうえお順）", row))
    return out


def test_each_facet_value_page_lists_exactly_its_cases(bundled):
    """Every index page (index/<field>/<value>/) is read back by its heading; the cases it must list come
    from the record files as YAML, and every value a published record uses must have its page."""
    project, _ = bundled
    expected: dict[tuple[str, str], set[str]] = {}
    for path in sorted((REPO / "data" / "cases").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("status") == "下書き":
            continue
        for pair in record_facets(record):
            expected.setdefault(pair, set()).add(record["id"])
    found: dict[tuple[str, str], set[str]] = {}
    for target in sorted((project / "site" / "index").glob("*/*/index.html")):
        if target.parts[-4] == "matrix":
            continue
        html = target.read_text(encoding="utf-8")
        heading = html_lib.unescape(re.search(r"<h1[^>]*>([^<]*)</h1>", article(html)).group(1))
        title, _, value = heading.partition(": ")
        found[(title, value)] = set(case_links(html))
    assert found == expected
    assert len(found) > 150


def test_facet_value_pages_are_in_aiueo_order(bundled, book):
    from generator.model.kana import kana_key

    project, _ = bundled
    facet = book.facets["prefecture"]
    for value in facet.used:
        listed = case_links(page(project, f"index/prefecture/{value.slug}"))
        keys = [kana_key(book.by_id[i].kana) for i in listed]
        assert keys == sorted(keys)


def test_prefecture_overview_groups_by_region_in_jis_order(bundled):
    project, _ = bundled
    html = article(page(project, "index/prefecture"))
    regions = [m.group(1) for m in re.finditer(r"<h2[^>]*>([^<]+地方)</h2>", html)]
    assert regions == [
        "北海道地方",
        "東北地方",
        "関東地方",
        "中部地方",
        "近畿地方",
        "中国地方",
        "四国地方",
        "九州・沖縄地方",
    ]
    assert html.index("青森県") < html.index("沖縄県")
    assert html.index("島根県") < html.index("広島県") < html.index("高知県")


def test_matrix_counts_match_records_and_link_to_their_cases(bundled, book):
    project, _ = bundled
    html = article(page(project, "index/matrix"))
    facet = book.facets["formation_factor"]
    for value in facet.used:
        for stage in STAGES:
            expected = {c.id for c in facet.cases[value.label] if c.stage_lesson(stage)}
            if not expected:
                continue
            from generator.records.registry import STAGE_SLUGS

            cell = f"index/matrix/{facet.slug}/{value.slug}-{STAGE_SLUGS[stage]}"
            assert f'href="{cell.removeprefix("index/matrix/")}/">{len(expected)}</a>' in html, (value.label, stage)
            assert set(case_links(page(project, cell))) == expected


def test_training_pages_contain_the_cases_tagged_for_their_stage(bundled, book):
    project, _ = bundled
    from generator.model.kana import kana_key
    from generator.pages.markers import STAGE_PAGE_LIMIT
    from generator.records.registry import STAGE_SLUGS

    for stage in STAGES:
        html = article(page(project, f"training/{STAGE_SLUGS[stage]}"))
        tagged = sorted((c for c in book.cases if c.stage_lesson(stage)), key=lambda c: (kana_key(c.kana), c.id))
        assert len(tagged) >= 8
        shown, rest = tagged[:STAGE_PAGE_LIMIT], tagged[STAGE_PAGE_LIMIT:]
        for case in shown:
            assert f'href="../../cases/{case.id}/"' in html, (stage, case.id)
            lesson = case.stage_lesson(stage)
            assert lesson[:15] in re.sub(r"<[^>]+>", "", html), (stage, case.id)
        listed = set(case_links(page(project, f"training/{STAGE_SLUGS[stage]}")))
        assert not listed - {c.id for c in shown}
        if rest:  # the others are one link away, on the stage's index page
            assert f"ほかにも {len(rest)} 件あります" in html
            index = set(case_links(page(project, f"index/stage/{STAGE_SLUGS[stage]}")))
            assert index == {c.id for c in tagged}


def test_glossary_terms_are_linked_in_sentences_not_in_headings_or_links(bundled):
    project, _ = bundled
    html = article(page(project, "training/shiru"))
    linked = re.findall(r'<a class="cb-term" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert linked, "training page should link glossary terms"
    assert all(h.startswith("../../glossary/#") for h, _ in linked)
    assert len({t for _, t in linked}) == len(linked), "each term only once per page"
    for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", html, re.S):
        assert "cb-term" not in heading
    glossary = page(project, "glossary")
    assert "cb-term" not in article(glossary)
    for href, _ in linked:
        anchor = href.split("#", 1)[1]
        assert f'id="{anchor}"' in glossary, anchor


def test_glossary_page_lists_terms_in_aiueo_order_with_anchors(bundled):
    from generator.model.kana import kana_key

    project, _ = bundled
    terms = yaml.safe_load((REPO / "data" / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    html = article(page(project, "glossary"))
    positions = [html.index(f'id="{t["slug"]}"') for t in terms]
    by_position = [t["reading"] for _, t in sorted(zip(positions, terms, strict=True), key=lambda p: p[0])]
    assert [kana_key(r) for r in by_position] == sorted(kana_key(r) for r in by_position)


def test_home_shows_recent_cases_and_the_four_stages(bundled):
    project, _ = bundled
    html = article(page(project, ""))
    assert len(case_links(page(project, ""))) >= 5
    for stage in STAGES:
        assert stage in html


def git_commit(project: Path, date: str, *paths: str) -> None:
    """Commit ``paths`` (all files when none) with author and committer date ``date`` (ISO 8601)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    git = ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    subprocess.run([*git, "add", "--", *(paths or ["."])], cwd=project, env=env, check=True, capture_output=True)
    subprocess.run([*git, "commit", "-q", "-m", date], cwd=project, env=env, check=True, capture_output=True)


def test_recent_cases_come_from_the_records_newest_first(tmp_path):
    """The home page's 「最近更新された事例」: the records' ``updated:`` dates, newest first, inside a real git
    repository whose commits have other dates in another order (dates never come from git: issue 22)."""
    project = copy_bundled(tmp_path / "p")
    cases = project / "data" / "cases"

    def set_updated(record: Path, day: str) -> None:
        text = record.read_text(encoding="utf-8")
        record.write_text(re.sub(r"(?m)^updated: .*$", f"updated: {day}", text), encoding="utf-8")

    for record in cases.glob("*.yaml"):
        set_updated(record, "2020-01-01")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    git_commit(project, "2021-01-01T09:00:00+09:00")
    touched = {"kawane": "2024-03-01", "hata": "2024-05-01", "aoga": "2024-02-01"}
    commits = ("2025-03-01", "2025-02-01", "2025-01-01")  # the newest record date is committed first
    for (case_id, day), when in zip(
        sorted(touched.items(), key=lambda item: item[1], reverse=True), commits, strict=True
    ):
        set_updated(cases / f"{case_id}.yaml", day)
        git_commit(project, f"{when}T12:00:00+09:00", f"data/cases/{case_id}.yaml")
    about = project / "content" / "about.md"  # a later commit that touches no record changes no date
    about.write_text(about.read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    git_commit(project, "2025-06-01T12:00:00+09:00", "content/about.md")
    mkdocs_build(project)
    home = article(page(project, ""))
    recent = home[home.index("最近更新された事例") :]
    recent = recent[: recent.index("<h2")]
    ids = [m.group(1) for m in re.finditer(r'href="cases/([a-z0-9-]+)/"', recent)]
    assert ids[:3] == ["hata", "kawane", "aoga"], ids
    assert len(ids) > 3
    for case_id, day in touched.items():
        item = recent[recent.index(f'href="cases/{case_id}/"') :]
        year, month, dd = (int(n) for n in day.split("-"))
        assert re.search(r"</a></strong>[^<]*— (\d{4}年\d+月\d+日) 更新", item).group(1) == f"{year}年{month}月{dd}日"
    rest = recent[recent.index(f'href="cases/{ids[3]}/"') :]
    assert "— 2020年1月1日 更新" in rest[: rest.index("</li>")]
    assert "更新日: 2024年5月1日" in article(page(project, "cases/hata"))


def test_nav_never_lists_case_pages(bundled, book):
    project, _ = bundled
    html = page(project, f"cases/{book.cases[0].id}")
    nav = html[
        html.index('<nav class="md-nav md-nav--primary"') : html.index(
            "</nav>", html.index('<nav class="md-nav md-nav--primary"')
        )
    ]
    for case in book.cases:
        assert f"cases/{case.id}/" not in nav


def primary_nav(html: str) -> str:
    start = html.index('<nav class="md-nav md-nav--primary"')
    return html[start : html.index('<div class="md-sidebar md-sidebar--secondary"', start)]


def test_reused_navigation_is_the_one_material_renders_for_each_page(bundled, book):
    """Pages the nav does not list share one rendered nav per position (NavCache); listed pages get their own."""
    project, _ = bundled
    a, b = (primary_nav(page(project, f"cases/{c.id}")) for c in book.cases[:2])
    assert a == b and "md-nav__link--active" not in a
    assert 'href="../../training/shiru/"' in a and 'href="../../glossary/"' in a
    deeper = primary_nav(page(project, "index/stage/shiru"))
    assert 'href="../../../training/shiru/"' in deeper and "md-nav__link--active" not in deeper
    # A listed page marks itself active, with links from its own folder.
    own = primary_nav(page(project, "training/shiru"))
    assert '<a href="./" class="md-nav__link md-nav__link--active">' in own
    assert 'href="../../training/shiru/"' not in own
    # Every page's nav links resolve (a reused nav from another folder would not).
    for url in ("cases/" + book.cases[0].id, "index/stage/shiru", "training/shiru", "glossary", ""):
        base = (project / "site" / url) if url else project / "site"
        for href in re.findall(r'<a href="([^"#]+)" class="md-nav__link', primary_nav(page(project, url))):
            assert (base / href / "index.html").resolve().is_file(), (url, href)


def test_reused_theme_blocks_change_nothing(tmp_path):
    """theme_cache/partials/nav.html and toc.html render Material's partials once per key and reuse them
    (NavCache, TocCache). A project whose hook hands the templates caches that never answer gets every
    block rendered afresh: both sites must be byte-identical."""
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    cached = copy_bundled(tmp_path / "cached")
    fresh = copy_bundled(tmp_path / "fresh")
    (fresh / "fresh_blocks.py").write_text(
        "from generator.mkdocs.theme import TocCache\n\n"
        "class Never(TocCache):\n"
        "    def has(self, key):\n"
        "        return False\n\n"
        "def on_env(env, config, files):\n"
        "    env.globals['casebook_toc'] = Never()\n"
        "    nav = env.globals['casebook_nav']\n"
        "    nav.has = lambda key: False\n"
        "    return env\n",
        encoding="utf-8",
    )
    config = fresh / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - fresh_blocks.py\n", encoding="utf-8")
    assert_same_sites(cached, fresh, env)


def assert_same_sites(one: Path, other: Path, env: dict) -> None:
    """Build both projects; every HTML page of one is byte-identical to the other's."""
    for project in (one, other):
        mkdocs_build(project, env=env)
    pages = sorted(p.relative_to(one / "site") for p in (one / "site").rglob("*.html"))
    assert len(pages) > 200
    for rel in pages:
        assert (one / "site" / rel).read_bytes() == (other / "site" / rel).read_bytes(), rel


def test_generated_pages_are_not_written_into_content(bundled):
    project, _ = bundled
    narratives = {p.name for p in (REPO / "content" / "cases").glob("*")}
    assert {p.name for p in (project / "content" / "cases").glob("*")} == narratives
    assert not (project / "content" / "index").exists()


def test_invalid_record_stops_the_build_with_located_message(tmp_path):
    project = copy_bundled(tmp_path / "p")
    path = project / "data" / "cases" / "kawane.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("activities:", "activites:", 1), encoding="utf-8")
    proc = mkdocs_build(project, check=False)
    assert proc.returncode != 0
    assert "data/cases/kawane.yaml:" in proc.stderr
    assert "activites" in proc.stderr and "「activities」の書き間違いではありませんか" in proc.stderr
    assert "Traceback" not in proc.stderr


def pages_mentioning(site: Path, *needles: str) -> list[str]:
    """Site-relative paths of the HTML pages that contain any of ``needles``."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if any(n in p.read_text(encoding="utf-8") for n in needles)
    )


def test_drafts_are_built_only_with_casebook_drafts(tmp_path):
    """A draft has no page and is on no page: no index, list, matrix cell, related-cases list or home."""
    project = copy_bundled(tmp_path / "p")
    path = project / "data" / "cases" / "kawane.yaml"
    published = path.read_text(encoding="utf-8")
    name = yaml.safe_load(published)["name"]
    needles = ('cases/kawane/"', "cases/kawane/#", name)
    mkdocs_build(project)
    linked = pages_mentioning(project / "site", *needles)
    assert {"index/prefecture/hiroshima/index.html", "index/kana/ka/index.html", "training/shiru/index.html"} < set(
        linked
    )  # it is there when published
    assert len(linked) > 20
    path.write_text(published + "status: 下書き\n", encoding="utf-8")
    mkdocs_build(project)
    assert not (project / "site" / "cases" / "kawane").exists()
    assert pages_mentioning(project / "site", *needles) == []
    assert (project / "site" / "index" / "prefecture" / "hiroshima" / "index.html").is_file()  # other 広島県 cases
    mkdocs_build(project, env={"CASEBOOK_DRAFTS": "1"})
    assert (project / "site" / "cases" / "kawane" / "index.html").exists()
    assert "kawane" in case_links(page(project, "index/prefecture/hiroshima"))


def test_narrative_file_becomes_the_case_body(tmp_path):
    project = copy_bundled(tmp_path / "p")
    path = project / "data" / "cases" / "kawane.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.pop("body", None)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (project / "content" / "cases").mkdir(exist_ok=True)
    (project / "content" / "cases" / "kawane.md").write_text("テスト用の本文です。\n\n### 小見出し\n", encoding="utf-8")
    mkdocs_build(project)
    html = article(page(project, "cases/kawane"))
    assert "テスト用の本文です。" in html and "事例のくわしい内容" in html


def test_case_page_size_does_not_grow_with_the_number_of_cases(tmp_path):
    sizes = {}
    for n in (50, 500):
        project = tmp_path / f"n{n}"
        synthetic_site(project, n)
        mkdocs_build(project)
        sizes[n] = (project / "site" / "cases" / "synthetic-00001" / "index.html").stat().st_size
    assert abs(sizes[500] - sizes[50]) / sizes[50] <= 0.05, sizes


def test_site_without_nav_still_keeps_cases_out_of_the_nav(tmp_path):
    project = copy_bundled(tmp_path / "p")
    config = yaml.safe_load(
        (project / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .split("\nnav:")[0]
        .replace("!!python/object/apply:pymdownx.slugs.slugify", "")
    )
    text = (project / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert "nav" not in config
    mkdocs_build(project)
    html = page(project, "cases/kawane")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "cases/kawane/" not in nav and "cases/hata/" not in nav


def _fragments(site: Path) -> dict[str, dict]:
    """Each indexed page's Pagefind fragment (its text, filters and anchors), by URL."""
    import gzip
    import json

    out = {}
    for folder in site.glob("pagefind*"):
        for f in (folder / "fragment").glob("*.pf_fragment"):
            data = json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd") :])
            out[data["url"]] = data
    return out


def test_search_indexes_a_case_s_values_but_not_the_labels_every_case_repeats(bundled, book):
    """Row labels, the 研修テキスト links and the completeness note are on every case page:
    indexed, a search for 拠点 or 体制 would match every case. Their values are indexed."""
    project, _ = bundled
    fragments = _fragments(project / "site")
    case = next(c for c in book.cases if c.scope and c.stages)
    text = fragments[f"/cases/{case.id}/"]["content"].replace(
        "\u200b", ""
    )  # Pagefind keeps its word breaks as zero-width spaces
    assert case.scope in text and case.prefecture in text and case.stages[0][1][:10] in text
    for label in ("所在地", "協議と実行の体制", "人口・世帯", "研修テキスト", "情報の確かさ"):
        assert label not in text, label
    assert (
        sum("協議と実行の体制" in f["content"].replace("\u200b", "") for f in fragments.values()) < len(book.cases) / 2
    )


def test_plain_text_kept_out_of_markdown_changes_nothing(tmp_path):
    """defer_plain_text (on by default) writes plain headings and paragraphs of generated pages without
    Markdown; with it off every page converts them through Markdown: both sites are byte-identical."""
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    on = copy_bundled(tmp_path / "on")
    off = copy_bundled(tmp_path / "off")
    config = off / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - casebook\n" in text
    config.write_text(
        text.replace("\n  - casebook\n", "\n  - casebook:\n      defer_plain_text: false\n"), encoding="utf-8"
    )
    assert_same_sites(on, off, env)
