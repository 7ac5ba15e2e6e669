"""The validation cache: unchanged files are reused, changed ones re-checked, nothing stale."""

from __future__ import annotations

import os
import time

from generator.records.errors import DataError
from generator.records.load import load_dataset


def test_cache_reuses_unchanged_files_and_rechecks_changed_ones(project, valid):
    root = project({"x.yaml": valid, "y.yaml": valid.replace("id: x", "id: y")})
    first = load_dataset(root, use_cache=True)
    assert [c.id for c in first.cases] == ["x", "y"]
    from generator.records.cache import ValidationCache

    cache = ValidationCache(root, (root / "data" / "vocabulary.yaml").read_bytes())
    assert len(cache.entries) == 2 and cache.path.is_file()
    assert not str(cache.path).startswith(str(root)), "the cache must live outside the project"

    path = root / "data" / "cases" / "y.yaml"
    path.write_text(valid.replace("id: x", "id: y").replace("概要です。", "書き換えた概要。"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    second = load_dataset(root, use_cache=True)
    assert {c.id: c.summary for c in second.cases}["y"] == "書き換えた概要。"


def test_cached_errors_are_reported_again_and_fixes_are_seen(project, valid):
    root = project({"x.yaml": valid.replace("activities: [防災]", "activites: [防災]")})
    for _ in range(2):  # the second run comes from the cache
        try:
            load_dataset(root, use_cache=True)
        except DataError as exc:
            assert any(e.field == "activites" for e in exc.errors)
        else:
            raise AssertionError("the defect must be reported on every run")
    path = root / "data" / "cases" / "x.yaml"
    path.write_text(valid, encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    assert [c.id for c in load_dataset(root, use_cache=True).cases] == ["x"]


def test_a_vocabulary_change_invalidates_the_cache(project, valid):
    root = project({"x.yaml": valid})
    load_dataset(root, use_cache=True)
    vocab = root / "data" / "vocabulary.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("label: 防災,", "label: 防災活動,"), encoding="utf-8")
    try:
        load_dataset(root, use_cache=True)
    except DataError as exc:
        assert any("防災" in e.message and e.field == "activities[1]" for e in exc.errors)
    else:
        raise AssertionError("a label removed from the vocabulary must invalidate cached records")


def test_no_cache_env_bypasses_it(project, valid, monkeypatch):
    root = project({"x.yaml": valid})
    monkeypatch.setenv("CASEBOOK_NO_CACHE", "1")
    load_dataset(root, use_cache=True)
    from generator.records.cache import ValidationCache

    assert not ValidationCache(root, (root / "data" / "vocabulary.yaml").read_bytes()).path.exists()


def test_an_edit_that_keeps_size_and_mtime_is_seen(project, valid):
    """Entries are keyed by the file's bytes: an edit of the same length, with the old mtime put back, is re-checked."""
    root = project({"x.yaml": valid})
    assert load_dataset(root, use_cache=True).cases[0].summary == "概要です。"
    path = root / "data" / "cases" / "x.yaml"
    before = path.stat()
    edited = valid.replace("概要です。", "概要でした")
    assert len(edited.encode()) == before.st_size
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert load_dataset(root, use_cache=True).cases[0].summary == "概要でした"


_VALIDATE = (
    "import sys; from pathlib import Path; from generator.records import load_dataset, DataError\n"
    "try:\n    load_dataset(Path(sys.argv[1]), use_cache=True); print('ok')\n"
    "except DataError as exc:\n    print('errors', len(exc.errors))\n"
)


def test_a_change_in_the_rules_invalidates_the_cache(project, valid, tmp_path):
    """The cache is keyed by a hash of the package's source: the same files checked by changed rules are checked again."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import generator

    root = project({"x.yaml": valid})
    changed = tmp_path / "changed"
    shutil.copytree(
        Path(generator.__file__).parent, changed / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    definitions = changed / "generator" / "records" / "definitions.py"
    text = definitions.read_text(encoding="utf-8")
    assert 'Field("summary", Plain(max_len=300)' in text
    definitions.write_text(
        text.replace('Field("summary", Plain(max_len=300)', 'Field("summary", Plain(max_len=3)'), encoding="utf-8"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CASEBOOK_NO_CACHE", None)

    def run(pythonpath: Path | None) -> str:
        e = {**env, "PYTHONPATH": str(pythonpath)} if pythonpath else env
        return subprocess.run(
            [sys.executable, "-c", _VALIDATE, str(root)],
            env=e,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert run(None) == "ok"
    assert any((tmp_path / "cache").rglob("validate-*.pickle"))
    assert run(changed) == "errors 1"
    assert run(None) == "ok"
