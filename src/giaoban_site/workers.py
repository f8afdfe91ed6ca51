"""Spreading work over the machine's cores with forked worker processes; and a process of its own
for work beside a process that cannot fork (``Resident``).

Workers are forked after the site model is built, so each inherits it (and makes its own Markdown
and Jinja state) without anything being pickled but the task items and their results.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from typing import Callable, Iterator, Sequence, TypeVar

from .libc import libc_function

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
    for _, result in _run(task, items, jobs, progress, min_items, together, in_order=True):
        yield result


def run_parallel_as_done(task: Callable[[T], R], items: Sequence[T], jobs: int, progress: Callable[[int], None] | None = None,
                         min_items: int = 200, together: int = 0) -> Iterator[tuple[int, R]]:
    """``run_parallel``, but each result with its item's position, as soon as its batch is done.

    In item order, the results of every batch after a long first one (``together``) wait in
    memory until it ends: at 100,000 articles, the 300,000 other pages' while one process makes
    the 55,000 lists, over 100 MiB.
    """
    return _run(task, items, jobs, progress, min_items, together, in_order=False)


def _run(task: Callable[[T], R], items: Sequence[T], jobs: int, progress: Callable[[int], None] | None,
         min_items: int, together: int, in_order: bool) -> Iterator[tuple[int, R]]:
    if jobs <= 1 or len(items) < min_items or not _can_fork():
        for index, item in enumerate(items):
            yield index, task(item)
            if progress and index % 100 == 99:
                progress(index + 1)
        return
    global _task
    _task = task
    size = max(1, len(items) // (jobs * 32))  # small enough that no worker is left alone at the end
    starts = ([0] if together else []) + list(range(together, len(items), size))
    chunks = [(start, items[start:end]) for start, end in zip(starts, [*starts[1:], len(items)])]
    done = 0
    try:
        with _forking(lambda: multiprocessing.get_context("fork").Pool(jobs, initializer=_as_worker)) as pool:
            for start, chunk_result in (pool.imap if in_order else pool.imap_unordered)(_run_chunk, chunks):
                yield from enumerate(chunk_result, start)
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
    release_freed_memory()
    gc.freeze()
    try:
        return fork()
    finally:
        gc.unfreeze()


def release_freed_memory() -> None:
    """Give back to the system what this process has freed but its C library keeps for later
    (glibc's ``malloc_trim``; elsewhere nothing). A child forked after this starts that much smaller:
    at 100,000 articles, the parse's packed documents and the site model's scaffolding, 50 MiB each;
    and the workers' results, once read, 20 MiB."""
    if _malloc_trim is not None:
        _malloc_trim(0)


_malloc_trim = libc_function("malloc_trim")


def _as_worker() -> None:
    """Undo what a forked worker inherits from its parent's signal handling and collector.

    The preview server answers SIGTERM and SIGINT by setting an event; a worker that kept that
    handler would shrug off the SIGTERM with which a pool ends its workers, and the pool (and
    the build, and the server) would wait for it for ever. Ctrl-C reaches the whole process
    group: the parent handles it, and ends its workers itself.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()  # the parent's build pauses its collector (build.collector_paused); what it holds is frozen here
    _end_with_parent(_parent)


def _end_with_parent(parent: int) -> None:
    """Linux: die when the parent dies (a killed build), rather than write on alone until done."""
    prctl = libc_function("prctl")
    if prctl is None:
        return
    pr_set_pdeathsig = 1
    prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)


def _run_chunk(chunk: tuple[int, Sequence]) -> tuple[int, list]:
    start, items = chunk
    return start, [_task(item) for item in items]


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


class ProcessLost(RuntimeError):
    """A Resident's process ended in the middle of a call (killed, out of memory, crashed)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


class Resident:
    """``task(argument)`` in a process of its own, beside this one.

    The process is spawned (a new interpreter), not forked: it holds nothing of this process's
    memory and runs no thread of its, so it can fork workers of its own. The preview runs its
    builds so (watch.py): its server has threads, and holds the kept site, which a build beside it
    in one process would double. ``setup(*args)`` runs first in each new process.

    With ``fresh``, each call has a new process, started as the last call ends (so its imports are
    done by the next): a long-lived process's memory grows with each large task it runs (at 100,000
    articles, 482 MiB for a build, 497 for the third in one process). Otherwise a process is kept from
    call to call. A process that died is started again at the next call; one that dies during a call
    raises ``ProcessLost``.
    """

    def __init__(self, task: Callable[[T], R], setup: Callable[..., None] | None = None, *args: object, fresh: bool = False) -> None:
        self._task, self._setup, self._args, self._fresh = task, setup, args, fresh
        self._process: multiprocessing.process.BaseProcess | None = None
        self._lock = threading.Lock()  # one call at a time

    def call(self, argument: T) -> R:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            try:
                self._connection.send(argument)
                ok, value = self._connection.recv()
            except (EOFError, OSError):
                self._process.join()
                raise ProcessLost(self._process.exitcode) from None
            if self._fresh:  # this one ends by itself
                self._connection.close()
                self._start()
        if not ok:
            raise value
        return value

    def stop(self, timeout: float = 5.0) -> None:
        """End the process: at once if it is between calls, else once the call ends (or ``timeout``)."""
        if self._process is not None:
            self._connection.close()  # the process reads the end of its calls, and ends
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_answer_calls, name="giaoban-resident", daemon=True,
                                        args=(self._task, self._setup, self._args, theirs, os.getpid(), self._fresh))
        self._process.start()
        theirs.close()


def _answer_calls(task: Callable, setup: Callable | None, args: tuple, connection, parent: int, once: bool) -> None:
    """A Resident's process: each argument received, its result (or what it raised) sent back;
    with ``once``, one only."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent ends us
    _end_with_parent(parent)
    # Daemonic to its parent, which ends it as it exits, but free here to have workers of its own
    # (multiprocessing refuses a daemonic process children: they could be left behind; these die with it).
    multiprocessing.current_process().daemon = False
    if setup is not None:
        setup(*args)
    while True:
        try:
            argument = connection.recv()
        except EOFError:
            return
        try:
            answer = (True, task(argument))
        except Exception as exc:  # noqa: BLE001 - handed to the caller, which raises it
            answer = (False, exc)
        try:
            connection.send(answer)
        except Exception as exc:  # noqa: BLE001 - what could not be pickled, told as text
            unsent = answer[1] if not answer[0] else exc
            connection.send((False, RuntimeError(f"{type(unsent).__name__}: {unsent}")))
        if once:
            return
