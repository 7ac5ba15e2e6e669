"""When each record last changed, from one ``git log`` call (reproducible: commit dates, not file times)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_updated(root: Path, data_dir: Path) -> dict[str, str]:
    """Case id → YYYY-MM-DD of the last commit touching ``data/cases/<id>.yaml``; empty outside git."""
    try:
        rel = data_dir.relative_to(root).as_posix()
        out = subprocess.run(
            ["git", "log", "--format=@%cs", "--name-only", "--", f"{rel}/cases"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, ValueError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    date = ""
    for line in out.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line.endswith((".yaml", ".yml")):
            dates.setdefault(Path(line).stem, date)
    return dates


def last_commit_epoch(root: Path) -> str | None:
    """Seconds since the epoch of the last commit (for SOURCE_DATE_EPOCH), or None outside git."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out.isdigit() else None
