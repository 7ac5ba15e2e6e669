"""The validation cache: unchanged files are reused, changed ones re-checked, nothing stale."""

from __future__ import annotations

import os
import time

from generator.errors import DataError
from generator.validate import load_dataset


def test_cache_reuses_unchanged_files_and_rechecks_changed_ones(project, valid):
    root = project({"x.yaml": valid, "y.yaml": valid.replace("id: x", "id: y")})
    first = load_dataset(root, use_cache=True)
    assert [c.id for c in first.cases] == ["x", "y"]
    from generator.cache import ValidationCache

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
    from generator.cache import ValidationCache

    assert not ValidationCache(root, (root / "data" / "vocabulary.yaml").read_bytes()).path.exists()
