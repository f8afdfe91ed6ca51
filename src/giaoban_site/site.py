"""The site model: published articles in order, taxonomies, archives, pagination and URLs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from .config import SiteConfig
from .content import Document
from .content_types import Feature
from .errors import Problem
from .messages import msg
from .newsroom import Categories, Expiry, Upcoming, changes_at, has_expired, lead_articles, upcoming
from .vietnamese import collation_key, slugify

if TYPE_CHECKING:
    from .aliases import Redirect
    from .attachments import PublishedAttachment
    from .photos import PlannedPhotos

TAXONOMIES = ("tag", "category", "author", "series")
# memo(name, key, compute): compute() or, when ``key`` is the one it was last computed for, its result then.
Memo = Callable[[str, str, Callable[[], Any]], Any]


class ListKey(NamedTuple):
    """Which list of items a listing page shows (small, so that page jobs sent to workers stay small)."""

    group: str  # "home", a taxonomy ("tag", "category", "author"), or "type" (a content type's own index)
    name: str = ""  # the term's slug, or the type's name


class ArchiveKey(NamedTuple):
    """Which archive page: a year, a month of it, or (neither) the index of every year."""

    year: int | None = None
    month: int | None = None


class RegisterKey(NamedTuple):
    """Which page of a register (models.py): its type, the view ("" for its index) and the value shown."""

    type_name: str
    view: str = ""
    value: str = ""


HOME = ListKey("home")
ALL_YEARS = ArchiveKey()


@dataclass
class Term:
    """One tag, category or author, with its articles newest first."""

    kind: str
    name: str
    slug: str
    url: str
    articles: list[Document] = field(default_factory=list)  # a category's: its children's too
    parent: str = ""  # a category's parent's slug (site.yaml's ``categories:``)
    description: str = ""
    depth: int = 0  # how many ancestors it has

    @property
    def key(self) -> ListKey:
        return ListKey(self.kind, self.slug)


@dataclass
class Archive:
    """A year or a month and its articles, newest first."""

    year: int
    month: int | None
    url: str
    articles: list[Document] = field(default_factory=list)
    months: list[Archive] = field(default_factory=list)

    @property
    def key(self) -> ArchiveKey:
        return ArchiveKey(self.year, self.month)


@dataclass
class Site:
    config: SiteConfig
    articles: list[Document]  # the news of the home page (types with Feature.HOME), newest first
    terms: dict[str, list[Term]]  # "tag" | "category" | "author" -> terms in Vietnamese order
    years: list[Archive]  # newest first
    older: dict[str, Document] = field(default_factory=dict)  # source -> the article before it
    newer: dict[str, Document] = field(default_factory=dict)  # source -> the article after it
    related: dict[str, list[Document]] = field(default_factory=dict)
    scheduled: int = 0  # articles dated in the future, waiting to be published
    publish_next: dt.datetime | None = None  # the date of the first of them
    now: dt.datetime | None = None  # the moment this build publishes for
    drafts: bool = True  # whether ``items`` may hold drafts and future-dated items (``--drafts``, the preview)
    items: dict[str, list[Document]] = field(default_factory=dict)  # type name -> its published items, in order
    unpublished: list[Document] = field(default_factory=list)  # drafts and scheduled items this build leaves out
    redirects: list[Redirect] = field(default_factory=list)  # old addresses of the items (aliases.py)
    photos: PlannedPhotos = field(default_factory=lambda: _no_photos())  # the photos the pages show (photos.py)
    attachments: dict[str, tuple[PublishedAttachment, ...]] = field(default_factory=dict)  # source -> its files
    registers: dict[str, Any] = field(default_factory=dict)  # type name -> its models.Register
    alternates: dict[str, tuple] = field(default_factory=dict)  # page URL -> its translations.Alternate in every language
    featured: list[Document] = field(default_factory=list)  # the front page's lead block (newsroom.py)
    expired: frozenset[str] = frozenset()  # sources of the items past ``expires:`` whose pages stay, marked
    upcoming: tuple[Upcoming, ...] = ()  # what later builds will publish or remove
    views: dict[str, int] = field(default_factory=dict)  # source -> page views (views.csv)
    profiles: dict[str, Any] = field(default_factory=dict)  # author slug -> newsroom.AuthorProfile

    @property
    def documents(self) -> list[Document]:
        """Every published item of every type: each has a page."""
        return [doc for items in self.items.values() for doc in items]

    def with_feature(self, feature: Feature) -> list[Document]:
        """The items of the types that take part in ``feature``; dated ones newest first, then the others."""
        return _with_feature(self.items, self.config, feature)

    def term_of(self, kind: str, name: str) -> Term | None:
        slug = self.config.term_slug(kind, name)
        return next((t for t in self.terms[kind] if t.slug == slug), None)


def _no_photos() -> PlannedPhotos:
    from .photos import PlannedPhotos

    return PlannedPhotos()


def page_file(url: str) -> str:
    """The file in the output directory that serves a site-relative URL: a folder's is its index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def page_files(urls: Iterable[str]) -> tuple[str, ...]:
    """``page_file`` of each URL, without a call for each (355,000 pages at 100,000 articles)."""
    return tuple([url + "index.html" if url == "" or url.endswith("/") else url for url in urls])


def _with_feature(items: dict[str, list[Document]], config: SiteConfig, feature: Feature) -> list[Document]:
    names = config.types.with_feature(feature)
    lists = [(name, of_type) for name, of_type in items.items() if name in names and of_type]
    chosen = [doc for _, of_type in lists for doc in of_type]
    # Sorted unless it is so already: one dated type's items alone (most sites' articles) are newest first (_order).
    if len(names) > 1 and (len(lists) > 1 or (lists and not config.types[lists[0][0]].dated)):
        chosen.sort(key=_newest_first)
    return chosen


def _newest_first(doc: Document) -> tuple:
    return (doc.date is None, -doc.date.timestamp() if doc.date else 0)


def item_url(config: SiteConfig, doc: Document) -> str:
    """Where an item lives, from its type's pattern; a date is in the site's timezone since loading."""
    date = doc.date
    dates = {"year": f"{date.year:04d}", "month": f"{date.month:02d}", "day": f"{date.day:02d}"} if date else {}
    return config.types[doc.kind].url.format(slug=doc.slug, **dates).lstrip("/")


def paginated_url(config: SiteConfig, base: str, number: int) -> str:
    """URL of page ``number`` of a listing whose first page is ``base``."""
    return base if number == 1 else base + config.url("pagination", number=number)


def build_site(documents: list[Document], config: SiteConfig, now: dt.datetime, drafts: bool,
               memo: Memo | None = None) -> Site:
    """Arrange documents into the site model: order, URLs, taxonomies, archives, neighbours.

    ``memo`` keeps results that outlive one build (the build cache's ``memo``).
    """
    items: dict[str, list[Document]] = {t.name: [] for t in config.types}
    scheduled, unpublished, expired = [], [], set()
    for doc in documents:
        if doc.draft and not drafts:
            unpublished.append(doc)
        elif doc.date is not None and config.types[doc.kind].dated and doc.date > now and not drafts:
            scheduled.append(doc)
            unpublished.append(doc)
        elif has_expired(doc, now) and config.expired is Expiry.REMOVE:
            unpublished.append(doc)
        else:
            items[doc.kind].append(doc)
            if has_expired(doc, now):
                expired.add(doc.source)
    for content_type in config.types:
        _order(items[content_type.name], content_type.dated)
    # Lists, archives, feeds, the sitemap and search show what has not expired; an expired item's page may stay.
    listed = {name: [doc for doc in of_type if doc.source not in expired] for name, of_type in items.items()} if expired else items
    moments = [doc.date for doc in scheduled] + changes_at((d for of_type in items.values() for d in of_type), now)
    site = Site(config, _with_feature(listed, config, Feature.HOME), _taxonomies(_with_feature(listed, config, Feature.TAXONOMIES), config),
                _archives(_with_feature(listed, config, Feature.ARCHIVES), config), scheduled=len(scheduled),
                publish_next=min(moments, default=None), now=now, drafts=drafts, items=items, unpublished=unpublished,
                expired=frozenset(expired),
                upcoming=upcoming(scheduled, (d for of_type in items.values() for d in of_type), now))
    site.featured = lead_articles(site.articles, config.front_page.featured)
    for newer, older in zip(site.articles, site.articles[1:]):
        site.older[newer.source] = older
        site.newer[older.source] = newer
    site.related = related_articles(_with_feature(listed, config, Feature.RELATED), config.related_count, memo)
    return site


def _order(items: list[Document], dated: bool) -> None:
    """Dated items newest first, the same moment in source order (sort is stable, also when
    reversed); undated ones by ``weight``, then title in Vietnamese order."""
    items.sort(key=lambda d: d.source)
    if dated:
        items.sort(key=lambda d: d.date, reverse=True)
    else:
        items.sort(key=lambda d: (d.extra.get("weight", 0) if isinstance(d.extra.get("weight"), int) else 0, collation_key(d.title)))


def _taxonomies(articles: list[Document], config: SiteConfig) -> dict[str, list[Term]]:
    names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    members: dict[tuple[str, str], list[Document]] = defaultdict(list)
    tree = config.categories
    for doc in articles:
        authors = doc.authors or ((config.author,) if config.author else ())
        for kind, values in (("tag", doc.tags), ("category", doc.categories), ("author", authors),
                             ("series", (doc.series,) if doc.series else ())):
            for name in values:
                key = (kind, tree.slug_of(name) if kind == "category" else slugify(name))
                if not key[1]:
                    continue
                names[key][name] += 1
                members[key].append(doc)
    _with_children(names, members, tree, articles)
    terms: dict[str, list[Term]] = {kind: [] for kind in TAXONOMIES}
    for (kind, slug), counter in names.items():
        declared = tree.by_slug.get(slug) if kind == "category" else None
        # Spellings that differ only in case share one page, named by the most used spelling (a declared category: by its title).
        name = declared.title if declared else term_name(counter)
        terms[kind].append(Term(kind, name, slug, config.url(kind, slug=slug), members[(kind, slug)],
                                parent=declared.parent if declared else "", description=declared.description if declared else "",
                                depth=len(tree.ancestors(slug))))
    for kind in TAXONOMIES:
        terms[kind].sort(key=lambda t: (collation_key(t.name), t.slug))
    terms["category"].sort(key=lambda t: tree.sort_key(t.slug, t.name))
    return terms


def term_name(spellings: Counter) -> str:
    """A term's name: of the spellings that differ only in case and share its page, the most used."""
    return min(spellings, key=lambda n: (-spellings[n], collation_key(n)))


def _with_children(names: dict, members: dict, tree: Categories, articles: list[Document]) -> None:
    """A declared category's list holds its children's articles too (each once, in the site's order),
    and a parent with no article of its own still has its page."""
    rank = {doc.source: number for number, doc in enumerate(articles)}
    below: dict[str, set[str]] = defaultdict(set)
    for (kind, slug), docs in list(members.items()):
        if kind == "category":
            for parent in tree.ancestors(slug):
                below[parent].update(doc.source for doc in docs)
    by_source = {doc.source: doc for doc in articles}
    for parent, sources in below.items():
        own = members[("category", parent)]
        sources |= {doc.source for doc in own}
        members[("category", parent)] = [by_source[s] for s in sorted(sources, key=rank.__getitem__)]
        names.setdefault(("category", parent), Counter())


def _archives(articles: list[Document], config: SiteConfig) -> list[Archive]:
    years: dict[int, Archive] = {}
    months: dict[tuple[int, int], Archive] = {}
    for doc in articles:
        local = doc.date
        year = years.get(local.year)
        if year is None:
            year = years[local.year] = Archive(local.year, None, config.url("year", year=f"{local.year:04d}"))
        month = months.get((local.year, local.month))
        if month is None:
            month = months[(local.year, local.month)] = Archive(
                local.year, local.month, config.url("month", year=f"{local.year:04d}", month=f"{local.month:02d}"))
            year.months.append(month)
        year.articles.append(doc)
        month.articles.append(doc)
    return sorted(years.values(), key=lambda a: -a.year)


def related_articles(articles: list[Document], count: int, memo: Memo | None = None) -> dict[str, list[Document]]:
    """For each article (given newest first), up to ``count`` articles sharing its tags or category, newest first."""
    def ranks_of_all() -> list[list[int]]:
        return related_ranks_of([related_groups(doc) for doc in articles], range(len(articles)), count)

    if memo is None:
        ranks = ranks_of_all()
    else:  # they depend on the order, tags and categories only, which an edit of a body leaves alone
        ranks = memo("related", f"{_related_key(articles)}\0{count}", ranks_of_all)
    return {doc.source: [articles[other] for other in mine] for doc, mine in zip(articles, ranks)}


def _related_key(articles: list[Document]) -> str:
    """What the ranks are made from: the articles' order, and the tags and categories of each (related_groups)."""
    return "\0".join(map(attrgetter("source"), articles)) + repr(list(map(attrgetter("tags", "categories"), articles)))


def related_ranks(articles: list[Document], count: int, window: int = 8) -> list[list[int]]:
    """The related articles of each article, as ranks in ``articles`` (newest first, so also ascending).

    Candidates are the ``window`` articles nearest in time on each side within each of the
    article's tags and its category, scored by what they share (a tag counts double), so the
    work grows linearly with the number of articles.
    """
    return related_ranks_of([related_groups(doc) for doc in articles], range(len(articles)), count, window)


def related_ranks_of(groups: list[list[tuple[str, str]]], ranks: Iterable[int], count: int, window: int = 8) -> list[list[int]]:
    """``related_ranks`` from every article's ``related_groups``, of the articles at ``ranks`` alone
    (the preview's: a saved article's)."""
    wanted = set(ranks := list(ranks))
    if count <= 0:
        return [[] for _ in ranks]
    keys = {key for rank in wanted for key in groups[rank]}
    members_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    memberships: dict[int, list[tuple[list[int], int, int]]] = defaultdict(list)
    for rank, mine in enumerate(groups):
        for key in mine:
            if key in keys:
                members = members_of[key]
                if rank in wanted:
                    memberships[rank].append((members, len(members), 2 if key[0] == "tag" else 1))
                members.append(rank)
    result = []
    n = len(groups) + 1
    for rank in ranks:
        candidates: list[int] = []
        for members, position, weight in memberships[rank]:
            candidates += members[max(0, position - window): position + window + 1] * weight
        scores = Counter(candidates)
        del scores[rank]
        # One integer per candidate orders by score (highest first), then nearness, then rank.
        best = sorted([(-score * n + abs(other - rank)) * n + other for other, score in scores.items()])[:count]
        result.append(sorted(key % n for key in best))
    return result


def related_groups(doc: Document) -> list[tuple[str, str]]:
    """What relates an article to others: its tags and categories, by slug."""
    return [*map(_tag_group, doc.tags), *map(_category_group, doc.categories)]


# One (kind, slug) for each of a few dozen tags and categories, not one for each of 100,000 articles'
# (the preview keeps every article's groups: 28 MiB of them at 100,000 articles).
@lru_cache(maxsize=4096)
def _tag_group(name: str) -> tuple[str, str]:
    return "tag", slugify(name)


@lru_cache(maxsize=4096)
def _category_group(name: str) -> tuple[str, str]:
    return "category", slugify(name)


def check_unique_urls(claims: list[tuple[str, str]]) -> list[Problem]:
    """Problems for every URL claimed by two sources; ``claims`` are (url, source file) pairs."""
    first: dict[str, str] = {}
    problems = []
    for url, source in claims:
        other = first.setdefault(url, source)
        if other != source:
            problems.append(Problem(source, None, msg("duplicate_url", url="/" + url, other=other)))
            problems.append(Problem(other, None, msg("duplicate_url", url="/" + url, other=source)))
    return problems
