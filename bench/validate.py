"""Benchmark: validation time for N synthetic records (not a test; prints figures).

Usage: python bench/validate.py [N ...]   (default: 100 1000 5000)
Measures, as medians of 7 runs taken in turns:
- cold: loading+validating every file, no cache (CI on a fresh clone);
- warm: the same with the validation cache filled and one file edited
  (an editor's second run, `mkdocs serve` after a save);
- baseline, in the same run: plain `yaml.load` with the C loader over the
  same files (parse only, no checks), so the validator's cost is a ratio.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bench.synthetic import write_project  # noqa: E402
from generator.records import load_dataset  # noqa: E402
from generator.records.files import case_files  # noqa: E402


def interleaved(fns: dict, runs: int = 7) -> dict[str, float]:
    """Median seconds of each function, run in turns (a, b, c, a, b, c, ...).

    This machine's speed drifts by tens of percent over minutes; taking
    turns exposes every variant to the same drift, so their ratios hold even
    when the absolute figures move.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def main(sizes: list[int]) -> dict:
    results = {}
    for n in sizes:
        for layout in ("files", "list"):
            with tempfile.TemporaryDirectory() as tmp:
                project = Path(tmp)
                write_project(project, n, ROOT, one_file=layout == "list")
                files = case_files(project / "data")
                os.environ["XDG_CACHE_HOME"] = str(project / ".xdg-cache")
                count = len(
                    load_dataset(project).cases
                )  # not kept: a dataset alive makes the collector's passes longer
                assert count == n, (count, n)
                edited = files[len(files) // 2]

                def warm_run(edited=edited, project=project):
                    os.utime(edited)  # one file changed since the last run
                    load_dataset(project, use_cache=True)

                load_dataset(project, use_cache=True)  # fill the cache
                t = interleaved(
                    {
                        "cold": lambda project=project: load_dataset(project),
                        "warm": warm_run,
                        "baseline": lambda files=files: [
                            yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files
                        ],
                    }
                )
                validate, warm, baseline = t["cold"], t["warm"], t["baseline"]
            key = f"{n}-{layout}"
            results[key] = {
                "n": n,
                "layout": layout,
                "cold_s": round(validate, 4),
                "warm_one_edit_s": round(warm, 4),
                "yaml_load_s": round(baseline, 4),
                "cold_ratio": round(validate / baseline, 2),
            }
            print(
                f"N={n:>5} {layout:5}  cold {validate:6.3f} s   warm, one file edited {warm:6.3f} s   "
                f"yaml.load (C) baseline {baseline:6.3f} s   cold/baseline {validate / baseline:4.2f}"
            )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "validate.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 5000])
