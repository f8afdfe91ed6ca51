"""``giaoban import``: articles from the council's old NukeViet site, as Markdown an editor would write.

Each kind of source is one reader in READERS: it says whether it knows a path and reads it into
``Imported`` articles. The writer is shared: every article is read (and every problem found) before
anything is written, so a failed import leaves content/ as it was; a file an editor changed since the
last import is never overwritten without ``force``. What the import wrote is remembered in
``.giaoban-import.json`` beside site.yaml, by the digest of each file's text.

Readers so far: a plain-text copy of an article (as the seed in tests/data), and a NukeViet 4 or 3.4
database export (a MySQL dump, read without a MySQL server).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .config import load_config
from .errors import BuildFailed, ContentError, Problem
from .messages import msg
from .scaffold import front_matter
from .sqldump import DumpError, Table, read_dump
from .vietnamese import nfc, slugify
from .workers import default_jobs, run_parallel

STATE_FILE = ".giaoban-import.json"


@dataclass(frozen=True)
class Imported:
    """One article as read from the old site: what its front matter and body will say."""

    source: str  # the file it came from, for the report
    title: str
    date: dt.date | dt.datetime
    paragraphs: tuple[str, ...]  # the body's paragraphs, as written (Markdown escapes are added on writing)
    summary: str = ""
    author: str = ""
    image_caption: str = ""
    extra: dict = field(default_factory=dict)  # what the model has no common field for: kept under clear names
    aliases: tuple[str, ...] = ()
    body: str = ""  # Markdown made from HTML, when the source had HTML rather than plain paragraphs
    category: str = ""
    tags: tuple[str, ...] = ()
    draft: bool = False
    old_slug: str = ""  # the old site's address name: kept, so the new address reads the same
    converted_from: str = ""  # the legacy encoding its text was in ("tcvn3", "vni" ...), converted to Unicode

    @property
    def slug(self) -> str:
        return slugify(self.old_slug) or slugify(self.title)

    def path(self) -> str:
        return f"content/{self.date.year:04d}/{self.date.month:02d}/{self.slug}.md"

    def text(self) -> str:
        fields: dict[str, object] = {"title": self.title, "date": self.date.isoformat()}
        if self.slug != slugify(self.title):
            fields["slug"] = self.slug
        for name, value in (("author", self.author), ("category", self.category), ("tags", list(self.tags)),
                            ("summary", self.summary), ("image_caption", self.image_caption), *self.extra.items(),
                            ("aliases", list(self.aliases)), ("draft", self.draft)):
            if value:
                fields[name] = value
        body = self.body or "\n\n".join(markdown_text(p) for p in self.paragraphs)
        return front_matter(fields) + body + "\n"


class Reader(Protocol):
    def knows(self, path: Path) -> bool: ...

    def read(self, path: Path, display: str) -> list[Imported]:
        """The articles of ``path``; raises ContentError (at a line) when it cannot be read."""


# --- the plain-text copy of an article -----------------------------------------------------

_MONTHS = r"(?P<month>\d{1,2})"
_DATES = (  # "Ngày 02 tháng 10 năm 2014", "ngày 2/10/2014", "Ngày 02-10-2014"
    re.compile(rf"[Nn]gày\s+(?P<day>\d{{1,2}})\s+tháng\s+{_MONTHS}\s+năm\s+(?P<year>\d{{4}})"),
    re.compile(rf"[Nn]gày\s+(?P<day>\d{{1,2}})\s*[/.-]\s*{_MONTHS}\s*[/.-]\s*(?P<year>\d{{4}})"),
)
# The closing line that names who wrote it or where it came from: not body text.
_SIGNATURES = (("author", re.compile(r"^(?:Tác giả bài viết|Tác giả)\s*:\s*(?P<value>.+)$")),
               ("nguon", re.compile(r"^(?:Nguồn tin|Nguồn)\s*:\s*(?P<value>.+)$")))
_INDENT = re.compile(r"^[\s\u00a0]+")
CAPTION_LENGTH = 200  # a photo caption is a line of its own, short, not indented


class PlainTextArticle:
    """An article copied as text from the old site: the title on the first line, the lede, the body
    paragraphs (indented), maybe a photo caption, and "Tác giả bài viết: ..." at the end."""

    def knows(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in (".txt", "")

    def read(self, path: Path, display: str) -> list[Imported]:
        text, converted = _decode_legacy(path, display)
        lines = [line.rstrip() for line in text.split("\n")]
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        if len(numbered) < 2:
            raise ContentError(display, msg("import_text_too_short"), 1)
        (_, title), *rest = numbered
        signatures: dict[str, str] = {}
        while rest and (found := _signature(rest[-1][1])):
            signatures.setdefault(*found)
            rest.pop()
        blocks = [(n, line, bool(_INDENT.match(line))) for n, line in rest]
        lede, caption, paragraphs = _arrange(blocks)
        date = _date_in(lede or " ".join(p for p in paragraphs[:2]))
        if date is None:
            raise ContentError(display, msg("import_no_date"), rest[0][0] if rest else 1)
        extra = {"nguon": signatures["nguon"]} if "nguon" in signatures else {}
        return [Imported(display, " ".join(title.split()), date, tuple(paragraphs), summary=lede,
                         author=signatures.get("author", ""), image_caption=caption, extra=extra, converted_from=converted)]


def _signature(line: str) -> tuple[str, str] | None:
    for name, pattern in _SIGNATURES:
        found = pattern.match(line.strip())
        if found:
            return name, found.group("value").strip()
    return None


def _arrange(blocks: list[tuple[int, str, bool]]) -> tuple[str, str, list[str]]:
    """(lede, photo caption, body paragraphs) from the lines after the title.

    NukeViet shows its summary ("hometext") above the body and the copy keeps both: a first line
    that is not indented and that the next paragraph repeats is the summary, kept once. A short line
    of its own, not indented, right after the opening, is the caption of the photo that stood there.
    """
    texts = [_INDENT.sub("", line) for _, line, _ in blocks]
    lede = ""
    if len(blocks) > 1 and not blocks[0][2] and texts[1].startswith(texts[0][: max(20, len(texts[0]) // 2)]):
        lede, blocks, texts = texts[0], blocks[1:], texts[1:]
    caption = ""
    for index in (1, 0):  # after the first body paragraph, or first of all
        if index < len(blocks) and not blocks[index][2] and len(texts[index]) <= CAPTION_LENGTH and len(blocks) > 1:
            caption = texts.pop(index)
            break
    return lede, caption, texts


def _date_in(text: str) -> dt.date | None:
    for pattern in _DATES:
        found = pattern.search(text)
        if found:
            try:
                return dt.date(int(found.group("year")), int(found.group("month")), int(found.group("day")))
            except ValueError:
                continue
    return None


def _decode_legacy(path: Path, display: str, convert_unicode: bool = True) -> tuple[str, str]:
    """The file's text in NFC, and the legacy encoding it was in ("" for UTF-8). A file of one-byte
    TCVN3 or VNI text is converted; any other bytes that are not UTF-8 are an error at their line.
    UTF-8 text is looked at for legacy characters too, unless ``convert_unicode`` is off (a dump's
    fields are looked at one by one, so that the report names each article converted)."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text, encoding = data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        text, encoding = from_legacy(data.decode("latin-1"))  # each byte as the character old fonts drew over
        if not encoding:
            raise ContentError(display, msg("import_not_utf8", pos=exc.start), data.count(b"\n", 0, exc.start) + 1) from None
    else:
        if convert_unicode:
            text, encoding = from_legacy(text)
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")), encoding


_VIETNAMESE_LETTERS = re.compile("[\u1ea0-\u1ef9\u0110\u0111\u01a0\u01a1\u01af\u01b0]")


def from_legacy(text: str) -> tuple[str, str]:
    """``text`` in Unicode, and the legacy encoding it was typed in (TCVN3, VNI ...), found by viparse;
    text already in Unicode Vietnamese (or not Vietnamese) comes back as it is, with ""."""
    if text.isascii() or _VIETNAMESE_LETTERS.search(text):
        return text, ""
    import viparse  # a legacy file is rare: not loaded by every import

    encoding = viparse.detect_text_encoding(text)
    return (viparse.fix(text, encoding=encoding), encoding) if encoding else (text, "")


# Characters that would make Markdown of a sentence: escaped, so the author's words show exactly as written.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]>|])")
_MARKDOWN_LIST_NUMBER = re.compile(r"^(\d+)([.)]\s)")  # "1. " would start a list: "1\. " does not
_MARKDOWN_START = re.compile(r"^([#>+-])")  # a heading, a quote, a list item ("*" is escaped already)


def markdown_text(paragraph: str) -> str:
    """A paragraph of plain text as Markdown that shows the same text."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", paragraph).replace("<", "&lt;")  # no backslash escape for "<"
    escaped = _MARKDOWN_LIST_NUMBER.sub(r"\1\\\2", escaped)
    return _MARKDOWN_START.sub(r"\\\1", escaped)


# --- a NukeViet database export (a MySQL dump) ---------------------------------------------

class NukeVietDump:
    """NukeViet 4's news module (``<prefix>_<lang>_news_rows`` and the tables beside it) or NukeViet
    3.4's (keywords in the rows, bodies in ``..._news_bodyhtml_N``), from a ``.sql`` dump."""

    def knows(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() == ".sql"

    def read(self, path: Path, display: str) -> list[Imported]:
        try:
            tables = read_dump(_decode_legacy(path, display, convert_unicode=False)[0])
        except DumpError as exc:
            raise ContentError(display, msg("import_bad_dump", reason=exc.reason), exc.line) from None
        rows_tables = [name for name in tables if name.endswith("_news_rows")]
        if not rows_tables:
            raise ContentError(display, msg("import_no_news_table"), 1)
        articles = []
        for rows_name in rows_tables:
            articles += _NukeVietNews(tables, rows_name[: -len("_rows")], display).articles()
        return articles


class _NukeVietNews:
    """One site language's news tables, joined."""

    def __init__(self, tables: dict[str, Table], prefix: str, display: str) -> None:
        self.display = display

        def rows(suffix: str, key: str) -> dict[object, dict]:
            table = tables.get(prefix + suffix)
            return {row.get(key): row for row in table.rows} if table else {}

        self.rows = tables[prefix + "_rows"].rows
        self.details = rows("_detail", "id")
        self.version_3 = prefix + "_detail" not in tables  # NukeViet 3.4 keeps bodies in tables of their own
        self.bodies = {row.get("id"): row for name, table in tables.items() if re.fullmatch(re.escape(prefix) + r"_bodyhtml_\d+", name)
                       for row in table.rows}  # NukeViet 3.4
        self.categories = rows("_cat", "catid")
        self.sources = rows("_sources", "sourceid")
        self.topics = rows("_topics", "topicid")
        self.tags: dict[object, list[str]] = {}
        for row in tables[prefix + "_tags_id"].rows if prefix + "_tags_id" in tables else []:
            self.tags.setdefault(row.get("id"), []).append(str(row.get("keyword", "")).strip())

    def articles(self) -> list[Imported]:
        # Turning HTML into Markdown is most of an import's time (5 ms an article): over every core.
        results = list(run_parallel(self.checked_article, self.rows, default_jobs()))
        bad = next((r for r in results if isinstance(r, str)), None)
        if bad is not None:
            raise ContentError(self.display, bad)
        return results

    def checked_article(self, row: dict) -> Imported | str:
        """The row's article, or what is wrong with the row (a time that is not a number ...), naming it."""
        try:
            return self.article(row)
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            return msg("import_bad_row", id=row.get("id"), reason=exc)

    def article(self, row: dict) -> Imported:
        number = row.get("id")
        detail = self.details.get(number) or self.bodies.get(number) or {}
        categories = [self.categories[int(c)] for c in str(row.get("listcatid") or row.get("catid") or "").split(",")
                      if c.strip().isdigit() and int(c) in self.categories]
        main = self.categories.get(row.get("catid")) or (categories[0] if categories else {})
        tags = self.tags.get(number) or [t.strip() for t in str(row.get("keywords") or "").split(",")]
        published = dt.datetime.fromtimestamp(int(row.get("publtime") or row.get("addtime") or 0), _VIETNAM)
        extra = {"nukeviet_id": number}
        expires = dt.datetime.fromtimestamp(int(row["exptime"]), _VIETNAM).isoformat() if row.get("exptime") else None
        for name, value in (("chuyen_muc_khac", [c["title"] for c in categories if c is not main]),
                            ("nguon", (self.sources.get(row.get("sourceid")) or {}).get("title") or detail.get("sourcetext")),
                            ("dong_su_kien", (self.topics.get(row.get("topicid")) or {}).get("title")),
                            ("het_han", expires),
                            ("luot_xem", row.get("hitstotal")), ("lien_ket_ngoai", row.get("external_link"))):
            if value:
                extra[name] = value
        alias, category_alias = str(row.get("alias") or ""), str(main.get("alias") or "")
        status = int(row.get("status") or 0)
        (title, hometext, body), encodings = zip(*(from_legacy(str(v or "")) for v in (row.get("title"), row.get("hometext"),
                                                                                      detail.get("bodyhtml"))))
        return Imported(f"{self.display} (id {number})", " ".join(nfc(title).split()), published, (),
                        summary=" ".join(html_to_text(hometext).split()), converted_from=next((e for e in encodings if e), ""),
                        author=nfc(str(row.get("author") or "")).strip(), body=html_to_markdown(body),
                        category=nfc(str(main.get("title") or "")), tags=tuple(dict.fromkeys(nfc(t) for t in tags if t)),
                        draft=status not in (1, 2),  # 1: published; 2: waiting for its date, which a future date does here
                        old_slug=alias, extra=extra, aliases=old_addresses(category_alias, alias, number, self.version_3))


_VIETNAM = dt.timezone(dt.timedelta(hours=7))


def old_addresses(category: str, alias: str, number: object, version_3: bool = False) -> tuple[str, ...]:
    """Every address NukeViet answered an article at: with and without the language and the module;
    NukeViet 3 also as a folder, ``/<Cat>/<Alias>-<id>/``."""
    if not alias:
        return ()
    name = f"{alias}-{number}.html"
    addresses = [f"/{prefix}{category}/{name}" for prefix in ("vi/news/", "news/", "vi/", "")] if category else [f"/vi/news/{name}"]
    if version_3 and category:
        addresses.append(f"/{category}/{alias}-{number}/")
    return tuple(addresses)


def html_to_markdown(fragment: str) -> str:
    """An old body's HTML as clean Markdown: paragraphs, headings, lists, links, tables, images; no
    <font>, inline styles, empty paragraphs, runs of &nbsp; nor Word markup."""
    from markdownify import markdownify

    fragment = re.sub(r"<!--.*?-->|</?(?:o:p|font|span)[^>]*>", "", nfc(fragment), flags=re.DOTALL)
    text = markdownify(fragment, heading_style="ATX", bullets="-", strip=["script", "style"])
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text.replace("\u00a0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


READERS: list[Reader] = [NukeVietDump(), PlainTextArticle()]


# --- writing ---------------------------------------------------------------------------------

class Outcome(enum.Enum):
    """What the import did with one article's file."""

    NEW = "new"
    UPDATED = "updated"  # the import's own earlier text, replaced by the new one
    UNCHANGED = "unchanged"
    KEPT = "kept"  # an editor changed it since: not overwritten without --force


@dataclass(frozen=True)
class ImportOptions:
    source: Path = Path(".")
    inputs: tuple[Path, ...] = ()
    force: bool = False  # overwrite files an editor changed since the last import
    dry_run: bool = False  # read and report, write nothing


@dataclass(frozen=True)
class ImportReport:
    outcomes: dict[str, Outcome]  # the article's file (relative to the site root) -> what was done
    converted: dict[str, str] = field(default_factory=dict)  # where an article came from -> its legacy encoding

    def count(self, outcome: Outcome) -> int:
        return sum(o is outcome for o in self.outcomes.values())


def import_sources(options: ImportOptions) -> ImportReport:
    """Read every input, then write the articles whose files may be written. Raises BuildFailed
    with every problem found, before anything is written."""
    config = load_config(options.source)
    root = config.root
    articles, problems = _read_all(options.inputs)
    articles = with_new_links(articles, config.types["article"].url, config.base_path)
    plan: dict[str, Imported] = {}
    for article in articles:
        other = plan.setdefault(article.path(), article)
        if other is not article:
            problems.append(Problem(article.source, None, msg("import_same_path", path=article.path(), other=other.source)))
    if problems:
        raise BuildFailed(problems)
    state = _load_state(root)
    outcomes, writes = {}, []
    for path, article in sorted(plan.items()):
        text, target = article.text(), root / path
        outcomes[path] = _outcome(target, text, state.get(path), options.force)
        if outcomes[path] in (Outcome.NEW, Outcome.UPDATED):
            writes.append((target, text))
        if outcomes[path] is not Outcome.KEPT:
            state[path] = _digest(text)
    if not options.dry_run:
        for target, text in writes:
            _write_replacing(target, text)
        if writes or outcomes:
            _write_replacing(root / STATE_FILE, json.dumps(dict(sorted(state.items())), ensure_ascii=False, indent=1) + "\n")
    return ImportReport(outcomes, {a.source: a.converted_from for a in articles if a.converted_from})


def with_new_links(articles: list[Imported], pattern: str, base_path: str) -> list[Imported]:
    """The articles with the links of their bodies to an old address of an imported article made
    links to its new page (on any host: the old site's own links name it, or none)."""
    new = {alias: base_path + pattern.format(year=f"{a.date.year:04d}", month=f"{a.date.month:02d}", day=f"{a.date.day:02d}",
                                             slug=a.slug).lstrip("/") for a in articles for alias in a.aliases}
    if not new:
        return articles

    def relink(match: re.Match) -> str:
        target = new.get("/" + match.group("path").lstrip("/"))
        return f"]({target})" if target else match.group(0)

    link = re.compile(r"\]\((?:https?://[^/\s)]+)?(?P<path>/[^\s)]+)\)")
    return [dataclasses.replace(a, body=link.sub(relink, a.body)) if a.body else a for a in articles]


def _read_all(inputs: tuple[Path, ...]) -> tuple[list[Imported], list[Problem]]:
    articles: list[Imported] = []
    problems: list[Problem] = []
    for path in (p for given in inputs for p in (sorted(q for q in given.rglob("*") if q.is_file()) if given.is_dir() else [given])):
        display = str(path)
        if not path.exists():
            problems.append(Problem(display, None, msg("import_missing_source")))
            continue
        reader = next((r for r in READERS if r.knows(path)), None)
        if reader is None:
            problems.append(Problem(display, None, msg("import_unknown_source")))
            continue
        try:
            articles += reader.read(path, display)
        except ContentError as exc:
            problems.append(exc.problem)
    return articles, problems


def _outcome(target: Path, text: str, imported: str | None, force: bool) -> Outcome:
    if not target.exists():
        return Outcome.NEW
    current = target.read_text(encoding="utf-8", errors="replace")
    if current == text:
        return Outcome.UNCHANGED
    # Ours to replace only if it is what the last import wrote; an editor's work is kept.
    return Outcome.UPDATED if force or imported == _digest(current) else Outcome.KEPT


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load_state(root: Path) -> dict[str, str]:
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_replacing(target: Path, text: str) -> None:
    """Write beside the target, then rename: a reader (or a build) never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
