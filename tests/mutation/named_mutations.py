"""The named mutations of issue 22: each one, applied alone to a copy of the project, must make a test fail.

Run: ``.venv/bin/python tests/mutation/named_mutations.py`` (``make mutation`` runs it after mutmut).
For each mutation it copies the tracked files to a temporary folder, changes one line, runs the tests that are
meant to notice it (``pytest -x`` with the copy first on ``PYTHONPATH``, so that subprocess builds use the
changed package too), and prints the tests that failed. It exits 1 when a mutation survives (no test failed)
or when a mutation no longer applies (the code it changes has moved: update this list).

Not collected by pytest (the name does not start with ``test_``): it runs pytest itself, several times.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    before: str
    after: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "glossary terms matched shortest first",
        "generator/postprocess/glossary.py",
        "key=lambda s: (-len(s), s)",
        "key=lambda s: (len(s), s)",
        ("tests/test_linker.py", "tests/test_site.py"),
    ),
    Mutation(
        "the sanitizer skipped on case pages",
        "generator/postprocess/site.py",
        "return protect_external_links(sanitize(html, finder=self.settings.finder(src_uri)))",
        "return protect_external_links(html if src_uri.startswith('cases/') else "
        "sanitize(html, finder=self.settings.finder(src_uri)))",
        ("tests/test_sanitize.py",),
    ),
    Mutation(
        "「最近更新された事例」 sorted oldest first",
        "generator/pages/markers.py",
        "key=updated, reverse=True)",
        "key=updated, reverse=False)",
        ("tests/test_site.py",),
    ),
)


def copy_project(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in files.decode().split("\0"):
        if rel and (REPO / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, target / rel)
    if (REPO / "node_modules").is_dir():
        (target / "node_modules").symlink_to(REPO / "node_modules")


def run(mutation: Mutation) -> tuple[bool, list[str]]:
    """(applied, failing test ids)."""
    with tempfile.TemporaryDirectory(prefix="casebook-mutation-") as tmp:
        root = Path(tmp)
        copy_project(root)
        source = root / mutation.path
        text = source.read_text(encoding="utf-8")
        if text.count(mutation.before) != 1:
            return False, []
        source.write_text(text.replace(mutation.before, mutation.after), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(root), "CASEBOOK_NO_CACHE": "1", "NO_MKDOCS_2_WARNING": "1"}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", *mutation.tests],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        failed = re.findall(r"^FAILED (\S+)", proc.stdout, re.M)
        return True, failed


def main() -> int:
    survived = 0
    for mutation in MUTATIONS:
        applied, failed = run(mutation)
        if not applied:
            print(f"NOT APPLIED  {mutation.name}: {mutation.before!r} is not once in {mutation.path}")
            survived += 1
        elif not failed:
            print(f"SURVIVED     {mutation.name}")
            survived += 1
        else:
            print(f"KILLED       {mutation.name} by:")
            for test in failed:
                print(f"               {test}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
