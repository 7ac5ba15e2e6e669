"""A per-file cache of validation results, so unchanged records are not parsed again.

An entry is found by the file's path and used only when the file's bytes
hash to the same key (``content_key``): an edit that keeps size and mtime is
still seen. The whole cache is keyed by the vocabulary's bytes, the Python
version and a hash of this package's own source (``rules_key``), so a change
in the rules starts afresh. The file lives in the user's cache folder, never
in the project, so nothing committed to a repository can plant a cache entry
(it is a pickle). Set CASEBOOK_NO_CACHE=1 to bypass it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from functools import lru_cache
from pathlib import Path

from ..postprocess.atomic import atomic_write_bytes

PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rmo-casebook"


def content_key(path: Path) -> bytes | None:
    """A hash of the file's bytes, or None when it cannot be read (then it is checked, and reported, as usual)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a named pipe would block: checked (and reported) as usual
            return None
        with open(path, "rb") as fh:
            return hashlib.blake2b(fh.read(), digest_size=16).digest()
    except OSError:
        return None


@lru_cache(maxsize=1)
def rules_key() -> str:
    """A hash of every source file of this package (the rules a verdict was reached by)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2") and path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_IN_MEMORY: dict[Path, tuple[str, dict]] = {}
"""Cache file → (key, entries) already loaded by this process: ``mkdocs serve`` rebuilds read no pickle."""


class ValidationCache:
    """``{path: (content key, cases, errors)}`` for one project, one vocabulary and one version of the rules."""

    def __init__(self, root: Path, vocabulary_bytes: bytes):
        project = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir() / f"validate-{project}.pickle"
        self.key = hashlib.sha256(vocabulary_bytes + rules_key().encode() + sys.version.encode()).hexdigest()
        self.entries: dict[str, tuple] = {}
        self.dirty = False
        loaded = _IN_MEMORY.get(self.path)
        if loaded is not None and loaded[0] == self.key:
            self.entries = loaded[1]
            return
        try:
            with open(self.path, "rb") as fh:
                key, entries = pickle.load(fh)
            if key == self.key:
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            self.entries = {}
        _IN_MEMORY[self.path] = (self.key, self.entries)

    def get(self, path: Path, key: bytes):
        entry = self.entries.get(str(path))
        if entry is not None and entry[0] == key:
            return entry[1], entry[2]
        return None

    def put(self, path: Path, key: bytes, cases, errors) -> None:
        self.entries[str(path)] = (key, cases, errors)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache, dropping files no longer present; failures only cost speed."""
        stale = set(self.entries) - keep
        for p in stale:
            del self.entries[p]
        if not (self.dirty or stale):
            return
        self.dirty = False
        try:
            atomic_write_bytes(self.path, pickle.dumps((self.key, self.entries), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
