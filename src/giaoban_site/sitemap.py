"""``sitemap.xml`` (every public page with ``lastmod``) and ``robots.txt`` pointing to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from .content import Document
from .content_types import Feature
from .public import absolute_url, last_changed, public_items
from .render import PageKind
from .site import ALL_YEARS, HOME, ListKey

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class SitemapEntry:
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
    newest_site = _newest(public) or dt.datetime(1970, 1, 1, tzinfo=project.config.tz)
    listings = {HOME: public, ALL_YEARS: public}
    listings.update({ListKey("type", name): items for name, items in site.items.items()})
    listings.update({t.key: t.articles for terms in site.terms.values() for t in terms})
    listings.update({a.key: a.articles for year in site.years for a in (year, *year.months)})
    public_sources = {d.source for d in public} | in_sitemap.keys()
    entries = []
    newest_of: dict[str, dt.datetime] = {}  # every page of a paginated listing shares its lastmod
    for job in project.jobs:
        if job.kind in (PageKind.NOT_FOUND, PageKind.RECORD, PageKind.REDIRECT, PageKind.SAVE):
            continue
        if job.kind is PageKind.ITEM:
            if job.key not in in_sitemap:
                continue
            lastmod = last_changed(in_sitemap[job.key]) or newest_site
        elif job.kind in (PageKind.TAXONOMY, PageKind.SEARCH):
            lastmod = newest_site
        elif job.key in newest_of:
            lastmod = newest_of[job.key]
        else:
            articles = [d for d in listings.get(job.key, public) if d.source in public_sources]
            lastmod = newest_of[job.key] = _newest(articles) or newest_site
        entries.append(SitemapEntry(job.url, lastmod, tuple((a.code, a.url) for a in site.alternates.get(job.url, ()) if a.translated)))
    return sorted(entries, key=lambda e: e.url)


def _newest(articles: list[Document]) -> dt.datetime | None:
    return max((changed for d in articles if (changed := last_changed(d))), default=None)


def sitemap_xml(entries: list[SitemapEntry], project: Project) -> bytes:
    """The sitemap protocol's XML for ``entries``, with each page's translations as Google reads them
    (``xhtml:link rel="alternate" hreflang``, the page itself among them)."""
    config = project.config
    rows = [f"  <url>\n    <loc>{escape(absolute_url(config, e.url))}</loc>\n"
            f"    <lastmod>{e.lastmod.astimezone(config.tz).isoformat()}</lastmod>\n"
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

    def outputs(self, project: Project) -> list[str]:
        return ["sitemap.xml", "robots.txt"]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        entries = sorted((e for edition in project.editions for e in sitemap_entries(edition)), key=lambda e: e.url)
        write("sitemap.xml", sitemap_xml(entries, project))
        write("robots.txt", robots_txt(project))
