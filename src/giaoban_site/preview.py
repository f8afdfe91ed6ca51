"""The preview's kept site: what `giaoban serve` holds between saves, and the pages it shows at once.

A save of an article changes its own page first. The kept site (the last good build's project,
its site model and compiled templates) parses the saved file again and renders that article's
pages with it, in milliseconds, and the server shows them (watch.QuickPages) while the full
incremental build runs behind and then replaces them. What a quick page cannot know (the lists
an article moves in, a new address, a template's edit) comes with that build a moment later;
an edit a quick page would show wrongly (a new, deleted or broken file, a changed address or
template) gets none.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from . import store
from .build import DocumentLoader, Project
from .cache import digest
from .changes import parse_settings
from .content import Document
from .errors import Problem
from .languages import Editions
from .render import PageJob, PageKind, PageRenderer
from .store import Store

log = logging.getLogger(__name__)

_OWN_PAGES = (PageKind.ITEM, PageKind.SAVE)  # an article's page and its printable copy


@dataclass(frozen=True)
class QuickPage:
    path: str  # in the output folder: "2014/10/slug/index.html"
    data: bytes


class KeptSite:
    """A finished build's project, kept to render edited articles' own pages without building."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.settings = parse_settings(project.config)
        self.loader = DocumentLoader(project.config, Editions.of(project.config))
        self.bodies = _FreshBodies(project.store)
        self.renderers = [PageRenderer(p.site, p.env, self.bodies) for p in project.editions]
        self.pages: dict[str, list[tuple[int, PageJob]]] = {}  # a content file's own pages, by edition
        for index, edition in enumerate(project.editions):
            for job in edition.jobs:
                if job.kind in _OWN_PAGES:
                    self.pages.setdefault(job.source, []).append((index, job))
        for index, job in {job.template: (index, job) for jobs in self.pages.values() for index, job in jobs}.values():
            self.renderers[index].env.get_template(job.template)  # compiled now, not at the first save

    def quick_pages(self, names: Collection[str]) -> list[QuickPage]:
        """The own pages of the content files ``names`` (relative to the site), as saved now;
        none for a file whose pages this cannot show as the next build will."""
        return [page for name in names for page in self._pages_of(name)]

    def _pages_of(self, name: str) -> list[QuickPage]:
        pages = self.pages.get(name)
        try:
            source = (self.project.config.root / name).read_bytes()
        except OSError:
            return []
        if not pages:
            return []
        parsed = self.loader.load((name, digest(self.settings, digest(source))))
        if isinstance(parsed, Problem):
            return []  # the build says what is wrong, at its line
        packed, body = parsed
        doc = store.unpack(packed)
        renderers = [self.renderers[index] for index, _ in pages]
        if any(not _same_place(renderer.documents.get(name), doc) for renderer in renderers):
            return []
        self.bodies.fresh[doc.digest] = body[1]
        for renderer in renderers:
            renderer.replace_document(doc)
        return [QuickPage(job.path, self.renderers[index].render(job).encode("utf-8")) for index, job in pages]


def _same_place(kept: Document | None, doc: Document) -> bool:
    """Whether ``doc`` keeps the pages ``kept`` had: its address, type, template and language."""
    return kept is not None and (kept.url, kept.kind, kept.template, kept.lang) == (doc.url, doc.kind, doc.template, doc.lang)


class _FreshBodies:
    """The store, with the bodies of files parsed since the kept build in front of it."""

    def __init__(self, kept: Store) -> None:
        self.kept = kept
        self.fresh: dict[str, str] = {}

    def html(self, doc: Document) -> str:
        return self.fresh[doc.digest] if doc.digest in self.fresh else self.kept.html(doc)

    def record(self, doc: Document) -> str | None:
        return self.kept.record(doc)
