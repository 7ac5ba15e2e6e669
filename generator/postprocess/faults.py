"""Faults outside the data: a signal during a build, and a file that cannot be written.

``SignalCleanup`` removes a build's working folders when SIGTERM, SIGHUP or
SIGINT arrives, then lets the signal do what it did before (end the process,
or raise KeyboardInterrupt). ``file_error`` turns an ``OSError`` (full disk,
read-only folder, a file where the site's folder should be) into a located
Japanese message for the editor.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


class SignalCleanup:
    """While a build runs, a signal that ends it first runs ``cleanup`` (remove this build's working folders).

    Handlers are set only from the main thread (Python runs them there; ``mkdocs serve`` rebuilds in
    another thread) and only for signals that are not ignored (``nohup`` keeps SIGHUP ignored);
    ``restore`` puts the previous ones back. After the cleanup the previous handler runs: the default
    one ends the process by the same signal, Python's SIGINT handler raises KeyboardInterrupt.
    """

    def __init__(self, cleanup: Callable[[], None]):
        self.cleanup = cleanup
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if self.previous or threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNALS:
            current = signal.getsignal(signum)
            if current in (signal.SIG_IGN, None):  # ignored, or set outside Python: left alone
                continue
            self.previous[signum] = current
            signal.signal(signum, self._handle)

    def restore(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous = {}

    def _handle(self, signum, frame) -> None:
        previous = self.previous.get(signum, signal.SIG_DFL)
        self.restore()  # a second signal during the cleanup acts at once
        try:
            self.cleanup()
        finally:
            if callable(previous):
                previous(signum, frame)
            else:
                os.kill(os.getpid(), signum)  # the default action, now that the default handler is back


REASONS = {
    errno.ENOSPC: "ディスクの空きがありません。空きを作ってから、もう一度ビルドしてください。",
    errno.EDQUOT: "ディスクの使用量の上限（クォータ）を超えました。空きを作ってから、もう一度ビルドしてください。",
    errno.EFBIG: "ファイルの大きさの上限を超えました。上限（ulimit -f）を確かめてください。",
    errno.EACCES: "書き込む権限がありません。フォルダの権限を確かめるか、{target} を書き込めるフォルダにしてください。",
    errno.EPERM: "書き込みが許されていません（変更できない属性など）。"
    "属性を確かめるか、{target} を別のフォルダにしてください。",
    errno.EROFS: "読み取り専用のファイルシステムです。{target} を書き込めるフォルダにしてください。",
    errno.ENOTDIR: "途中にフォルダではなくファイルがあります。{target} を直すか、そのファイルを動かしてください。",
    errno.EEXIST: "同じ名前のファイルがあってフォルダを作れません。{target} を直すか、そのファイルを動かしてください。",
    errno.EISDIR: "ファイルを書くところにフォルダがあります。そのフォルダを動かしてください。",
}


def file_error(exc: OSError, config_file: Path, site_dir: Path, given: str | None = None) -> str:
    """A located message for an ``OSError`` during a build: ``mkdocs.yml:L:C: site_dir: …`` when it concerns
    the site or the build's working folders beside it, else ``<path>: …``; it says what to do.

    ``given``: the site as named on the command line (``casebook postprocess SITE``), which then locates
    the message instead of ``site_dir``; that site is processed in place, page by page (each page written
    atomically), so what is done stays usable and a second run finishes it."""
    root = config_file.parent
    shown_site = _shown(site_dir, root)
    target = "site_dir" if given is None else given
    paths = [Path(os.fsdecode(p)) for p in (exc.filename2, exc.filename) if p]  # a copy's target first
    written = next((p for p in paths if _beside_site(p, site_dir)), None)
    known = REASONS.get(exc.errno or 0)
    reason = known.format(target=target) if known else f"{exc.strerror or exc}。"
    if written is not None or not paths:
        failed = _shown(written, root) if written is not None else shown_site
        blocker = _file_in_the_way(written) if written is not None else None
        if blocker is not None and exc.errno in (errno.ENOTDIR, errno.EEXIST):
            failed = _shown(blocker, root)
            reason = f"{failed} はフォルダではなくファイルです。{target} を直すか、そのファイルを動かしてください。"
        if given is not None:
            return (
                f"{given}: サイトを処理できませんでした（{failed}）。{reason}"
                "処理の済んだページはそのまま使えます。直してから、もう一度 casebook postprocess を実行してください。"
            )
        return (
            f"{_site_dir_location(config_file)}: site_dir: サイトを {shown_site} に書き出せませんでした"
            f"（{failed}）。{reason}前のサイトがあれば、そのまま残っています。"
        )
    detail = exc.strerror or exc
    return f"{_shown(paths[-1], root)}: 読み書きできませんでした（{detail}）。権限と空き容量を確かめてください。"


def _beside_site(path: Path, site_dir: Path) -> bool:
    """``path`` is the site, inside it, or one of the build's working folders beside it (``.site.…``)."""
    site = Path(os.path.abspath(site_dir))
    path = Path(os.path.abspath(path))
    if path == site or site in path.parents:
        return True
    return any(p.parent == site.parent and p.name.startswith(f".{site.name}.") for p in (path, *path.parents))


def _shown(path: Path, root: Path) -> str:
    """A path as the editor knows it: relative to the project when inside it; the build's staging folder
    (``.site.building-PID``) shown as the site it becomes."""
    path = Path(os.path.abspath(path))
    try:
        text = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        text = path.as_posix()
    return re.sub(r"\.([^/]+)\.building-\d+", r"\1", text)


def _site_dir_location(config_file: Path) -> str:
    """Where mkdocs.yml sets ``site_dir`` (line and column of its value), or the file when it does not."""
    name = config_file.name
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return name
    for number, line in enumerate(lines, 1):
        m = re.match(r"site_dir\s*:\s*", line)
        if m:
            return f"{name}:{number}:{m.end() + 1}"
    return name


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest of ``path`` and its folders that exists and is not a folder (where a folder was needed)."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
