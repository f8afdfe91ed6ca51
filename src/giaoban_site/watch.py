"""Rebuilding on change for the preview: watched files, coalesced events, and the last build's outcome."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Collection

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .aliases import REDIRECTS_FILE
from .build import BuildOptions, BuildReport, Project, build, prepare
from .config import CONFIG_FILE
from .errors import BuildFailed, GiaobanError, Problem
from .messages import msg
from .newsroom import AUTHORS_FILE, VIEWS_FILE
from .preview import KeptSite, QuickPage

log = logging.getLogger(__name__)

WATCHED_DIRS = ("content", "templates", "static")
WATCHED_FILES = (CONFIG_FILE, REDIRECTS_FILE, VIEWS_FILE, AUTHORS_FILE)  # beside them, in the site's root
# Editors save in bursts (a temp file, a rename, a chmod; several files at once): wait until the
# events stop for QUIET seconds, but never longer than PATIENCE, so a noisy folder cannot starve builds.
QUIET = 0.15
PATIENCE = 2.0
QUICK_QUIET = 0.02  # a saved article's quick pages (preview.py) wait only for the save itself to end
_CHANGE_EVENTS = {"created", "modified", "deleted", "moved"}  # not "opened"/"closed": the build reads files
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


@dataclass
class BuildState:
    """The outcome of the latest build, shared between the rebuilder and the request threads.

    ``generation`` counts finished builds (good or bad) and quick pages shown; open tabs reload
    when it moves. ``quick`` holds saved articles' pages made ahead of the build (preview.py),
    each with the moment of the save it shows, until a good build begun after that moment.
    """

    generation: int = 0
    problems: list[Problem] = field(default_factory=list)
    has_site: bool = False  # at least one build succeeded, so there is a site to show
    closed: bool = False
    quick: dict[str, tuple[float, bytes]] = field(default_factory=dict)
    _built_from: float = 0.0  # when the last good build began
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def record(self, problems: list[Problem], started: float = 0.0) -> None:
        """A build begun at ``started`` (time.monotonic) ended with ``problems`` (none: a good one)."""
        with self._changed:
            self.generation += 1
            self.problems = problems
            self.has_site = self.has_site or not problems
            if not problems:  # the output now holds every save made before the build began
                self._built_from = started
                self.quick = {path: page for path, page in self.quick.items() if page[0] > started}
            self._changed.notify_all()

    def show_quick(self, pages: list[QuickPage], saved: float) -> None:
        """Show ``pages``, made from the files as saved at ``saved``, until a build shows that save."""
        with self._changed:
            if saved <= self._built_from:
                return  # a build that saw this save has ended already
            self.generation += 1
            self.quick = {**self.quick, **{page.path: (saved, page.data) for page in pages}}
            self._changed.notify_all()

    def quick_page(self, path: str) -> bytes | None:
        """The quick page at ``path`` in the output folder, if a save has made one."""
        page = self.quick.get(path)  # the dict is replaced, never changed: no lock needed to read
        return page[1] if page else None

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
    """Runs ``build()`` on its own thread whenever ``request()`` is called, one build at a time;
    on another, shows at once the pages of saved articles, made from the last build's kept site (preview.py)."""

    def __init__(self, options: BuildOptions, state: BuildState, report: Callable[[str], None]) -> None:
        self.options, self.state, self.report = options, state, report
        self.kept: KeptSite | None = None
        self._builds = _Bursts(QUIET, PATIENCE)
        self._quick = _Bursts(QUICK_QUIET, PATIENCE)
        self._threads = [threading.Thread(target=self._build_loop, name="giaoban-rebuild", daemon=True),
                         threading.Thread(target=self._quick_loop, name="giaoban-quick", daemon=True)]

    def build_now(self) -> None:
        """Build once, on the calling thread, and record the outcome."""
        started = time.monotonic()
        kept = self.kept
        try:
            # The kept site's documents, shared with the build: not read from the store a second time.
            report = build(replace(self.options, parsed=kept.project.documents_by_digest() if kept else None))
        except BuildFailed as exc:
            self._failed(exc.problems)
        except GiaobanError as exc:
            self._failed([Problem(str(self.options.source), None, str(exc))])
        except Exception as exc:  # a bug must not stop the preview; the editor sees one line, not a traceback
            log.debug("build crashed", exc_info=True)
            self._failed([Problem(str(self.options.source), None, f"{type(exc).__name__}: {exc}")])
        else:
            self.state.record([], started)
            self.report(msg("serve_rebuilt", pages=report.pages, seconds=time.monotonic() - started))
            self._keep(report)

    def _failed(self, problems: list[Problem]) -> None:
        self.state.record(problems)
        for problem in problems:
            self.report(str(problem))
        self.report(msg("serve_build_failed", count=len(problems)))

    def _keep(self, report: BuildReport) -> None:
        """Keep the site just built for quick pages (after a build that had nothing to do, the one kept already)."""
        if report.project is not None:
            self._keep_site(lambda: report.project)

    def _keep_site(self, project: Callable[[], Project]) -> None:
        try:
            self.kept = KeptSite(project())
        except Exception:  # quick pages only go ahead of the build: without them the preview still works
            log.debug("no kept site", exc_info=True)
            self.kept = None

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def request(self, names: Collection[str] = ()) -> None:
        """Ask for a build soon, for changes to ``names`` (relative to the site); calls in a burst give one build."""
        self._builds.add(names)
        self._quick.add(names)

    def stop(self, timeout: float = 5.0) -> None:
        self._builds.stop()
        self._quick.stop()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _build_loop(self) -> None:
        if self.kept is None and self.state.has_site:  # the first build had nothing to do: an earlier preview's output
            self._keep_site(lambda: prepare(self.options))
        while self._builds.take() is not None:
            self.build_now()

    def _quick_loop(self) -> None:
        while (burst := self._quick.take()) is not None:
            names, saved = burst
            kept = self.kept
            if kept is None or not names or not all(name.startswith("content/") for name in names):
                continue  # a template's or site.yaml's edit changes every page: the build shows it
            try:
                pages = kept.quick_pages(sorted(names))
            except Exception:  # the build shows the same save a moment later
                log.debug("no quick page", exc_info=True)
                continue
            if pages:
                self.state.show_quick(pages, saved)


class _Bursts:
    """Requests taken in bursts: once none has come for ``quiet`` seconds, or ``patience`` seconds
    after the burst's first, so that a noisy folder cannot starve what waits for them."""

    def __init__(self, quiet: float, patience: float) -> None:
        self.quiet, self.patience = quiet, patience
        self._wake = threading.Condition()
        self._names: set[str] = set()
        self._pending = False
        self._first = self._last = 0.0
        self._stopping = False

    def add(self, names: Collection[str]) -> None:
        with self._wake:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending, self._last = True, now
            self._names.update(names)
            self._wake.notify()

    def take(self) -> tuple[set[str], float] | None:
        """Block until a burst has settled: its names and the moment of its last request; None when stopping."""
        with self._wake:
            while not self._stopping:
                if self._pending:
                    now = time.monotonic()
                    due = min(self._last + self.quiet, self._first + self.patience)
                    if now >= due:
                        names, self._names, self._pending = self._names, set(), False
                        return names, self._last
                    self._wake.wait(due - now)
                else:
                    self._wake.wait()
            return None

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[list[str]], None], observer: Observer) -> None:
        self.root, self.on_change, self.observer = root, on_change, observer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGE_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        names = [relative for path in paths if (relative := self._matters(path))]
        if names:
            if event.is_directory and event.event_type == "created" and Path(str(event.src_path)).parent == self.root:
                _schedule(self.observer, self, Path(str(event.src_path)))  # static/ made after serve started
            self.on_change(names)

    def _matters(self, path: Path) -> str | None:
        """The path relative to the site ("content/2024/x.md") if the site is made from it, else None."""
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return None
        if not relative.parts or relative.parts[0] not in (*WATCHED_DIRS, *WATCHED_FILES):
            return None
        name = relative.parts[-1]
        # Editors' swap and backup files (".x.md.swp", "x.md~", vim's "4913" probe) are not content.
        if any(part.startswith(".") for part in relative.parts) or name.endswith(_TEMP_SUFFIXES) or name == "4913":
            return None
        return relative.as_posix()


def watch(root: Path, on_change: Callable[[list[str]], None]) -> Observer:
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
