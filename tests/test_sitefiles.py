"""Non-page site files (``pages.sitefiles``): what a producer gives is published by the plugin and exported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.pages import sitefiles
from generator.pages.renderer import PageRenderer
from tests.sitebuild import REPO, copy_bundled, pagefind_env

PRODUCER = """
def _test_producer(renderer):
    yield "downloads/ids.txt", "\\n".join(c.id for c in renderer.book.cases).encode("utf-8")
    yield "downloads/copied.py", __import__("pathlib").Path(__file__)


PRODUCERS.append(_test_producer)
"""


@pytest.fixture
def with_producer(tmp_path):
    """A copy of the package whose ``sitefiles`` has one more producer (fictional test files)."""
    import shutil

    package = tmp_path / "pkg"
    shutil.copytree(REPO / "generator", package / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    module = package / "generator" / "pages" / "sitefiles.py"
    module.write_text(module.read_text(encoding="utf-8") + PRODUCER, encoding="utf-8")
    project = copy_bundled(tmp_path / "project")
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  - casebook\n", "  - casebook:\n      search: false\n"))
    env = {**os.environ, "PYTHONPATH": str(package), "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    return project, env, module


def test_the_plugin_and_export_publish_a_producers_files(with_producer):
    project, env, module = with_producer
    ids = sorted(p.stem for p in (project / "data" / "cases").glob("*.yaml"))
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    published = (project / "site" / "downloads" / "ids.txt").read_text(encoding="utf-8").split("\n")
    assert sorted(published) == ids
    source = module.read_bytes()
    assert (project / "site" / "downloads" / "copied.py").read_bytes() == source

    export = subprocess.run(
        [sys.executable, "-m", "generator.cli", "export-docs", "out"], cwd=project, env=env, capture_output=True
    )
    assert export.returncode == 0, export.stderr
    assert (project / "out" / "docs" / "downloads" / "copied.py").read_bytes() == source
    assert (project / "out" / "docs" / "downloads" / "ids.txt").read_text(encoding="utf-8").count("\n") == len(ids) - 1


def test_a_path_produced_twice_is_an_error(monkeypatch):
    from generator.model.casebook import build_casebook
    from generator.records import load_dataset

    book = build_casebook(load_dataset(REPO, REPO / "data", REPO / "content"))
    monkeypatch.setattr(sitefiles, "PRODUCERS", [lambda r: [("a.txt", b"1")], lambda r: [("a.txt", b"2")]])
    with pytest.raises(ValueError, match="a.txt"):
        list(PageRenderer(book).site_files())
