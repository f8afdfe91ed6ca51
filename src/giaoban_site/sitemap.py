"""``sitemap.xml`` (every public page with ``lastmod``) and ``robots.txt`` pointing to it.

The sitemap protocol takes at most 50,000 URLs in one file; a larger site (a national archive
has 150,000 public pages at 100,000 articles) gets ``sitemap.xml`` as a sitemap index and its
URLs, in order, in ``sitemap-1.xml``, ``sitemap-2.xml`` ... of at most that many each.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import compress, repeat
from operator import attrgetter, is_
from typing import TYPE_CHECKING, Collection, Iterator, NamedTuple
from xml.sax.saxutils import escape

from .content import Document
from .content_types import Feature
from .public import absolute_url, last_changed, public_items
from .render import PageJob, PageKind
from .site import ALL_YEARS, HOME, ListKey

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000  # the protocol's limit for one file (sitemaps.org); search engines ignore a larger one
_UNLISTED = (PageKind.NOT_FOUND, PageKind.RECORD, PageKind.REDIRECT, PageKind.SAVE)


class SitemapEntry(NamedTuple):  # 155,000 of them at 100,000 articles: a tuple is made in a third of a frozen dataclass's time
    url: str  # site-relative
    lastmod: dt.datetime
    alternates: tuple[tuple[str, str], ...] = ()  # (language code, site-relative URL) of its translations, itself included


def sitemap_entries(project: Project) -> list[SitemapEntry]:
    """One entry per public page of the page plan, sorted by URL.

    Left out: the 404 page, drafts and future-dated articles (a ``--drafts`` build renders them).
    A page's ``lastmod`` is its own ``updated``/``date``; a listing's is its newest article's;
    a standing page without dates gets the site's newest date (a date we can defend, unlike
    the file's mtime, which a fresh CI checkout resets).
    """
    site = project.site
    public = public_items(site, Feature.HOME)
    in_sitemap = {d.source: d for d in public_items(site, Feature.SITEMAP)}
    # Each public item's date once: a listing's lastmod is the newest of its items'.
    changed = {d.source: last_changed(d) for d in (*public, *in_sitemap.values())}
    newest_site = _newest(changed, public) or dt.datetime(1970, 1, 1, tzinfo=project.config.tz)
    listings = {HOME: public, ALL_YEARS: public}
    listings.update({ListKey("type", name): items for name, items in site.items.items()})
    listings.update({t.key: t.articles for terms in site.terms.values() for t in terms})
    listings.update({a.key: a.articles for year in site.years for a in (year, *year.months)})
    entries = []
    newest_of: dict[str, dt.datetime] = {}  # every page of a paginated listing shares its lastmod
    for job in _listed_jobs(project, in_sitemap):
        if job.kind is PageKind.ITEM:
            lastmod = changed[job.key] or newest_site
        elif job.kind in (PageKind.TAXONOMY, PageKind.SEARCH):
            lastmod = newest_site
        elif job.key in newest_of:
            lastmod = newest_of[job.key]
        else:
            lastmod = newest_of[job.key] = _newest(changed, listings.get(job.key, public)) or newest_site
        alternates = site.alternates.get(job.url)  # most pages have no translation: no tuple made for them
        entries.append(SitemapEntry(job.url, lastmod, tuple((a.code, a.url) for a in alternates if a.translated) if alternates else ()))
    return sorted(entries, key=lambda e: e.url)


def _listed_jobs(project: Project, in_sitemap: Collection[str]) -> Iterator[PageJob]:
    """The page plan's jobs the sitemap lists: not the 404 page, not the items whose type stays out of it."""
    for job in project.jobs:
        if job.kind not in _UNLISTED and (job.kind is not PageKind.ITEM or job.key in in_sitemap):
            yield job


def _listed_count(project: Project) -> int:
    """How many pages the sitemap lists (``sitemap_entries``' number, without their dates), or a
    number within the limit when it is: asked on every build (``outputs``), and most sites are far
    below it, which the pages' kinds tell at C speed; each item is looked at only on a larger site."""
    jobs = [job for edition in project.editions for job in edition.jobs]
    kinds = Counter(map(attrgetter("kind"), jobs))
    most = sum(count for kind, count in kinds.items() if kind not in _UNLISTED)
    if most <= MAX_URLS:
        return most
    in_sitemap = {d.source for edition in project.editions for d in public_items(edition.site, Feature.SITEMAP)}
    items = compress(jobs, map(is_, map(attrgetter("kind"), jobs), repeat(PageKind.ITEM)))  # at C speed, as the rest
    return most - kinds[PageKind.ITEM] + sum(map(in_sitemap.__contains__, map(attrgetter("key"), items)))


def _newest(changed: dict[str, dt.datetime | None], articles: list[Document]) -> dt.datetime | None:
    """The latest change of those ``articles`` that are public (``changed``: source -> last change)."""
    return max(filter(None, map(changed.get, [d.source for d in articles])), default=None)


def sitemap_files(entries: list[SitemapEntry], project: Project) -> list[tuple[str, bytes]]:
    """(path, bytes) of the sitemap's files: ``sitemap.xml`` alone up to MAX_URLS entries, else an index of parts."""
    if len(entries) <= MAX_URLS:
        return [("sitemap.xml", sitemap_xml(entries, project))]
    parts = [entries[start:start + MAX_URLS] for start in range(0, len(entries), MAX_URLS)]
    names = [_part_name(number) for number in range(1, len(parts) + 1)]
    index = [(name, max(e.lastmod for e in part)) for name, part in zip(names, parts)]
    return [("sitemap.xml", sitemap_index_xml(index, project)),
            *((name, sitemap_xml(part, project)) for name, part in zip(names, parts))]


def _part_name(number: int) -> str:
    return f"sitemap-{number}.xml"


def sitemap_index_xml(parts: list[tuple[str, dt.datetime]], project: Project) -> bytes:
    """The protocol's sitemap index: each part's address and its newest ``lastmod``."""
    config = project.config
    rows = [f"  <sitemap>\n    <loc>{escape(absolute_url(config, name))}</loc>\n"
            f"    <lastmod>{lastmod.astimezone(config.tz).isoformat()}</lastmod>\n  </sitemap>\n" for name, lastmod in parts]
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
            + "".join(rows) + "</sitemapindex>\n").encode("utf-8")


def sitemap_xml(entries: list[SitemapEntry], project: Project) -> bytes:
    """The sitemap protocol's XML for ``entries``, with each page's translations as Google reads them
    (``xhtml:link rel="alternate" hreflang``, the page itself among them)."""
    config = project.config
    shown: dict[dt.datetime, str] = {}  # listings share their newest article's date: each formatted once
    rows = [f"  <url>\n    <loc>{escape(absolute_url(config, e.url))}</loc>\n"
            f"    <lastmod>{shown.get(e.lastmod) or shown.setdefault(e.lastmod, e.lastmod.astimezone(config.tz).isoformat())}</lastmod>\n"
            + "".join(f'    <xhtml:link rel="alternate" hreflang="{code}" href="{escape(absolute_url(config, url))}"/>\n'
                      for code, url in e.alternates)
            + "  </url>\n" for e in entries]
    namespaces = f' xmlns:xhtml="{XHTML_NS}"' if any(e.alternates for e in entries) else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{SITEMAP_NS}"{namespaces}>\n'
            + "".join(rows) + "</urlset>\n").encode("utf-8")


def robots_txt(project: Project) -> str:
    """Allow everything and name the sitemap.

    Crawlers read robots.txt only at the host's root, so a site published under a sub-path
    should have its host's own robots.txt carry the same ``Sitemap:`` line (docs/publishing.md).
    """
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url(project.config, 'sitemap.xml')}\n"


class Sitemap:
    """Generator of ``sitemap.xml`` and ``robots.txt``."""

    places_only = True  # addresses and dates: at 100,000 articles, 2 s that an edited body need not cost

    def outputs(self, project: Project) -> list[str]:
        listed = _listed_count(project)
        parts = 0 if listed <= MAX_URLS else -(-listed // MAX_URLS)
        return ["sitemap.xml", "robots.txt", *(_part_name(number) for number in range(1, parts + 1))]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        entries = sorted((e for edition in project.editions for e in sitemap_entries(edition)), key=lambda e: e.url)
        for path, data in sitemap_files(entries, project):
            write(path, data)
        write("robots.txt", robots_txt(project))
