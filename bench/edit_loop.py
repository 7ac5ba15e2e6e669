"""Benchmark: how fast an edited case shows in the preview (not a test; prints figures).

Usage: python bench/edit_loop.py [--edits K] [N]        (default N = 5000, K = 3)

Starts a real `mkdocs serve` on 127.0.0.1 over N synthetic (FICTIONAL)
records, opens the case page in headless Chromium (Debian's, as the browser
tests do), edits one case's summary, and measures the time until the page in
the browser shows the new text (MkDocs' livereload reloads it): with
`--dirty` (the plugin rebuilds only pages whose Markdown changed) and, as the
baseline in the same run, plain `mkdocs serve` (everything is rebuilt).
Without Chromium it polls the served HTML instead and says so. Prints medians
over K edits and the ratio; writes bench/results/edit_loop.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.search.pagefind import _npm_binary  # noqa: E402
from tests.sitebuild import synthetic_site  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


SHOWS = "m => document.body && document.body.innerText.includes(m)"


class Browser:
    """The edited page open in headless Chromium; ``shown`` waits until its text contains a marker."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        from tests.browser.harness import launch_chromium

        self._pw = sync_playwright().start()
        self._browser = launch_chromium(self._pw)
        self.page = self._browser.new_page()

    def open(self, url: str) -> None:
        self.page.goto(url)

    def shown(self, marker: str, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while (left := deadline - time.perf_counter()) > 0:
            try:
                self.page.wait_for_function(SHOWS, arg=marker, timeout=left * 1000, polling=50)
                return True
            except Exception:  # noqa: BLE001 - livereload navigated while we looked (or time ran out): look again
                continue
        return False

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


def browser_or_none():
    from tests.browser.harness import CHROMIUM

    if not os.access(CHROMIUM, os.X_OK):
        return None
    try:
        return Browser()
    except ImportError:
        return None


def measure(project: Path, dirty: bool, edits: int, env: dict) -> dict:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "-a",
        f"127.0.0.1:{port}",
        *(["--dirty", "--no-strict"] if dirty else []),
    ]
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    times = []
    browser = browser_or_none()
    try:
        first = wait_for(f"http://127.0.0.1:{port}/cases/synthetic-00001/", "synthetic", 1800)
        if first is None:
            raise SystemExit("the server never served the first build")
        for i in range(edits):
            case = f"synthetic-{(i * 7 + 3):05d}"
            record = project / "data" / "cases" / f"{case}.yaml"
            marker = f"編集テスト{i}{'D' if dirty else 'F'}"
            text = record.read_text(encoding="utf-8")
            url = f"http://127.0.0.1:{port}/cases/{case}/"
            if browser:
                browser.open(url)
            time.sleep(1.0)  # let the watcher settle after the previous rebuild
            start = time.perf_counter()
            record.write_text(text.replace('summary: "', f'summary: "{marker}', 1), encoding="utf-8")
            seen = browser.shown(marker, 1800) if browser else wait_for(url, marker, 1800) is not None
            if not seen:
                raise SystemExit(f"edit {i} never showed")
            times.append(time.perf_counter() - start)
    finally:
        if browser:
            browser.close()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return {
        "first_build_s": round(first, 1),
        "edits_s": [round(t, 2) for t in times],
        "median_s": round(statistics.median(times), 2),
        "seen_in": "chromium (livereload)" if browser else "served HTML (no chromium)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    binary = _npm_binary(ROOT)
    if binary:
        env["PAGEFIND_BINARY_PATH"] = binary
    out = {"n": args.n}
    for dirty in (True, False):
        with tempfile.TemporaryDirectory(prefix="casebook-edit-") as tmp:
            project = Path(tmp) / "p"
            synthetic_site(project, args.n)
            env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
            r = measure(project, dirty, args.edits if dirty else 1, env)
        out["dirty" if dirty else "full"] = r
        print(
            f"N={args.n} {'serve --dirty' if dirty else 'serve (full rebuild)':22} first build {r['first_build_s']:7.1f} s   "
            f"edit → page {r['median_s']:6.2f} s  {r['edits_s']}  ({r['seen_in']})",
            flush=True,
        )
    out["ratio"] = round(out["dirty"]["median_s"] / out["full"]["median_s"], 3)
    print(f"dirty / full: {out['ratio']:.3f}")
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "edit_loop.json").write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
