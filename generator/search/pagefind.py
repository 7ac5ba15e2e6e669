"""The search index: Pagefind over the built site, in parts.

The build is chosen by measurement (bench/search_quality.py): npm's
``pagefind`` 1.6.0 ships the extended binary that segments Japanese with
ICU4X, as the browser does. PyPI's ``pagefind[extended]`` 1.5.2 also
segments Japanese but splits compounds differently at index and query time,
so it is only a fallback, with a warning saying what is lost.
"""

from __future__ import annotations

import glob
import html
import json
import logging
import os
import platform
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.casebook.search")
PINNED = "1.6.0"
LANGUAGE = "ja"


@dataclass(frozen=True)
class PagefindBinary:
    path: str
    origin: str
    """Where it came from, for messages: 'PAGEFIND_BINARY_PATH', 'npm 1.6.0', 'PyPI'."""
    warning: str | None = None


class SearchIndexError(RuntimeError):
    pass


def _npm_binary(root: Path) -> str | None:
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine()
    )
    system = {"linux": "linux", "darwin": "darwin", "windows": "windows", "freebsd": "freebsd"}.get(
        platform.system().lower(), ""
    )
    for pattern in (
        f"node_modules/@pagefind/{system}-{arch}/bin/pagefind_extended*",
        "node_modules/@pagefind/*/bin/pagefind_extended*",
    ):
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
"""Most pages in one Pagefind run. Segmenting Japanese, Pagefind holds about 0.6 MB per page
until it writes its index (2.9 GB for 5,000 case pages in one run), so larger sites
are indexed in parts, one run after another, and the browser merges them."""
FIRST_PART = 0.25
"""The first part's size, as a share of ``part_pages`` (see ``part_sizes``)."""
GROWTH = 1.6
"""How much larger each part of the ramp is than the one before (see ``part_sizes``)."""
MANIFEST = "casebook-parts.json"
"""In the primary index folder: the other parts, as folders relative to the site root."""
_BUNDLE_ONLY = ("pagefind*.js", "pagefind*.css", "wasm.*")
"""Files a merged part never loads (it runs on the primary's code and WebAssembly)."""


def part_sizes(count: int, part_pages: int = PART_PAGES) -> list[int]:
    """How many of ``count`` pages each Pagefind run indexes: a ramp, then equal parts of at most ``part_pages``.

    A run starts when every page of its part has been converted, so with
    equal parts the second core would wait for a third of the site before
    indexing anything. The parts grow from a quarter of ``part_pages`` by
    ``GROWTH`` (Pagefind indexes a page more slowly than MkDocs converts one):
    the first starts early, and each next one is complete by the time the one
    before is indexed. The rest is split evenly. A site of at most
    ``part_pages`` pages is one part. The cost: the browser merges more
    indexes (docs/PERFORMANCE.md has the figures).
    """
    part_pages = max(1, part_pages)
    if count <= part_pages:
        return [count]
    sizes: list[int] = []
    left = count
    size = part_pages * FIRST_PART
    while size < part_pages and left - round(size) >= size * GROWTH:  # the rest still holds a larger part
        sizes.append(max(1, round(size)))
        left -= sizes[-1]
        size *= GROWTH
    even = -(-left // part_pages)
    return sizes + [left // even + (i < left % even) for i in range(even)]


def deal(pages: list[str], part_pages: int = PART_PAGES) -> list[list[str]]:
    """``pages`` dealt out in turn into parts of ``part_sizes``.

    Dealt in turn, not cut in runs: each part then has the same mix of case,
    index and hand-written pages, so the word statistics Pagefind ranks by are
    alike in every part and merged scores compare (runs cut by page kind lose
    queries of tests/browser/queries.py their top-5 place). Parts
    of different sizes are dealt in proportion: each page goes to the part
    furthest behind its share so far.
    """
    sizes = part_sizes(len(pages), part_pages)
    if len(sizes) == 1:
        return [list(pages)]
    total = len(pages)
    parts: list[list[str]] = [[] for _ in sizes]
    for i, page in enumerate(pages, 1):
        behind = max(range(len(sizes)), key=lambda k: sizes[k] * i / total - len(parts[k]))
        parts[behind].append(page)
    return parts


SNAPSHOT = (
    '<!doctype html>\n<html lang="ja"><head><meta charset="utf-8"></head><body><article data-pagefind-body>\n'
    "{heading}{content}\n</article></body></html>\n"
)
"""What Pagefind reads of a page it gets from ``SiteIndexer.snapshot``: the page's article, as the theme will
write it."""


class SiteIndexer:
    """Pagefind over the site in parts, each part indexed as soon as its pages are in.

    MkDocs converts every page's Markdown before it renders any page's
    template, and the article Pagefind indexes (``data-pagefind-body``) is
    complete after ``on_page_content``. ``snapshot`` writes that article, in
    a minimal document at the page's site path, to a staging folder beside the
    site; a part whose pages are all there is indexed by a worker thread
    running the Pagefind CLI while MkDocs goes on with the other pages:
    the two share the two cores. A test checks that the snapshots
    give the same index as the written pages.

    The parts (``deal``) are indexed one after another, never together: while
    segmenting Japanese, Pagefind holds about 0.6 MB per page until it writes.
    ``order`` is the build order that completes the parts one by one. Pages
    that were not snapshotted (a ``--dirty`` build skips unchanged pages) are
    taken from the written site at ``finish``.

    Output: ``pagefind`` (the primary, which the browser loads) and, for a
    site of more than ``part_pages`` pages, ``pagefind-2``, ``pagefind-3`` …
    which ``casebook-search.js`` merges with Pagefind's ``mergeIndex``;
    ``pagefind/casebook-parts.json`` lists them.
    """

    def __init__(
        self,
        binary: PagefindBinary,
        site_dir: Path,
        pages: list[str],
        part_pages: int = PART_PAGES,
        threads: int | None = None,
    ):
        self.binary = binary
        self.threads = threads
        """Threads each Pagefind run may use (``RAYON_NUM_THREADS``); None: as many as it likes. During a
        build, one: the build's own process has the other core, and two processes contending for both
        cores made a 5,000-case build 4–8 s slower."""
        self.site_dir = Path(site_dir)
        self.parts = deal(pages, part_pages)
        self.part_of = {page: i for i, part in enumerate(self.parts) for page in part}
        self.missing = [set(part) for part in self.parts]
        """Pages of each part not yet in its staging folder."""
        self.stage = (
            self.site_dir.parent / f".{self.site_dir.name.lstrip('.')}.pagefind-stage-{os.getpid()}"
        )  # same disk, never published
        shutil.rmtree(self.stage, ignore_errors=True)
        for old in self.site_dir.glob("pagefind*"):  # an earlier build into the same folder (--dirty)
            if old.is_dir() and (old.name == "pagefind" or old.name[len("pagefind-") :].isdigit()):
                shutil.rmtree(old)
        self._made: set[str] = set()
        self._queued: set[int] = set()
        self._results: list[str | Exception | None] = [None] * len(self.parts)
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._proc: subprocess.Popen | None = None
        self._stopped = False
        self._lock = threading.Lock()
        """Orders starting a run against ``abort``: a run is either killed or never started."""
        self._worker = threading.Thread(target=self._work, name="pagefind", daemon=True)
        self._worker.start()

    @property
    def order(self) -> list[str]:
        """The pages in the order that fills the parts one after another."""
        return [page for part in self.parts for page in part]

    def _folder(self, part: int) -> Path:
        return self.stage / str(part + 1)

    def output(self, part: int) -> Path:
        return self.site_dir / ("pagefind" if part == 0 else f"pagefind-{part + 1}")

    def _target(self, part: int, dest_uri: str) -> Path:
        target = self._folder(part) / dest_uri
        parent = str(target.parent)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target

    def snapshot(self, dest_uri: str, title: str, content: str) -> None:
        """Stage a page from its article HTML (``page.content``) and its title, before MkDocs writes it."""
        part = self.part_of.get(dest_uri)
        if part is None or dest_uri not in self.missing[part]:
            return
        # The theme (Material's partials/content.html) adds a title heading to content that has none.
        heading = "" if "<h1" in content else f"<h1>{html.escape(title, quote=False)}</h1>\n"
        target = self._target(part, dest_uri)
        try:
            with open(target, "w", encoding="utf-8") as f:
                f.write(SNAPSHOT.format(heading=heading, content=content))
        except OSError as exc:  # a failed write() names no file: name the page, for the located message (faults)
            if exc.filename is None:
                raise OSError(exc.errno, exc.strerror, str(self.site_dir / dest_uri)) from exc
            raise
        self._done(part, dest_uri)

    def _done(self, part: int, dest_uri: str) -> None:
        self.missing[part].discard(dest_uri)
        if not self.missing[part]:
            self._start(part)

    def _start(self, part: int) -> None:
        if part not in self._queued:
            self._queued.add(part)
            self._queue.put(part)

    def finish(self, keep_stage: bool = False) -> str:
        """Stage what was not snapshotted, wait for every run, write the manifest; return a summary.

        The staging folder is removed here, unless ``keep_stage``: then the
        caller removes ``stage`` (the plugin has it removed in the background
        with the previous site: 5,000 staged pages took a second at the end of
        the build)."""
        try:
            taken = sum(len(m) for m in self.missing)
            if taken:
                log.debug(f"Pagefind: {taken} pages taken from the written site (not rendered in this build)")
            for part, missing in enumerate(self.missing):
                for dest_uri in sorted(missing):
                    target = self._target(part, dest_uri)
                    try:
                        os.link(self.site_dir / dest_uri, target)
                    except OSError:
                        shutil.copyfile(self.site_dir / dest_uri, target)
                    self._done(part, dest_uri)
            for part in range(len(self.parts)):  # a site with no searchable page still gets an (empty) index
                self._folder(part).mkdir(parents=True, exist_ok=True)
                self._start(part)
            self._queue.put(None)
            self._worker.join()
            for result in self._results:
                if isinstance(result, Exception):
                    raise result
            extra = []
            for part in range(1, len(self.parts)):
                out = self.output(part)
                for pattern in _BUNDLE_ONLY:
                    for f in out.glob(pattern):
                        f.unlink()
                extra.append(out.name + "/")
            write_manifest(self.site_dir, extra)
        except BaseException:
            self.abort()
            raise
        if (
            not keep_stage
        ):  # not by the worker thread: a thread doing thousands of file operations waits for the GIL at each
            shutil.rmtree(self.stage, ignore_errors=True)
        detail = "; ".join(r for r in self._results if isinstance(r, str) and r)
        split = (
            f"{len(self.part_of)} ページを {len(self.parts)} つに分けて索引にしました。" if len(self.parts) > 1 else ""
        )
        return split + (f"（{detail}）" if detail else "")

    def abort(self) -> None:
        """Stop a running Pagefind and remove the staging folder (a failed build)."""
        with self._lock:
            self._stopped = True
            proc = self._proc
        self._queue.put(None)
        if proc is not None and proc.poll() is None:
            proc.kill()
        self._worker.join(60)
        shutil.rmtree(self.stage, ignore_errors=True)

    def _work(self) -> None:
        while True:
            part = self._queue.get()
            if part is None or self._stopped:
                return
            try:
                started = time.perf_counter()
                log.debug(f"Pagefind: part {part + 1}/{len(self.parts)} ({len(self.parts[part])} pages) started")
                self._results[part] = self._run(self._folder(part), self.output(part))
                log.debug(
                    f"Pagefind: part {part + 1}/{len(self.parts)} indexed in {time.perf_counter() - started:.1f} s"
                )
            except Exception as exc:  # noqa: BLE001 - reported by finish, in the build's thread
                self._results[part] = exc
                return

    def _run(self, site: Path, output: Path) -> str:
        binary = self.binary
        cmd = [binary.path, "--site", str(site), "--output-path", str(output), "--force-language", LANGUAGE, "--quiet"]
        with self._lock:
            if self._stopped:
                return ""
            try:
                env = {**os.environ, "RAYON_NUM_THREADS": str(self.threads)} if self.threads else None
                self._proc = proc = subprocess.Popen(
                    cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
                )
            except OSError as exc:
                raise SearchIndexError(
                    f"Pagefind（{binary.origin}: {binary.path}）を起動できませんでした: {exc}"
                ) from None
        try:
            stdout, stderr = proc.communicate(timeout=1800)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        if self._stopped:
            return ""
        if proc.returncode != 0:
            raise SearchIndexError(f"Pagefind（{binary.origin}）が失敗しました:\n{stdout}\n{stderr}")
        return stdout.strip()


def write_manifest(site_dir: Path, parts: list[str]) -> None:
    (site_dir / "pagefind" / MANIFEST).write_text(json.dumps({"parts": parts}), encoding="utf-8")
