"""Atom and RSS 2.0 feeds for the whole site and for each tag and category.

Entry ids are tag URIs (RFC 4151) built from things that do not change when an editor fixes a
title or the site is rebuilt: the host and base path of ``base_url``, the article's publication
date and its source file path, e.g.
``tag:hdnd.caobang.gov.vn,2014-10-02:/content/2014/10/hoi-nghi-giao-ban.md``
(under a sub-path: ``tag:example.gov.vn,2014-10-02:/hdnd/content/...``).
The URL is not used because the slug follows the title. An article whose file is moved can keep
its old id with a ``feed_id:`` field in its front matter.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from itertools import islice
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from .cache import code_digest, digest
from .config import SiteConfig
from .content import Document
from .content_types import Feature
from .documents import link_targets, resolve_references
from .languages import Catalogue
from .messages import msg
from .photos import with_pictures
from .public import absolute_url, absolutize_html, last_changed, public_items
from .render import TAXONOMY_TITLES, features_of

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_TAXONOMIES = ("tag", "category", "author", "series")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    """One feed's channel data: where it lives and which articles it carries (newest first)."""

    path: str  # site-relative directory: "" or "chu-de/giao-ban/"
    title: str
    page_url: str  # the HTML page the feed follows
    articles: tuple[Document, ...]


def entry_id(config: SiteConfig, doc: Document) -> str:
    """The article's permanent feed id (see the module docstring for why these parts)."""
    pinned = doc.extra.get("feed_id")
    if isinstance(pinned, str) and pinned.strip():
        return pinned.strip()
    parts = urlsplit(config.base_url)
    # A tag URI's authority is a bare host; the base path goes into the specific part so two
    # sites under one host ("/hdnd/", "/ubnd/") never share ids.
    specific = parts.path.rstrip("/") + "/" + doc.source
    return f"tag:{parts.hostname or 'localhost'},{doc.date.astimezone(config.tz):%Y-%m-%d}:{specific}"


def site_feeds(site_articles: list[Document], terms: dict, config: SiteConfig, t: Catalogue) -> list[Feed]:
    """The site feed (at its edition's home) and one feed per tag and category, each cut to ``feed_entries`` articles."""
    public = set(id(d) for d in site_articles)
    limit = config.feed_entries
    feeds = [Feed(config.prefix, config.title, config.prefix, tuple(site_articles[:limit]))]
    for kind in FEED_TAXONOMIES:
        for term in terms.get(kind, []):
            articles = tuple(islice((d for d in term.articles if id(d) in public), limit))  # the newest: not the whole term
            if articles:
                feeds.append(Feed(term.url, f"{t(TAXONOMY_TITLES[kind])}: {term.name} – {config.title}", term.url, articles))
    return feeds


class Feeds:
    """Generator of an Atom and an RSS 2.0 feed (``urls.feed``, ``urls.rss``) for the site, each tag and each category."""

    per_language = True  # each edition's feeds carry its own articles (build._write_extras)

    def outputs(self, project: Project) -> list[str]:
        config = project.config
        return [feed.path + config.url(name) for feed in self._feeds(project) for name in ("feed", "rss")]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        config = project.config
        if config.base_url == SiteConfig.base_url:  # feeds are read elsewhere: localhost links are useless there
            log.warning(msg("default_base_url", url=config.base_url))
        settings = digest(code_digest(), repr(config))  # what every feed depends on
        for feed in self._feeds(project):
            # A feed shows its articles' full text: one unchanged since the last build need not be made again.
            # Links to documents by number lead where the documents are now: part of the key.
            targets = {d.source: link_targets(project.site, d) for d in feed.articles}
            photos = project.site.photos.by_document
            key = digest(settings, repr((feed.path, feed.title, feed.page_url)),
                         *(f"{d.source}:{d.digest}:{d.url}:{targets[d.source]}:{[p.key for p in photos.get(d.source, {}).values()]}"
                           for d in feed.articles))
            for name, make in (("feed", atom), ("rss", rss)):
                path = feed.path + config.url(name)
                if not write.keep(path, key):
                    write(path, make(feed, config, functools.partial(_body, project, targets)), key)

    @staticmethod
    def _feeds(project: Project) -> list[Feed]:
        """None when no content type takes part in feeds; otherwise the site's and every term's."""
        if Feature.FEEDS.value not in features_of(project.site):  # another language with pages only has none
            return []
        return site_feeds(public_items(project.site, Feature.FEEDS), project.site.terms, project.config, project.env.globals["t"])


def _body(project: Project, targets: dict[str, dict[str, str]], doc: Document) -> str:
    """An article's HTML for a feed reader: its lead photo first, its links to documents by number
    leading to them, each photo one file at a width readers show (photos.py)."""
    config, photos = project.config, project.site.photos.by_document.get(doc.source, {})
    body = with_pictures(resolve_references(project.store.html(doc), targets[doc.source], config.base_path), photos,
                         config.base_path, plain=True)
    if not doc.image:
        return body
    photo = photos.get(doc.image)
    src = config.base_path + photo.largest.url if photo else doc.image if "://" in doc.image else absolute_url(config, doc.image)
    alt = escape(doc.image_caption or doc.title)
    caption = f"<figcaption>{escape(doc.image_caption)}</figcaption>" if doc.image_caption else ""
    return f'<figure><img src="{escape(src)}" alt="{alt}">{caption}</figure>\n' + body


def _content_html(doc: Document, config: SiteConfig, body: str) -> str:
    """Full article HTML for a feed reader, every URL absolute."""
    return absolutize_html(body, absolute_url(config, doc.url))


def _link(config: SiteConfig, doc: Document) -> str:
    """Where an entry leads: the article's page, or the site it only links out to (``external_url``)."""
    return absolute_url(config, doc.external_url or doc.url)


def _authors(doc: Document, config: SiteConfig) -> tuple[str, ...]:
    return doc.authors or ((config.author,) if config.author else ())


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def _feed_updated(feed: Feed) -> dt.datetime | None:
    # The newest change among the entries, never the build time: rebuilds stay byte-identical.
    return max((last_changed(d) for d in feed.articles), default=None)


def atom(feed: Feed, config: SiteConfig, body: Callable[[Document], str]) -> bytes:
    """An Atom 1.0 document for ``feed``."""
    a = f"{{{ATOM_NS}}}"
    ET.register_namespace("", ATOM_NS)
    root = ET.Element(a + "feed", {"{http://www.w3.org/XML/1998/namespace}lang": config.language})
    self_url = absolute_url(config, feed.path + config.url("feed"))
    _sub(root, a + "id", self_url)
    _sub(root, a + "title", feed.title)
    if config.description:
        _sub(root, a + "subtitle", config.description)
    _sub(root, a + "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(root, a + "link", rel="alternate", type="text/html", href=absolute_url(config, feed.page_url))
    updated = _feed_updated(feed)
    _sub(root, a + "updated", (updated or dt.datetime(1970, 1, 1, tzinfo=config.tz)).astimezone(config.tz).isoformat())
    if config.author:
        _sub(_sub(root, a + "author"), a + "name", config.author)
    _sub(root, a + "generator", "giaoban-site")
    for doc in feed.articles:
        entry = _sub(root, a + "entry")
        _sub(entry, a + "id", entry_id(config, doc))
        _sub(entry, a + "title", doc.title)
        _sub(entry, a + "link", rel="alternate", type="text/html", href=_link(config, doc))
        _sub(entry, a + "published", doc.date.astimezone(config.tz).isoformat())
        _sub(entry, a + "updated", last_changed(doc).astimezone(config.tz).isoformat())
        for name in _authors(doc, config):
            _sub(_sub(entry, a + "author"), a + "name", name)
        if doc.category:
            _sub(entry, a + "category", term=doc.category)
        for tag in doc.tags:
            _sub(entry, a + "category", term=tag)
        if doc.summary:
            _sub(entry, a + "summary", doc.summary, type="text")
        _sub(entry, a + "content", _content_html(doc, config, body(doc)), type="html")
    return _serialize(root)


def rss(feed: Feed, config: SiteConfig, body: Callable[[Document], str]) -> bytes:
    """An RSS 2.0 document for ``feed`` (full content in ``content:encoded``)."""
    content_ns = "http://purl.org/rss/1.0/modules/content/"
    dc_ns = "http://purl.org/dc/elements/1.1/"
    ET.register_namespace("content", content_ns)
    ET.register_namespace("dc", dc_ns)
    ET.register_namespace("atom", ATOM_NS)
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", absolute_url(config, feed.page_url))
    _sub(channel, "description", config.description or feed.title)
    _sub(channel, "language", config.language)
    _sub(channel, f"{{{ATOM_NS}}}link", rel="self", type="application/rss+xml",
         href=absolute_url(config, feed.path + config.url("rss")))
    updated = _feed_updated(feed)
    if updated:
        _sub(channel, "lastBuildDate", email.utils.format_datetime(updated.astimezone(config.tz)))
    _sub(channel, "generator", "giaoban-site")
    for doc in feed.articles:
        item = _sub(channel, "item")
        _sub(item, "title", doc.title)
        _sub(item, "link", _link(config, doc))
        _sub(item, "guid", entry_id(config, doc), isPermaLink="false")
        _sub(item, "pubDate", email.utils.format_datetime(doc.date.astimezone(config.tz)))
        for name in _authors(doc, config):
            _sub(item, f"{{{dc_ns}}}creator", name)
        for term in ((doc.category,) if doc.category else ()) + doc.tags:
            _sub(item, "category", term)
        _sub(item, "description", doc.summary or "")
        _sub(item, f"{{{content_ns}}}encoded", _content_html(doc, config, body(doc)))
    return _serialize(root)
