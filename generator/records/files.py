"""Which files hold records, and how their paths are shown in messages."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` when inside it (no filesystem calls: this runs once per file)."""
    if root is not None:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return path.as_posix()


class Places:
    """Containment and display paths for many files, resolving each folder once.

    Thousands of record files share one folder: resolving links and
    computing relative paths per folder instead of per file saves a tenth of
    a second at 5,000 files. Made per run, so a folder swapped between runs
    is seen.
    """

    def __init__(self, root: Path | None):
        self.root = root
        self.real_root = os.path.realpath(root) if root is not None else None
        self._folders: dict[str, tuple[str, str]] = {}
        self._links: dict[str, set[str] | None] = {}

    def _folder(self, folder: str) -> tuple[str, str]:
        hit = self._folders.get(folder)
        if hit is None:
            real = os.path.realpath(folder)
            shown = display_path(Path(folder), self.root)
            hit = self._folders[folder] = (real, "" if shown == "." else shown + "/")
        return hit

    def _is_link(self, folder: str, base: str) -> bool:
        """Whether ``folder/base`` is a symbolic link, from one directory read per folder (not one lstat per file)."""
        if folder not in self._links:
            try:
                with os.scandir(folder) as entries:
                    self._links[folder] = {e.name for e in entries if e.is_symlink()}
            except OSError:
                self._links[folder] = None
        links = self._links[folder]
        return os.path.islink(folder + "/" + base) if links is None else base in links

    def inside(self, path: Path) -> bool:
        """True when ``path``, with links resolved, lies inside the root (always, without a root)."""
        if self.real_root is None:
            return True
        name = str(path)
        folder, _, base = name.rpartition("/")
        folder = folder or "."
        if self._is_link(folder, base):
            real = os.path.realpath(name)
        else:
            real = self._folder(folder)[0] + "/" + base
        return real == self.real_root or real.startswith(self.real_root.rstrip("/") + "/")

    def display(self, path: Path) -> str:
        name = str(path)
        folder, _, base = name.rpartition("/")
        return self._folder(folder or ".")[1] + base


def case_files(data_dir: Path) -> list[Path]:
    """``data/cases.yaml`` (a list) first, then ``data/cases/*.yaml`` (one record each), sorted."""
    files = []
    single = data_dir / "cases.yaml"
    if os.path.lexists(single):  # not only a regular file: anything else is reported, never opened
        files.append(single)
    folder = data_dir / "cases"
    if folder.is_dir():
        # One directory read, sorted by name, not by Path: Path.glob and sorting Path objects cost a tenth of a
        # second at 5,000 files. iterdir makes each child Path without parsing it again (half of Path(folder, name)).
        by_name = {p.name: p for p in folder.iterdir()}
        names = sorted(n for n in by_name if n.endswith((".yaml", ".yml")) and not n.startswith("."))
        files.extend(by_name[n] for n in names if n.endswith(".yaml"))
        files.extend(by_name[n] for n in names if n.endswith(".yml"))
    return files


def stray_files(data_dir: Path) -> list[tuple[str, str]]:
    """(name, Japanese message) for every file in ``data/cases/`` that is not read as a record.

    Hidden files (``.gitkeep``, editors' swap files) are left alone; anything else whose name does not end
    in exactly ``.yaml`` or ``.yml`` is named, so that ``new.YAML``, ``new.yaml `` and ``new.yaml.txt`` are
    not silently left out of the site.
    """
    folder = data_dir / "cases"
    if not folder.is_dir():
        return []
    out = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name
        if name.startswith(".") or name.endswith((".yaml", ".yml")) or entry.is_dir():
            continue
        fixed = _record_name(name)
        tip = f"事例なら名前を「{fixed}」にしてください" if fixed else "事例なら名前を「<id>.yaml」にしてください"
        shown = name.replace(" ", "␣")
        out.append(
            (
                name,
                f"「{shown}」は事例のファイルとして読み込まれません（名前が .yaml で終わっていません）。"
                f"{tip}。事例でなければ data/cases/ の外へ移してください。",
            )
        )
    return out


def _record_name(name: str) -> str | None:
    """The record file name ``name`` was probably meant to be (``New.YAML `` → ``New.yaml``), or None."""
    stem = name.strip()
    for suffix in (".txt", ".bak", ".orig"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)].strip()
    for ext in (".yaml", ".yml"):
        if stem.lower().endswith(ext):
            return stem[: -len(ext)].strip() + ".yaml"
    return None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to their ``*.yaml`` files, sorted."""
    out = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file()))
        else:
            out.append(p)
    return out
