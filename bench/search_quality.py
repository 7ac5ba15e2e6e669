"""Benchmark: Japanese search quality of each Pagefind build (not a test; prints figures).

Usage: python bench/search_quality.py

Builds the bundled site once with ``mkdocs build``, then for each Pagefind
build available re-indexes a copy of ``site/`` with
``--site DIR --force-language ja``:

- npm ``pagefind`` 1.6.0 (``node_modules/@pagefind/*/bin/pagefind_extended``, the pinned one);
- PyPI ``pagefind[extended]`` 1.5.2 (installed into this venv with pip when missing).

Each copy is served on 127.0.0.1 and the query set of
``tests/browser/queries.py`` runs in headless Chromium through Pagefind's JS
API, twice: with Pagefind's default ranking and with the site's ranking
(``window.casebookSearch.ranking`` in ``generator/search/casebook-search.js``).
Prints hit@5 per build and ranking, the misses, and writes
``bench/results/search_quality.json``.

The everyday-word set (``queries.EVERYDAY``: words residents use, none a vocabulary label; a hit is a
case page carrying the intended value) runs with the rest, and once more against a baseline built
in the same run from the same project with every ``aliases:`` taken out of data/vocabulary.yaml:
hit@5 without aliases, then with them.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import CHROMIUM, MISSING_CHROMIUM, build_bundled_site, launch_chromium, serve, top_urls  # noqa: E402
from tests.browser.queries import TOP, all_queries, everyday_queries, score  # noqa: E402
from tests.sitebuild import mkdocs_build  # noqa: E402

PYPI_VERSION = "1.5.2"
# Pagefind's documented defaults, passed explicitly so the site's own ranking never leaks in.
DEFAULT_RANKING = {"termSimilarity": 1.0, "pageLength": 0.75, "termSaturation": 1.4, "termFrequency": 1.0}


def npm_binary() -> str | None:
    for candidate in sorted(glob.glob(str(ROOT / "node_modules/@pagefind/*/bin/pagefind_extended"))):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def pypi_binary() -> str:
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", f"pagefind[extended]=={PYPI_VERSION}"], check=True
        )
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]
    return str(get_executable())


def version(binary: str) -> str:
    return subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def index(site: Path, binary: str) -> dict:
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [binary, "--site", str(site), "--force-language", "ja"], capture_output=True, text=True, timeout=1800
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{binary} failed:\n{proc.stdout}\n{proc.stderr}")
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return {
        "index_s": round(seconds, 2),
        "index_files": len(files),
        "index_bytes": sum(p.stat().st_size for p in files),
    }


def main() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    everyday = everyday_queries(ROOT)
    queries = all_queries(ROOT) + everyday
    builds = {}
    npm = npm_binary()
    if npm:
        builds["npm"] = npm
    else:
        print("npm の Pagefind がありません（`npm ci`）。PyPI 版だけを測ります。")
    builds["pypi"] = pypi_binary()
    if not npm:  # the strict build would stop on the plugin's fallback warning
        os.environ["PAGEFIND_BINARY_PATH"] = builds["pypi"]

    results: dict = {"queries": len(queries), "top": TOP, "builds": {}}
    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        built = build_bundled_site(Path(tmp) / "project")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for name, binary in builds.items():
                site = Path(tmp) / f"site-{name}"
                shutil.copytree(built, site)
                entry = {
                    "binary": os.path.relpath(binary, ROOT),
                    "version": version(binary),
                    **index(site, binary),
                    "rankings": {},
                }
                with serve(site) as base:
                    for ranking_name, ranking in (("pagefind-default", DEFAULT_RANKING), ("site", None)):
                        page = browser.new_page()
                        page.goto(base + "/about/")
                        found = top_urls(page, [q.q for q in queries], TOP, ranking)
                        used = ranking or page.evaluate("window.casebookSearch.ranking")
                        page.close()
                        hit, misses = score(queries, found)
                        by_kind: dict[str, list[int]] = {}
                        for q in queries:
                            kind = q.kind.split(":")[0]
                            by_kind.setdefault(kind, [0, 0])
                            by_kind[kind][1] += 1
                            by_kind[kind][0] += q not in misses
                        entry["rankings"][ranking_name] = {
                            "ranking": used,
                            "hit_at_5": round(hit, 4),
                            "hits": len(queries) - len(misses),
                            "by_kind": {k: f"{h}/{n}" for k, (h, n) in by_kind.items()},
                            "misses": [
                                {
                                    "q": q.q,
                                    "kind": q.kind,
                                    "expected": list(q.expect),
                                    "mode": q.mode,
                                    "top": found[q.q]["urls"],
                                }
                                for q in misses
                            ],
                        }
                results["builds"][name] = entry
            results["everyday"] = everyday_baseline(browser, Path(tmp), built, everyday)
            browser.close()

    for name, entry in results["builds"].items():
        print(
            f"\n{name}: {entry['version']} — index {entry['index_s']} s, {entry['index_files']} files, {entry['index_bytes'] / 1024:.0f} KiB"
        )
        for ranking_name, r in entry["rankings"].items():
            print(
                f"  {ranking_name:17} {json.dumps(r['ranking'], ensure_ascii=False)}: hit@{TOP} = {r['hit_at_5']:.3f} ({r['hits']}/{len(queries)})  {r['by_kind']}"
            )
            for m in r["misses"]:
                print(f"    miss [{m['kind']}] {m['q']}: expected {m['mode']} of {m['expected'][:3]} — got {m['top']}")
    e = results["everyday"]
    print(f"\neveryday words ({e['queries']}, none a label), site ranking, npm build:")
    for label in ("without_aliases", "with_aliases"):
        print(f"  {label:16} hit@{TOP} = {e[label]['hit_at_5']:.3f}  misses: {e[label]['misses']}")
    out = ROOT / "bench" / "results" / "search_quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n{out.relative_to(ROOT)} に書きました。")


def everyday_baseline(browser, tmp: Path, built: Path, everyday) -> dict:
    """hit@5 of the everyday set on the site as built, and on the same project without any alias."""
    import re

    bare = tmp / "bare"
    shutil.copytree(built.parent, bare, ignore=shutil.ignore_patterns("site"))
    vocabulary = bare / "data" / "vocabulary.yaml"
    text, n = re.subn(r", aliases: \[[^\]]*\]", "", vocabulary.read_text(encoding="utf-8"))
    assert n, "the vocabulary has no aliases to take out"
    vocabulary.write_text(text, encoding="utf-8")
    mkdocs_build(bare)
    out = {"queries": len(everyday)}
    for label, site in (("without_aliases", bare / "site"), ("with_aliases", built)):
        with serve(site) as base:
            page = browser.new_page()
            page.goto(base + "/about/")
            found = top_urls(page, [q.q for q in everyday], TOP)
            page.close()
        hit, misses = score(everyday, found)
        out[label] = {"hit_at_5": round(hit, 4), "misses": [q.q for q in misses]}
    return out


if __name__ == "__main__":
    main()
