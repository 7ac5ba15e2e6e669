"""Benchmark: the whole pipeline at N synthetic cases (not a test; prints figures).

Usage: python bench/build.py [--runs R] [--charts] [N ...]      (default: 100 1000 5000, R = 3)

For each N, in one run and on the same synthetic project (FICTIONAL records,
see bench/synthetic.py; the bundled content, glossary and national figures):

  validate      load + validate every record, no cache (cold)
  yaml-load     its baseline: PyYAML's C loader over the same files, parse only
                (no checks, no locations kept), timed in the same turns
  generate      the generator's own work: validate, model and indices,
                related cases, every page's Markdown
  build         `mkdocs build` with the plugin and Pagefind (what `make site` runs)
  build-nosearch  the same with the plugin's search off
  baseline      plain `mkdocs build` (no casebook plugin, same theme and
                extensions) of the same pages exported with `casebook export-docs`

With --charts (issue 27), also in every turn:

  charts        drawing every chart, both maps, the 47 locator files and every case
                page's locator <img> in-process (the book is built first, untimed)
  build-nocharts  the no-search build with CASEBOOK_CHARTS=0 (no chart, map or
                locator), into its own folder: against build-nosearch, what the
                charts cost a whole build; and its case page's size

Everything runs in turns (validate, yaml-load, generate, then the three builds, and
again): this machine's speed drifts by a factor of two within minutes, CPU seconds
too, so every figure is sampled over the same stretch of time and their ratios hold.
A build's time ends when the command returns, with the new site in place; the
previous site is then removed by a background process (postprocess.atomic.remove_in_background),
which the benchmark waits for, untimed, before the next build.

It prints medians and each run (for validate and generate also their CPU seconds over
both processes: the work itself), the plugin's overhead as build-nosearch / baseline,
validate / yaml-load, peak memory (of the largest process, GNU time; and of the whole
process tree at any moment, sampled from /proc), the site's size (with its search
index) and one case page's HTML size, and writes bench/results/build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from generator.model import related  # noqa: E402
from generator.model.casebook import build_casebook  # noqa: E402
from generator.model.kana import kana_key  # noqa: E402
from generator.pages.renderer import PageRenderer  # noqa: E402
from generator.records import (
    load_dataset,  # noqa: E402
    yamlnodes,  # noqa: E402
)
from generator.records.files import case_files  # noqa: E402
from generator.search.pagefind import _npm_binary  # noqa: E402
from tests.sitebuild import synthetic_site  # noqa: E402

GNU_TIME = "/usr/bin/time"


def cold() -> None:
    """Forget what earlier runs in this process left in memos, so that each run starts as a new process does."""
    related._last = None  # no ranking kept from the previous run (mkdocs serve keeps one)
    yamlnodes._PLAIN_TAGS.clear()
    kana_key.cache_clear()


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children that have ended (Pagefind, builds)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_call(fn, setup=cold) -> tuple[float, object, float]:
    """Wall time of one cold call, its result, and the CPU time it took (all processes).

    The CPU time shows the work itself: wall time is about half of it when both cores are busy.
    """
    setup()
    cpu = cpu_seconds()
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result, cpu_seconds() - cpu


def _tree_rss_kib(pid: int) -> int:
    """Resident memory (KiB) of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def timed_command(cmd: list[str], cwd: Path, env: dict) -> tuple[float, int, int]:
    """Wall seconds, peak resident memory of the largest process (GNU time, KiB) and
    peak of the whole process tree at any moment (sampled every 50 ms, KiB): MkDocs
    is alive while Pagefind runs, so the tree's sum is what the machine must hold."""
    use_time = os.access(GNU_TIME, os.X_OK)
    full = [GNU_TIME, "-f", "%M", *cmd] if use_time else cmd
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:  # a file, not a pipe: nothing blocks while we poll
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True)
        tree_peak = 0
        while proc.poll() is None:
            tree_peak = max(tree_peak, _tree_rss_kib(proc.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - t
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{stderr[-4000:]}")
    peak = int(stderr.strip().splitlines()[-1]) if use_time else 0
    return wall, peak, tree_peak


def wait_for_removals(project: Path, limit: float = 300.0) -> None:
    """Wait, untimed, until the previous site's background removal (output.remove_in_background) has ended,
    so that it takes no time from the next timed build."""
    deadline = time.monotonic() + limit
    while any(project.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def configs(project: Path, export: Path) -> None:
    """mkdocs.yml variant without search; the baseline is the export's own mkdocs.yml (casebook export-docs)."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs-nosearch.yml").write_text(
        text.replace("  - casebook\n", "  - casebook:\n      search: false\n"), encoding="utf-8"
    )


def charts_seconds(project: Path) -> float:
    """Seconds to draw every chart and map of the site and each case page's locator (the book built first)."""
    from generator.pages import charts, japan_map
    from generator.pages.context import PageContext

    book = build_casebook(load_dataset(project))
    renderer = PageRenderer(book)
    t = time.perf_counter()
    for facet in book.paged_facets:
        if facet.name not in ("kana", "prefecture"):
            charts.facet_chart(PageContext(renderer, facet.overview_path), facet)
    japan_map.case_map(PageContext(renderer, "index.md"), "small", with_list=True)
    japan_map.case_map(PageContext(renderer, "index/prefecture/index.md"), "large")
    charts.national_charts(book.dataset.national or {})
    charts.region_chart(book.dataset.national or {})
    japan_map.locator_files(renderer)
    for case in book.cases:
        japan_map.locator(PageContext(renderer, f"cases/{case.id}.md").to_root, case.prefecture)
    return time.perf_counter() - t


def run(n: int, runs: int, with_charts: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"casebook-bench-{n}-") as tmp:
        project = Path(tmp) / "p"
        synthetic_site(project, n)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CASEBOOK_NO_CACHE": "1", "SOURCE_DATE_EPOCH": "1767225600"}
        binary = _npm_binary(ROOT)
        if binary:
            env["PAGEFIND_BINARY_PATH"] = binary

        files = case_files(project / "data")

        def yaml_load():
            for f in files:
                yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)

        def generate():
            book = build_casebook(load_dataset(project))
            return sum(len(md) for _p, md in PageRenderer(book).pages())

        # The in-process stages, each a fresh cold run. Each run's dataset is dropped before the next:
        # holding three 5,000-record datasets made the collector's full passes walk them all.
        stages = {"validate": lambda: len(load_dataset(project).cases), "yaml_load": yaml_load, "generate": generate}
        if with_charts:
            stages["charts"] = lambda: charts_seconds(project)
        staged: dict[str, list[tuple[float, object, float]]] = {name: [] for name in stages}
        export = Path(tmp) / "export"
        subprocess.run(
            [sys.executable, "-m", "generator.cli", "--root", str(project), "export-docs", str(export)],
            check=True,
            capture_output=True,
            env=env,
        )
        configs(project, export)
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
        builds = {  # the full build last in each turn: site/ is then measured with its search index
            "baseline": [*mkdocs, "-f", str(export / "mkdocs.yml"), "-d", str(project / "site-baseline")],
            "build_nosearch": [*mkdocs, "-f", "mkdocs-nosearch.yml"],
            "build": [*mkdocs],
        }
        nocharts = [*mkdocs, "-f", "mkdocs-nosearch.yml", "-d", str(project / "site-nocharts")]
        if with_charts:  # before the full build, which stays last
            builds = {
                **{k: v for k, v in builds.items() if k != "build"},
                "build_nocharts": nocharts,
                "build": [*mkdocs],
            }
        envs = {"build_nocharts": {**env, "CASEBOOK_CHARTS": "0"}}
        # In turns (stages, baseline, no-search, build, stages, ...): this machine's speed drifts by a
        # factor of two within minutes, and taking turns exposes all of them to the same drift, so ratios hold.
        measured: dict[str, list[tuple[float, int, int]]] = {name: [] for name in builds}
        for _ in range(runs):
            for name, fn in stages.items():
                staged[name].append(timed_call(fn))
            for name, cmd in builds.items():
                measured[name].append(timed_command(cmd, project, envs.get(name, env)))
                wait_for_removals(project)
        out: dict = {"n": n, "runs": runs, "markdown_chars": staged["generate"][0][1]}
        for name, runs_of in staged.items():
            out[f"{name}_s"] = round(statistics.median(w for w, _, _ in runs_of), 3)
            out[f"{name}_cpu_s"] = round(statistics.median(c for _, _, c in runs_of), 3)
            out[f"{name}_runs_s"] = [round(w, 3) for w, _, _ in runs_of]
        for name, runs_of in measured.items():
            out[f"{name}_runs_s"] = [round(w, 2) for w, _, _ in runs_of]
            out[f"{name}_s"] = round(statistics.median(w for w, _, _ in runs_of), 2)
            out[f"{name}_peak_mib"] = round(max(p for _, p, _ in runs_of) / 1024, 1)
            out[f"{name}_tree_peak_mib"] = round(max(t for _, _, t in runs_of) / 1024, 1)
        site = project / "site"
        out["site_mib"] = round(tree_size(site) / 2**20, 1)
        out["pagefind_mib"] = round(sum(tree_size(p) for p in site.glob("pagefind*")) / 2**20, 1)  # every part
        out["case_page_kib"] = round((site / "cases" / "synthetic-00001" / "index.html").stat().st_size / 1024, 1)
        out["overhead_ratio"] = round(out["build_nosearch_s"] / out["baseline_s"], 3)
        out["validate_yaml_ratio"] = round(out["validate_s"] / out["yaml_load_s"], 3)
        if with_charts:
            out["charts_drawn_s"] = round(statistics.median(r for _, r, _ in staged["charts"]), 3)
            out["charts_drawn_runs_s"] = [round(r, 3) for _, r, _ in staged["charts"]]
            case_page = project / "site-nocharts" / "cases" / "synthetic-00001" / "index.html"
            out["case_page_nocharts_kib"] = round(case_page.stat().st_size / 1024, 1)
            out["charts_build_cost_s"] = round(out["build_nosearch_s"] - out["build_nocharts_s"], 2)
        shutil.rmtree(project / "site-baseline", ignore_errors=True)
        shutil.rmtree(project / "site-nocharts", ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--charts", action="store_true", help="also measure the charts and maps (issue 27)")
    args = parser.parse_args()
    results = []
    print(
        f"{'N':>5} {'validate':>9} {'generate':>9} {'build':>8} {'no-search':>9} {'baseline':>9} {'overhead':>8} {'peak MiB':>9} {'tree MiB':>9} {'site MiB':>9} {'case KiB':>9}"
    )
    for n in args.sizes:
        r = run(n, args.runs, args.charts)
        results.append(r)
        print(
            f"{n:>5} {r['validate_s']:>8.2f}s {r['generate_s']:>8.2f}s {r['build_s']:>7.1f}s {r['build_nosearch_s']:>8.1f}s "
            f"{r['baseline_s']:>8.1f}s {r['overhead_ratio']:>8.2f} {r['build_peak_mib']:>9.0f} {r['build_tree_peak_mib']:>9.0f} {r['site_mib']:>9.1f} {r['case_page_kib']:>9.1f}",
            flush=True,
        )
        print(
            f"{'':>5} CPU seconds, all processes: validate {r['validate_cpu_s']:.2f}, generate {r['generate_cpu_s']:.2f}",
            flush=True,
        )
        print(
            f"{'':>5} validate / yaml.load with the C loader, same files: {r['validate_s']:.2f} / {r['yaml_load_s']:.2f} s = {r['validate_yaml_ratio']:.2f}",
            flush=True,
        )
        runs_of = ", ".join(
            f"{k[:-7]} {r[k]}" for k in ("validate_runs_s", "generate_runs_s", "build_runs_s", "baseline_runs_s")
        )
        print(f"{'':>5} each run, in order: {runs_of}", flush=True)
        if args.charts:
            print(
                f"{'':>5} charts: drawn in {r['charts_drawn_s']:.3f} s (runs {r['charts_drawn_runs_s']}); build without search "
                f"{r['build_nosearch_s']:.1f} s with charts, {r['build_nocharts_s']:.1f} s without "
                f"(runs {r['build_nocharts_runs_s']}): {r['charts_build_cost_s']:+.2f} s; "
                f"case page {r['case_page_kib']:.1f} KiB with, {r['case_page_nocharts_kib']:.1f} KiB without",
                flush=True,
            )
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "build.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
