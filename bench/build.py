"""Benchmark: the whole pipeline at N synthetic cases (not a test; prints figures).

Usage: python bench/build.py [--runs R] [N ...]      (default: 100 1000 5000, R = 3)

For each N, in one run and on the same synthetic project (FICTIONAL records,
see bench/synthetic.py; the bundled content, glossary and national figures):

  validate      load + validate every record, no cache (cold)
  generate      the generator's own work: validate, model and indices,
                related cases, every page's Markdown
  build         `mkdocs build` with the plugin and Pagefind (what `make site` runs)
  build-nosearch  the same with the plugin's search off
  baseline      plain `mkdocs build` (no casebook plugin, same theme and
                extensions) of the same pages exported with `casebook export-docs`

Builds run in turns. A build's time ends when the command returns, with the new
site in place; the previous site is then removed by a background process
(output.remove_in_background), which the benchmark waits for, untimed, before
the next build. It prints medians (for validate and generate also their CPU seconds, over both
processes: steadier than wall time when the machine's speed drifts), the plugin's overhead as build-nosearch / baseline, peak
memory (of the largest process, GNU time; and of the whole process tree at any
moment, sampled from /proc), the site's size (with its search index) and one case page's HTML size, and writes
bench/results/build.json.
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

from generator import kana_key, loader, related, render  # noqa: E402
from generator.indices import build_casebook  # noqa: E402
from generator.render import PageRenderer  # noqa: E402
from generator.search import _npm_binary  # noqa: E402
from generator.validate import load_dataset  # noqa: E402
from tests.sitebuild import synthetic_site  # noqa: E402

GNU_TIME = "/usr/bin/time"


def cold() -> None:
    """Forget what earlier runs in this process left in memos, so that each run starts as a new process does."""
    related._last = None  # no ranking kept from the previous run (mkdocs serve keeps one)
    loader._PLAIN_TAGS.clear()
    kana_key.cache_clear()
    render._SHARED_PARTS.clear()
    for memo in (render.escape_repeated, render._pagefind_text, render._filter_span, render._relpath):
        memo.cache_clear()


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children that have ended (forked workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_of(fn, runs: int, setup=cold) -> tuple[float, list, float]:
    """Median wall time of ``runs`` calls, their results, and the median CPU time they took (all processes).

    The CPU time moves less than the wall time when this machine's speed drifts between runs,
    and shows the work itself: wall time is about half of it when both cores are busy.
    """
    times, results, cpus = [], [], []
    for _ in range(runs):
        setup()
        cpu = cpu_seconds()
        t = time.perf_counter()
        results.append(fn())
        times.append(time.perf_counter() - t)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(times), results, statistics.median(cpus)


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
    """mkdocs.yml variants: without search, and the plain baseline over the export."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs-nosearch.yml").write_text(text.replace("  - casebook\n", "  - casebook:\n      search: false\n"), encoding="utf-8")
    baseline = text.replace("  - casebook\n", "").replace("plugins:\n", "plugins: []\n", 1)
    baseline = baseline.replace("docs_dir: content", f"docs_dir: {export}").replace("site_dir: site", "site_dir: site-baseline")
    # What the plugin adds to the config, the baseline gets by hand, so both build the same pages.
    baseline = baseline.replace("markdown_extensions:\n", "extra_css:\n  - assets/casebook.css\nextra_javascript:\n  - assets/casebook-search.js\nmarkdown_extensions:\n", 1)
    (project / "mkdocs-baseline.yml").write_text(baseline, encoding="utf-8")


def run(n: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"casebook-bench-{n}-") as tmp:
        project = Path(tmp) / "p"
        synthetic_site(project, n)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CASEBOOK_NO_CACHE": "1", "SOURCE_DATE_EPOCH": "1767225600"}
        binary = _npm_binary(ROOT)
        if binary:
            env["PAGEFIND_BINARY_PATH"] = binary

        # Each run's dataset is dropped before the next: holding three 5,000-record datasets made the
        # collector's full passes walk them all, and generate below took 0.4 s longer for it.
        validate_s, _, validate_cpu = median_of(lambda: len(load_dataset(project).cases), runs)

        def generate():
            book = build_casebook(load_dataset(project))
            return sum(len(md) for _p, md in PageRenderer(book).pages())

        generate_s, sizes, generate_cpu = median_of(generate, runs)
        export = Path(tmp) / "export"
        subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(project), "export-docs", str(export)], check=True, capture_output=True, env=env)
        configs(project, export)
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
        builds = {  # the full build last in each turn: site/ is then measured with its search index
            "baseline": [*mkdocs, "-f", "mkdocs-baseline.yml"],
            "build_nosearch": [*mkdocs, "-f", "mkdocs-nosearch.yml"],
            "build": [*mkdocs],
        }
        out: dict = {"n": n, "runs": runs, "validate_s": round(validate_s, 3), "generate_s": round(generate_s, 3), "markdown_chars": sizes[0]}
        out |= {"validate_cpu_s": round(validate_cpu, 3), "generate_cpu_s": round(generate_cpu, 3)}
        # In turns (build, no-search, baseline, build, ...): this machine's speed drifts by tens of
        # percent over minutes, and taking turns exposes the three to the same drift, so ratios hold.
        measured: dict[str, list[tuple[float, int, int]]] = {name: [] for name in builds}
        for _ in range(runs):
            for name, cmd in builds.items():
                measured[name].append(timed_command(cmd, project, env))
                wait_for_removals(project)
        for name, runs_of in measured.items():
            out[f"{name}_s"] = round(statistics.median(w for w, _, _ in runs_of), 2)
            out[f"{name}_peak_mib"] = round(max(p for _, p, _ in runs_of) / 1024, 1)
            out[f"{name}_tree_peak_mib"] = round(max(t for _, _, t in runs_of) / 1024, 1)
        site = project / "site"
        out["site_mib"] = round(tree_size(site) / 2**20, 1)
        out["pagefind_mib"] = round(sum(tree_size(p) for p in site.glob("pagefind*")) / 2**20, 1)  # every part
        out["case_page_kib"] = round((site / "cases" / "synthetic-00001" / "index.html").stat().st_size / 1024, 1)
        out["overhead_ratio"] = round(out["build_nosearch_s"] / out["baseline_s"], 3)
        shutil.rmtree(project / "site-baseline", ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    print(f"{'N':>5} {'validate':>9} {'generate':>9} {'build':>8} {'no-search':>9} {'baseline':>9} {'overhead':>8} {'peak MiB':>9} {'tree MiB':>9} {'site MiB':>9} {'case KiB':>9}")
    for n in args.sizes:
        r = run(n, args.runs)
        results.append(r)
        print(
            f"{n:>5} {r['validate_s']:>8.2f}s {r['generate_s']:>8.2f}s {r['build_s']:>7.1f}s {r['build_nosearch_s']:>8.1f}s "
            f"{r['baseline_s']:>8.1f}s {r['overhead_ratio']:>8.2f} {r['build_peak_mib']:>9.0f} {r['build_tree_peak_mib']:>9.0f} {r['site_mib']:>9.1f} {r['case_page_kib']:>9.1f}",
            flush=True,
        )
        print(f"{'':>5} CPU seconds, all processes: validate {r['validate_cpu_s']:.2f}, generate {r['generate_cpu_s']:.2f}", flush=True)
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "build.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
