"""What ``giaoban import`` reads from an old site, whatever the source: articles, the old site's list
addresses, and the rows it could not use. The readers (old_pages.py, nukeviet.py) make these; the
importer (importing.py) writes them."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .legacy_text import ConversionMemo, markdown_text
from .newsroom import Category
from .scaffold import front_matter
from .vietnamese import slugify


@dataclass(frozen=True)
class Imported:
    """One article as read from the old site: what its front matter and body will say."""

    source: str  # where it came from, for the report: a file, or a file and a row id
    title: str
    date: dt.date | dt.datetime
    paragraphs: tuple[str, ...]  # the body's paragraphs, as written (Markdown escapes are added on writing)
    summary: str = ""
    author: str = ""
    image: str = ""  # the lead photo: a site path ("uploads/news/2014_10/a.jpg") or a full URL
    image_caption: str = ""
    extra: dict = field(default_factory=dict)  # what the model has no common field for: kept under clear names
    aliases: tuple[str, ...] = ()
    body: str = ""  # Markdown made from HTML, when the source had HTML rather than plain paragraphs
    category: str = ""
    tags: tuple[str, ...] = ()
    draft: bool = False
    old_slug: str = ""  # the old site's address name: kept, so the new address reads the same
    converted_from: str = ""  # the legacy encoding its text was in ("tcvn3", "vni" ...), converted to Unicode
    uploads: tuple[str, ...] = ()  # files of the old site's uploads/ it shows ("news/2014_10/a.jpg"), to copy into static/
    attachments: tuple[str, ...] = ()  # files of uploads/ attached to it, to copy beside it and list under attachments

    @property
    def slug(self) -> str:
        return slugify(self.old_slug) or slugify(self.title)

    def path(self) -> str:
        return f"content/{self.date.year:04d}/{self.date.month:02d}/{self.slug}.md"

    def text(self, attachments: tuple[str, ...] = ()) -> str:
        """The Markdown file, with ``attachments`` (names beside it) listed."""
        fields: dict[str, object] = {"title": self.title, "date": self.date.isoformat()}
        if self.slug != slugify(self.title):
            fields["slug"] = self.slug
        for name, value in (("author", self.author), ("category", self.category), ("tags", list(self.tags)),
                            ("summary", self.summary), ("image", self.image), ("image_caption", self.image_caption),
                            *self.extra.items(), ("aliases", list(self.aliases)), ("attachments", list(attachments)),
                            ("draft", self.draft)):
            if value:
                fields[name] = value
        body = self.body or "\n\n".join(markdown_text(p) for p in self.paragraphs)
        return front_matter(fields) + body + "\n"


class ListKind(enum.Enum):
    """Which page of the new site an old list address leads to."""

    HOME = "home"
    CATEGORY = "category"
    TAG = "tag"
    TOPIC = "topic"  # a series ("dòng sự kiện"): its page
    FEED = "feed"
    CATEGORY_FEED = "category_feed"


@dataclass(frozen=True)
class OldList:
    """An old address of a list of the old site (its news home, a category and its pages, a tag, a feed)."""

    address: str  # "/vi/news/hoat-dong/page-2"
    kind: ListKind
    name: str = ""  # the category's, tag's or topic's name
    first: int = 0  # on a page of a list: how many newer articles come before its first one


@dataclass(frozen=True)
class Skipped:
    """A row of the old site that was not imported, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Batch:
    """Everything one source gave."""

    articles: list[Imported]
    lists: list[OldList] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)  # the old site's tree of categories, for site.yaml


class Reader(Protocol):
    def knows(self, path: Path) -> bool: ...

    def read(self, path: Path, display: str, memo: ConversionMemo) -> Batch:
        """What ``path`` holds; raises ContentError (at a line) when it cannot be read. ``memo`` holds
        the bodies an earlier import converted."""
