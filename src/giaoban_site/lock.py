"""One build at a time per output: an exclusive ``flock`` on a file in the output's cache folder.

The kernel lets go of an ``flock`` when the last process holding it ends, however it ends, so a
lock left by a killed build is simply free: there is no stale lock to detect or clean up. Forked
workers share their parent's lock, so a build's orphaned workers (after a kill) keep it until they
are gone too, and the next build never writes beside them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import GiaobanError
from .messages import msg

log = logging.getLogger(__name__)

_held: dict[str, int] = {}  # lock file -> how many holders in this process (the preview builds under its own lock)
_guard = threading.Lock()


class OutputBusy(GiaobanError):
    """Another process is building into the same output."""


@contextmanager
def output_lock(cache_dir: Path, output: Path, wait: bool = True) -> Iterator[None]:
    """Hold the lock of ``output`` (kept in ``cache_dir``) for the ``with`` block.

    A lock already held by another process: wait for it with a message saying so, or with
    ``wait=False`` raise ``OutputBusy`` at once.
    """
    path = str(cache_dir / "lock")
    with _guard:
        if path in _held:
            _held[path] += 1
            handle = None
        else:
            handle = _take(path, output, wait)
            _held[path] = 1
    try:
        yield
    finally:
        with _guard:
            _held[path] -= 1
            if not _held[path]:
                del _held[path]
                if handle is not None:
                    os.close(handle)  # releases the flock (with it our forked children's share)


@contextmanager
def reading_lock(cache_dir: Path) -> Iterator[bool]:
    """For ``giaoban check``, which reads the cache a build writes: wait while a build runs, hold a
    shared lock while reading. Creates nothing. Gives False when there is no lock file: no build
    had made the cache then, and one that starts now may be writing it, so it is not to be read."""
    try:
        handle = os.open(str(cache_dir / "lock"), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        yield False
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield True
    finally:
        os.close(handle)


def try_lock(cache_dir: Path) -> int | None:
    """Take the lock without waiting and keep it until the process ends; None if it is busy."""
    path = str(cache_dir / "lock")
    try:
        handle = _take(path, cache_dir, wait=False)
    except OutputBusy:
        return None
    with _guard:
        _held[path] = _held.get(path, 0) + 1
    return handle


def _take(path: str, output: Path, wait: bool) -> int:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(handle)
        if not wait:
            os.close(handle)
            raise OutputBusy(msg("output_busy", output=output, pid=holder)) from None
        log.info(msg("output_waiting", output=output, pid=holder))
        fcntl.flock(handle, fcntl.LOCK_EX)
    _note_holder(handle)
    return handle


def _note_holder(handle: int) -> None:
    """Write our process id into the lock file, for the message a waiting build shows."""
    os.ftruncate(handle, 0)
    os.pwrite(handle, str(os.getpid()).encode(), 0)


def _holder(handle: int) -> str:
    return os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "?"
