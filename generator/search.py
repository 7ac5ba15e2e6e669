"""Stage 5, search index: Pagefind over the built site.

The build is chosen by measurement (bench/search_quality.py): npm's
``pagefind`` 1.6.0 ships the extended binary that segments Japanese with
ICU4X, as the browser does. PyPI's ``pagefind[extended]`` 1.5.2 also
segments Japanese but splits compounds differently at index and query time,
so it is only a fallback, with a warning saying what is lost.
"""

from __future__ import annotations

import glob
import json
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PINNED = "1.6.0"
LANGUAGE = "ja"
_GLOB_SAFE = re.compile(r"[A-Za-z0-9._/-]+")
"""Output paths that can be named in a Pagefind (wax) glob as they are."""


@dataclass(frozen=True)
class PagefindBinary:
    path: str
    origin: str
    """Where it came from, for messages: 'PAGEFIND_BINARY_PATH', 'npm 1.6.0', 'PyPI'."""
    warning: str | None = None


class SearchIndexError(RuntimeError):
    pass


def _npm_binary(root: Path) -> str | None:
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower(), platform.machine())
    system = {"linux": "linux", "darwin": "darwin", "windows": "windows", "freebsd": "freebsd"}.get(platform.system().lower(), "")
    for pattern in (f"node_modules/@pagefind/{system}-{arch}/bin/pagefind_extended*", "node_modules/@pagefind/*/bin/pagefind_extended*"):
        for candidate in sorted(glob.glob(str(root / pattern))):
            if not candidate.endswith(".sha256") and os.access(candidate, os.X_OK):
                return candidate
    return None


def find_binary(root: Path) -> PagefindBinary | None:
    """PAGEFIND_BINARY_PATH, then the pinned npm build in ``node_modules``, then PyPI's extended wheel."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return PagefindBinary(env, "PAGEFIND_BINARY_PATH")
    npm = _npm_binary(root)
    if npm:
        return PagefindBinary(npm, f"npm {PINNED}")
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]

        return PagefindBinary(
            str(get_executable()),
            "PyPI pagefind[extended]",
            "npm の Pagefind（1.6.0）が見つからないため、PyPI 版で検索索引を作ります。"
            "日本語の複合語（例: 小学校区、見守り）の検索精度が下がります。`npm ci` で入れ直してください。",
        )
    except ImportError:
        return None


PART_PAGES = 2000
"""Pages per Pagefind run. Segmenting Japanese, Pagefind holds about 0.6 MB per page
until it writes its index (2.9 GB for 5,000 case pages in one run), so larger sites
are indexed in parts, one run after another, and the browser merges them."""
MANIFEST = "casebook-parts.json"
"""In the primary index folder: the other parts, as folders relative to the site root."""
_BUNDLE_ONLY = ("pagefind*.js", "pagefind*.css", "wasm.*")
"""Files a merged part never loads (it runs on the primary's code and WebAssembly)."""


def build_index(site_dir: Path, binary: PagefindBinary, pages: list[str] | None = None, part_pages: int = PART_PAGES) -> str:
    """Index ``site_dir`` in place; return Pagefind's summary.

    ``pages`` lists the site's indexed HTML files (relative paths). With more
    than ``part_pages`` of them, each part gets its own run over a folder of
    hard links to its pages (no copies, no globs on a command line) and its
    own index folder: ``pagefind`` (the primary, loaded by the browser) and
    ``pagefind-2``, ``pagefind-3`` … which ``casebook-search.js`` merges with
    Pagefind's ``mergeIndex``. ``pagefind/casebook-parts.json`` lists them.
    """
    site_dir = Path(site_dir)
    part_pages = max(1, part_pages)
    for old in site_dir.glob("pagefind-*"):  # parts of an earlier build into the same folder
        if old.is_dir() and old.name[len("pagefind-"):].isdigit():
            shutil.rmtree(old)
    if not pages or len(pages) <= part_pages:
        summary = _run(binary, site_dir, site_dir / "pagefind")
        write_manifest(site_dir, [])
        return summary
    count = -(-len(pages) // part_pages)
    # Pages are dealt out in turn, not cut in runs: each part then has the same mix of
    # case, index and hand-written pages, so the word statistics Pagefind ranks by are
    # alike in every part and merged scores compare (runs cut by page kind lost 7 of
    # the 123 queries of tests/browser/queries.py their top-5 place).
    parts = [pages[i::count] for i in range(count)]
    extra, summaries = [], []
    stage = site_dir.parent / f".{site_dir.name.lstrip('.')}.pagefind-stage-{os.getpid()}"  # beside the site: same disk, never published
    for number, part in enumerate(parts, 1):
        out = site_dir / ("pagefind" if number == 1 else f"pagefind-{number}")
        try:
            _stage(site_dir, part, stage)
            summaries.append(_run(binary, stage, out))
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        if number > 1:
            for pattern in _BUNDLE_ONLY:
                for f in out.glob(pattern):
                    f.unlink()
            extra.append(out.name + "/")
    write_manifest(site_dir, extra)
    detail = "; ".join(x for x in summaries if x)
    return f"{len(pages)} ページを {len(parts)} つに分けて索引にしました。" + (f"（{detail}）" if detail else "")


def _run(binary: PagefindBinary, site: Path, output: Path) -> str:
    proc = subprocess.run(
        [binary.path, "--site", str(site), "--output-path", str(output), "--force-language", LANGUAGE, "--quiet"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind（{binary.origin}）が失敗しました:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout.strip()


def _stage(site_dir: Path, pages: list[str], stage: Path) -> None:
    """``stage`` holds ``pages`` at their site paths, as hard links (copies where links fail)."""
    shutil.rmtree(stage, ignore_errors=True)
    made: set[str] = set()
    for rel in pages:
        target = stage / rel
        parent = str(target.parent)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(site_dir / rel, target)
        except OSError:
            shutil.copyfile(site_dir / rel, target)


def write_manifest(site_dir: Path, parts: list[str]) -> None:
    (site_dir / "pagefind" / MANIFEST).write_text(json.dumps({"parts": parts}), encoding="utf-8")


async def _start_index(config: dict):
    """A PagefindIndex on a service whose reader does not sleep between responses.

    pagefind's PagefindService polls the binary's output with a 0.1 s sleep
    before every response: 100 ms per page, 10 minutes for 5,000 pages. The
    subclass reads responses as they come; the protocol is unchanged.
    """
    import base64
    import json

    from pagefind.index import PagefindIndex  # type: ignore[import-not-found]
    from pagefind.service import PagefindService  # type: ignore[import-not-found]

    class _PromptService(PagefindService):
        async def _wait_for_responses(self) -> None:
            while True:
                output = await self._backend.stdout.readuntil(b",")
                resp = json.loads(base64.b64decode(output[:-1]))
                if resp is None:
                    continue
                message_id = resp.get("message_id")
                if message_id is None and (original := resp["payload"].get("original_message")) is not None:
                    message_id = (json.loads(original) or {}).get("message_id")
                future = self._responses.get(message_id) if message_id is not None else None
                if future is None or future.done():
                    continue
                payload = resp["payload"]
                if payload["type"] == "Error":
                    future.set_exception(Exception(payload["message"], payload.get("original_message")))
                else:
                    future.set_result(payload)

    service = await _PromptService().launch()
    created = await service.create_index(config)
    return PagefindIndex(config, _service=service, _index_id=created._index_id)


class StreamingIndexer:
    """Index pages while MkDocs writes them: Pagefind's service works beside MkDocs.

    ``add`` is given each page as MkDocs is about to write it. Pages already on
    disk are handed over in batches as one ``add_directory`` request with a
    glob naming them, so Pagefind reads and parses the files itself and the
    build process pays only for a short message (sending each page's HTML
    through the Python API cost the main process more than it saved).
    ``finish`` hands over the rest and writes the index; ``abort`` stops it.
    """

    BATCH = 200

    def __init__(self, binary: PagefindBinary, site_dir: Path):
        import asyncio
        import threading

        os.environ["PAGEFIND_BINARY_PATH"] = binary.path  # what PagefindService launches
        self.binary = binary
        self.site_dir = str(Path(site_dir).resolve())
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="pagefind", daemon=True)
        self.thread.start()
        self.pending: list = []
        self.waiting: list[str] = []
        """Pages given to ``add`` but not yet handed to Pagefind (the newest may not be written yet)."""
        self.count = 0
        self.index = self._wait(_start_index({"force_language": LANGUAGE}))

    def _wait(self, coroutine, timeout: float = 600):
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def add(self, dest_path: str) -> None:
        """``dest_path``: the page's output file relative to the site folder, written right after this call."""
        self.count += 1
        self.waiting.append(dest_path)
        if len(self.waiting) > self.BATCH:
            self._send(self.waiting[:-1])  # all but the newest are on disk
            self.waiting = self.waiting[-1:]
        if len(self.pending) > 64:  # surface errors early
            for f in [f for f in self.pending if f.done()]:
                f.result()
            self.pending = [f for f in self.pending if not f.done()]

    def _send(self, paths: list[str]) -> None:
        import asyncio

        plain = [p for p in paths if _GLOB_SAFE.fullmatch(p)]
        if plain:
            glob = "{" + ",".join(plain) + "}" if len(plain) > 1 else plain[0]
            self.pending.append(asyncio.run_coroutine_threadsafe(self.index.add_directory(self.site_dir, glob=glob), self.loop))
        for p in paths:  # a name a glob cannot spell: its HTML, with its URL
            if not _GLOB_SAFE.fullmatch(p):
                html = Path(self.site_dir, p).read_text(encoding="utf-8")
                url = "/" + (p[: -len("index.html")] if p.endswith("index.html") else p)
                self.pending.append(asyncio.run_coroutine_threadsafe(self.index.add_html_file(content=html, url=url), self.loop))

    def finish(self, output_path: Path) -> str:
        try:
            self._send(self.waiting)
            self.waiting = []
            for f in self.pending:
                f.result(timeout=1800)
            self._wait(self.index.write_files(output_path=str(output_path)), timeout=1800)
        except Exception as exc:  # the service reports its own errors as exceptions
            raise SearchIndexError(f"Pagefind（{self.binary.origin}）が失敗しました: {exc}") from exc
        finally:
            self.abort()
        return f"{self.count} ページ"

    def abort(self) -> None:
        try:
            if self.index._service is not None:
                self._wait(self.index._service.close(), timeout=60)
        except Exception:  # noqa: BLE001 - closing after a failure must not hide the failure
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
