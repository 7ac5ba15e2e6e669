"""A per-file cache of validation results, so unchanged records are not parsed again.

Entries are keyed by path and (size, mtime) and the whole cache by the
vocabulary's bytes and this package's version: a change to either starts
afresh. The file lives in the user's cache folder, never in the project, so
nothing committed to a repository can plant a cache entry (it is a pickle).
Set CASEBOOK_NO_CACHE=1 to bypass it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from . import __version__
from .output import atomic_write_bytes

Signature = tuple[int, int]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rmo-casebook"


def signature(path: Path) -> Signature:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns)


_IN_MEMORY: dict[Path, tuple[str, dict]] = {}
"""Cache file → (key, entries) already loaded by this process: ``mkdocs serve`` rebuilds read no pickle."""


class ValidationCache:
    """``{path: (signature, cases, errors)}`` for one project and one vocabulary."""

    def __init__(self, root: Path, vocabulary_bytes: bytes):
        project = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir() / f"validate-{project}.pickle"
        self.key = hashlib.sha256(vocabulary_bytes + __version__.encode() + sys.version.encode()).hexdigest()
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

    def get(self, path: Path, sig: Signature):
        entry = self.entries.get(str(path))
        if entry is not None and entry[0] == sig:
            return entry[1], entry[2]
        return None

    def put(self, path: Path, sig: Signature, cases, errors) -> None:
        self.entries[str(path)] = (sig, cases, errors)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache, dropping files no longer present; failures only cost speed."""
        stale = set(self.entries) - keep
        for p in stale:
            del self.entries[p]
        if not (self.dirty or stale):
            return
        try:
            atomic_write_bytes(self.path, pickle.dumps((self.key, self.entries), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
