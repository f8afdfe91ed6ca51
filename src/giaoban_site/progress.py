"""Progress of long builds: a bar on a terminal, a few plain lines in CI logs."""

from __future__ import annotations

import sys
import time

from .messages import msg


class ProgressPrinter:
    """Called as ``printer(stage, done, total)``; prints only for builds that take a while."""

    def __init__(self, stream=None, delay: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.delay = delay  # short builds print nothing but their summary
        self.tty = self.stream.isatty()
        self.last_line = 0.0
        self.bar_shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.delay:
            return
        label = msg(f"stage_{stage}")
        if self.tty:
            filled = int(30 * done / total)
            self.stream.write(f"\r{label}: [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}  {elapsed:.1f}s ")
            self.stream.flush()
            self.bar_shown = True
        elif done == total or elapsed - self.last_line >= 5:
            self.stream.write(f"{label}: {done}/{total} ({elapsed:.1f}s)\n")
            self.last_line = elapsed

    def finish(self) -> None:
        if self.bar_shown:
            self.stream.write("\n")
            self.bar_shown = False
