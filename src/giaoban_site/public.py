"""What readers outside the site see: public articles and absolute URLs, shared by feeds, sitemap and search."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from .config import SiteConfig
from .content import Document
from .content_types import Feature
from .site import Site


def public_items(site: Site, feature: Feature) -> list[Document]:
    """Items of the types in ``feature`` that a reader may see, newest first: never drafts nor future-dated ones.

    A normal build already leaves both out; a ``--drafts`` preview build keeps them in the pages,
    so feeds, sitemap and search filter again rather than leak them.
    """
    items = site.with_feature(feature)
    if not site.drafts:  # build_site left both out: each item's date need not be compared (100,000 at a time)
        return [doc for doc in items if doc.source not in site.expired] if site.expired else items
    now, types = site.now or dt.datetime.now(dt.timezone.utc), site.config.types
    # Only dated types wait for their date (site.build_site): a page's own date is only shown.
    # Nor expired ones whose page stays (newsroom.Expiry.NOTICE): out of every feed, the sitemap and search.
    return [doc for doc in items if not doc.draft and not (types[doc.kind].dated and doc.date > now) and doc.source not in site.expired]


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")  # compiled once: the sitemap asks for every page's address


def absolute_url(config: SiteConfig, path: str = "") -> str:
    """Absolute URL of a site-relative path ("2014/10/slug/"); full URLs are returned unchanged."""
    if _SCHEME.match(path):
        return path
    return config.base_url + path.lstrip("/")


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=)(["\'])(.*?)\2')


def absolutize_html(fragment: str, page_url: str) -> str:
    """Every href/src in an HTML fragment made absolute against ``page_url``.

    Feed readers show content away from the site, so "/hdnd/anh/x.jpg" or "#fn:1" must carry the host.
    """
    fragment = _URL_ATTRIBUTE.sub(lambda m: f"{m.group(1)}{m.group(2)}{urljoin(page_url, m.group(3))}{m.group(2)}", fragment)
    return _SRCSET.sub(lambda m: m.group(1) + ", ".join(_absolute_candidate(c, page_url) for c in m.group(2).split(",")) + '"', fragment)


_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def _absolute_candidate(candidate: str, page_url: str) -> str:
    """One ``srcset`` entry ("/anh/a-480.webp 480w") with its URL made absolute."""
    url, _, width = candidate.strip().partition(" ")
    return f"{urljoin(page_url, url)} {width}".strip()


def last_changed(doc: Document) -> dt.datetime | None:
    """When an article or page last changed: ``updated`` if given, else ``date``."""
    return doc.updated or doc.date
