"""Rebuilding on change for the preview: watched files, coalesced events, and the last build's outcome."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .aliases import REDIRECTS_FILE
from .build import BuildOptions, build
from .config import CONFIG_FILE
from .errors import BuildFailed, GiaobanError, Problem
from .messages import msg
from .newsroom import AUTHORS_FILE, VIEWS_FILE

log = logging.getLogger(__name__)

WATCHED_DIRS = ("content", "templates", "static")
WATCHED_FILES = (CONFIG_FILE, REDIRECTS_FILE, VIEWS_FILE, AUTHORS_FILE)  # beside them, in the site's root
# Editors save in bursts (a temp file, a rename, a chmod; several files at once): wait until the
# events stop for QUIET seconds, but never longer than PATIENCE, so a noisy folder cannot starve builds.
QUIET = 0.15
PATIENCE = 2.0
_CHANGE_EVENTS = {"created", "modified", "deleted", "moved"}  # not "opened"/"closed": the build reads files
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


@dataclass
class BuildState:
    """The outcome of the latest build, shared between the rebuilder and the request threads.

    ``generation`` counts finished builds (good or bad); open tabs reload when it moves.
    """

    generation: int = 0
    problems: list[Problem] = field(default_factory=list)
    has_site: bool = False  # at least one build succeeded, so there is a site to show
    closed: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def record(self, problems: list[Problem]) -> None:
        with self._changed:
            self.generation += 1
            self.problems = problems
            self.has_site = self.has_site or not problems
            self._changed.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The generation once it differs from ``seen``, or after ``timeout`` seconds, or at close."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return self.generation

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class Rebuilder:
    """Runs ``build()`` on its own thread whenever ``request()`` is called, one build at a time."""

    def __init__(self, options: BuildOptions, state: BuildState, report: Callable[[str], None]) -> None:
        self.options, self.state, self.report = options, state, report
        self._wake = threading.Condition()
        self._last_request = 0.0
        self._first_request = 0.0
        self._pending = False
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="giaoban-rebuild", daemon=True)

    def build_now(self) -> None:
        """Build once, on the calling thread, and record the outcome."""
        started = time.monotonic()
        try:
            report = build(self.options)
        except BuildFailed as exc:
            self._failed(exc.problems)
        except GiaobanError as exc:
            self._failed([Problem(str(self.options.source), None, str(exc))])
        except Exception as exc:  # a bug must not stop the preview; the editor sees one line, not a traceback
            log.debug("build crashed", exc_info=True)
            self._failed([Problem(str(self.options.source), None, f"{type(exc).__name__}: {exc}")])
        else:
            self.state.record([])
            self.report(msg("serve_rebuilt", pages=report.pages, seconds=time.monotonic() - started))

    def _failed(self, problems: list[Problem]) -> None:
        self.state.record(problems)
        for problem in problems:
            self.report(str(problem))
        self.report(msg("serve_build_failed", count=len(problems)))

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        """Ask for a build soon; calls in a burst give one build."""
        with self._wake:
            now = time.monotonic()
            if not self._pending:
                self._first_request = now
            self._pending, self._last_request = True, now
            self._wake.notify()

    def stop(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while self._wait_for_quiet():
            self.build_now()

    def _wait_for_quiet(self) -> bool:
        """Block until a burst of requests has settled; False when stopping."""
        with self._wake:
            while not self._stopping:
                if self._pending:
                    now = time.monotonic()
                    due = min(self._last_request + QUIET, self._first_request + PATIENCE)
                    if now >= due:
                        self._pending = False
                        return True
                    self._wake.wait(due - now)
                else:
                    self._wake.wait()
            return False


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[], None], observer: Observer) -> None:
        self.root, self.on_change, self.observer = root, on_change, observer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGE_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if any(self._matters(path) for path in paths):
            if event.is_directory and event.event_type == "created" and Path(str(event.src_path)).parent == self.root:
                _schedule(self.observer, self, Path(str(event.src_path)))  # static/ made after serve started
            self.on_change()

    def _matters(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return False
        if not relative.parts or relative.parts[0] not in (*WATCHED_DIRS, *WATCHED_FILES):
            return False
        name = relative.parts[-1]
        # Editors' swap and backup files (".x.md.swp", "x.md~", vim's "4913" probe) are not content.
        return not (any(part.startswith(".") for part in relative.parts) or name.endswith(_TEMP_SUFFIXES)
                    or name == "4913")


def watch(root: Path, on_change: Callable[[], None]) -> Observer:
    """Start watching WATCHED_FILES and WATCHED_DIRS (site.yaml, content/ ...) under ``root``; returns the observer.

    The root itself is watched without recursion (only its own entries), so output/ and .venv/
    beside the content cost nothing.
    """
    root = root.resolve()
    observer = Observer()
    handler = _ChangeHandler(root, on_change, observer)
    observer.schedule(handler, str(root), recursive=False)
    for name in WATCHED_DIRS:
        _schedule(observer, handler, root / name)
    observer.start()
    return observer


def _schedule(observer: Observer, handler: FileSystemEventHandler, directory: Path) -> None:
    if directory.is_dir():
        observer.schedule(handler, str(directory), recursive=True)
