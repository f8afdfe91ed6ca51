"""The preview's kept site: what `giaoban serve` holds between saves, and the pages it shows at once.

A save of an article changes its pages first. The kept site (a good build's project, made again
in the preview's process from that build's output: its site model and compiled templates, and
which pages show which file) parses the saved file again and renders, in milliseconds, the
pages that show the article: all of them when the save changed only what they show of it (its
title, summary, body), so that it keeps its place in every list; with new tags, those too, and the
tags' pages it joins or leaves, with the article put into or out of their lists in memory; its own
pages alone when it moves otherwise. The server shows them (watch.py) while the full incremental
build runs behind and then replaces them, with what a quick page cannot know (where a new date
moves it, a template's edit). A save it could not show as the build will (a new, deleted or broken
file, a new address) gets none, and after a new, deleted or moved file no save gets any until a
new site is kept. The kept site goes on from build to build while it follows them (``follows``):
the saves it took are all the builds changed.
"""

from __future__ import annotations

import dataclasses
import logging
from array import array
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, repeat

from . import store
from .build import DocumentLoader, Project
from .cache import digest
from .changes import parse_settings
from .content import Document
from .content_types import Feature
from .errors import Problem
from .languages import Editions
from .render import PageJob, PageKind, PageRenderer, StoredBody
from .shown import SHOWN_ONLY, pages_digest, sources_in
from .site import ListKey, Term, related_groups, related_ranks_of, term_name
from .store import Store
from .vietnamese import slugify

log = logging.getLogger(__name__)

_OWN_PAGES = (PageKind.ITEM, PageKind.SAVE)  # an article's page and its printable copy, one after the other
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

    Which pages show which article (``shown_in``) is taken from the build's index (shown.py); or,
    without one, worked out from every page's template context, as the build does. The preview makes
    it on a thread of its own (watch.py).
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.settings = parse_settings(project.config)
        self.loader = DocumentLoader(project.config, Editions.of(project.config))
        self.bodies = _FreshBodies(project.store)
        self.renderers = [PageRenderer(p.site, p.env, self.bodies) for p in project.editions]
        self.jobs = _Jobs(project.editions)
        self._pages = pages_digest([job.path for edition in project.editions for job in edition.jobs])  # (follows)
        # Where a content file's own pages begin, as an index in jobs: they follow one another (plan_pages).
        self._first_own: dict[str, int] = {}
        for number, (_, job) in enumerate(self.jobs):
            if job.kind in _OWN_PAGES:
                self._first_own.setdefault(job.source, number)
        for index, job in {job.template: (index, job) for index, job in self.jobs}.values():
            self.renderers[index].env.get_template(job.template)  # compiled now, not at the first save
        self.built = {source: doc for renderer in self.renderers for source, doc in renderer.documents.items()}
        self.saved: dict[str, Document] = {}  # files saved since the build, as parsed now
        self.retagged: dict[str, tuple[str, ...]] = {}  # saved articles' tags, where the quick tag pages differ from the build's
        # A save this could not show where the build will put it (a new, deleted or moved file) leaves
        # every page but its own behind the build: no quick page after it until the next build.
        self.behind = False
        self._related: dict[int, tuple] = {}  # KeptSite._relations, by edition
        # Every page showing a content file, as indexes in jobs; arrays, not lists of ints: at 100,000
        # articles they hold two and a half million numbers (10 MB, not 90).
        self.shown_in: dict[str, array] = {}
        self._index()
        for edition in project.editions:  # the search records, of which it makes no quick page: let go (16 MiB)
            edition.jobs = [job for job in edition.jobs if job.template]

    def quick_pages(self, names: Collection[str]) -> list[QuickPage]:
        """The pages that show the content files ``names`` (relative to the site), as saved now;
        none for a file whose pages this cannot show as the next build will."""
        try:
            numbers = {number: None for name in names for number in self._pages_of(name)}  # each once, in order
        except Exception:
            self.behind = True  # whatever it changed of the kept site, half done
            raise
        if self.behind and len(names) > 1:
            return []  # the others' pages may show what one of them moved
        saved = {id(self.built[source]): latest for source, latest in self.saved.items()}
        return [self._render(number, saved) for number in numbers if self._still_made(number)]

    def follows(self, names: Collection[str], pages: str | None) -> bool:
        """Whether it goes on showing saves as the build does, after a build of changes to ``names`` that
        made the pages of ``pages`` (their pages_digest; None: it had nothing to do): each one a file
        ``quick_pages`` took as saved, none left it behind, and the same pages. Else a new one is made
        from the build's output (watch.py): that build changed what it cannot follow (a template, a
        new, deleted or moved file, an article published on its date)."""
        return not self.behind and all(name in self.saved for name in names) and pages in (None, self._pages)

    def _own(self, name: str) -> list[int]:
        """A content file's own pages (its page, and its printable copy after it), as indexes in jobs."""
        first = self._first_own.get(name)
        if first is None:
            return []
        after = self.jobs[first + 1][1] if first + 1 < len(self.jobs) else None
        return [first, first + 1] if after and after.kind is PageKind.SAVE and after.source == name else [first]

    def _pages_of(self, name: str) -> list[int]:
        """The pages (indexes in jobs) to make again for a save of ``name``, made ready to render."""
        built, own = self.built.get(name), self._own(name)
        if self.behind or built is None or not own:
            self.behind = True
            return []
        try:
            source = (self.project.config.root / name).read_bytes()
        except OSError:  # deleted
            self.behind = True
            return []
        parsed = self.loader.load((name, digest(self.settings, digest(source))))
        if isinstance(parsed, Problem):
            return []  # the build says what is wrong, at its line
        packed, body = parsed
        doc = store.unpack(packed)
        if not _same_address(built, doc):
            self.behind = True
            return []
        self.bodies.fresh[doc.digest] = body[1]
        self.saved[name] = doc
        for renderer in self.renderers:
            renderer.replace_document(doc)
        if name not in self.retagged and doc.tags == built.tags and self._keeps_its_place(built, doc):
            numbers = self.shown_in.get(name, own)
            if self.retagged:  # related boxes may have moved with those tags: its own worked out again, others' the build's
                numbers = [number for number in numbers if number in own or self.jobs[number][1].kind not in _OWN_PAGES]
                self._relate_again(doc, self.jobs[own[0]][0])
            return list(numbers)
        numbers = self._retagged(doc, self.jobs[own[0]][0])
        self.behind = not numbers
        return numbers or own

    def _still_made(self, number: int) -> bool:
        """Whether the build makes this page still: a tag's page may be gone with the saves' tags."""
        index, job = self.jobs[number]
        term = self.renderers[index].terms.get(job.key) if job.kind is PageKind.LIST else None
        return term is None or len(term.articles) > (job.number - 1) * self.renderers[index].site.config.page_size

    def _render(self, number: int, saved: dict[int, Document]) -> QuickPage:
        """A page, with the saved documents in place of those it was built with."""
        index, job = self.jobs[number]
        renderer = self.renderers[index]
        context = _replaced(renderer.context(job), saved, {})
        return QuickPage(job.path, renderer.render(job, context).encode("utf-8"))

    def _keeps_its_place(self, built: Document, doc: Document) -> bool:
        return _changed(built, doc) <= _SHOWN_ONLY and not self._title_moves(built, doc)

    def _title_moves(self, built: Document, doc: Document) -> bool:
        """Whether a new title moves the item: undated ones and registers' items are ordered by it."""
        return built.title != doc.title and (doc.date is None or any(doc.kind in r.site.registers for r in self.renderers))

    def _retagged(self, doc: Document, edition: int) -> list[int]:
        """The pages to make again for a save that changed an article's tags (and what lists show of
        it): its own, with its related articles worked out again; the lists that show it, where it
        keeps its place; and the page of each tag it joins or leaves that it is on or was on (a new
        tag's page is the build's). None at all for a save that moves it otherwise."""
        renderer = self.renderers[edition]
        site, built = renderer.site, self.built[doc.source]
        if (not _changed(built, doc) <= _SHOWN_ONLY | {"tags"} or self._title_moves(built, doc) or doc.kind in site.registers
                or doc.source in site.expired or doc.kind not in site.config.types.with_feature(Feature.TAXONOMIES)):
            return []
        shown = self.retagged.get(doc.source, built.tags)  # what the kept site's tag pages hold of it
        touched = [ListKey("tag", slug) for slug in {slugify(tag) for tag in (*shown, *doc.tags)}]
        # Where it keeps its place; not other items' pages (their related boxes are the build's), nor the
        # pages of the tags it moves in or out of (each may have a page more or less now).
        pages = {number for number in self.shown_in.get(doc.source, ())
                 if self.jobs[number][1].kind not in _OWN_PAGES and self.jobs[number][1].key not in touched}
        for key in touched:
            if key not in renderer.terms:
                continue  # a new tag: its page is the build's
            before, after = renderer.terms[key], self._with_tags_as_saved(renderer.terms[key], built)
            renderer.replace_term(after)
            if after.articles and (after.articles, after.name) != (before.articles, before.name):
                where = _position(after.articles, built)  # the page it is on, or (left) the one it was on
                where = min(_position(before.articles, built), len(after.articles) - 1) if where is None else where
                page = self.list_pages.get((edition, key, where // site.config.page_size + 1))
                if page is not None:  # else a page the tag did not have: the build's
                    pages.add(page)
        self.retagged[doc.source] = doc.tags
        self._relate_again(doc, edition)
        return [*self._own(doc.source), *sorted(pages)]

    def _relate_again(self, doc: Document, edition: int) -> None:
        """Its related articles (its page's box) worked out again, with the tags of every saved article."""
        site = self.renderers[edition].site
        if doc.kind in site.config.types.with_feature(Feature.RELATED) and doc.source not in site.expired:
            articles, groups, ranks = self._relations(edition)
            groups[ranks[doc.source]] = related_groups(doc)
            found = related_ranks_of(groups, [ranks[doc.source]], site.config.related_count)[0]
            site.related[doc.source] = [articles[rank] for rank in found]

    def _relations(self, edition: int) -> tuple[list[Document], list[list[tuple[str, str]]], dict[str, int]]:
        """The articles that may be related, what relates them (kept up to date with the saves) and
        each one's rank: worked out once (at 100,000 articles, most of a retagging save's time)."""
        if edition not in self._related:
            site = self.renderers[edition].site
            articles = [doc for doc in site.with_feature(Feature.RELATED) if doc.source not in site.expired]
            self._related[edition] = (articles, [related_groups(self.saved.get(doc.source, doc)) for doc in articles],
                                      {doc.source: rank for rank, doc in enumerate(articles)})
        return self._related[edition]

    def _with_tags_as_saved(self, term: Term, built: Document) -> Term:
        """``term`` with the saved article in it as often as its saved tags name it (as the build has
        it), in the site's order, and named by its articles' spellings as saved."""
        named = [tag for tag in self.saved[built.source].tags if slugify(tag) == term.slug]
        articles = sorted([d for d in term.articles if d is not built] + [built] * len(named), key=lambda d: self.order[d.source])
        spellings = Counter(t for d in {d.source: d for d in articles}.values() for t in self.saved.get(d.source, d).tags
                            if slugify(t) == term.slug)
        return dataclasses.replace(term, articles=articles, name=term_name(spellings) if spellings else term.name)

    @cached_property
    def order(self) -> dict[str, int]:
        """Each item's place in the site's order, that of the tag pages (by source)."""
        return {doc.source: rank for renderer in self.renderers for rank, doc in enumerate(renderer.site.with_feature(Feature.TAXONOMIES))}

    @cached_property
    def list_pages(self) -> dict[tuple[int, object, int], int]:
        """Listing pages by edition, list and page number, as indexes in jobs."""
        return {(index, job.key, job.number): number for number, (index, job) in enumerate(self.jobs) if job.kind is PageKind.LIST}

    def _index(self) -> None:
        try:
            if not self._index_from_build():
                memo: dict[int, tuple[object, frozenset[str]]] = {}
                for number, (index, job) in enumerate(self.jobs):
                    for source in sources_in(self.renderers[index].context(job), memo):
                        self.shown_in.setdefault(source, array("I")).append(number)
            for edition in range(len(self.renderers)):  # ready for the first save that changes tags
                self._relations(edition)
            self.order, self.list_pages  # noqa: B018 (worked out once, here)
        except Exception:  # without the index, a save shows its own pages only
            log.debug("no index of the kept site", exc_info=True)
            self.shown_in = {}

    def _index_from_build(self) -> bool:
        """The index from the build's own (shown.py), when it is of these pages: no context walked again."""
        shown = self.project.shown
        if shown is None or shown.pages != self._pages:
            return False
        jobs = [job for edition in self.project.editions for job in edition.jobs]
        # A page's number in self.jobs, which leaves out the pages without a template (search records),
        # is the count of those with one up to it: an array, not a dict by path (at 100,000 articles, 30 MB).
        numbers = array("l", accumulate(bool(job.template) for job in jobs))
        sources = {source: source for source in self.built}  # the documents' own strings as keys, not copies (7 MiB)
        for source, positions in shown.pages_by_file().items():
            found = array("I", (numbers[position] - 1 for position in positions if jobs[position].template))
            if found:
                self.shown_in[sources.get(source, source)] = found
        self.project.shown = None  # read once, here (at 100,000 articles, 45 MiB the kept site need not hold)
        return True


class _Jobs(Sequence[tuple[int, PageJob]]):
    """Every edition's pages that have a template, numbered in one run: each as (the edition's index,
    its job), made when asked (at 100,000 articles, 355,000 pairs would take 16 MiB more)."""

    def __init__(self, editions: list[Project]) -> None:
        self._jobs: list[PageJob] = []
        self._editions = array("H")
        for index, edition in enumerate(editions):
            jobs = [job for job in edition.jobs if job.template]
            self._jobs += jobs
            self._editions.extend(repeat(index, len(jobs)))

    def __getitem__(self, number: int) -> tuple[int, PageJob]:
        return self._editions[number], self._jobs[number]

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[tuple[int, PageJob]]:
        return zip(self._editions, self._jobs)


def _changed(built: Document, doc: Document) -> set[str]:
    return {name for name in _FIELDS if getattr(built, name) != getattr(doc, name)}


def _position(items: list[Document], doc: Document) -> int | None:
    """Where the item of ``doc``'s file is in ``items`` (by source: documents compare by every field)."""
    return next((number for number, item in enumerate(items) if item.source == doc.source), None)


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
