"""``du-lieu/noi-dung.json``: every public item of the site as data, for other state systems.

One file lists the articles, pages and items of every other content type that joins the sitemap
(what a reader may see: no drafts, nothing future-dated), each with its address, dates, people,
categories and the fields its type declares, so that a portal or an archive can harvest the site
without scraping its pages.

At 100,000 articles the file is 87 MB. Each item's record is kept, as JSON, in the build cache
beside the key of what it was made from, so that a rebuild after one edit makes one record again
and writes the others as they were, read back one by one (the register's items, which show their
relations to others, are made every time).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import TYPE_CHECKING, Iterator

from .cache import digest, kept_database
from .content import Document
from .content_types import Feature
from .public import absolute_url, public_items

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

FORMAT = "giaoban-open-data/1"  # changes when a field changes meaning; new fields may come without it


def data_record(project: Project, doc: Document) -> dict:
    """One item as data: what its page says about it, in plain JSON values."""
    config = project.config
    register = project.site.registers.get(doc.kind)
    return {
        "type": doc.kind, "title": doc.title, "url": absolute_url(config, doc.url),
        "date": _plain(doc.date), "updated": _plain(doc.updated), "summary": doc.summary or "",
        "authors": list(doc.authors), "category": doc.category, "categories": list(doc.categories), "tags": list(doc.tags),
        "series": doc.series, "source": doc.news_source, "source_url": doc.news_source_url, "external_url": doc.external_url,
        "expires": _plain(doc.expires),
        "fields": {spec.name: _plain(doc.extra.get(spec.name)) for spec in config.types[doc.kind].fields},
        "attachments": [{"url": absolute_url(config, a.url), "title": a.title, "type": a.file_type, "size": a.size}
                        for a in project.site.attachments.get(doc.source, ())],
        **({"register": register.item_data(doc)} if register else {}),
    }



def _plain(value: object) -> object:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


# Each item's record kept, as JSON, in an SQLite file of the build cache, with the key of what it
# was made from and its place in the file (newest first, then by address), so that a rebuild makes
# the records of the items that changed and reads every record back in order, a row at a time.
# ``settings.written`` is the hash of the file last made from the rows: while no row changes, the
# output's file of that hash is the file (a body edit seldom changes a record: 87 MB not read again).
SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (digest TEXT, written TEXT);
CREATE TABLE IF NOT EXISTS records (source TEXT PRIMARY KEY, key TEXT, newest REAL, url TEXT, record BLOB);
CREATE INDEX IF NOT EXISTS in_file_order ON records (newest, url);
"""


def update_records(project: Project, connection: sqlite3.Connection) -> str | None:
    """Bring the records kept in ``connection`` (``SCHEMA``) up to date: made again where the key of
    an item's record changed. Returns the hash of the file the rows made last, if no row changed since."""
    settings = digest(repr(project.config))  # the code's version is the cache's (BuildCache.database)
    kept = connection.execute("SELECT digest, written FROM settings").fetchall()
    if not kept or kept[0][0] != settings:
        for statement in ("DELETE FROM records", "DELETE FROM settings"):
            connection.execute(statement)
        connection.execute("INSERT INTO settings VALUES (?, NULL)", (settings,))
        kept = [(settings, None)]
    items = public_items(project.site, Feature.SITEMAP)
    known = dict(connection.execute("SELECT source, key FROM records"))
    same = True
    for doc in items:
        key = _record_key(project, doc)
        if not key or known.get(doc.source) != key:  # a register's item (no key) is made every time
            row = (-(doc.date.timestamp() if doc.date else 0), doc.url, _json(data_record(project, doc)))
            if same:  # often a new key but the same record: an edit of the body
                same = doc.source in known and connection.execute(
                    "SELECT newest, url, record FROM records WHERE source = ?", (doc.source,)).fetchone() == row
            connection.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", (doc.source, key, *row))
    gone = known.keys() - {doc.source for doc in items}
    connection.executemany("DELETE FROM records WHERE source = ?", [(source,) for source in gone])
    return kept[0][1] if same and not gone else None


def data_pieces(project: Project, connection: sqlite3.Connection) -> Iterator[bytes]:
    """The data file, a piece at a time, from the records kept in ``connection`` (``update_records``)."""
    head = _json({
        "format": FORMAT,
        "site": project.config.title,
        "publisher": project.config.agency.name or project.config.title,
        "url": absolute_url(project.config, project.config.prefix),
        "language": project.config.language,
        "items": [],
    })
    # The same bytes as the whole object dumped at once: "items" is its last member.
    yield head[:-2]
    separator = b""
    for (record,) in connection.execute("SELECT record FROM records ORDER BY newest, url"):
        yield separator + record
        separator = b","
    yield b"]}"


def _record_key(project: Project, doc: Document) -> str:
    """What an item's record is made from besides the code and site.yaml: its file (digest), its
    address and its attachments; "" for a register's item, whose record shows others too."""
    if doc.kind in project.site.registers:
        return ""
    return f"{doc.digest}:{doc.url}:{project.site.attachments.get(doc.source, ())}"


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class OpenData:
    """Generator of the site's data file (``urls.data`` in site.yaml)."""

    per_language = True  # one for each edition (build._write_extras)

    def outputs(self, project: Project) -> list[str]:
        return [project.config.url("data")]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        path = project.config.url("data")

        def write_file(connection: sqlite3.Connection) -> None:
            written = update_records(project, connection)
            if written is None or not write.carry(path, written):
                written = write.pieces(path, data_pieces(project, connection))
                connection.execute("UPDATE settings SET written = ?", (written,))
            connection.execute("COMMIT")
        kept_database(project.cache, project.cache_name("open-data.sqlite"), SCHEMA, write_file,
                      replaces=project.cache_name("open-data.pickle"))  # one pickle, 100 MB at 100,000 articles
