"""The forked child (generator.forked) changes only the time a stage takes, never its result.

``forked.usable()`` refuses to fork while other threads run, and the browser
tests leave some in the pytest process; so each check that needs the child
runs in a fresh interpreter, where it must actually start one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from generator import forked

from .sitebuild import REPO

pytestmark = pytest.mark.skipif(not forked.available(), reason="one core or no fork: the child is never used")

SETUP = """
import os
from generator import forked, render
from generator.indices import build_casebook
from generator.render import PageRenderer
from generator.validate import load_dataset

def square_all(xs):
    return [x * x for x in xs]

assert forked.usable()
"""


def run_fresh(check: str) -> None:
    code = textwrap.dedent(SETUP) + textwrap.dedent(check)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_the_child_computes_the_result():
    run_fresh("""
        later = forked.Forked(square_all, range(5))
        assert later.child is not None
        assert later.result() == [0, 1, 4, 9, 16]
        assert later.child.exitcode == 0
        assert later.result() is later.result()  # received once; asked again, the same list
    """)


def test_the_result_comes_through_shared_memory_or_through_the_pipe():
    """A result that fits the shared mapping is read from it; a larger one comes through the pipe."""
    run_fresh("""
        later = forked.Forked(square_all, range(1000))
        assert later.shared is not None
        assert later.result() == [x * x for x in range(1000)]
        assert later.shared is None  # unmapped once read

        received = []
        original = forked.pickle.loads
        forked.pickle.loads = lambda data: received.append(type(data).__name__) or original(data)
        forked.SHARED_BYTES = 4096  # far less than the pickle of 100,000 squares
        later = forked.Forked(square_all, range(100_000))
        assert later.result() == [x * x for x in range(100_000)] and later.child.exitcode == 0
        later = forked.Forked(square_all, range(10))
        assert later.result() == [x * x for x in range(10)]
        assert received == ["bytes", "memoryview"], received
    """)


def test_a_child_that_dies_is_replaced_by_this_process():
    run_fresh("""
        forked._child = lambda *args: os._exit(3)
        later = forked.Forked(square_all, range(5))
        assert later.result() == [0, 1, 4, 9, 16]
        assert later.child.exitcode == 3
    """)


def test_without_a_usable_fork_this_process_does_it(monkeypatch):
    monkeypatch.setattr(forked, "usable", lambda: False)
    later = forked.Forked(lambda xs: [x * x for x in xs], range(3))
    assert later.child is None and later.result() == [0, 1, 4]


def test_no_fork_while_other_threads_run():
    run_fresh("""
        import threading
        stop = threading.Event()
        t = threading.Thread(target=stop.wait)
        t.start()
        try:
            assert not forked.usable()
            assert forked.Forked(square_all, range(3)).child is None
        finally:
            stop.set()
            t.join()
        assert forked.usable()
    """)


def test_work_from_both_ends_meets_in_the_middle():
    """Each chunk is done once, by one of the two processes, and the results come back in order."""
    run_fresh("""
        import time
        def work(i):
            time.sleep(0.01)
            return (i, os.getpid())
        done = forked.from_both_ends(40, work)
        assert [i for i, _ in done] == list(range(40))
        pids = [pid for _, pid in done]
        here = pids.count(os.getpid())
        assert 5 < here < 35, pids  # both worked, each on one end
        assert pids == sorted(pids, key=lambda p: p != os.getpid()), "this process from the front, the child from the back"
    """)


def test_only_a_child_keeps_what_it_is_given():
    """forked.keep holds objects in a forked child (which ends without freeing them) and does nothing here."""
    run_fresh("""
        import time
        def work(i):
            time.sleep(0.01)
            forked.keep([i])
            return (os.getpid(), None if forked._KEPT is None else len(forked._KEPT))
        done = forked.from_both_ends(30, work)
        here = [kept for pid, kept in done if pid == os.getpid()]
        there = [kept for pid, kept in done if pid != os.getpid()]
        assert here and all(k is None for k in here), here
        assert there and sorted(there) == list(range(1, len(there) + 1)), there  # one more each chunk
    """)


def test_chunks_a_dying_child_claimed_are_done_here():
    run_fresh("""
        real, parent = forked._from_back, os.getpid()
        def claim_two_and_die(claims, work, stream):
            if os.getpid() == parent:  # asked here once the child has failed: nothing is left to claim
                return real(claims, work, stream)
            claims.back(), claims.back()
            os._exit(3)
        forked._from_back = claim_two_and_die
        assert forked.from_both_ends(10, lambda i: i * i) == [i * i for i in range(10)]
    """)


def test_results_too_large_for_the_stream_come_back_with_the_child():
    run_fresh("""
        import time
        forked.SHARED_BYTES = 4096
        def work(i):
            time.sleep(0.005)
            return (i, os.getpid(), "x" * 3000)
        done = forked.from_both_ends(30, work)
        assert [d[0] for d in done] == list(range(30))
        assert any(d[1] != os.getpid() for d in done), "the child did some"
    """)


def test_both_ends_without_shared_semaphores_work_here(monkeypatch):
    import multiprocessing

    def no_semaphores():
        raise OSError("no /dev/shm")

    monkeypatch.setattr(forked, "usable", lambda: True)
    monkeypatch.setattr(multiprocessing.get_context("fork"), "Lock", no_semaphores)
    claims = forked.Claims(3, shared=True)
    assert not claims.shared
    assert forked.from_both_ends(4, lambda i: i * 10) == [0, 10, 20, 30]


def test_both_ends_without_a_usable_fork(monkeypatch):
    monkeypatch.setattr(forked, "usable", lambda: False)
    assert forked.from_both_ends(5, lambda i: i + 1) == [1, 2, 3, 4, 5]
    assert forked.from_both_ends(0, lambda i: i) == []


def test_rendering_split_over_a_child_gives_the_same_pages():
    run_fresh("""
        from pathlib import Path
        book = build_casebook(load_dataset(Path("."), content_dir=Path("content")))
        render.FORK_MIN = 10**9
        alone = list(PageRenderer(book).pages())
        started = []
        real = forked.Forked.__init__

        def spy(self, fn, *args):
            real(self, fn, *args)
            started.append(self.child)

        forked.Forked.__init__ = spy
        render.FORK_MIN = 1
        render.CASE_CHUNK = 16  # several chunks from each end
        split = list(PageRenderer(book).pages())
        assert len(started) == 1 and started[0] is not None and started[0].exitcode == 0, started
        assert split == alone and len(alone) > 100  # the same pages, in the same order
        assert len({path for path, _ in split}) == len(split)
    """)


def test_pages_rendered_when_asked_give_the_same_pages():
    """sources(): case pages are rendered only when their function is called, the child's share arrives on first need."""
    run_fresh("""
        from pathlib import Path
        book = build_casebook(load_dataset(Path("."), content_dir=Path("content")))
        render.FORK_MIN = 10**9
        alone = dict(PageRenderer(book).pages())
        render.FORK_MIN = 1
        rendered = []
        real_case = PageRenderer._case

        def counting(self, case):
            rendered.append(case.id)
            return real_case(self, case)

        PageRenderer._case = counting
        sources = list(PageRenderer(book).sources())
        assert rendered == [], "no case page is rendered before it is asked for"
        later = [path for path, _make, from_child in sources if from_child]
        assert later and all(not c for _p, _m, c in sources[: len(sources) - len(later)]), "the child's pages come last"
        lazy = {path: make() for path, make, _ in reversed(sources)}  # the child's pages asked for first
        assert lazy == alone
        assert len(rendered) == len(book.cases) - len(later)  # this process rendered only its own share
    """)


def test_gc_paused_puts_what_it_made_in_the_oldest_generation():
    import gc

    assert gc.get_freeze_count() == 0
    with forked.gc_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(100)]
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(made) in oldest and all(id(x) in oldest for x in made)
    assert gc.get_freeze_count() == 0


def test_gc_blocks_leave_someone_else_s_frozen_objects_frozen():
    import gc

    marker = [["frozen before"]]
    gc.freeze()
    try:
        assert id(marker) not in {id(o) for o in gc.get_objects()}
        with forked.gc_paused():
            [[i] for i in range(100)]
        with forked.gc_frozen():
            pass
        # Still frozen (counting frozen objects would not do: other threads may free some meanwhile).
        assert id(marker) not in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()
    assert id(marker) in {id(o) for o in gc.get_objects()}


def test_gc_frozen_leaves_what_exists_out_of_collections_until_the_block_ends():
    import gc

    kept = [[i] for i in range(100)]
    with forked.gc_frozen():
        assert gc.get_freeze_count() >= len(kept)
        inside = [[i] for i in range(10)]
        collectable = {id(o) for o in gc.get_objects()}
        assert id(inside) in collectable  # made in the block: collected as usual
        assert not any(id(x) in collectable for x in kept)
    assert gc.get_freeze_count() == 0
    assert id(kept[0]) in {id(o) for o in gc.get_objects()}
