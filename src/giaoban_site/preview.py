"""The preview's kept site: what `giaoban serve` holds between saves, and the pages it shows at once.

A save of an article changes its pages first. The kept site (the last good build's project: its
site model and compiled templates) parses the saved file again and renders, in milliseconds, the
pages that show the article: all of them when the save changed only what they show of it (its
title, summary, body), so that it keeps its place in every list; its own pages alone otherwise.
The server shows them (watch.py) while the full incremental build runs behind and then replaces
them, with what a quick page cannot know (where a new date or tag moves it, a template's edit).
A save it could not show as the build will (a new, deleted or broken file, a new address) gets none.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from array import array
from collections.abc import Collection
from dataclasses import dataclass

from . import store
from .build import DocumentLoader, Project
from .cache import digest
from .changes import parse_settings
from .content import Document
from .errors import Problem
from .languages import Editions
from .render import PageKind, PageRenderer, StoredBody
from .shown import SHOWN_ONLY, sources_in
from .store import Store

log = logging.getLogger(__name__)

_OWN_PAGES = (PageKind.ITEM, PageKind.SAVE)  # an article's page and its printable copy
# What lists show of an article, not where they place it: a save that changes only these leaves
# every page where it was, each to be made again with it. A title too, but where it orders undated
# pages and registers' items it counts as a move (_keeps_its_place).
_SHOWN_ONLY = SHOWN_ONLY | {"title"}
_FIELDS = tuple(f.name for f in dataclasses.fields(Document))


@dataclass(frozen=True)
class QuickPage:
    path: str  # in the output folder: "2014/10/slug/index.html"
    data: bytes


class KeptSite:
    """A finished build's project, kept to render the pages of saved articles without building.

    Which pages show which article (``shown_in``) is taken on a thread of its own, as soon as the
    site is kept, from the build's index (shown.py); or, for a site kept without a build, worked out
    there from every page's template context, as the build does.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.settings = parse_settings(project.config)
        self.loader = DocumentLoader(project.config, Editions.of(project.config))
        self.bodies = _FreshBodies(project.store)
        self.renderers = [PageRenderer(p.site, p.env, self.bodies) for p in project.editions]
        self.jobs = [(index, job) for index, edition in enumerate(project.editions) for job in edition.jobs if job.template]
        self.own: dict[str, list[int]] = {}  # a content file's own pages, as indexes in jobs
        for number, (_, job) in enumerate(self.jobs):
            if job.kind in _OWN_PAGES:
                self.own.setdefault(job.source, []).append(number)
        for index, job in {job.template: (index, job) for index, job in self.jobs}.values():
            self.renderers[index].env.get_template(job.template)  # compiled now, not at the first save
        self.built = {source: doc for renderer in self.renderers for source, doc in renderer.documents.items()}
        self.saved: dict[str, Document] = {}  # files saved since the build, as parsed now
        # Every page showing a content file, as indexes in jobs; arrays, not lists of ints: at 100,000
        # articles they hold two and a half million numbers (10 MB, not 90).
        self.shown_in: dict[str, array] = {}
        self._indexed = threading.Event()
        threading.Thread(target=self._index, name="giaoban-index", daemon=True).start()

    def quick_pages(self, names: Collection[str]) -> list[QuickPage]:
        """The pages that show the content files ``names`` (relative to the site), as saved now;
        none for a file whose pages this cannot show as the next build will."""
        self._indexed.wait(timeout=60)  # the index reads the renderers' contexts too
        return [page for name in names for page in self._pages_of(name)]

    def _pages_of(self, name: str) -> list[QuickPage]:
        built, own = self.built.get(name), self.own.get(name)
        if built is None or not own:
            return []
        try:
            source = (self.project.config.root / name).read_bytes()
        except OSError:  # deleted
            return []
        parsed = self.loader.load((name, digest(self.settings, digest(source))))
        if isinstance(parsed, Problem):
            return []  # the build says what is wrong, at its line
        packed, body = parsed
        doc = store.unpack(packed)
        if not _same_address(built, doc):
            return []
        self.bodies.fresh[doc.digest] = body[1]
        self.saved[name] = doc
        numbers = self.shown_in.get(name, own) if self._keeps_its_place(built, doc) else own
        for index in {self.jobs[number][0] for number in numbers}:
            self.renderers[index].replace_document(doc)
        saved = {id(self.built[source]): latest for source, latest in self.saved.items()}
        return [self._render(number, saved) for number in numbers]

    def _render(self, number: int, saved: dict[int, Document]) -> QuickPage:
        """A page, with the saved documents in place of those it was built with."""
        index, job = self.jobs[number]
        renderer = self.renderers[index]
        context = _replaced(renderer.context(job), saved, {})
        return QuickPage(job.path, renderer.render(job, context).encode("utf-8"))

    def _keeps_its_place(self, built: Document, doc: Document) -> bool:
        changed = {name for name in _FIELDS if getattr(built, name) != getattr(doc, name)}
        if "title" in changed and (doc.date is None or any(doc.kind in r.site.registers for r in self.renderers)):
            return False
        return changed <= _SHOWN_ONLY

    def _index(self) -> None:
        try:
            if not self._index_from_build():
                memo: dict[int, tuple[object, frozenset[str]]] = {}
                for number, (index, job) in enumerate(self.jobs):
                    for source in sources_in(self.renderers[index].context(job), memo):
                        self.shown_in.setdefault(source, array("I")).append(number)
        except Exception:  # without the index, a save shows its own pages only
            log.debug("no index of the kept site", exc_info=True)
            self.shown_in = {}
        self._indexed.set()

    def _index_from_build(self) -> bool:
        """The index from the build's own (shown.py), when it is of these pages: no context walked again."""
        shown = self.project.shown
        if shown is None or shown.paths != tuple(job.path for edition in self.project.editions for job in edition.jobs):
            return False
        numbers = {job.path: number for number, (_, job) in enumerate(self.jobs)}
        for source, positions in shown.pages_by_file().items():
            found = array("I", (numbers[path] for path in map(shown.paths.__getitem__, positions) if path in numbers))
            if found:
                self.shown_in[source] = found
        return True


def _same_address(kept: Document, doc: Document) -> bool:
    """Whether ``doc`` keeps the pages ``kept`` had: its address, type, template and language."""
    return (kept.url, kept.kind, kept.template, kept.lang) == (doc.url, doc.kind, doc.template, doc.lang)


def _replaced(value: object, saved: dict[int, Document], memo: dict[int, object]) -> object:
    """``value`` with each document of ``saved`` (by the id of the one it replaces) in place, and
    nothing else copied."""
    if isinstance(value, Document):
        return saved.get(id(value), value)
    if isinstance(value, StoredBody):
        doc = saved.get(id(value.doc))
        return value if doc is None else StoredBody(doc, value.store, value.links, value.base_path, value.photos)
    if isinstance(value, (str, int, float, type(None))):
        return value
    if id(value) in memo:
        return memo[id(value)]
    result = value
    if type(value) is dict:
        items = {k: _replaced(v, saved, memo) for k, v in value.items()}
        result = items if any(items[k] is not v for k, v in value.items()) else value
    elif isinstance(value, (list, tuple)):
        items = [_replaced(v, saved, memo) for v in value]
        if any(a is not b for a, b in zip(items, value)):
            result = type(value)(*items) if hasattr(value, "_fields") else type(value)(items)  # a NamedTuple's fields
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: new for f in dataclasses.fields(value) if f.init
                   and (new := _replaced(getattr(value, f.name), saved, memo)) is not getattr(value, f.name)}
        result = dataclasses.replace(value, **changes) if changes else value
    memo[id(value)] = result
    return result


class _FreshBodies:
    """The store, with the bodies of files parsed since the kept build in front of it."""

    def __init__(self, kept: Store) -> None:
        self.kept = kept
        self.fresh: dict[str, str] = {}

    def html(self, doc: Document) -> str:
        return self.fresh[doc.digest] if doc.digest in self.fresh else self.kept.html(doc)

    def record(self, doc: Document) -> str | None:
        return self.kept.record(doc)
