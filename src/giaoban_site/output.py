"""Every write to the output directory, so that it is never left half-written.

A full build writes a complete new tree beside ``output`` and swaps it in. An incremental build
writes only changed files, first into a staging directory, and moves them in once every page has
rendered; files no page produces any more are then removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one atomic step (Linux)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class OutputWriter:
    """Writes one build's files. ``previous`` maps path -> bytes hash of the last build's files."""

    def __init__(self, output: Path, previous: dict[str, str] | None) -> None:
        self.output = output.resolve()
        self._prefix = str(self.output) + os.sep
        self.incremental = previous is not None and self.output.is_dir()
        self.previous = previous if self.incremental else {}
        self.staging = self.output.with_name(f".{self.output.name}.staging-{os.getpid()}")
        self._staging = str(self.staging)
        self.written: list[str] = []
        self._made_dirs: set[str] = set()

    def start(self) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)

    def write(self, relative: str, data: bytes | str) -> str:
        """Stage one file unless the output already holds these bytes; returns the bytes' hash."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        checksum = content_hash(data)
        if self.previous.get(relative) != checksum or not self.has(relative):
            # Plain os calls, not pathlib: a full build writes tens of thousands of files.
            target = self._inside_staging(relative)
            folder = os.path.dirname(target)
            if folder not in self._made_dirs:
                os.makedirs(folder, exist_ok=True)
                self._made_dirs.add(folder)
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                remaining = memoryview(data)
                while remaining:
                    remaining = remaining[os.write(handle, remaining):]
            finally:
                os.close(handle)
            self.written.append(relative)
        return checksum

    def has(self, relative: str) -> bool:
        """Whether the output holds ``relative`` now (asked for every page of a rebuild: no pathlib)."""
        return os.path.exists(self._prefix + relative)

    def _inside_staging(self, relative: str) -> str:
        normal = os.path.normpath(relative)
        if normal.startswith(("..", "/")) or os.path.isabs(normal):
            raise ValueError(f"refusing to write outside the output directory: {relative}")
        return os.path.join(self._staging, normal)

    def commit(self, produced: set[str]) -> list[str]:
        """Put the build in place; returns the paths removed because nothing produces them now."""
        if not self.incremental:
            _swap_in(self.staging, self.output)
            return []
        folders: set[str] = set()
        for relative in sorted(set(self.written)):
            target = self._prefix + relative
            if (folder := os.path.dirname(target)) not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            os.replace(os.path.join(self._staging, relative), target)
        shutil.rmtree(self.staging, ignore_errors=True)
        stale = sorted(set(self.previous) - produced)
        for relative in stale:
            (self.output / relative).unlink(missing_ok=True)
            _remove_empty_parents(self.output / relative, self.output)
        return stale

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _remove_empty_parents(path: Path, top: Path) -> None:
    parent = path.parent
    while parent != top and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _swap_in(staging: Path, output: Path) -> None:
    """Put ``staging`` in place of ``output`` with no moment where neither is there."""
    if output.exists() and _exchange(staging, output):
        shutil.rmtree(staging)
        return
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with Linux renameat2; False where that is not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0
