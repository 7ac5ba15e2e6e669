"""Helpers for tests that run a real ``mkdocs build`` (no mocks).

Synthetic projects made here are FICTIONAL (see ``bench/synthetic.py``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]

MINIMAL_MKDOCS = """\
site_name: テスト
docs_dir: content
site_dir: site
theme:
  name: material
  language: ja
  font: false
plugins:
  - casebook
"""


def pagefind_env() -> dict:
    """Copied projects have no node_modules: point them at the repository's pinned Pagefind."""
    from generator.search.pagefind import _npm_binary

    binary = _npm_binary(REPO)
    return {"PAGEFIND_BINARY_PATH": binary} if binary else {}


def mkdocs_build(
    project: Path, *args: str, env: dict | None = None, check: bool = True, strict: bool = True
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env(), **(env or {})}
    strictness = ["--strict"] if strict else ["--no-strict"]
    proc = subprocess.run(
        [*MKDOCS, "build", *strictness, *args], cwd=project, capture_output=True, text=True, env=full_env, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_bundled(target: Path, with_data: bool = True) -> Path:
    """The repository's mkdocs.yml, content/ and (optionally) data/ in a fresh folder."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "content", target / "content")
    if with_data:
        shutil.copytree(REPO / "data", target / "data")
    return target


def synthetic_site(target: Path, n: int, seed: int = 7) -> list[dict]:
    """The bundled content and glossary with ``n`` synthetic records instead of the real ones."""
    from bench.synthetic import write_project

    copy_bundled(target, with_data=False)
    for narrative in (target / "content" / "cases").glob("*.md"):  # the real cases' narratives have no record here
        if narrative.name != "index.md":
            narrative.unlink()
    records = write_project(target, n, REPO, seed=seed)
    for name in ("glossary.yaml", "national.yaml"):
        shutil.copyfile(REPO / "data" / name, target / "data" / name)
    return records


def article(html: str) -> str:
    """The page's main content (what Pagefind and readers see), without nav and footer."""
    start = re.search(r'<article class="md-content__inner md-typeset"[^>]*>', html).start()
    return html[start : html.index("</article>", start)]


def case_links(html: str) -> list[str]:
    """Ids of the cases a page's article links to, in page order, without repeats."""
    seen: list[str] = []
    for m in re.finditer(r'href="(?:\.\./)*cases/([a-z0-9-]+)/"', article(html)):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen
