"""``casebook offline``: a built site packed with a launcher, for a hall without internet.

The zip holds one folder, ``rmo-casebook-offline/``: ``site/`` (the built site), ``start.py`` (standard
library only: serves ``site/`` on 127.0.0.1 and opens the browser; ``--port``, ``--no-browser``),
``start-windows.bat`` and ``start-mac.command`` (double-click wrappers) and ``README.txt`` (Japanese).
The zip is written to a temporary file beside the target and moved into place: a failure leaves no
half-written zip. ``casebook-offline.js`` (an asset of every built site) tells a reader who opened a
page from disk how to start the launcher.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "launcher"
SCRIPT = Path(__file__).resolve().parent / "casebook-offline.js"
"""The note for pages opened from disk (``postprocess.site.ASSET_FILES``)."""
FOLDER = "rmo-casebook-offline"
EXECUTABLE = {"start.py", "start-mac.command"}
TEXT_CRLF = {"README.txt", "start-windows.bat"}
"""Written with CRLF line ends (README also with a BOM), for Windows' Notepad and cmd."""


class OfflineError(ValueError):
    """The site cannot be packed (Japanese message for the editor)."""


def check_site(site: Path) -> None:
    if not (site / "index.html").is_file():
        raise OfflineError(f"{site} にサイトがありません。先に make site（mkdocs build）で作ってください。")
    if not (site / "pagefind" / "pagefind.js").is_file():
        raise OfflineError(
            f"{site} に検索索引（pagefind/）がありません。検索を有効にして（search: true）サイトを作り直してください。"
        )


def _info(name: str, mode: int, stamp: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=stamp)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def launcher_files() -> list[tuple[str, bytes, int]]:
    """(name, bytes, mode) of the launcher's files."""
    out = []
    for path in sorted(LAUNCHER.iterdir()):
        data = path.read_bytes()
        if path.name in TEXT_CRLF:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            if path.name == "README.txt":
                data = b"\xef\xbb\xbf" + data
        out.append((path.name, data, 0o755 if path.name in EXECUTABLE else 0o644))
    return out


def write_offline_zip(site: Path, output: Path) -> tuple[int, int]:
    """Pack ``site`` with the launcher into ``output`` (atomically); return (files, bytes of the zip)."""
    site = site.resolve()
    check_site(site)
    output = output.resolve()
    if output.is_relative_to(site):
        raise OfflineError(f"zip の書き出し先（{output}）をサイトのフォルダの中にはできません。")
    output.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH") or time.time()))[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    count = 0
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, data, mode in launcher_files():
                zf.writestr(_info(name, mode, stamp), data)
                count += 1
            for path in sorted(site.rglob("*")):
                rel = path.relative_to(site).as_posix()
                if path.is_dir() or any(part.startswith(".") for part in rel.split("/")):
                    continue
                with path.open("rb") as src, zf.open(_info(f"site/{rel}", 0o644, stamp), "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                count += 1
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count, output.stat().st_size
