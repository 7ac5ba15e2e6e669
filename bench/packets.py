"""Benchmark: what the course packets (issue 24) add to a build. Not a test; prints figures.

Usage: python bench/packets.py [--runs R] [N ...]     (default: bundled 5000, R = 3; "bundled" is the real data)

For each project (the bundled one as it is, or N FICTIONAL synthetic cases from bench/synthetic.py with
the bundled training text), in one run and on the same project, in turns so that the machine's drift
touches every figure alike:

  pdf-cold      the four stage PDFs printed by WeasyPrint (empty PDF cache), in process, once
  pdf-warm      the same producer with the cache filled (packet HTML + hash + cache hit), in process
  json          the builder's JSON producer (index + one file per case), in process
  pages         baseline: every generated page's Markdown (PageRenderer.pages), in process
  build         warm `mkdocs build` (search off, validation and PDF caches filled)
  build-nopdf   baseline: the same build where WeasyPrint cannot be imported (no PDFs, one warning)

It prints medians, "adds" = build - build-nopdf, and the packet files' sizes; writes bench/results/packets.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.model.casebook import build_casebook  # noqa: E402
from generator.pages import packetfiles  # noqa: E402
from generator.pages.renderer import PageRenderer  # noqa: E402
from generator.records import load_dataset  # noqa: E402
from generator.search.pagefind import _npm_binary  # noqa: E402
from tests.sitebuild import copy_bundled, synthetic_site  # noqa: E402


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def build(project: Path, env: dict) -> float:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-bench.yml"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{proc.stderr[-3000:]}")
    for old in project.glob(".site.old-*"):  # the previous site's background removal: untimed
        while old.exists():
            time.sleep(0.05)
    return wall


def run(label: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"casebook-bench-packets-{label}-") as tmp:
        tmp = Path(tmp)
        project = tmp / "p"
        if label == "bundled":
            copy_bundled(project)
        else:
            synthetic_site(project, int(label))
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs-bench.yml").write_text(
            text.replace("  - casebook\n", "  - casebook:\n      search: false\n"), encoding="utf-8"
        )
        blocker = tmp / "blocker" / "weasyprint"
        blocker.mkdir(parents=True)
        (blocker / "__init__.py").write_text('raise ImportError("blocked by bench/packets.py")\n')
        cache = tmp / "cache"
        os.environ["XDG_CACHE_HOME"] = str(cache)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
        binary = _npm_binary(ROOT)
        if binary:
            env["PAGEFIND_BINARY_PATH"] = binary
        nopdf_env = {**env, "PYTHONPATH": os.pathsep.join([str(blocker.parent), str(ROOT)])}

        renderer = PageRenderer(build_casebook(load_dataset(project, project / "data", project / "content")))
        cases = len(renderer.book.cases)
        files: dict = {}
        pdf_cold = timed(lambda: files.update(packetfiles.stage_pdfs(renderer)))
        build(project, env)  # warm-up: validation cache, PDF cache (already filled above)
        build(project, nopdf_env)
        samples: dict[str, list[float]] = {k: [] for k in ("pdf_warm", "json", "pages", "build", "build_nopdf")}
        json_files: dict = {}
        for _ in range(runs):
            samples["pdf_warm"].append(timed(lambda: list(packetfiles.stage_pdfs(renderer))))
            samples["json"].append(timed(lambda: json_files.update(packetfiles.builder_data(renderer))))
            samples["pages"].append(timed(lambda: sum(len(md) for _p, md in renderer.pages())))
            samples["build_nopdf"].append(build(project, nopdf_env))
            samples["build"].append(build(project, env))  # last: site/ then has the PDFs, checked below
        site = project / "site"
        assert len(list((site / "packets").glob("*.pdf"))) == 4, "the build made no PDFs"
        out = {"project": label, "cases": cases, "runs": runs, "pdf_cold_s": round(pdf_cold, 2)}
        for name, values in samples.items():
            out[f"{name}_s"] = round(statistics.median(values), 3)
            out[f"{name}_runs"] = [round(v, 3) for v in values]
        out["adds_s"] = round(out["build_s"] - out["build_nopdf_s"], 3)
        out["pdf_bytes"] = sum(Path(p).stat().st_size for p in files.values())
        out["json_files"] = len(json_files)
        out["json_bytes"] = sum(len(b) for b in json_files.values())
        out["index_json_bytes"] = len(json_files["packets/index.json"])
        shutil.rmtree(cache, ignore_errors=True)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("projects", nargs="*", default=["bundled", "5000"])
    args = parser.parse_args()
    if packetfiles.engine_problem():
        raise SystemExit(f"PDF engine missing: {packetfiles.engine_problem()}")
    results = []
    print(
        f"{'project':>8} {'cases':>6} {'pdf-cold':>9} {'pdf-warm':>9} {'json':>7} {'pages':>7} "
        f"{'build':>7} {'nopdf':>7} {'adds':>7} {'PDF KiB':>8} {'JSON files':>10} {'JSON KiB':>9} {'index KiB':>9}"
    )
    for label in args.projects:
        r = run(label, args.runs)
        results.append(r)
        print(
            f"{label:>8} {r['cases']:>6} {r['pdf_cold_s']:>8.2f}s {r['pdf_warm_s']:>8.3f}s {r['json_s']:>6.3f}s "
            f"{r['pages_s']:>6.2f}s {r['build_s']:>6.2f}s {r['build_nopdf_s']:>6.2f}s {r['adds_s']:>+6.2f}s "
            f"{r['pdf_bytes'] / 1024:>8.0f} {r['json_files']:>10} {r['json_bytes'] / 1024:>9.0f} "
            f"{r['index_json_bytes'] / 1024:>9.0f}",
            flush=True,
        )
        print(f"         build runs {r['build_runs']}  nopdf runs {r['build_nopdf_runs']}", flush=True)
    out = ROOT / "bench" / "results" / "packets.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
