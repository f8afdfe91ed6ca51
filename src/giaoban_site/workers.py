"""Spreading work over the machine's cores with forked worker processes.

Workers are forked after the site model is built, so each inherits it (and makes its own Markdown
and Jinja state) without anything being pickled but the task items and their results.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: Callable | None = None  # the function a forked worker applies; set before forking
_parent = 0  # the process that forks the workers


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_parallel(task: Callable[[T], R], items: Sequence[T], jobs: int, progress: Callable[[int], None] | None = None,
                 min_items: int = 200, together: int = 0) -> Iterator[R]:
    """``task(item)`` for every item, yielded in item order as they are done, over ``jobs`` processes.

    The first ``together`` items go to one process, as one batch: for items that share what
    ``task`` keeps in its process, which the others would make again. Small batches run in this
    process: forking costs more than it saves. So does any process with other threads running
    (the preview server), where forking is not safe.
    """
    if jobs <= 1 or len(items) < min_items or not _can_fork():
        for index, item in enumerate(items):
            yield task(item)
            if progress and index % 100 == 99:
                progress(index + 1)
        return
    global _task
    _task = task
    size = max(1, len(items) // (jobs * 32))  # small enough that no worker is left alone at the end
    chunks = [items[:together]] if together else []
    chunks += [items[i:i + size] for i in range(together, len(items), size)]
    done = 0
    try:
        with _forking(lambda: multiprocessing.get_context("fork").Pool(jobs, initializer=_as_worker)) as pool:
            for chunk_result in pool.imap(_run_chunk, chunks):
                yield from chunk_result
                done += len(chunk_result)
                if progress:
                    progress(done)
            pool.close()  # every result is in: let the workers end by themselves
            pool.join()
    finally:
        _task = None


def _forking(fork: Callable[[], R]) -> R:
    """``fork()`` with everything this process holds moved out of reach of the children's garbage
    collector: scanning it would write to every inherited page and copy it (gc.freeze's purpose)."""
    global _parent
    _parent = os.getpid()
    gc.freeze()
    try:
        return fork()
    finally:
        gc.unfreeze()


def _as_worker() -> None:
    """Undo what a forked worker inherits from its parent's signal handling and collector.

    The preview server answers SIGTERM and SIGINT by setting an event; a worker that kept that
    handler would shrug off the SIGTERM with which a pool ends its workers, and the pool (and
    the build, and the server) would wait for it for ever. Ctrl-C reaches the whole process
    group: the parent handles it, and ends its workers itself.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()  # the parent's build pauses its collector (build._collector_paused); what it holds is frozen here
    _end_with_parent()


def _end_with_parent() -> None:
    """Linux: die when the parent dies (a killed build), rather than write on alone until done."""
    try:
        prctl = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl
    except (OSError, AttributeError):
        return
    pr_set_pdeathsig = 1
    prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != _parent:  # the parent died before we asked
        os._exit(1)


def _run_chunk(chunk: Sequence) -> list:
    return [_task(item) for item in chunk]


class Background:
    """``task()`` in a forked process while this one goes on; ``result()`` waits for it.

    A plain forked process and a pipe, not a pool: a pool's threads would make forking the
    rendering workers unsafe. Runs ``task`` at once, here, where forking is not possible.
    """

    def __init__(self, task: Callable[[], R], enabled: bool = True) -> None:
        self._process = None
        if enabled and _can_fork():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_and_send, args=(task, sender), daemon=True)
            _forking(self._process.start)
            sender.close()
        else:
            self._value = task()

    def wait(self) -> None:
        """Wait for the process to end, whatever its outcome (used when the build already failed)."""
        if self._process is not None:
            try:
                self._receiver.recv()  # drained, or the process would block on a full pipe
            except EOFError:
                pass
            self._process.join()

    def result(self) -> R:
        if self._process is None:
            return self._value
        try:
            ok, value = self._receiver.recv()
        except EOFError:
            raise RuntimeError("a background build step ended without a result") from None
        finally:
            self._process.join()
        if not ok:
            raise value
        return value


def _run_and_send(task: Callable, sender) -> None:
    _as_worker()
    try:
        sender.send((True, task()))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        sender.send((False, exc))


def _can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
