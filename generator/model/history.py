"""Dates: published dates come from the records (``updated:``), never from how the repository was cloned.

A shallow clone (``git clone --depth 1``, CI's default) or a ZIP / ``git archive`` export has no or
partial history, so dates read from git would change with the checkout. The records carry their own
``updated`` date; git is only used to *check* it (``stale_updates``), where the history is complete.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

_UPDATED_LINE = re.compile(r"^[+-]updated:")
"""A changed line that is only the record's ``updated:`` date: bumping it is not a change of the case."""
_OURS: list[str] = []
"""SOURCE_DATE_EPOCH values this process set itself (a later build in the same process may replace them)."""


def newest_date(cases: Iterable) -> str | None:
    """The newest ``updated`` (or ``verified``) date among ``cases``, YYYY-MM-DD, or None."""
    return max((c.updated or c.verified or "" for c in cases), default="") or None


def set_source_date_epoch(cases: Iterable) -> None:
    """SOURCE_DATE_EPOCH (the sitemap's lastmod and the sitemap.xml.gz header) from the newest record date,
    00:00 UTC, unless the environment sets it. The same in a full clone, a shallow clone and an export."""
    current = os.environ.get("SOURCE_DATE_EPOCH")
    if current is not None and current not in _OURS:
        return
    newest = newest_date(cases)
    if newest is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        return
    epoch = str(int(dt.datetime.fromisoformat(newest).replace(tzinfo=dt.UTC).timestamp()))
    _OURS.append(epoch)
    os.environ["SOURCE_DATE_EPOCH"] = epoch


def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def history_state(root: Path) -> str:
    """``complete``, ``shallow`` or ``none`` (no git, or a ZIP / ``git archive`` export)."""
    if _git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return "none"
    shallow = (_git(root, "rev-parse", "--is-shallow-repository") or "").strip()
    return "shallow" if shallow == "true" else "complete"


def content_changes(root: Path, folders: Iterable[str]) -> dict[str, str]:
    """Case id → YYYY-MM-DD of the last commit that changed ``<folder>/<id>.yaml|.md`` other than its
    ``updated:`` line (committer date, in the committer's time zone); uncommitted changes count as today.

    One ``git log -p`` over the folders (``folders`` relative to ``root``, e.g. ``data/cases``).
    """
    folders = list(folders)
    dates: dict[str, str] = {}
    today = dt.date.today().isoformat()
    for date, diff in (
        (today, _git(root, "diff", "HEAD", "-U0", "--no-color", "--no-renames", "--", *folders)),
        (None, _git(root, "log", "--format=@%cs", "-p", "-U0", "--no-color", "--no-renames", "--", *folders)),
    ):
        name, header = None, False
        for line in (diff or "").splitlines():
            if header:
                if line.startswith("@@"):
                    header = False
                elif line.startswith(("+++ ", "--- ")) and line[4:] != "/dev/null":
                    stem, ext = os.path.splitext(line[4:].split("/")[-1])
                    name = stem if ext in (".yaml", ".yml", ".md") else None
            elif line.startswith("diff --git "):
                name, header = None, True
            elif line.startswith("@") and not line.startswith("@@"):
                date = line[1:]
            elif name and date and line[:1] in "+-" and not _UPDATED_LINE.match(line):
                dates.setdefault(name, date)
    return dates


def stale_updates(root: Path, cases: Iterable, folders: Iterable[str]) -> list[tuple[object, str]]:
    """(case, date of its last change) for each case whose record or narrative changed after its ``updated``
    date (or that has none). Empty unless the history is complete: a shallow clone cannot tell."""
    if history_state(root) != "complete":
        return []
    changed = content_changes(root, folders)
    return [
        (case, changed[case.id])
        for case in cases
        if case.id in changed and (case.updated is None or case.updated < changed[case.id])
    ]
