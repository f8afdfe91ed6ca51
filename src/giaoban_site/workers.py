"""Spreading work over the machine's cores with forked worker processes.

Workers are forked after the site model is built, so each inherits it (and makes its own Markdown
and Jinja state) without anything being pickled but the task items and their results.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: Callable | None = None  # the function a forked worker applies; set before forking


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_parallel(task: Callable[[T], R], items: Sequence[T], jobs: int, progress: Callable[[int], None] | None = None,
                 min_items: int = 200) -> Iterator[R]:
    """``task(item)`` for every item, yielded in item order as they are done, over ``jobs`` processes.

    Small batches run in this process: forking costs more than it saves. So does any process
    with other threads running (the preview server), where forking is not safe.
    """
    if jobs <= 1 or len(items) < min_items or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        for index, item in enumerate(items):
            yield task(item)
            if progress and index % 100 == 99:
                progress(index + 1)
        return
    global _task
    _task = task
    size = max(1, len(items) // (jobs * 8))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for chunk_result in pool.imap(_run_chunk, chunks):
                yield from chunk_result
                done += len(chunk_result)
                if progress:
                    progress(done)
    finally:
        _task = None


def _run_chunk(chunk: Sequence) -> list:
    return [_task(item) for item in chunk]
