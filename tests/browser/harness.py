"""Shared by the browser tests and ``bench/search_quality.py``: build, serve, browse.

No mocks: a real ``mkdocs build`` of the bundled project, the real Pagefind
index, a plain HTTP server on 127.0.0.1 and Debian's headless Chromium.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from ..sitebuild import copy_bundled, mkdocs_build

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MISSING_CHROMIUM = f"{CHROMIUM} が見つかりません。ブラウザのテストには Debian の chromium が必要です。`make test` を実行してください（chromium と fonts-noto-cjk を入れます）。"


def build_bundled_site(target: Path, site_url: str | None = None, search_part_pages: int | None = None) -> Path:
    """``mkdocs build --strict`` of a copy of the bundled project; returns its ``site/``.

    The copy has no ``node_modules``; ``mkdocs_build`` points it at the
    repository's npm Pagefind, the one ``make site`` uses.
    ``site_url``, when given, is set as ``mkdocs serve`` sets it (to the address
    the site is served from): Material's instant navigation only follows links
    listed in sitemap.xml, which MkDocs fills only when site_url is set.
    ``search_part_pages``, when given, splits the search index into parts of
    that many pages, as a site of thousands of cases is (generator/search/pagefind.py).
    """
    project = copy_bundled(target)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if site_url:
        text = f"site_url: {site_url}\n" + text
    if search_part_pages:
        assert "\n  - casebook\n" in text, "the bundled mkdocs.yml lists the plugin without options"
        text = text.replace("\n  - casebook\n", f"\n  - casebook:\n      search_part_pages: {search_part_pages}\n")
    config.write_text(text, encoding="utf-8")
    mkdocs_build(project)  # with the repository's pinned Pagefind (sitebuild.pagefind_env)
    site = project / "site"
    assert (site / "pagefind" / "pagefind.js").is_file(), "the build made no Pagefind index"
    if search_part_pages:
        assert (site / "pagefind-2" / "pagefind-entry.json").is_file(), "the index was not split"
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection per page, not per file

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


_QuietHandler.extensions_map = {
    **http.server.SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
}


@contextlib.contextmanager
def serve(site: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yields the base URL without a trailing slash.

    ``site`` need not exist yet: the port is known before the build that fills it. ``headers`` are added to
    every response (e.g. a Content-Security-Policy).
    """
    extra = dict(headers or {})

    class Handler(_QuietHandler):
        def end_headers(self):
            for name, value in extra.items():
                self.send_header(name, value)
            super().end_headers()

    handler = functools.partial(Handler, directory=str(site))
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
# ``ranking`` null: the site's own (what the search UI uses); {}: Pagefind's defaults.
# The site's own loader (primary index and merged parts) unless another ranking is asked
# for; then the same steps here, since Pagefind applies options to each part as it merges.
TOP_URLS_JS = """
async ([queries, n, ranking]) => {
  let pf;
  if (!ranking) {
    pf = await window.casebookSearch.pagefind();
  } else {
    pf = await import('/pagefind/pagefind.js');
    await pf.options({ranking});
    await pf.init();
    const res = await fetch('/pagefind/casebook-parts.json');  // none on an index made without the plugin
    const manifest = res.ok ? await res.json() : {parts: []};
    for (const part of manifest.parts) await pf.mergeIndex('/' + part, {ranking});
  }
  const out = {};
  for (const q of queries) {
    const r = await pf.search(q);
    const top = await Promise.all(r.results.slice(0, n).map((x) => x.data()));
    out[q] = {total: r.results.length, urls: top.map((d) => d.url)};
  }
  return out;
}
"""


def top_urls(page, queries: list[str], n: int = 5, ranking: dict | None = None) -> dict[str, dict]:
    """``{query: {"total": int, "urls": [...]}}`` from Pagefind in ``page`` (already on a page of the site).

    ``ranking``: None for the site's ranking (``window.casebookSearch.ranking``), ``{}`` for Pagefind's defaults.
    """
    page.wait_for_function("window.casebookSearch !== undefined")
    return page.evaluate(TOP_URLS_JS, [list(dict.fromkeys(queries)), n, ranking])
