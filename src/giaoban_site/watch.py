"""Rebuilding on change for the preview: watched files, coalesced events, and the last build's outcome."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterator

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .aliases import REDIRECTS_FILE
from .build import BuildOptions, BuildReport, build, collector_paused, prepare_as_built
from .cli import setup_logging
from .config import CONFIG_FILE, missing_config_said, note_missing_config_said
from .errors import BuildFailed, GiaobanError, Problem
from .messages import msg
from .newsroom import AUTHORS_FILE, VIEWS_FILE
from .preview import KeptSite, QuickPage
from .workers import ProcessLost, Resident, release_freed_memory

log = logging.getLogger(__name__)

WATCHED_DIRS = ("content", "templates", "static")
WATCHED_FILES = (CONFIG_FILE, REDIRECTS_FILE, VIEWS_FILE, AUTHORS_FILE)  # beside them, in the site's root
# Editors save in bursts (a temp file, a rename, a chmod; several files at once): wait until the
# events stop for QUIET seconds, but never longer than PATIENCE, so a noisy folder cannot starve builds.
QUIET = 0.15
PATIENCE = 2.0
QUICK_QUIET = 0.02  # a saved article's quick pages (preview.py) wait only for the save itself to end
BUILDS_NICENESS = 5  # how far behind the server the builds' processes come for the processor (os.nice)
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
    """Runs the builds, one at a time, in a process of their own (``build_apart``) whenever
    ``request()`` is called; shows at once the pages of saved articles, made from the kept site
    (preview.py); and makes the kept site again after a build it cannot follow.

    Not in this process: the server has threads, so a build here could not fork its workers, and
    it holds the kept site, which a build beside it would double (at 100,000 articles, 911 MiB).
    The kept site is made again by this process, from the build's output and store, only after a
    build of changes it did not take itself: a template's, a new, deleted or moved file.
    """

    def __init__(self, options: BuildOptions, state: BuildState, report: Callable[[str], None]) -> None:
        self.options, self.state, self.report = options, state, report
        self.kept: KeptSite | None = None
        # A new process for each build: one process's memory grows with each build it makes (workers.Resident).
        self._builder = Resident(build_apart, _setup_builds, logging.getLogger("giaoban_site").level == logging.DEBUG, fresh=True)
        self._said: frozenset[Path] = frozenset()  # Built.said
        self._builds = _Bursts(QUIET, PATIENCE)
        self._quick = _Bursts(QUICK_QUIET, PATIENCE)
        self._renewals = _Bursts(0.0, PATIENCE)
        self._kept_changed = threading.Condition()
        self._kept_asked = self._kept_made = 0  # kept sites asked for, and the last made: one made while another was asked is behind it
        self._missed: dict[str, float] = {}  # files saved while no kept site was there to take them, and when
        self._threads = [threading.Thread(target=self._build_loop, name="giaoban-rebuild", daemon=True),
                         threading.Thread(target=self._quick_loop, name="giaoban-quick", daemon=True),
                         threading.Thread(target=self._kept_loop, name="giaoban-kept", daemon=True)]

    def build_now(self, names: Collection[str] = ()) -> None:
        """Build once, for changes to ``names``, and record the outcome; the calling thread waits."""
        started = time.monotonic()
        try:
            built = self._builder.call((self.options, self._said))
        except ProcessLost as exc:  # killed, or out of memory: the next build starts a new one
            self._failed([Problem(str(self.options.source), None, msg("serve_build_lost", code=exc.exitcode))])
        except Exception as exc:  # a bug must not stop the preview; the editor sees one line, not a traceback
            log.debug("build crashed", exc_info=True)
            self._failed([Problem(str(self.options.source), None, f"{type(exc).__name__}: {exc}")])
        else:
            self._said = built.said
            if built.report is None:
                self._failed(list(built.problems))
                return
            self.state.record([], started)
            self.report(msg("serve_rebuilt", pages=built.report.pages, seconds=time.monotonic() - started))
            kept = self.kept
            if kept is None or not kept.follows(names, built.pages):
                self._renew_kept()

    def _failed(self, problems: list[Problem]) -> None:
        self.state.record(problems)
        for problem in problems:
            self.report(str(problem))
        self.report(msg("serve_build_failed", count=len(problems)))

    def _renew_kept(self) -> None:
        """Let the kept site go (behind the build: it would show what the build has changed as it was),
        and ask for a new one."""
        with self._kept_changed:
            self.kept = None
            self._kept_asked += 1
        self._renewals.add(())

    def _kept_loop(self) -> None:
        # Each turn in a call of its own: a kept site held by a local name here, or in _quick_loop,
        # would live on beside the next one (at 100,000 articles, 790 MiB at the highest).
        while self._renewals.take() is not None:
            self._make_kept()

    def _make_kept(self) -> None:
        with self._kept_changed:
            asked = self._kept_asked
        # The site let go, whose cycles (Jinja's) the collector would free only some time later (and
        # not while the next is made: it is paused then), freed now.
        gc.collect()
        release_freed_memory()
        kept = _kept_site(self.options)
        while True:
            with self._kept_changed:
                if asked != self._kept_asked:  # a build since has asked for a newer one
                    return
                missed, self._missed = self._missed, {}
                if not missed or kept is None:
                    self.kept, self._kept_made = kept, asked
                    self._kept_changed.notify_all()
                    return
            # Taken before it is shown to the other threads: else the build of a save made while it was
            # being made would find it behind and have it made again, and so on while the editor saves.
            self._take_saves(kept, set(missed), max(missed.values()))

    def wait_for_kept(self, timeout: float) -> None:
        """Wait until the kept site last asked for is made (or could not be), at most ``timeout`` seconds."""
        with self._kept_changed:
            self._kept_changed.wait_for(lambda: self._kept_made == self._kept_asked, timeout)

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
        self._renewals.stop()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)
        self._builder.stop(timeout)

    def _build_loop(self) -> None:
        while (burst := self._builds.take()) is not None:
            self.build_now(burst[0])

    def _quick_loop(self) -> None:
        while (burst := self._quick.take()) is not None:
            self._show_quick(*burst)

    def _show_quick(self, names: set[str], saved: float) -> None:
        with self._kept_changed:
            kept = self.kept
            if kept is None:  # being made: it takes them once made
                self._missed.update(dict.fromkeys(names, saved))
                return
        self._take_saves(kept, names, saved)

    def _take_saves(self, kept: KeptSite, names: set[str], saved: float) -> None:
        """The quick pages of the files ``names``, saved at ``saved``, from ``kept``; shown."""
        if not names or not all(name.startswith("content/") for name in names):
            return  # a template's or site.yaml's edit changes every page: the build shows it
        try:
            pages = kept.quick_pages(sorted(names))
        except Exception:  # the build shows the same save a moment later
            log.debug("no quick page", exc_info=True)
            return
        if pages:
            self.state.show_quick(pages, saved)


@dataclass(frozen=True)
class Built:
    """What a build in a process of its own tells the preview: its report, without the project (which
    stays there), or what is wrong; pages_digest of its pages (None when it had nothing to do); and
    the sites whose missing site.yaml has been said (config.py: once per preview, not once per build,
    a failed one too)."""

    report: BuildReport | None  # None: it failed, for ``problems``
    pages: str | None
    said: frozenset[Path]
    problems: tuple[Problem, ...] = ()


def _setup_builds(verbose: bool) -> None:
    """A builds' process: it logs as the command does, and comes after the server for the processor,
    its workers too: a save's quick pages first (at 100,000 articles, a new tag's page 0.5 s with the
    build's workers beside it on both cores)."""
    setup_logging(verbose)
    os.nice(BUILDS_NICENESS)


def build_apart(call: tuple[BuildOptions, frozenset[Path]]) -> Built:
    """A build in a process of its own (Rebuilder), told the sites whose missing site.yaml was said."""
    options, said = call
    note_missing_config_said(said)
    try:
        report = build(options)
    except BuildFailed as exc:
        return Built(None, None, missing_config_said(), tuple(exc.problems))
    except GiaobanError as exc:
        return Built(None, None, missing_config_said(), (Problem(str(options.source), None, str(exc)),))
    project, report.project = report.project, None
    return Built(report, None if project is None else project.shown.pages, missing_config_said())  # pages_digest, as built


def _kept_site(options: BuildOptions) -> KeptSite | None:
    """The site the last build made, kept; None where it cannot be made (the build says why)."""
    try:
        with unsaid(), collector_paused():  # what prepare() finds again, the build's process has said
            return KeptSite(prepare_as_built(options))
    except Exception:  # quick pages only go ahead of the build: without them the preview still works
        log.debug("no kept site", exc_info=True)
        return None


@contextmanager
def unsaid() -> Iterator[None]:
    """What this thread logs in the block at WARNING or above, not printed: in the preview, what
    the builds' process says (a missing site.yaml, an unknown field), which this one would repeat."""
    thread = threading.get_ident()

    def said(record: logging.LogRecord) -> bool:
        return record.thread != thread or record.levelno < logging.WARNING

    handlers = list(logging.getLogger("giaoban_site").handlers)
    for handler in handlers:
        handler.addFilter(said)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(said)


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
