"""Shared by the browser tests and ``bench/search_quality.py``: build, serve, browse.

No mocks: a real ``mkdocs build`` of the bundled project, the real Pagefind
index, a plain HTTP server on 127.0.0.1 and Debian's headless Chromium.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

from generator.search import find_binary

from ..sitebuild import REPO, copy_bundled, mkdocs_build

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
MISSING_CHROMIUM = f"{CHROMIUM} が見つかりません。ブラウザのテストには Debian の chromium が必要です。`make test` を実行してください（chromium と fonts-noto-cjk を入れます）。"


def build_bundled_site(target: Path) -> Path:
    """``mkdocs build --strict`` of a copy of the bundled project; returns its ``site/``.

    The copy has no ``node_modules``, so the repository's npm Pagefind is passed
    explicitly (PAGEFIND_BINARY_PATH), exactly as ``make site`` would find it.
    """
    project = copy_bundled(target)
    binary = find_binary(REPO)
    env = {"PAGEFIND_BINARY_PATH": binary.path} if binary else {}
    mkdocs_build(project, env=env)
    site = project / "site"
    assert (site / "pagefind" / "pagefind.js").is_file(), "the build made no Pagefind index"
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


_QuietHandler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yields the base URL without a trailing slash."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Runs in the page: every query through Pagefind's JS API, top ``n`` result URLs each.
TOP_URLS_JS = """
async ([queries, n]) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const out = {};
  for (const q of queries) {
    const r = await pf.search(q);
    const top = await Promise.all(r.results.slice(0, n).map((x) => x.data()));
    out[q] = {total: r.results.length, urls: top.map((d) => d.url)};
  }
  return out;
}
"""


def top_urls(page, queries: list[str], n: int = 5) -> dict[str, dict]:
    """``{query: {"total": int, "urls": [...]}}`` from Pagefind in ``page`` (already on the site)."""
    return page.evaluate(TOP_URLS_JS, [list(dict.fromkeys(queries)), n])
