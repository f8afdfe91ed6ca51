"""The content model: reading Markdown files with YAML front matter into validated documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import yaml

from .content_types import ContentType, FieldKind, FieldSpec
from .errors import BuildFailed, ContentError, Problem, yaml_error_line
from .messages import kind_of, msg
from .vietnamese import nfc, slugify

if TYPE_CHECKING:
    from .models import TypeModel


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML, C-accelerated when available, that leaves timestamps as text for our own date rules."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

# The newsroom's fields (featured, series ...) are common too: any dated type may carry them.
NEWSROOM_FIELDS = {"featured", "pinned", "series", "categories", "expires", "source", "source_url", "external_url",
                   "seo_title", "seo_description"}
# The names ``giaoban import`` writes (nukeviet.py), as NukeViet's editors know them: read as the field they stand for.
VIETNAMESE_NAMES = {"dong_su_kien": "series", "chuyen_muc_khac": "categories", "het_han": "expires", "nguon": "source",
                    "lien_ket_ngoai": "external_url"}
COMMON_FIELDS = {"title", "date", "updated", "slug", "tags", "category", "author", "summary", "image",
                 "image_caption", "draft", "template", "aliases", "attachments", "gallery", "lang", "translation_key",
                 *NEWSROOM_FIELDS, *VIETNAMESE_NAMES}
FEATURED_UNRANKED = 1000  # ``featured: true``: after every article given a rank (``featured: 1`` leads)
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Front matter is a few fields; these bounds keep a hostile file's cost small (a "billion laughs"
# of YAML aliases expands to far more than MAX_NODES, and is stopped while it is counted).
MAX_FRONT_MATTER = 100_000  # characters
MAX_NODES = 10_000  # values, each repetition of an alias counted again
MAX_DEPTH = 20  # lists and mappings inside one another
_UNSAFE_PATH = re.compile(r"[\\\x00-\x1f\x7f]|(?:^|/)\.\.(?:/|$)")


@dataclass(frozen=True)
class GalleryPhoto:
    """One photo of an article's ``gallery:``: a path as ``image:`` takes, and its caption."""

    file: str
    caption: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file an editor lists under ``attachments:``, stored beside the document."""

    file: str  # path relative to the site root, with "/": "content/van-ban/nq-15.pdf"
    title: str
    line: int  # of the ``attachments:`` field, for messages

    @property
    def name(self) -> str:
        return self.file.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)  # tens of thousands live through a build: no per-object __dict__
class Document:
    """One content file as parsed: an article (dated, in content/YYYY/MM/), a standing page
    (content/pages/), or an item of any other type of the registry (content_types.py).

    A record of what the file says and where it is published, complete once parsing is done;
    its converted body lives in the store (store.py) under ``digest``.
    """

    source: str  # path relative to the site root, with "/"
    kind: str  # the name of its content type: "article", "page", "van-ban" ...
    title: str
    slug: str
    body: str  # Markdown source, until markup.py has made the HTML the store keeps
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None  # the main one: the first of ``categories``
    authors: tuple[str, ...] = ()
    summary: str | None = None
    image: str | None = None
    image_caption: str | None = None
    draft: bool = False
    template: str | None = None
    aliases: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    extra: dict = field(default_factory=dict, hash=False)  # the type's declared fields (checked) and any other field
    body_line: int = 1  # line of the file where the Markdown body starts
    digest: str = ""  # hash of the source bytes and parse settings: what output keys build on
    toc: str = ""  # the table of contents of its headings, as HTML
    url: str = ""  # site-relative, from its type's URL pattern
    warnings: tuple[Problem, ...] = ()  # found when it was parsed (raw HTML removed): check and build report them
    references: tuple[str, ...] = ()  # the documents its body links to by number ("van-ban:15/2024/NQ-HĐND")
    images: tuple[str, ...] = ()  # the ``src`` of its body's images, as the HTML has them (photos.py)
    gallery: tuple[GalleryPhoto, ...] = ()
    lang: str = ""  # its language's code: from its folder (content/en/), its ``lang:`` field, or the site's default
    translation_key: str = ""  # what joins it to its translations: ``translation_key:``, or its path without the language folder
    # The newsroom (newsroom.py): what leads the front page, the series it belongs to, when it expires.
    categories: tuple[str, ...] = ()  # every category it is filed in, its main one first
    featured: int = 0  # its rank in the front page's lead block ("Tiêu điểm"); 0: not there
    pinned: bool = False  # kept at the top of its categories' lists ...
    pinned_until: dt.datetime | None = None  # ... until then (None: for as long as it is pinned)
    series: str | None = None  # the series ("dòng sự kiện") it belongs to
    expires: dt.datetime | None = None  # when it leaves lists, feeds, sitemap and search (site.yaml's ``expired``)
    news_source: str | None = None  # ``source:``, where the news came from: "Nguồn: Báo Cao Bằng"
    news_source_url: str | None = None  # ``source_url:``
    external_url: str | None = None  # an article that only links out: lists and feeds lead there
    seo_title: str | None = None  # for search engines and shares, when it should differ from the title shown
    seo_description: str | None = None
    words: int = 0  # of its text, for the reading time


def read_text(path: Path, display: str) -> str:
    """File text as NFC with "\\n" line ends; a BOM is dropped. Errors name the line of a bad byte."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(display, msg("not_utf8", pos=exc.start), line) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str, display: str) -> tuple[dict, str, int, str]:
    """Split ``---`` YAML front matter from the body. Returns (fields, body, body line, yaml text)."""
    if not text.startswith("---\n"):
        raise ContentError(display, msg("no_front_matter"), 1)
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise ContentError(display, msg("unclosed_front_matter"), 1)
    head = text[4:4 + end.start()]
    body = text[4 + end.end():].lstrip("\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    if len(head) > MAX_FRONT_MATTER:
        raise ContentError(display, msg("front_matter_too_long", size=len(head) // 1000, limit=MAX_FRONT_MATTER // 1000), 2)
    try:
        fields = yaml.load(head, Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader)
    except yaml.constructor.ConstructorError as exc:  # "!!python/object" and friends: refused, never run
        line = yaml_error_line(exc, head, first_line=2)
        raise ContentError(display, msg("yaml_tag_refused", tag=_tag_of(exc)), line) from None
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, head, first_line=2)
        raise ContentError(display, msg("yaml_syntax", problem=exc.problem or exc.context), line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not take (a control character)
        line = head.count("\n", 0, exc.position) + 2
        raise ContentError(display, msg("yaml_bad_character", code=f"U+{exc.character:04X}"), line) from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise ContentError(display, msg("front_matter_not_mapping", kind=kind_of(fields)), 2)
    if (name := first_unbounded(fields)) is not None:
        raise ContentError(display, msg("front_matter_too_complex", field=name, nodes=MAX_NODES, depth=MAX_DEPTH),
                           _field_line(head, str(name)))
    return fields, body, body_line, head


def _tag_of(exc: yaml.constructor.ConstructorError) -> str:
    found = re.search(r"tag '([^']*)'", str(exc.problem or ""))
    return found.group(1).replace("tag:yaml.org,2002:", "!!") if found else "?"


def first_unbounded(fields: dict) -> object | None:
    """The first field of YAML ``fields`` over the bounds (``_within_bounds``), or None."""
    return next((name for name, value in fields.items() if not _within_bounds(value)), None)


def _within_bounds(value: object) -> bool:
    """Whether ``value`` holds at most MAX_NODES values, nested at most MAX_DEPTH deep (walked
    without recursion, stopping as soon as it is over: bounded time however it was built)."""
    pending, seen = [(value, 0)], 0
    while pending:
        item, depth = pending.pop()
        seen += 1
        if seen > MAX_NODES or depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            pending += [(child, depth + 1) for pair in item.items() for child in pair]
        elif isinstance(item, list):
            pending += [(child, depth + 1) for child in item]
    return True


def _field_line(head: str, name: str, missing: int = 2) -> int:
    """The file line of ``name:`` in front matter ``head`` (which starts on line 2), or ``missing``."""
    match = re.search(rf"^{re.escape(name)}\s*:", head, re.MULTILINE)
    return head.count("\n", 0, match.start()) + 2 if match else missing


def unsafe_path(value: str) -> bool:
    """A backslash, a control character (NUL included) or a ".." step: never part of a name we publish."""
    return _UNSAFE_PATH.search(value) is not None


def load_document(path: Path, root: Path, tz: ZoneInfo, content_type: ContentType, model: TypeModel | None = None) -> Document:
    """Read and validate one content file of ``content_type`` (and of its ``model``, models.py).
    Raises ``ContentError`` for the first problem found."""
    display = path.relative_to(root).as_posix()
    text = read_text(path, display)
    fields, body, body_line, head = split_front_matter(text, display)
    reader = FieldReader(display, head, fields, tz)
    if model is None:
        return reader.document(content_type, body, body_line)
    known = fields.keys()  # before the model fills in what it derives
    model.fill(reader, content_type)
    doc = reader.document(content_type, body, body_line)
    doc = model.check(doc, reader, content_type)
    # A register knows every field it takes: any other is a mistake, or data it must not publish
    # (a delegate's birth date): reported, and kept from every template.
    own = COMMON_FIELDS | {spec.name for spec in content_type.fields} | model.own_fields
    unknown = [name for name in known if name not in own]
    if not unknown:
        return doc
    takes = ", ".join(sorted(own - COMMON_FIELDS))
    warnings = tuple(Problem(display, reader.line_of(name), msg("unknown_field", field=name, known=takes)) for name in unknown)
    return dataclasses.replace(doc, warnings=doc.warnings + warnings, extra={k: v for k, v in doc.extra.items() if k not in unknown})


class FieldReader:
    """Validates front matter fields one by one, each error pointing at the field's line."""

    def __init__(self, display: str, head: str, fields: dict, tz: ZoneInfo) -> None:
        self.display, self.head, self.tz = display, head, tz
        self.fields = dict(fields)
        self.written_as: dict[str, str] = {}  # a field read under its Vietnamese name: for its line
        for vietnamese, name in VIETNAMESE_NAMES.items():
            if vietnamese in fields and name not in fields:
                self.fields[name] = self.fields.pop(vietnamese)
                self.written_as[name] = vietnamese
        self.attachment_field = "attachments"  # a document's model reads them from its ``file:``

    def fail(self, field_name: str, message: str) -> ContentError:
        return ContentError(self.display, message, self.line_of(field_name))

    def line_of(self, field_name: str) -> int:
        return _field_line(self.head, self.written_as.get(field_name, field_name), missing=1)

    def document(self, content_type: ContentType, body: str, body_line: int) -> Document:
        title = self.title()
        date = self.date("date", required=content_type.dated)
        declared = {spec.name: self.declared(spec, content_type.name) for spec in content_type.fields}
        categories = self.categories()
        pinned = self.fields.get("pinned")
        return Document(
            source=self.display, kind=content_type.name, title=title, slug=self.slug(title), body=body, body_line=body_line,
            date=date, updated=self.date("updated", required=False), tags=self.terms(self.text_list("tags"), "tags"),
            category=categories[0] if categories else None, categories=categories, authors=self.terms(self.authors(), "author"),
            featured=self.featured(), pinned=pinned not in (None, False), series=self.terms((self.text("series"),), "series")[0],
            pinned_until=None if isinstance(pinned, bool) or pinned is None else self.date("pinned", required=False),
            expires=self.date("expires", required=False), news_source=self.text("source"),
            news_source_url=self.web_address("source_url"),
            external_url=self.web_address("external_url"), seo_title=self.text("seo_title"), seo_description=self.text("seo_description"),
            summary=self.text("summary"), image=self.safe_path("image", self.text("image")),
            image_caption=self.text("image_caption"), draft=self.flag("draft"), template=self.text("template"),
            aliases=self.text_list("aliases"), attachments=self.attachments(),  # aliases: checked with the others (aliases.py)
            gallery=self.gallery(), lang=self.text("lang") or "", translation_key=self.text("translation_key") or "",
            extra={**{k: v for k, v in self.fields.items() if k not in COMMON_FIELDS}, **declared},
        )

    def categories(self) -> tuple[str, ...]:
        """``category:`` and ``categories:`` together, the main one first, each once."""
        main = self.terms((self.text("category"),), "category")[0]
        others = self.terms(self.one_or_more("categories"), "categories") if self.fields.get("categories") not in (None, "", []) else ()
        return tuple(dict.fromkeys(name for name in (main, *others) if name))

    def featured(self) -> int:
        """``featured: true`` or a rank (1 leads); false, absent: 0."""
        value = self.fields.get("featured", False)
        if value is True:
            return FEATURED_UNRANKED
        if value is False or value is None:
            return 0
        if isinstance(value, int) and 1 <= value < FEATURED_UNRANKED:
            return value
        raise self.fail("featured", msg("bad_featured", value=value))

    def web_address(self, name: str) -> str | None:
        """A link out: an http(s) address, or a site-relative path."""
        value = self.text(name)
        if value is not None and not re.match(r"^(https?://[^\s/]+|/)[^\s]*$", value):
            raise self.fail(name, msg("bad_web_address", field=name, value=value))
        return value

    def terms(self, values: tuple, field_name: str) -> tuple:
        """Tags, a category or authors, each of which must make an address of its own page."""
        for value in values:
            if value is not None and not slugify(value):
                raise self.fail(field_name, msg("term_no_slug", field=field_name, value=value))
        return values

    def safe_path(self, field_name: str, value: str | None) -> str | None:
        if value is not None and unsafe_path(value):
            raise self.fail(field_name, msg("unsafe_path", field=field_name, value=value.encode("unicode_escape").decode()))
        return value

    def declared(self, spec: FieldSpec, type_name: str) -> object:
        """A field the content type declares, checked against its kind (missing: its default)."""
        if self.fields.get(spec.name) in (None, "", []):
            if spec.required:
                raise self.fail(spec.name, msg("missing_field", field=spec.name, type=type_name))
            return spec.default
        readers = {FieldKind.TEXT: self.text, FieldKind.DATE: self.optional_date, FieldKind.LIST: self.one_or_more,
                   FieldKind.BOOL: self.flag, FieldKind.NUMBER: self.number}
        return readers[spec.kind](spec.name)

    def optional_date(self, name: str) -> dt.datetime | None:
        return self.date(name, required=False)

    def one_or_more(self, name: str) -> tuple[str, ...]:
        """A list of texts, where one text alone is a list of one."""
        return self.text_list(name) if isinstance(self.fields[name], list) else (self.text(name),)

    def number(self, name: str) -> int | float:
        value = self.fields[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(name, msg("not_number", field=name))
        return value

    def attachments(self) -> tuple[Attachment, ...]:
        """``attachments:`` as a file name, a list of names, or a list of ``{file, title}``."""
        name_of_field = self.attachment_field
        folder = self.display.rsplit("/", 1)[0]
        found = []
        for name, title in self.files_with_labels(name_of_field, "title", "attachment_bad"):
            path = posixpath.normpath(posixpath.join(folder, name))
            if not path.startswith("content/"):
                raise self.fail(name_of_field, msg("attachment_outside", file=name))
            found.append(Attachment(path, title or path.rsplit("/", 1)[-1], self.line_of(name_of_field)))
        return tuple(found)

    def gallery(self) -> tuple[GalleryPhoto, ...]:
        """``gallery:`` as a list of photo paths, or of ``{file, caption}``."""
        return tuple(GalleryPhoto(name, caption) for name, caption in self.files_with_labels("gallery", "caption", "gallery_bad"))

    def files_with_labels(self, field_name: str, label: str, bad: str) -> list[tuple[str, str]]:
        """A field of files: a path, a list of paths, or a list of ``{file, <label>}``; as (path, label or "")."""
        value = self.fields.get(field_name)
        found = []
        for item in [] if value is None else value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                name, text = item["file"], item.get(label)
            elif isinstance(item, str):
                name, text = item, None
            else:
                raise self.fail(field_name, msg(bad, kind=kind_of(item)))
            self.safe_path(field_name, name)
            found.append((nfc(name.strip()), " ".join(str(text).split()) if text not in (None, "") else ""))
        return found

    def title(self) -> str:
        if "title" not in self.fields:
            raise self.fail("title", msg("missing_title"))
        value = self.fields["title"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail("title", msg("title_not_text", kind=kind_of(value)))
        if not value.strip():
            raise self.fail("title", msg("empty_title"))
        return " ".join(value.split())

    def date(self, name: str, required: bool) -> dt.datetime | None:
        value = self.fields.get(name)
        if value is None or value == "":
            if required:
                raise self.fail(name, msg("missing_date"))
            return None
        return self.date_value(name, value)

    def date_value(self, name: str, value: object) -> dt.datetime:
        """A date written in field ``name`` (maybe inside a list) as a moment in the site's timezone."""
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise self.fail(name, msg("bad_date", field=name, value=value)) from None
        # Shown and filed in the site's timezone; a date without an offset already means it.
        return parsed.astimezone(self.tz) if parsed.tzinfo else parsed.replace(tzinfo=self.tz)

    def slug(self, title: str) -> str:
        value = self.fields.get("slug")
        if value is None:
            slug = slugify(title)
            if not slug:
                raise self.fail("title", msg("empty_slug"))
            return slug
        value = str(value)
        if not _SLUG_RE.match(value):
            raise self.fail("slug", msg("bad_slug", value=value))
        return value

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.fail(name, msg("not_text", field=name, kind=kind_of(value)))
        return value.strip() or None

    def text_list(self, name: str) -> tuple[str, ...]:
        value = self.fields.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(name, msg("not_a_list", field=name))
        items = []
        for item in value:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str):
                raise self.fail(name, msg("list_item_not_text", field=name, kind=kind_of(item)))
            if item.strip() and " ".join(item.split()) not in items:
                items.append(" ".join(item.split()))
        return tuple(items)

    def authors(self) -> tuple[str, ...]:
        if isinstance(self.fields.get("author"), list):
            return self.text_list("author")
        author = self.text("author")
        return (author,) if author else ()

    def flag(self, name: str) -> bool:
        value = self.fields.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(name, msg("not_bool", field=name))
        return value


def line_of_field(path: Path, name: str) -> int | None:
    """The line of ``name:`` in a file's front matter, for errors found after loading."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), 1):
        if line.startswith(f"{name}:"):
            return number
    return None


def visible_files(directory: Path, pattern: str = "*") -> list[Path]:
    """Files under ``directory`` matching ``pattern``, sorted; hidden files and folders skipped."""
    return [Path(path) for path in visible_paths(directory, pattern)]


def visible_paths(directory: Path, pattern: str = "*") -> list[str]:
    """``visible_files`` as strings, for walks over thousands of files.

    A symbolic link to a file outside the site (the folder holding ``directory``) would publish
    that file: every such link is an error, and nothing is read through it.
    """
    found: list[str] = []
    leaving: list[str] = []
    site = os.path.realpath(directory.parent) + os.sep

    def walk(folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                elif entry.is_file() and fnmatch.fnmatchcase(entry.name, pattern):
                    if entry.is_symlink() and not os.path.realpath(entry.path).startswith(site):
                        leaving.append(entry.path)
                    else:
                        found.append(entry.path)

    if directory.is_dir():
        walk(str(directory))
    if leaving:
        raise BuildFailed([Problem(os.path.relpath(path, directory.parent), None, msg("link_outside_site_file"))
                           for path in sorted(leaving)])
    return sorted(found)


def discover(content_dir: Path) -> list[str]:
    """Every file under ``content/`` (as a path string), in a stable order; hidden ones skipped.

    Markdown files are documents; the others may be their attachments.
    """
    return visible_paths(content_dir)


def is_document(name: str) -> bool:
    return name.endswith(".md")
