"""Every write to the output directory: a staging directory, static files, and the final swap."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one atomic step (Linux)


class Staging:
    """A sibling directory of ``output`` that becomes ``output`` only when the build completes."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.dir = self.output.with_name(f".{self.output.name}.staging-{os.getpid()}")
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self.written = 0

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one file under the staging directory; ``relative`` can never leave it."""
        target = (self.dir / relative).resolve()
        if not target.is_relative_to(self.dir):
            raise ValueError(f"refusing to write outside the output directory: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.written += 1

    def commit(self) -> None:
        """Put the staged site in place of ``output`` with no moment where neither is there."""
        if self.output.exists() and _exchange(self.dir, self.output):
            shutil.rmtree(self.dir)
            return
        old = self.output.with_name(f".{self.output.name}.old-{os.getpid()}")
        if self.output.exists():
            os.rename(self.output, old)
        os.rename(self.dir, self.output)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with Linux renameat2; False where that is not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
