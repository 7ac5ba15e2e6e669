"""Charts and the map of cases (issue 27) in real builds of the bundled project.

The plugin's ``mkdocs build``, and ``casebook export-docs`` + plain MkDocs + ``casebook postprocess`` (whose
allow-list the SVG must pass). Figures are compared with ``data/national.yaml`` and with the model's facets.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.model.casebook import build_casebook
from generator.model.prefectures import PREFECTURES
from generator.pages import charts
from generator.pages.renderer import PageRenderer
from generator.records import load_dataset
from tests.sitebuild import REPO, copy_bundled, mkdocs_build, pagefind_env

PREF_NAMES = {p.name for p in PREFECTURES}


@pytest.fixture(scope="module")
def book():
    return build_casebook(load_dataset(REPO, content_dir=REPO / "content"))


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    project = copy_bundled(tmp_path_factory.mktemp("charts") / "project")
    mkdocs_build(project, env={"CASEBOOK_CHARTS": "1"})
    return project / "site"


@pytest.fixture(scope="module")
def export_site(tmp_path_factory) -> Path:
    """The bundled project through export-docs, plain MkDocs and postprocess (no search index: not needed here)."""
    base = tmp_path_factory.mktemp("charts-export")
    project = copy_bundled(base / "project")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CASEBOOK_CHARTS": "1", **pagefind_env()}
    cli = [sys.executable, "-m", "generator.cli", "--root", str(project)]
    for args in (
        [*cli, "export-docs", str(base / "export")],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(base / "export" / "mkdocs.yml")],
        [*cli, "postprocess", "--no-search", str(base / "export" / "site")],
    ):
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=900)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return base / "export" / "site"


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def svg(page: str, chart_id: str) -> str:
    m = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', page, re.S)
    assert m, f"no chart {chart_id}"
    return m.group(0)


def texts(chart: str, cls: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(rf'<text class="{cls}"[^>]*>([^<]*)</text>', chart)]


def national() -> dict:
    return yaml.safe_load((REPO / "data" / "national.yaml").read_text(encoding="utf-8"))


# -- the national page ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["organizations", "municipalities"])
def test_national_trend_labels_equal_the_figures_in_national_yaml(plugin_site, key):
    data = national()["by_year"]
    chart = svg(read(plugin_site, "national"), f"cb-trend-{key}")
    assert texts(chart, "cb-chart-value") == [item[key] for item in data if item.get(key)]
    eras = [item["fiscal_year"].removesuffix("年度") for item in data if item.get(key)]
    assert texts(chart, "cb-chart-label") == eras
    years = [n for n in texts(chart, "cb-chart-note") if n != "数字なし"]
    assert years == [f"{charts.western_year(item['fiscal_year'])}年度" for item in data if item.get(key)]
    assert texts(chart, "cb-chart-note").count("数字なし") == 1  # 令和2年度 has no verified figure
    title = re.search(r"<title [^>]*>([^<]*)</title>", chart).group(1)
    assert all(item[key] in title for item in data if item.get(key))
    assert 'role="img"' in chart and 'aria-labelledby="cb-trend-' in chart


def test_national_region_chart_equals_the_fy2016_regions_and_has_its_table(plugin_site):
    regions = [f for f in national()["findings"] if str(f.get("key", "")).startswith("fy2016-region-")]
    page = read(plugin_site, "national")
    chart = svg(page, "cb-regions")
    assert texts(chart, "cb-chart-label") == [r["label"] for r in regions]
    assert texts(chart, "cb-chart-value") == [f"{r['value']}{r['unit']}" for r in regions]
    table = re.search(r'<details class="cb-chart-table"><summary>数値を表で見る</summary>(.*?)</details>', page, re.S)
    rows = re.findall(r"<tr><td>([^<]*)</td><td[^>]*>([^<]*)</td></tr>", table.group(1))
    assert rows == [(r["label"], f"{r['value']}{r['unit']}") for r in regions]


# -- the map ------------------------------------------------------------------------------------------------------
def map_of(page: str) -> str:
    m = re.search(r'<div class="cb-map cb-map--\w+".*?</svg>', page, re.S)
    assert m, "no map"
    return m.group(0)


@pytest.mark.parametrize("url", ["", "index/prefecture"])
def test_map_has_47_shapes_and_links_exactly_the_prefectures_with_cases(plugin_site, book, url):
    page = read(plugin_site, url) if url else (plugin_site / "index.html").read_text(encoding="utf-8")
    shapes = map_of(page)
    prefs = re.findall(r'<path class="cb-map-shape[^"]*" data-pref="([^"]+)" d="M[^"]{40,}z"', shapes)
    assert len(prefs) == 47 and set(prefs) == PREF_NAMES  # each with an outline
    links = re.findall(
        r'<a class="cb-map-link" xlink:href="([^"]+)" tabindex="-1" aria-label="[^"]+" data-pref="([^"]+)">', shapes
    )
    with_cases = {c.prefecture for c in book.cases}
    assert {name for _href, name in links} == with_cases
    here = plugin_site / url
    slug = {p.name: p.slug for p in PREFECTURES}
    for href, name in links:
        target = (here / href / "index.html").resolve()
        assert target == (plugin_site / "index" / "prefecture" / slug[name] / "index.html").resolve(), name
        assert target.is_file()
    assert "事例のある都道府県の地図" in shapes and "CC BY 4.0" in page and "@svg-maps/japan" in page


def test_home_map_lists_the_same_links_for_keyboards(plugin_site, book):
    page = (plugin_site / "index.html").read_text(encoding="utf-8")
    listed = re.search(r'<details class="cb-map-list">.*?</details>', page, re.S).group(0)
    names = re.findall(r'<li><a href="index/prefecture/[^"]+/">([^<]+)</a> ([\d,]+)件</li>', listed)
    counts = book.facets["prefecture"]
    assert {n for n, _ in names} == {c.prefecture for c in book.cases}
    assert all(int(k) == counts.count(n) for n, k in names)


def test_shades_follow_the_counts(book):
    facet = book.facets["prefecture"]
    from generator.pages.japan_map import shade_classes, shade_of

    classes = shade_classes(max(facet.count(p.name) for p in PREFECTURES))
    assert classes[0][0] == 1 and classes[-1][1] == max(facet.count(p.name) for p in PREFECTURES)
    assert shade_of(0, classes) == 0
    assert [lo for lo, _ in classes[1:]] == [hi + 1 for _, hi in classes[:-1]]  # no gap, no overlap
    assert shade_classes(100) == [(1, 25), (26, 50), (51, 75), (76, 100)]


# -- facet overviews ----------------------------------------------------------------------------------------------
def test_each_overview_chart_has_the_facet_counts_and_links_its_values(plugin_site, book):
    checked = 0
    for facet in book.paged_facets:
        if facet.name in ("kana", "prefecture"):
            continue
        chart = svg(read(plugin_site, f"index/{facet.slug}"), f"cb-facet-{facet.slug}")
        assert texts(chart, "cb-chart-label") == [v.label for v in facet.values], facet.name
        assert texts(chart, "cb-chart-value") == [f"{facet.count(v.label):,}件" for v in facet.values], facet.name
        widths = [float(w) for w in re.findall(r'<rect class="cb-bar" [^>]*width="([\d.]+)"', chart)]
        counts = [facet.count(v.label) for v in facet.values if facet.count(v.label)]
        assert len(widths) == len(counts)
        assert all(abs(w / widths[0] - n / counts[0]) < 0.01 for w, n in zip(widths, counts, strict=True))
        linked = re.findall(r'<a class="cb-bar-item" xlink:href="([^"]+)" tabindex="-1" aria-label="[^"]+">', chart)
        used = [v for v in facet.values if facet.count(v.label)]
        assert linked == [f"{v.slug}/" for v in used], facet.name
        checked += 1
    assert checked >= 8


# -- case pages ---------------------------------------------------------------------------------------------------
def test_case_pages_show_their_prefectures_shared_locator_map(plugin_site, book):
    slug = {p.name: p.slug for p in PREFECTURES}
    tags = set()
    for case in book.cases:
        page = read(plugin_site, f"cases/{case.id}")
        tag = re.search(r'<img class="cb-locator" [^>]*>', page).group(0)
        src = re.search(r'src="([^"]+)"', tag).group(1)
        assert src == f"../../assets/maps/{slug[case.prefecture]}.svg"
        assert f'alt="{case.prefecture}の位置を示す日本地図"' in tag
        tags.add(len(tag.encode()) - len(case.prefecture.encode()) - len(slug[case.prefecture]))
    assert len(tags) == 1, "the locator's markup is the same size on every case page"
    files = sorted(p.stem for p in (plugin_site / "assets" / "maps").glob("*.svg"))
    assert files == sorted(slug.values())
    shimane = (plugin_site / "assets" / "maps" / "shimane.svg").read_text(encoding="utf-8")
    assert shimane.count('<path class="h"') == 1 and shimane.count('<path class="o"') == 46


# -- nothing from another host --------------------------------------------------------------------------------
LOADS = re.compile(
    r"""<(?:img|script|iframe|source|audio|video|embed|object|input)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import|<image\b|<use\b|<foreignObject""",
    re.I,
)


def test_no_page_or_map_loads_anything_from_another_host(plugin_site):
    files = [p for p in plugin_site.rglob("*") if p.suffix in (".html", ".svg", ".css") and "pagefind" not in p.parts]
    assert len(files) > 100
    loading = [str(p.relative_to(plugin_site)) for p in files if LOADS.search(p.read_text(encoding="utf-8"))]
    assert loading == []


# -- another engine --------------------------------------------------------------------------------------------
def test_export_and_postprocess_keep_the_charts_and_the_map(plugin_site, export_site):
    for url, marks in (
        ("", ('data-pref="', 'class="cb-map-link" xlink:href="', 'role="group"')),
        ("index/prefecture", ('data-pref="', 'class="cb-map-link" xlink:href="', 'role="group"')),
        ("national", ('id="cb-trend-organizations"', 'id="cb-regions"', 'role="img"')),
        ("index/activity", ('id="cb-facet-activity"', 'class="cb-bar-item" xlink:href="', 'aria-labelledby="cb-')),
    ):
        ours = plugin_site / url / "index.html"
        theirs = export_site / url / "index.html"
        for mark in marks:
            count = theirs.read_text(encoding="utf-8").count(mark)
            assert count and count == ours.read_text(encoding="utf-8").count(mark), (url, mark)
        assert 'viewBox="0 0 ' in theirs.read_text(encoding="utf-8")
    assert (export_site / "assets" / "maps" / "okinawa.svg").is_file()


# -- the switch the benchmark uses ----------------------------------------------------------------------------------
def test_casebook_charts_0_leaves_every_chart_out(book, monkeypatch):
    renderer = PageRenderer(book)
    activity = book.facets["activity"]
    assert "<svg" in renderer.facet_overview(activity)
    monkeypatch.setenv("CASEBOOK_CHARTS", "0")
    assert "<svg" not in renderer.facet_overview(activity)
    assert "<svg" not in renderer.facet_overview(book.facets["prefecture"])
    assert 'class="cb-locator"' not in renderer.case(book.cases[0])
    assert not [path for path, _ in renderer.site_files() if path.startswith("assets/maps/")]
