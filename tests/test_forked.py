"""The forked child (generator.forked) changes only the time a stage takes, never its result."""

from __future__ import annotations

import os

import pytest

from generator import forked, render
from generator.indices import build_casebook
from generator.render import PageRenderer
from generator.validate import load_dataset

from .sitebuild import REPO

needs_fork = pytest.mark.skipif(not forked.usable(), reason="no fork, one core or other threads: the child is never used")


def _square_all(xs):
    return [x * x for x in xs]


@needs_fork
def test_the_child_computes_the_result():
    later = forked.Forked(_square_all, range(5))
    assert later.child is not None
    assert later.result() == [0, 1, 4, 9, 16]
    assert later.child.exitcode == 0


@needs_fork
def test_a_child_that_dies_is_replaced_by_this_process(monkeypatch):
    monkeypatch.setattr(forked, "_child", lambda *args: os._exit(3))
    later = forked.Forked(_square_all, range(5))
    assert later.result() == [0, 1, 4, 9, 16]
    assert later.child.exitcode == 3


def test_without_a_usable_fork_this_process_does_it(monkeypatch):
    monkeypatch.setattr(forked, "usable", lambda: False)
    later = forked.Forked(_square_all, range(3))
    assert later.child is None and later.result() == [0, 1, 4]


@needs_fork
def test_rendering_split_over_a_child_gives_the_same_pages(monkeypatch):
    book = build_casebook(load_dataset(REPO, content_dir=REPO / "content"))
    monkeypatch.setattr(render, "FORK_MIN", 10**9)
    alone = list(PageRenderer(book).pages())
    started = []
    real = forked.Forked.__init__

    def spy(self, fn, *args):
        real(self, fn, *args)
        started.append(self.child)

    monkeypatch.setattr(forked.Forked, "__init__", spy)
    monkeypatch.setattr(render, "FORK_MIN", 1)
    split = list(PageRenderer(book).pages())
    assert len(started) == 1 and started[0] is not None and started[0].exitcode == 0
    assert sorted(split) == sorted(alone) and len(alone) > 100
    assert len({path for path, _ in split}) == len(split)
