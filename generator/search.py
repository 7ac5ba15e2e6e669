"""Stage 5, search index: Pagefind over the built site.

The build is chosen by measurement (bench/search_quality.py): npm's
``pagefind`` 1.6.0 ships the extended binary that segments Japanese with
ICU4X, as the browser does. PyPI's ``pagefind[extended]`` 1.5.2 also
segments Japanese but splits compounds differently at index and query time,
so it is only a fallback, with a warning saying what is lost.
"""

from __future__ import annotations

import glob
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

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


def build_index(site_dir: Path, binary: PagefindBinary) -> str:
    """Index ``site_dir`` in place (writes ``site_dir/pagefind``); return Pagefind's summary line."""
    proc = subprocess.run(
        [binary.path, "--site", str(site_dir), "--force-language", LANGUAGE, "--quiet"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind（{binary.origin}）が失敗しました:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout.strip()
