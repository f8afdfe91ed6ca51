"""The newsroom: what an editor of a news site sets every day, as data.

The front page's blocks and its lead ("Tiêu điểm"), the tree of categories, what happens to an
article once it expires, pinned articles, page views for "Xem nhiều", and the authors' profiles.
``site.yaml`` holds the first three (read here into frozen records); ``views.csv`` and
``authors.yaml`` beside it hold the last two. The site model (site.py) and the pages (render.py)
ask these records; no template reads a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

import yaml

from .content import unsafe_path
from .errors import Problem, yaml_error_line
from .messages import kind_of, msg
from .vietnamese import collation_key, slugify

if TYPE_CHECKING:
    from .content import Document

VIEWS_FILE = "views.csv"  # page views: an address (or a content file) and a count per line
AUTHORS_FILE = "authors.yaml"  # the authors' profiles, by the name articles sign with
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class BlockKind(enum.Enum):
    """What a block of the front page shows."""

    FEATURED = "featured"  # the lead: articles with ``featured:``, by rank then date
    LATEST = "latest"  # the latest news, the list that goes on over page 2, 3 ...
    CATEGORY = "category"  # a category's latest (its children's too), pinned ones first
    SERIES = "series"  # a series' latest
    MOST_READ = "most_read"  # from views.csv; absent without it
    SESSION = "session"  # the session under way or next (sessions.py)
    DOCUMENTS = "documents"  # the newest documents (documents.py)

    @classmethod
    def names(cls) -> str:
        return ", ".join(item.value for item in cls)


NAMED_BLOCKS = frozenset({BlockKind.CATEGORY, BlockKind.SERIES})  # a block of these names which one


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    name: str = ""  # the category's or series' slug
    count: int = 5
    title: str = ""  # its heading; default: the category's or series' name, or the catalogue's


# Without ``front_page:``, the home page is as it always was: the session box and the latest news, with
# the lead and "Xem nhiều" above and below it only once an article is featured or views.csv exists.
DEFAULT_BLOCKS = (Block(BlockKind.SESSION), Block(BlockKind.FEATURED), Block(BlockKind.LATEST), Block(BlockKind.MOST_READ))


@dataclass(frozen=True)
class FrontPage:
    featured: int = 5  # how many articles the lead block holds
    blocks: tuple[Block, ...] = DEFAULT_BLOCKS


class Expiry(enum.Enum):
    """What ``expires:`` does once its moment has passed (site.yaml's ``expired:``)."""

    REMOVE = "remove"  # the article is no longer published: no page, in no list
    NOTICE = "notice"  # its page stays, marked "hết hạn", out of every list, feed, the sitemap and search

    @classmethod
    def names(cls) -> str:
        return ", ".join(item.value for item in cls)


@dataclass(frozen=True)
class Category:
    """A category declared in ``site.yaml``'s ``categories:`` (by its slug)."""

    slug: str
    title: str
    parent: str = ""  # its parent's slug
    description: str = ""
    order: int = 0  # among its siblings; then by title


@dataclass(frozen=True)
class Categories:
    """The tree of categories. Articles name a category by its title or its slug; a category no
    one declared is a category of its own, at the top."""

    declared: tuple[Category, ...] = ()
    by_slug: Mapping[str, Category] = field(default_factory=dict, compare=False, repr=False)
    by_title: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", {c.slug: c for c in self.declared})
        object.__setattr__(self, "by_title", {slugify(c.title): c.slug for c in self.declared})

    def slug_of(self, name: str) -> str:
        """The slug of the category an article names ("Kỳ họp", "ky-hop")."""
        plain = slugify(name)
        return plain if plain in self.by_slug else self.by_title.get(plain, plain)

    def ancestors(self, slug: str) -> list[str]:
        """The slugs of a category's parent, its parent's parent ..., the top one first."""
        found: list[str] = []
        parent = self.by_slug[slug].parent if slug in self.by_slug else ""
        while parent and parent not in found:
            found.insert(0, parent)
            parent = self.by_slug[parent].parent
        return found

    def sort_key(self, slug: str, name: str) -> tuple:
        """Where a category goes in the tree's order: under its ancestors, by ``order``, then title;
        those no one declared (named ``name``) after the tree."""
        if slug not in self.by_slug:
            return (True, collation_key(name))
        return (False, *((self.by_slug[s].order, collation_key(self.by_slug[s].title)) for s in (*self.ancestors(slug), slug)))


@dataclass(frozen=True)
class AuthorProfile:
    """What ``authors.yaml`` says of one author, by the name (pen name) articles sign with."""

    pen_name: str
    name: str = ""  # the full name, when the pen name is not it
    photo: str = ""  # a file of static/, by its address: "tac-gia/tuyet-nhung.jpg"
    bio: str = ""
    line: int | None = None  # of authors.yaml, for messages

    @property
    def photo_file(self) -> str:
        """The photo's file, from the site root (photos.py makes its sizes)."""
        return "static/" + self.photo


# --- site.yaml ------------------------------------------------------------------------------

def front_page_from(given: object) -> tuple[FrontPage, list[tuple[str, str]]]:
    """``front_page:`` as a FrontPage, and its problems as (key to point at, message)."""
    if not isinstance(given, dict):
        return FrontPage(), [("front_page", msg("config_type", field="front_page", expected=msg("expect_dict"), value=given))]
    problems: list[tuple[str, str]] = []
    featured = given.get("featured", FrontPage.featured)
    if isinstance(featured, bool) or not isinstance(featured, int) or featured < 0:
        expected = msg("expect_int")
        problems.append(("front_page.featured", msg("config_type", field="front_page.featured", expected=expected, value=featured)))
        featured = FrontPage.featured
    blocks = []
    for item in given.get("blocks") or []:
        block = _block(item)
        if isinstance(block, str):
            problems.append(("front_page.blocks", block))
        else:
            blocks.append(block)
    return FrontPage(featured, tuple(blocks) if "blocks" in given else DEFAULT_BLOCKS), problems


def _block(item: object) -> Block | str:
    """One entry of ``front_page.blocks``: a kind's name, or ``{category: slug, count: 5, title: ...}``."""
    kinds = {k.value: k for k in BlockKind}
    if isinstance(item, str):
        item = {item: None}
    if not isinstance(item, dict):
        return msg("front_block_bad", value=item, known=BlockKind.names())
    named = [key for key in item if key in kinds]
    if len(named) != 1:
        return msg("front_block_bad", value=item, known=BlockKind.names())
    kind = kinds[named[0]]
    name, count, title = item[named[0]], item.get("count", 5), item.get("title") or ""
    if kind in NAMED_BLOCKS and not (isinstance(name, str) and name.strip()):
        return msg("front_block_needs_name", kind=kind.value)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return msg("config_type", field=f"front_page.blocks.{kind.value}.count", expected=msg("expect_int"), value=count)
    return Block(kind, slugify(str(name)) if kind in NAMED_BLOCKS else "", count, " ".join(str(title).split()))


def categories_from(given: object) -> tuple[Categories, list[tuple[str, str]]]:
    """``categories:`` (slug: {title, parent, description, order}) as the tree, and its problems."""
    if not isinstance(given, dict):
        return Categories(), [("categories", msg("config_type", field="categories", expected=msg("expect_dict"), value=given))]
    problems: list[tuple[str, str]] = []
    declared = []
    for slug, spec in given.items():
        slug, where = str(slug), f"categories.{slug}"
        spec = {"title": spec} if isinstance(spec, str) else spec
        if not _SLUG.match(slug):
            problems.append((where, msg("category_bad_slug", slug=slug)))
        elif not isinstance(spec, dict):
            problems.append((where, msg("category_not_mapping", slug=slug, kind=kind_of(spec))))
        elif not isinstance(spec.get("order", 0), int):
            problems.append((f"{where}.order", msg("config_type", field=f"{where}.order", expected=msg("expect_int"), value=spec["order"])))
        else:
            declared.append(Category(slug, " ".join(str(spec.get("title") or slug).split()), str(spec.get("parent") or ""),
                                     " ".join(str(spec.get("description") or "").split()), spec.get("order", 0)))
    slugs = {c.slug for c in declared}
    for category in declared:
        if category.parent and category.parent not in slugs:
            problems.append((f"categories.{category.slug}.parent",
                             msg("category_parent_unknown", slug=category.slug, parent=category.parent, known=", ".join(sorted(slugs)))))
    tree = Categories(tuple(c for c in declared if not c.parent or c.parent in slugs))
    for category in tree.declared:  # in a loop of parents, each category is its own ancestor
        if category.slug in tree.ancestors(category.slug):
            problems.append((f"categories.{category.slug}.parent", msg("category_cycle", slug=category.slug)))
    return tree, problems


def expiry_from(given: object) -> tuple[Expiry, list[tuple[str, str]]]:
    found = next((e for e in Expiry if e.value == given), None)
    return (found, []) if found else (Expiry.REMOVE, [("expired", msg("expired_bad", value=given, known=Expiry.names()))])


# --- the site model -------------------------------------------------------------------------

def has_expired(doc: Document, now: dt.datetime) -> bool:
    return doc.expires is not None and doc.expires <= now


def is_pinned(doc: Document, now: dt.datetime) -> bool:
    return doc.pinned and (doc.pinned_until is None or now < doc.pinned_until)


def pinned_first(articles: list[Document], now: dt.datetime) -> list[Document]:
    """A category's articles with its pinned ones at the top, each group in its own (date) order."""
    pinned = [doc for doc in articles if doc.pinned and is_pinned(doc, now)]
    if not pinned:
        return articles
    chosen = {id(doc) for doc in pinned}
    return pinned + [doc for doc in articles if id(doc) not in chosen]


def lead_articles(articles: Iterable[Document], size: int) -> list[Document]:
    """The front page's lead block: featured articles by rank (1 first), the same rank newest first."""
    featured = [doc for doc in articles if doc.featured]  # given newest first; sort is stable
    return sorted(featured, key=lambda doc: doc.featured)[:size]


def changes_at(documents: Iterable[Document], now: dt.datetime) -> list[dt.datetime]:
    """The future moments at which the newsroom's fields change pages by themselves: an expiry, a pin's end."""
    return [moment for doc in documents for moment in (doc.expires, doc.pinned_until) if moment is not None and moment > now]


@dataclass(frozen=True)
class Upcoming:
    """Something that will happen at a build after ``moment``: an article published, or expiring."""

    moment: float  # a timestamp
    event: str  # "publish" or "expire"
    title: str
    source: str
    shown: str  # the moment in the site's timezone, as the report writes it: "02/12/2026 08:30"


def upcoming(scheduled: Iterable[Document], published: Iterable[Document], now: dt.datetime) -> tuple[Upcoming, ...]:
    """What future builds will publish or remove, in time order (the manifest keeps it for ``build`` to report)."""
    def event(moment: dt.datetime, kind: str, doc: Document) -> Upcoming:
        return Upcoming(moment.timestamp(), kind, doc.title, doc.source, moment.strftime("%d/%m/%Y %H:%M"))

    events = [event(doc.date, "publish", doc) for doc in scheduled if doc.date and doc.date > now]
    events += [event(doc.expires, "expire", doc) for doc in (*scheduled, *published) if doc.expires and doc.expires > now]
    return tuple(sorted(events, key=lambda e: (e.moment, e.source)))


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` words at 200 a minute (news in Vietnamese reads at about that), at least 1."""
    return max(1, round(words / 200))


# --- views.csv and authors.yaml -------------------------------------------------------------------

def read_views(root: Path, documents: list[Document], base_url: str) -> tuple[dict[str, int], list[Problem], list[Problem]]:
    """Page views by document source, from ``views.csv``: lines of an address (a full URL, a site path
    or a content file) and a count, as a host's logs, an analytics export or ``giaoban import`` give
    them. Returns the views, the errors and the warnings: an address that leads to no item is
    counted and reported once."""
    path = root / VIEWS_FILE
    if not path.is_file():
        return {}, [], []
    by_address = {}
    for doc in documents:
        by_address[doc.source] = by_address[doc.url] = doc.source
    base_path = re.sub(r"^[a-z]+://[^/]+", "", base_url)
    views: dict[str, int] = {}
    unknown: list[str] = []
    problems = []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        address, count = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
        if not count.isdigit():
            if number > 1:  # the first line may be a header
                problems.append(Problem(VIEWS_FILE, number, msg("views_bad_count", value=count)))
            continue
        key = address.removeprefix(base_url).removeprefix(base_path).lstrip("/") if not address.startswith("content/") else address
        source = by_address.get(key) or by_address.get(key + "/")
        if source is None:
            unknown.append(address)
        else:
            views[source] = views.get(source, 0) + int(count)
    warnings = [Problem(VIEWS_FILE, None, msg("views_unknown", count=len(unknown), first=unknown[0]))] if unknown else []
    return views, problems, warnings


def most_read(articles: Iterable[Document], views: Mapping[str, int], count: int) -> list[Document]:
    """The ``count`` listed articles with the most views, the most first; the same views, newest first."""
    read = [doc for doc in articles if views.get(doc.source)]
    return sorted(read, key=lambda doc: -views[doc.source])[:count]


def read_authors(root: Path) -> tuple[dict[str, AuthorProfile], list[Problem]]:
    """The profiles of ``authors.yaml``, by the slug of the name articles sign with."""
    path = root / AUTHORS_FILE
    if not path.is_file():
        return {}, []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as exc:
        return {}, [Problem(AUTHORS_FILE, yaml_error_line(exc, text), msg("config_yaml", problem=exc.problem))]
    if not isinstance(data, dict):
        return {}, [Problem(AUTHORS_FILE, 1, msg("authors_not_mapping"))]
    lines = text.splitlines()
    profiles, problems = {}, []
    for name, given in data.items():
        name = " ".join(str(name).split())
        line = next((n for n, text in enumerate(lines, 1) if text.strip().strip('"\'').startswith(name)), None)
        given = given if isinstance(given, dict) else {"bio": given} if isinstance(given, str) else None
        if given is None or not slugify(name):
            problems.append(Problem(AUTHORS_FILE, line, msg("author_bad", name=name)))
            continue
        photo = str(given.get("photo") or "").lstrip("/")
        if photo and (unsafe_path(photo) or not (root / "static" / photo).is_file()):
            problems.append(Problem(AUTHORS_FILE, line, msg("author_photo_missing", name=name, photo=photo)))
            continue
        profiles[slugify(name)] = AuthorProfile(name, " ".join(str(given.get("name") or "").split()), photo,
                                                " ".join(str(given.get("bio") or "").split()), line)
    return profiles, problems
