"""NukeViet's news module, read from a database export: a MySQL dump (``.sql``, read without a MySQL
server) or a folder of CSV files, one a table, named after it (``nv4_vi_news_rows.csv``).

NukeViet 4 keeps an article in ``<prefix>_<lang>_news_rows`` joined with ``..._news_detail``, its
categories in ``..._news_cat``, tags in ``..._news_tags`` and ``..._news_tags_id``, sources, topics
("dòng sự kiện") and authors in tables of their own. NukeViet 3.4 keeps keywords as a comma list in
the rows and bodies in ``..._news_bodyhtml_N``. The per-category copies ``..._news_<catid>`` repeat
the rows and are not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from .content import FEATURED_UNRANKED
from .errors import ContentError
from .imported import Batch, Imported, ListKind, OldList, Skipped
from .legacy_text import ConversionMemo, decode_legacy, from_legacy, html_to_markdown, html_to_text
from .messages import msg
from .newsroom import Category
from .sqldump import DumpError, Table, read_dump
from .vietnamese import fold, nfc, slugify
from .workers import default_jobs, run_parallel

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # publtime is Unix time; the council's day is in +07:00
OLD_PAGE_SIZE = 20  # articles on a page of a NukeViet category (the news module's default "per_page")
UPLOADS_FOLDER = "news"  # the module's folder under uploads/


class NukeVietDump:
    """A ``.sql`` dump of a NukeViet 4 or 3.4 site."""

    def knows(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() == ".sql"

    def read(self, path: Path, display: str, memo: ConversionMemo) -> Batch:
        try:
            tables = read_dump(decode_legacy(path, display, convert_unicode=False)[0])
        except DumpError as exc:
            raise ContentError(display, msg("import_bad_dump", reason=exc.reason), exc.line) from None
        return read_news(tables, display, memo)


class NukeVietCsv:
    """A folder of CSV files exported from phpMyAdmin or MySQL Workbench, one per table, with a header row."""

    def knows(self, path: Path) -> bool:
        return path.is_dir() and any(path.glob("*_news_rows.csv"))

    def read(self, path: Path, display: str, memo: ConversionMemo) -> Batch:
        tables = {}
        for file in sorted(path.glob("*.csv")):
            text = decode_legacy(file, str(file), convert_unicode=False)[0]
            rows = list(csv.DictReader(text.splitlines(keepends=True)))
            tables[file.stem] = Table(file.stem, list(rows[0]) if rows else [], [_typed(row) for row in rows])
        return read_news(tables, display, memo)


def _typed(row: dict[str, str]) -> dict[str, object]:
    """A CSV row with numbers as numbers and MySQL's NULL as None, as a dump's rows are."""
    return {name: None if value == "NULL" else int(value) if re.fullmatch(r"-?\d+", value or "") else value
            for name, value in row.items()}


def read_news(tables: dict[str, Table], display: str, memo: ConversionMemo) -> Batch:
    rows_tables = [name for name in tables if name.endswith("_news_rows")]
    if not rows_tables:
        raise ContentError(display, msg("import_no_news_table"), 1)
    batch = Batch([])
    for rows_name in rows_tables:
        news = _NukeVietNews(tables, rows_name[: -len("_rows")], display, memo)
        articles, skipped = news.articles()
        batch.articles.extend(articles)
        batch.skipped.extend(skipped)
        batch.lists.extend(news.lists(articles))
        batch.categories.extend(news.category_tree())
    return batch


class _NukeVietNews:
    """One site language's news tables, joined."""

    def __init__(self, tables: dict[str, Table], prefix: str, display: str, memo: ConversionMemo) -> None:
        self.display, self.memo = display, memo

        def rows(suffix: str, key: str) -> dict[object, dict]:
            table = tables.get(prefix + suffix)
            return {row.get(key): row for row in table.rows} if table else {}

        self.rows = tables[prefix + "_rows"].rows
        self.details = rows("_detail", "id")
        self.version_3 = prefix + "_detail" not in tables  # NukeViet 3.4 keeps bodies in tables of their own
        self.bodies = {row.get("id"): row for name, table in tables.items() if re.fullmatch(re.escape(prefix) + r"_bodyhtml_\d+", name)
                       for row in table.rows}  # NukeViet 3.4
        if self.version_3 and not self.bodies and self.rows:
            raise ContentError(display, msg("import_missing_table", table=prefix + "_detail"), 1)
        self.categories = rows("_cat", "catid")
        self.sources = rows("_sources", "sourceid")
        self.topics = rows("_topics", "topicid")
        self.featured = _featured(rows("_block_cat", "bid"), tables.get(prefix + "_block"))
        tag_aliases = {tid: str(row.get("alias") or "") for tid, row in rows("_tags", "tid").items()}
        self.tags: dict[object, list[str]] = {}
        self.tag_aliases: dict[str, str] = {}  # a tag's name -> its old address's name, which keeps its diacritics
        for row in tables[prefix + "_tags_id"].rows if prefix + "_tags_id" in tables else []:
            keyword = nfc(str(row.get("keyword", "")).strip())
            self.tags.setdefault(row.get("id"), []).append(keyword)
            self.tag_aliases.setdefault(keyword, nfc(tag_aliases.get(row.get("tid")) or keyword.lower().replace(" ", "-")))

    def articles(self) -> tuple[list[Imported], list[Skipped]]:
        # Turning HTML into Markdown is most of an import's time (5 ms an article): over every core, and
        # only for bodies the memo does not hold from an earlier import.
        items = [(row, self.memo.key(self.body_of(row))) for row in self.rows]
        self.memo.look_up([key for _, key in items])
        results = list(run_parallel(self.checked_article, items, default_jobs()))
        bad = next((r for r, _ in results if isinstance(r, str)), None)
        if bad is not None:
            raise ContentError(self.display, bad)
        self.memo.new.update(entry for _, entry in results if entry)
        return [r for r, _ in results if isinstance(r, Imported)], [r for r, _ in results if isinstance(r, Skipped)]

    def body_of(self, row: dict) -> str:
        return str((self.details.get(row.get("id")) or self.bodies.get(row.get("id")) or {}).get("bodyhtml") or "")

    def checked_article(self, item: tuple[dict, str]) -> tuple[Imported | Skipped | str, tuple | None]:
        """The row's article, a skip with its reason, or what is wrong with the row (a time that is not
        a number ...); and its body's conversion, for the memo, when it was converted here."""
        row, key = item
        try:
            if not str(row.get("title") or "").strip():
                return Skipped(f"{self.display} (id {row.get('id')})", msg("import_skip_no_title")), None
            converted = self.memo.known.get(key)
            if converted is None:
                body, encoding = from_legacy(self.body_of(row))
                converted = (encoding, html_to_markdown(body))
            return self.article(row, *converted), (key, converted) if key not in self.memo.known else None
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            return msg("import_bad_row", id=row.get("id"), reason=exc), None

    def article(self, row: dict, body_encoding: str, markdown: str) -> Imported:
        number = row.get("id")
        detail = self.details.get(number) or self.bodies.get(number) or {}
        categories = [self.categories[int(c)] for c in str(row.get("listcatid") or row.get("catid") or "").split(",")
                      if c.strip().isdigit() and int(c) in self.categories]
        main = self.categories.get(row.get("catid")) or (categories[0] if categories else {})
        tags = self.tags.get(number) or [t.strip() for t in str(row.get("keywords") or "").split(",")]
        published = dt.datetime.fromtimestamp(int(row.get("publtime") or row.get("addtime") or 0), VIETNAM)
        extra: dict[str, object] = {"nukeviet_id": number}
        if number in self.featured:
            extra["featured"] = self.featured[number]
        expires = dt.datetime.fromtimestamp(int(row["exptime"]), VIETNAM).isoformat() if row.get("exptime") else None
        for name, value in (("chuyen_muc_khac", [c["title"] for c in categories if c is not main]),
                            ("nguon", (self.sources.get(row.get("sourceid")) or {}).get("title") or detail.get("sourcetext")),
                            ("dong_su_kien", (self.topics.get(row.get("topicid")) or {}).get("title")),
                            ("het_han", expires),
                            ("luot_xem", row.get("hitstotal")), ("lien_ket_ngoai", row.get("external_link"))):
            if value:
                extra[name] = value
        alias, category_alias = str(row.get("alias") or ""), str(main.get("alias") or "")
        status = int(row.get("status") or 0)
        (title, hometext, caption), encodings = zip(*(from_legacy(str(v or "")) for v in (
            row.get("title"), row.get("hometext"), row.get("homeimgalt"))))
        image, image_files = _home_image(row)
        attached = tuple(f"{UPLOADS_FOLDER}/{f.strip()}" for f in str(detail.get("files") or "").split(",") if f.strip())
        return Imported(f"{self.display} (id {number})", " ".join(nfc(title).split()), published, (),
                        summary=" ".join(html_to_text(hometext).split()),
                        converted_from=next((e for e in (*encodings, body_encoding) if e), ""),
                        author=nfc(str(row.get("author") or "")).strip(), body=markdown, image=image,
                        image_caption=" ".join(nfc(caption).split()) if image else "",
                        category=nfc(str(main.get("title") or "")), tags=tuple(dict.fromkeys(nfc(t) for t in tags if t)),
                        draft=status not in (1, 2),  # 1: published; 2: waiting for its date, which a future date does here
                        old_slug=alias, extra=extra, aliases=old_addresses(category_alias, alias, number, self.version_3),
                        uploads=image_files + uploads_in(markdown), attachments=attached)

    def category_tree(self) -> list[Category]:
        """The module's categories as site.yaml's ``categories:`` holds them: each under its parent
        (``parentid``), in the old order (``weight``), by the slug of its title (the address it has here)."""
        def slug(row: dict) -> str:
            return slugify(nfc(str(row.get("title") or "")))

        return [Category(slug(row), " ".join(nfc(str(row.get("title"))).split()),
                         slug(self.categories[row["parentid"]]) if row.get("parentid") in self.categories else "",
                         " ".join(html_to_text(nfc(str(row.get("description") or ""))).split()),
                         int(row.get("weight") or 0))
                for row in self.categories.values() if slug(row)]

    def lists(self, articles: list[Imported]) -> list[OldList]:
        """The old addresses of the module's lists: its home and feed, each category's pages and feed,
        each tag and topic. Only those with a published article lead anywhere."""
        published = [a for a in articles if not a.draft]
        in_category = Counter(c for a in published for c in (a.category, *a.extra.get("chuyen_muc_khac", ())))
        lists = [OldList("/vi/news/", ListKind.HOME), OldList("/vi/news/rss/", ListKind.FEED)]
        for category in self.categories.values():
            alias, title = str(category.get("alias") or ""), nfc(str(category.get("title") or ""))
            if not alias or not in_category[title]:
                continue
            lists += [OldList(f"/vi/news/{alias}/", ListKind.CATEGORY, title),
                      OldList(f"/vi/news/rss/{alias}/", ListKind.CATEGORY_FEED, title)]
            lists += [OldList(f"/vi/news/{alias}/page-{n}", ListKind.CATEGORY, title, (n - 1) * OLD_PAGE_SIZE)
                      for n in range(2, math.ceil(in_category[title] / OLD_PAGE_SIZE) + 1)]
            if self.version_3:
                lists.append(OldList(f"/{alias}/", ListKind.CATEGORY, title))
        tagged = {t for a in published for t in a.tags}
        lists += [OldList(f"/vi/news/tag/{alias}", ListKind.TAG, name) for name, alias in self.tag_aliases.items() if name in tagged]
        in_series = {a.extra.get("dong_su_kien") for a in published}
        lists += [OldList(f"/vi/news/topic/{topic.get('alias')}", ListKind.TOPIC, nfc(str(topic.get("title"))))
                  for topic in self.topics.values() if topic.get("alias") and nfc(str(topic.get("title"))) in in_series]
        return lists


def _featured(groups: dict[object, dict], members: Table | None) -> dict[object, int]:
    """The articles of the group of news ("nhóm tin", ``_block_cat``) that led the old front page, by id,
    with their rank there (``_block``'s weight): the group named "Tin tiêu điểm" (or "nổi bật", "hot"),
    else the first one."""
    if not groups or members is None:
        return {}
    named = [bid for bid, row in groups.items() if any(w in fold(str(row.get("title") or "")) for w in ("tieu diem", "noi bat", "hot"))]
    lead = min(named or groups, key=lambda bid: int(bid or 0))
    chosen = sorted((int(row.get("weight") or 0), row.get("id")) for row in members.rows if row.get("bid") == lead)
    return {number: rank for rank, (_, number) in enumerate(chosen, 1) if rank < FEATURED_UNRANKED}


def _home_image(row: dict) -> tuple[str, tuple[str, ...]]:
    """The lead photo (``homeimgfile``): a file of uploads/news/ (thumb 1 or 2) or a full URL (3)."""
    file = str(row.get("homeimgfile") or "").strip()
    if not file:
        return "", ()
    if re.match(r"https?://", file):
        return file, ()
    return f"uploads/{UPLOADS_FOLDER}/{file}", (f"{UPLOADS_FOLDER}/{file}",)


# A Markdown link or image to a file of the old site's uploads/, on its host or on none.
UPLOAD_LINK = re.compile(r"\]\((?:https?://[^/\s)]+)?/uploads/(?P<path>[^\s)]+)")


def uploads_in(markdown: str) -> tuple[str, ...]:
    """The files of the old site's uploads/ a body shows or links to ("news/2014_10/a.jpg")."""
    return tuple(dict.fromkeys(unquote(found.group("path")) for found in UPLOAD_LINK.finditer(markdown)))


def old_addresses(category: str, alias: str, number: object, version_3: bool = False) -> tuple[str, ...]:
    """Every address NukeViet answered an article at: with and without the language and the module,
    its print page, and ``index.php?...`` as links written without rewriting have it; NukeViet 3 also
    as a folder, ``/<Cat>/<Alias>-<id>/``."""
    if not alias:
        return ()
    name = f"{alias}-{number}.html"
    if not category:
        return (f"/vi/news/{name}",)
    addresses = [f"/{prefix}{category}/{name}" for prefix in ("vi/news/", "news/", "vi/", "")]
    addresses += [f"/vi/news/print/{category}/{name}", f"/index.php?language=vi&nv=news&op={category}/{name}"]
    if version_3:
        addresses.append(f"/{category}/{alias}-{number}/")
    return tuple(addresses)
