"""Another engine: ``casebook export-docs`` + a plain build + ``casebook postprocess`` gives the casebook's site.

Real builds only: the plugin's ``mkdocs build`` of the bundled project, then the
export built by plain MkDocs and by ProperDocs (the MkDocs 1.x fork), each
post-processed; a real Pagefind index searched in headless Chromium.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.browser.harness import serve, top_urls
from tests.sitebuild import REPO, article, copy_bundled, mkdocs_build, pagefind_env

ENGINES = {
    "mkdocs": [sys.executable, "-m", "mkdocs", "build", "--strict"],
    "properdocs": [sys.executable, "-m", "properdocs", "build", "--strict"],
}


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    project = copy_bundled(tmp_path_factory.mktemp("plugin") / "project")
    mkdocs_build(project)
    return project / "site"


@pytest.fixture(scope="module", params=list(ENGINES))
def engine_site(request, tmp_path_factory) -> tuple[str, Path, Path]:
    """(engine, project, site): the bundled project exported, built by the engine, post-processed."""
    engine = request.param
    if engine == "properdocs":
        pytest.importorskip("properdocs", reason="ProperDocs is a test dependency: make test installs it")
    base = tmp_path_factory.mktemp(engine)
    project = copy_bundled(base / "project")
    export = base / "export"
    _cli(project, "export-docs", str(export))
    config = yaml.safe_load((export / "mkdocs.yml").read_text(encoding="utf-8").split("markdown_extensions:")[0])
    assert "casebook" not in str(config.get("plugins")), "the exported config must build without the plugin"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [*ENGINES[engine], "-f", str(export / "mkdocs.yml")], capture_output=True, text=True, env=env, timeout=900
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = export / "site"
    _cli(project, "postprocess", str(site))
    return engine, project, site


def _pages(site: Path, folder: str) -> set[str]:
    return {p.parent.name for p in (site / folder).glob("*/index.html")}


def test_the_same_case_pages(plugin_site, engine_site):
    _engine, _project, site = engine_site
    assert _pages(site, "cases") == _pages(plugin_site, "cases") and len(_pages(site, "cases")) >= 16
    assert _pages(site, "index/activity") == _pages(plugin_site, "index/activity")


def test_case_pages_get_glossary_links_and_safe_external_links(plugin_site, engine_site):
    _engine, _project, site = engine_site
    for case in ("kawane", "unnan-jishu"):
        html = (site / "cases" / case / "index.html").read_text(encoding="utf-8")
        plugin = (plugin_site / "cases" / case / "index.html").read_text(encoding="utf-8")
        terms = re.findall(r'<a class="cb-term" href="([^"]+)"', html)
        assert terms and terms == re.findall(r'<a class="cb-term" href="([^"]+)"', plugin), case
        assert all(t.startswith("../../glossary/#") for t in terms)
        external = re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', article(html))
        assert external and all('rel="noopener noreferrer"' in a for a in external)
        assert "casebook:content" not in html and "data-pagefind-body" in html


def test_postprocess_sanitizes_what_markdown_rendered(engine_site, tmp_path):
    """An <img onerror> written into a built page's content is removed by postprocess (the allow-list)."""
    _engine, project, site = engine_site
    copy = tmp_path / "site"
    subprocess.run(["cp", "-r", str(site), str(copy)], check=True)
    page = copy / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    # Undo the processing of one page: restore its markers around hostile content.
    start = html.index('<div class="cb-content"')
    end = html.index("</article>", start)
    html = (
        html[:start]
        + '<!-- casebook:content about.md -->\n<p>x<img src="x" onerror="alert(1)"></p>\n<!-- /casebook:content -->'
        + html[end:]
    )
    page.write_text(html, encoding="utf-8")
    _cli(project, "postprocess", "--no-search", str(copy))
    out = page.read_text(encoding="utf-8")
    assert "onerror" not in out and "<img" in out


def test_the_search_index_finds_a_bundled_case_by_name(engine_site, browser):
    _engine, _project, site = engine_site
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "assets" / "casebook-search.js").is_file()
    with serve(site) as base:
        page = browser.new_page()
        try:
            page.goto(base + "/cases/")
            found = top_urls(page, ["川根振興協議会", "きらりよしじま"], n=5)
        finally:
            page.close()
    assert "/cases/kawane/" in found["川根振興協議会"]["urls"]
    assert "/cases/kirari-yoshijima/" in found["きらりよしじま"]["urls"]


def test_postprocess_twice_changes_nothing(engine_site, tmp_path):
    _engine, project, site = engine_site
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    _cli(project, "postprocess", "--no-search", str(site))
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before


def test_export_refuses_a_folder_it_did_not_write(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("大事なメモ", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--root", str(REPO), "export-docs", str(target)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "空のフォルダではありません" in proc.stdout
    assert (target / "notes.txt").read_text(encoding="utf-8") == "大事なメモ"
