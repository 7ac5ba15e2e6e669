"""Builds never half-replace the site, are reproducible, and leave no broken link."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.postprocess.atomic import AtomicSite
from generator.postprocess.linkcheck import check_site
from generator.search.pagefind import part_sizes

from .sitebuild import copy_bundled, mkdocs_build, pagefind_env


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def leftovers(project: Path, wait: float = 60.0) -> list[str]:
    """Folders a build left beside ``site/``, once the previous site's background removal has had time to end."""
    deadline = time.monotonic() + wait
    while True:
        found = sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))
        if not any(".old-" in name for name in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_previous_site_is_removed_after_the_swap(tmp_path):
    """The swap renames the previous site away; it, and any an earlier removal left, go in the background."""
    root = tmp_path / "p"
    (root / "site").mkdir(parents=True)
    (root / "site" / "old.html").write_text("old", encoding="utf-8")
    (root / ".site.old-999999").mkdir()  # left by a removal that was stopped
    (root / ".site.old-999999" / "x").write_text("x", encoding="utf-8")
    swap = AtomicSite(root / "site")
    swap.staging.mkdir()
    (swap.staging / "new.html").write_text("new", encoding="utf-8")
    work = root / f"{swap.staging.name}.pagefind-stage-1"  # the search index's staging, handed over by the plugin
    (work / "1").mkdir(parents=True)
    (work / "1" / "page.html").write_text("staged", encoding="utf-8")
    swap.remove_later(work)
    swap.commit()
    assert [p.name for p in (root / "site").iterdir()] == ["new.html"]  # in place when commit returns
    assert not work.exists(), "renamed away at once, to be removed with the previous site"
    assert leftovers(root) == []


def test_a_discarded_build_removes_its_working_folders_at_once(tmp_path):
    root = tmp_path / "p"
    (root / "site").mkdir(parents=True)
    (root / "site" / "old.html").write_text("old", encoding="utf-8")
    swap = AtomicSite(root / "site")
    swap.staging.mkdir()
    work = root / f"{swap.staging.name}.pagefind-stage-1"
    work.mkdir()
    swap.remove_later(work)
    swap.discard()
    assert [p.name for p in (root / "site").iterdir()] == ["old.html"]
    assert leftovers(root, wait=0) == []


def test_previous_site_is_removed_here_when_no_process_starts(tmp_path, monkeypatch):
    from generator.postprocess import atomic as output

    def refuse(*args, **kwargs):
        raise OSError("no process slot")

    monkeypatch.setattr(output.subprocess, "Popen", refuse)
    root = tmp_path / "p"
    (root / "site").mkdir(parents=True)
    swap = AtomicSite(root / "site")
    swap.staging.mkdir()
    swap.commit()
    assert leftovers(root, wait=0) == []


def test_failed_validation_leaves_the_previous_site_untouched(tmp_path):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    before = tree_hash(project / "site")
    record = project / "data" / "cases" / "kawane.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("prefecture: 広島県", "prefecture: 広島"), encoding="utf-8"
    )
    proc = mkdocs_build(project, check=False)
    assert proc.returncode != 0 and "「広島県」ではありませんか" in proc.stderr
    assert tree_hash(project / "site") == before
    assert leftovers(project) == []


def test_strict_warning_late_in_the_build_leaves_the_previous_site_untouched(tmp_path):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    before = tree_hash(project / "site")
    # A broken link is only found while pages are built, after the output has started to be written.
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[壊れたリンク](no-such-page.md)\n", encoding="utf-8")
    proc = mkdocs_build(project, check=False)
    assert proc.returncode != 0 and "no-such-page.md" in proc.stderr
    assert tree_hash(project / "site") == before
    assert leftovers(project) == []


def test_first_build_creates_the_site_and_cleans_up(tmp_path):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
    assert leftovers(project) == []


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    a = copy_bundled(tmp_path / "a")
    b = copy_bundled(tmp_path / "elsewhere" / "b")  # another path: no absolute path may leak into the output
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    mkdocs_build(a, env=env)
    mkdocs_build(b, env=env)
    first = tree_hash(a / "site")
    assert first == tree_hash(b / "site")
    mkdocs_build(a, env=env)
    assert tree_hash(a / "site") == first


def test_bundled_site_has_no_broken_internal_links(tmp_path):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    checked, broken = check_site(project / "site")
    assert checked > 1000
    assert broken == [], "\n".join(map(str, broken))
    result = CliRunner().invoke(main, ["--root", str(project), "check-links"])
    assert result.exit_code == 0 and "切れたリンクはありません" in result.output


def test_check_links_finds_missing_pages_and_anchors(tmp_path):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    page = project / "site" / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</article>", '<a href="../cases/no-such-case/">x</a><a href="../glossary/#no-such-term">y</a></article>', 1
    )
    page.write_text(html, encoding="utf-8")
    shutil.rmtree(project / "site" / "cases" / "hata")
    _checked, broken = check_site(project / "site")
    reasons = {(b.page, b.target) for b in broken}
    assert ("about/index.html", "../cases/no-such-case/") in reasons
    assert ("about/index.html", "../glossary/#no-such-term") in reasons
    assert any(b.target.endswith("cases/hata/") for b in broken)
    result = CliRunner().invoke(main, ["--root", str(project), "check-links"])
    assert result.exit_code == 1 and "no-such-term" in result.output


def _pagefind_listing(folder: Path) -> set[str]:
    """An index's files by path (Pagefind names each by a hash of its content), without the parts manifest."""
    return {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "casebook-parts.json"
    }


@pytest.mark.parametrize(("part_pages", "dirty"), [(None, False), (40, False), (None, True)])
def test_search_index_built_during_the_build_equals_pagefind_over_the_written_site(tmp_path, part_pages, dirty):
    """The plugin indexes each page from its article before MkDocs writes it (search.SiteIndexer);
    Pagefind run afterwards over the written pages must give the same index, file for file.
    A --dirty build renders only changed pages: the others are indexed from the written site."""
    project = copy_bundled(tmp_path / "p")
    if part_pages:
        config = project / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "  - casebook\n", f"  - casebook:\n      search_part_pages: {part_pages}\n"
            ),
            encoding="utf-8",
        )
    mkdocs_build(project)
    site = project / "site"
    if dirty:
        about = project / "content" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\n確認用のことばです。\n", encoding="utf-8")
        proc = mkdocs_build(project, "--dirty", "--verbose", strict=False)  # MkDocs warns about any dirty build
        assert "確認用のことばです。" in (site / "about" / "index.html").read_text(encoding="utf-8")
        taken = re.search(r"Pagefind: (\d+) pages taken from the written site", proc.stderr)
        assert taken and int(taken.group(1)) > 5, proc.stderr[-2000:]
    after = tmp_path / "after"
    subprocess.run(
        [
            pagefind_env()["PAGEFIND_BINARY_PATH"],
            "--site",
            str(site),
            "--output-path",
            str(after),
            "--force-language",
            "ja",
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    expected = _pagefind_listing(after)
    fragments = {f for f in expected if f.startswith("fragment/")}
    assert len(fragments) > 100
    parts = sorted(site.glob("pagefind*"))
    if not part_pages:
        assert [p.name for p in parts] == ["pagefind"]
        assert _pagefind_listing(site / "pagefind") == expected
    else:
        assert len(parts) == len(part_sizes(len(fragments), part_pages)) > 1
        # A fragment is one page's text, metadata and filters: the parts hold each page exactly once.
        found = [f"fragment/{p.name}" for part in parts for p in (part / "fragment").iterdir()]
        assert sorted(found) == sorted(fragments)
    assert leftovers(project) == []


def test_a_crash_while_pagefind_runs_stops_it_and_leaves_the_previous_site_untouched(tmp_path):
    """Parts are indexed during the build: an exception in a late page must stop Pagefind and remove its staging."""
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    before = tree_hash(project / "site")
    (project / "boom.py").write_text(
        "def on_post_page(output, page, config):\n"
        "    if page.file.src_uri == 'glossary/index.md':\n"
        "        raise RuntimeError('boom')\n"
        "    return output\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - casebook\n", "  - casebook:\n      search_part_pages: 40\n")
    config.write_text(text + "hooks:\n  - boom.py\n", encoding="utf-8")
    proc = mkdocs_build(project, check=False)
    assert proc.returncode != 0 and "boom" in proc.stderr
    assert tree_hash(project / "site") == before
    assert leftovers(project) == []


@pytest.mark.parametrize(
    ("binary", "message"), [("/bin/false", "が失敗しました"), ("/nonexistent/pagefind", "を起動できませんでした")]
)
def test_a_failing_pagefind_fails_the_build_and_leaves_the_previous_site_untouched(tmp_path, binary, message):
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    before = tree_hash(project / "site")
    proc = mkdocs_build(project, env={"PAGEFIND_BINARY_PATH": binary}, check=False)
    assert proc.returncode != 0 and "Pagefind（PAGEFIND_BINARY_PATH" in proc.stderr and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_hash(project / "site") == before
    assert leftovers(project) == []
