"""Benchmark: the open data files (issue 28) at N synthetic cases (not a test; prints figures).

Usage: python bench/opendata.py [N ...]   (default: 1000 5000)

For each N, on the same synthetic project (FICTIONAL records, bench/synthetic.py), medians of 5 runs in turns:
- data: ``pages.opendata.data_files`` (cases.json, cases.csv, the other files, datapackage.json), which
  the site's producer runs on every build (and on every ``mkdocs serve`` rebuild);
- baseline: rendering every case page's Markdown (``PageRenderer.case``), the generator's main per-case work,
  in the same turns, so the data files' cost is a ratio that holds while the machine's speed drifts;
- json-dumps: plain ``json.dumps`` of the same records (the floor for writing them as JSON at all);
- serve-unchanged: the producer under ``mkdocs serve`` when nothing changed (the renderer's memo: it compares
  its inputs, reads the narratives, and gives the files it made before).
It also prints the size of each data file.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_project  # noqa: E402
from generator.model.casebook import build_casebook  # noqa: E402
from generator.pages.opendata import case_object, data_files, site_data_files  # noqa: E402
from generator.pages.renderer import PageRenderer  # noqa: E402
from generator.records import load_dataset  # noqa: E402


def turns(fns: dict, runs: int = 5) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, n, ROOT)
        dataset = load_dataset(root, root / "data", root / "content", use_cache=False)
        book = build_casebook(dataset)
        renderer = PageRenderer(book)
        files: dict[str, bytes] = {}

        def data():
            files.clear()
            files.update(data_files(book))

        def baseline():
            for case in book.cases:
                renderer.case(case)

        def dumps():
            json.dumps([case_object(c, c.body, "") for c in dataset.published], ensure_ascii=False)

        serving = PageRenderer(book, memo={})
        site_data_files(serving)

        def unchanged():
            site_data_files(serving)

        t = turns({"data": data, "baseline": baseline, "json-dumps": dumps, "serve-unchanged": unchanged})
        print(f"\nN = {n:,} published cases")
        print(f"  data files        {t['data']:7.3f} s")
        print(f"  baseline (pages)  {t['baseline']:7.3f} s   data / baseline = {t['data'] / t['baseline']:.2f}")
        print(f"  json-dumps        {t['json-dumps']:7.3f} s   data / json-dumps = {t['data'] / t['json-dumps']:.2f}")
        print(f"  serve-unchanged   {t['serve-unchanged']:7.3f} s   / data = {t['serve-unchanged'] / t['data']:.2f}")
        for name, content in files.items():
            print(f"  {name:18s} {len(content) / 1_000_000:7.2f} MB")


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [1000, 5000]:
        run(n)
