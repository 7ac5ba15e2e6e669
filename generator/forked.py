"""The second core for CPU-bound stages: a share of the work in a forked child.

``Forked(fn, *args)`` starts a child process (``fork``: it inherits
everything, nothing is pickled on the way in) that computes ``fn(*args)``
and sends the result back pickled; ``result()`` returns it. The pickle is
written into an anonymous shared mapping made before the fork, and the pipe
carries only its length: the rendered pages of a 5,000-case build (35 MiB)
took 0.10–0.17 s to pass through the pipe itself, in 64 KiB steps. Meanwhile this
process does its own share. If the child cannot be used (no ``fork`` on
this platform, one core, other threads running) or fails in any way,
``result()`` computes ``fn(*args)`` here: the answer never depends on the
child, only the time does.

Validation (``validate._check_parallel``) and page rendering
(``render.PageRenderer``) use it. ``from_both_ends`` shares a list of chunks
between this process and a child by the speed each actually has: this
machine's speed drifts, so a fixed split left one core idle for a tenth of a
second or more at the end.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import multiprocessing
import os
import pickle
import threading
from typing import Any, Callable

_FAILED = object()
SHARED_BYTES = 1 << 29
"""Size of the shared mapping for a result: only the pages written take memory. A larger result goes through the pipe."""
_IN_PIPE = b"p"
_IN_MAP = b"m"


def available() -> bool:
    """Whether this machine can fork a child that pays: two cores and the ``fork`` start method."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def usable() -> bool:
    """Whether forking now can pay and is safe: ``available()`` and no other thread running
    (``mkdocs serve`` runs a server; a thread holding a lock at the fork would leave it held in the child)."""
    return available() and threading.active_count() == 1


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off for a block that makes many objects and no cycles.

    What the block made goes straight to the oldest generation (``gc.freeze``
    and ``gc.unfreeze``, which move lists, not objects): left in the youngest,
    the next collections walked all of it twice over (0.1 s after checking
    5,000 records), to find what a full collection finds anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:  # nobody else's frozen objects to let go of
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextlib.contextmanager
def gc_frozen():
    """What exists now is left out of garbage collections during the block, and put back after.

    Rendering 5,000 pages ran full collections that each walked the whole
    casebook (70 ms a time, in both processes); the casebook outlives the block,
    so walking it finds nothing. Objects made in the block are collected as
    usual. If something else has frozen objects, they are left as they are.
    """
    mine = gc.get_freeze_count() == 0
    if mine:
        gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


class Forked:
    def __init__(self, fn: Callable[..., Any], *args: Any):
        self.fn = fn
        self.args = args
        self.child = None
        self.reader = None
        self.shared: mmap.mmap | None = None
        self._done = False
        self._value: Any = None
        if usable():
            ctx = multiprocessing.get_context("fork")
            try:
                self.shared = mmap.mmap(-1, SHARED_BYTES)
            except (OSError, ValueError):  # no room to map: the pipe alone will do
                self.shared = None
            self.reader, writer = ctx.Pipe(duplex=False)
            self.child = ctx.Process(target=_child, args=(fn, args, writer, self.shared), daemon=True)
            try:
                self.child.start()
            except OSError:  # no memory or process slot for a child: do it here
                self.child = None
                self.reader.close()
                self._unmap()
            writer.close()

    def result(self) -> Any:
        """``fn(*args)``, from the child or computed here; asked again, the same object."""
        if not self._done:
            self._value, self._done = self._receive(), True
        return self._value

    def _receive(self) -> Any:
        if self.child is None:
            return self.fn(*self.args)
        value = _FAILED
        try:
            message = self.reader.recv_bytes()
            kind, data = message[:1], message[1:]
            with gc_paused():  # collecting while unpickling would double its time
                if kind == _IN_MAP and self.shared is not None:
                    with memoryview(self.shared) as view:
                        value = pickle.loads(view[: int(data)])
                elif kind == _IN_PIPE:
                    value = pickle.loads(data)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            pass
        finally:
            self.reader.close()
            self.child.join()
            self._unmap()
        if value is _FAILED or self.child.exitcode != 0:
            return self.fn(*self.args)
        return value

    def _unmap(self) -> None:
        if self.shared is not None:
            self.shared.close()
            self.shared = None


_KEPT: list | None = None
"""In a forked child, what ``keep`` was given: held until the child ends."""


def keep(obj: Any) -> None:
    """In a forked child, hold ``obj`` until the child ends rather than free it; elsewhere, nothing.

    The child ends with ``os._exit`` (multiprocessing's way), and the kernel
    takes its memory back at once: freeing a checked file's YAML nodes one by
    one was a sixth of checking it, work that only delayed the child's end.
    """
    if _KEPT is not None:
        _KEPT.append(obj)


def _child(fn: Callable[..., Any], args: tuple, conn, shared: mmap.mmap | None = None) -> None:
    global _KEPT
    _KEPT = []
    # What the child inherited is never collected here (it ends when fn does): walking it
    # would write to every object's header, and so copy the pages it shares with its parent.
    gc.freeze()
    try:
        value = fn(*args)
        if shared is not None:
            try:
                pickle.dump(value, shared, protocol=pickle.HIGHEST_PROTOCOL)  # in frames, straight into the mapping
            except ValueError:  # larger than the mapping
                pass
            else:
                conn.send_bytes(_IN_MAP + str(shared.tell()).encode())
                return
        conn.send_bytes(_IN_PIPE + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        conn.close()


class Claims:
    """Chunks ``0 … count - 1``, claimed one at a time from the front (this process) and from the back
    (a forked child) until the two meet; the two ends live in memory shared with the child, under a lock,
    with the length of what the child has written to its stream (``from_both_ends``)."""

    def __init__(self, count: int, shared: bool):
        self._ends: Any = [0, count, 0]
        self._lock: Any = None
        if shared:
            ctx = multiprocessing.get_context("fork")
            try:
                self._ends, self._lock = ctx.RawArray("q", [0, count, 0]), ctx.Lock()
            except (OSError, ImportError):  # no shared semaphores here (a container without /dev/shm): no child
                self._ends, self._lock = [0, count, 0], None

    @property
    def shared(self) -> bool:
        return self._lock is not None

    def front(self) -> int | None:
        return self._claim(0)

    def back(self) -> int | None:
        return self._claim(1)

    def _claim(self, end: int) -> int | None:
        with self._locked() as ends:
            if ends is None or ends[0] >= ends[1]:
                return None
            if end == 0:
                ends[0] += 1
                return ends[0] - 1
            ends[1] -= 1
            return ends[1]

    def written(self, length: int | None = None) -> int:
        """The length of the child's stream; given ``length``, the child sets it (after writing the bytes)."""
        with self._locked() as ends:
            if ends is None:
                return 0
            if length is not None:
                ends[2] = length
            return ends[2]

    @contextlib.contextmanager
    def _locked(self):
        if self._lock is None:
            yield self._ends
        elif not self._lock.acquire(timeout=LOCK_WAIT):
            yield None  # a child killed while holding the lock: what it left is done by the caller
        else:
            try:
                yield self._ends
            finally:
                self._lock.release()


LOCK_WAIT = 10.0
"""Seconds to wait for the claims' lock; it is only ever held for a few instructions."""
_MISSING = object()
_LENGTH = 8
"""Bytes of the length before each pickled chunk in the child's stream."""


def from_both_ends(count: int, work: Callable[[int], Any]) -> list:
    """``[work(0), …, work(count - 1)]``: this process works from the front while a forked child
    works from the back, chunk by chunk, until they meet.

    Each process does as much as its speed allows, with no split fixed in
    advance. The child pickles each chunk's result into a shared mapping as
    soon as it has it, and this process unpickles what has arrived between
    its own chunks: when the two meet, only their last chunks are left to
    pass. ``work`` must be deterministic (the answer never depends on the
    child): a chunk the child claimed but did not deliver, because it failed
    or could not start, is done here.
    """
    claims = Claims(count, shared=usable() and count > 1)
    stream = None
    if claims.shared:
        try:
            stream = mmap.mmap(-1, SHARED_BYTES)
        except (OSError, ValueError):
            stream = None
    child = Forked(_from_back, claims, work, stream) if claims.shared else None
    out = [_MISSING] * count
    read = 0
    try:
        while (i := claims.front()) is not None:
            out[i] = work(i)
            if stream is not None:
                read = _drain(stream, read, claims.written(), out)
        if child is not None:
            for i, value in child.result().items():
                out[i] = value
            if stream is not None:
                _drain(stream, read, claims.written(), out)
    finally:
        if stream is not None:
            stream.close()
    return [work(i) if value is _MISSING else value for i, value in enumerate(out)]


def _drain(stream: mmap.mmap, start: int, stop: int, out: list) -> int:
    """Unpickle the chunks the child has written between ``start`` and ``stop`` into ``out``."""
    with memoryview(stream) as view:
        while start < stop:
            size = int.from_bytes(view[start : start + _LENGTH], "little")
            i, value = pickle.loads(view[start + _LENGTH : start + _LENGTH + size])
            out[i] = value
            start += _LENGTH + size
    return start


def _from_back(claims: Claims, work: Callable[[int], Any], stream: mmap.mmap | None) -> dict[int, Any]:
    """In the child: claim chunks from the back, writing each result to ``stream``; those that do not fit are returned."""
    rest: dict[int, Any] = {}
    end = 0
    while (i := claims.back()) is not None:
        value = work(i)
        if stream is not None and not rest:
            data = pickle.dumps((i, value), protocol=pickle.HIGHEST_PROTOCOL)
            if end + _LENGTH + len(data) <= len(stream):
                stream[end : end + _LENGTH] = len(data).to_bytes(_LENGTH, "little")
                stream[end + _LENGTH : end + _LENGTH + len(data)] = data
                end += _LENGTH + len(data)
                claims.written(end)
                continue
        rest[i] = value
    return rest
