"""The site model: published articles in order, taxonomies, archives, pagination and URLs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from .config import SiteConfig
from .content import Document
from .errors import Problem
from .messages import msg
from .vietnamese import collation_key, slugify

TAXONOMIES = ("tag", "category", "author")
# memo(name, key, compute): compute() or, when ``key`` is the one it was last computed for, its result then.
Memo = Callable[[str, str, Callable[[], Any]], Any]


@dataclass
class Term:
    """One tag, category or author, with its articles newest first."""

    kind: str
    name: str
    slug: str
    url: str
    articles: list[Document] = field(default_factory=list)


@dataclass
class Archive:
    """A year or a month and its articles, newest first."""

    year: int
    month: int | None
    url: str
    articles: list[Document] = field(default_factory=list)
    months: list[Archive] = field(default_factory=list)


@dataclass
class Site:
    config: SiteConfig
    articles: list[Document]  # published, newest first
    pages: list[Document]  # standing pages, in menu order
    terms: dict[str, list[Term]]  # "tag" | "category" | "author" -> terms in Vietnamese order
    years: list[Archive]  # newest first
    older: dict[str, Document] = field(default_factory=dict)  # source -> the article before it
    newer: dict[str, Document] = field(default_factory=dict)  # source -> the article after it
    related: dict[str, list[Document]] = field(default_factory=dict)
    scheduled: int = 0  # articles dated in the future, waiting to be published
    publish_next: dt.datetime | None = None  # the date of the first of them
    now: dt.datetime | None = None  # the moment this build publishes for

    def term_of(self, kind: str, name: str) -> Term | None:
        slug = slugify(name)
        return next((t for t in self.terms[kind] if t.slug == slug), None)


def url_for(config: SiteConfig, kind: str, **values: object) -> str:
    """Site-relative URL ("2014/10/slug/") of a page of ``kind`` from the configured patterns."""
    return config.urls[kind].format(**values).lstrip("/")


def article_url(config: SiteConfig, doc: Document) -> str:
    """Where an article lives; its date is in the site's timezone since loading."""
    date = doc.date
    return url_for(config, "article", year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
                   slug=doc.slug)


def paginated_url(config: SiteConfig, base: str, number: int) -> str:
    """URL of page ``number`` of a listing whose first page is ``base``."""
    return base if number == 1 else base + url_for(config, "pagination", number=number)


def build_site(documents: list[Document], config: SiteConfig, now: dt.datetime, drafts: bool,
               memo: Memo | None = None) -> Site:
    """Arrange documents into the site model: order, URLs, taxonomies, archives, neighbours.

    ``memo`` keeps results that outlive one build (the build cache's ``memo``).
    """
    articles, pages, scheduled = [], [], []
    for doc in documents:
        if doc.draft and not drafts:
            continue
        if doc.kind == "page":
            pages.append(doc)
        elif doc.date > now and not drafts:
            scheduled.append(doc.date)
        else:
            articles.append(doc)
    # Newest first; the same moment in source order (sort is stable, also when reversed).
    articles.sort(key=lambda d: d.source)
    articles.sort(key=lambda d: d.date, reverse=True)
    pages.sort(key=lambda d: (d.extra.get("weight", 0) if isinstance(d.extra.get("weight"), int) else 0, collation_key(d.title)))
    for doc in articles:
        doc.url = article_url(config, doc)
    for doc in pages:
        doc.url = url_for(config, "page", slug=doc.slug)
    site = Site(config, articles, pages, _taxonomies(articles, config), _archives(articles, config),
                scheduled=len(scheduled), publish_next=min(scheduled, default=None), now=now)
    for newer, older in zip(articles, articles[1:]):
        site.older[newer.source] = older
        site.newer[older.source] = newer
    site.related = related_articles(articles, config.related_count, memo)
    return site


def _taxonomies(articles: list[Document], config: SiteConfig) -> dict[str, list[Term]]:
    names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    members: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for doc in articles:
        authors = doc.authors or ((config.author,) if config.author else ())
        for kind, values in (("tag", doc.tags), ("category", (doc.category,) if doc.category else ()), ("author", authors)):
            for name in values:
                key = (kind, slugify(name))
                if not key[1]:
                    continue
                names[key][name] += 1
                members[key].append(doc)
    terms: dict[str, list[Term]] = {kind: [] for kind in TAXONOMIES}
    for (kind, slug), counter in names.items():
        # Spellings that differ only in case share one page, named by the most used spelling.
        name = min(counter, key=lambda n: (-counter[n], collation_key(n)))
        terms[kind].append(Term(kind, name, slug, url_for(config, kind, slug=slug), members[(kind, slug)]))
    for kind in TAXONOMIES:
        terms[kind].sort(key=lambda t: (collation_key(t.name), t.slug))
    return terms


def _archives(articles: list[Document], config: SiteConfig) -> list[Archive]:
    years: dict[int, Archive] = {}
    months: dict[tuple[int, int], Archive] = {}
    for doc in articles:
        local = doc.date
        year = years.get(local.year)
        if year is None:
            year = years[local.year] = Archive(local.year, None, url_for(config, "year", year=f"{local.year:04d}"))
        month = months.get((local.year, local.month))
        if month is None:
            month = months[(local.year, local.month)] = Archive(
                local.year, local.month, url_for(config, "month", year=f"{local.year:04d}", month=f"{local.month:02d}"))
            year.months.append(month)
        year.articles.append(doc)
        month.articles.append(doc)
    return sorted(years.values(), key=lambda a: -a.year)


def related_articles(articles: list[Document], count: int, memo: Memo | None = None) -> dict[str, list[Document]]:
    """For each article (given newest first), up to ``count`` articles sharing its tags or category, newest first."""
    if memo is None:
        ranks = related_ranks(articles, count)
    else:  # they depend on the order, tags and categories only, which an edit of a body leaves alone
        key = "\0".join(f"{d.source}\1{_groups_of(d)}" for d in articles) + f"\0{count}"
        ranks = memo("related", key, lambda: related_ranks(articles, count))
    return {doc.source: [articles[other] for other in mine] for doc, mine in zip(articles, ranks)}


def related_ranks(articles: list[Document], count: int, window: int = 8) -> list[list[int]]:
    """The related articles of each article, as ranks in ``articles`` (newest first, so also ascending).

    Candidates are the ``window`` articles nearest in time on each side within each of the
    article's tags and its category, scored by what they share (a tag counts double), so the
    work grows linearly with the number of articles.
    """
    if count <= 0:
        return [[] for _ in articles]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    memberships: list[list[tuple[list[int], int, int]]] = []
    for rank, doc in enumerate(articles):
        mine = []
        for key in _groups_of(doc):
            members = groups[key]
            mine.append((members, len(members), 2 if key[0] == "tag" else 1))
            members.append(rank)
        memberships.append(mine)
    result = []
    n = len(articles) + 1
    for rank in range(len(articles)):
        candidates: list[int] = []
        for members, position, weight in memberships[rank]:
            candidates += members[max(0, position - window): position + window + 1] * weight
        scores = Counter(candidates)
        del scores[rank]
        # One integer per candidate orders by score (highest first), then nearness, then rank.
        best = sorted([(-score * n + abs(other - rank)) * n + other for other, score in scores.items()])[:count]
        result.append(sorted(key % n for key in best))
    return result


def _groups_of(doc: Document) -> list[tuple[str, str]]:
    keys = [("tag", slugify(t)) for t in doc.tags]
    if doc.category:
        keys.append(("category", slugify(doc.category)))
    return keys


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
