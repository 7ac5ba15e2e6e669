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
(``render.PageRenderer.pages``) use it.
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
    """The cyclic garbage collector off for a block that makes many objects and no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _child(fn: Callable[..., Any], args: tuple, conn, shared: mmap.mmap | None = None) -> None:
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
