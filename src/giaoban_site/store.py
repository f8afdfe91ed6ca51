"""Where converted bodies live: the store the pipeline hands to the renderer and the generators.

Documents (content.Document) are records of what a file says; their HTML, search record and
words are kept here, by the document's digest, and asked for through the store a stage is given:
``store.html(doc)``. Three kinds:

- ``SqliteStore``: one SQLite file in the build cache, kept between builds. One file instead of
  one per article: on the machines we run on, creating files costs far more than writing bytes.
  Rows are keyed by the hash of the source (and parse settings), so a row never changes; an edit
  adds one row instead of rewriting a cache of every document. Bodies stay on disk, not in
  memory. Each process opens its own connection (worker processes are forked).
- ``MemoryStore``: a dict, for a process that keeps nothing between runs;
- ``CheckStore``: for ``giaoban check``, which writes nothing: what earlier builds kept, read
  without a write, and what is parsed now, in memory.
"""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import threading
from contextlib import closing
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Collection, Iterator, Protocol
from zoneinfo import ZoneInfo

from .content import Document
from .messages import msg

log = logging.getLogger(__name__)
_connections: dict[tuple[int, int, str, bool], sqlite3.Connection] = {}
_DOCUMENT_FIELDS = [f.name for f in fields(Document)]


def _connect(path: str, read_only: bool = False) -> sqlite3.Connection:
    key = (os.getpid(), threading.get_ident(), path, read_only)
    connection = _connections.get(key)
    if connection is not None and not os.path.exists(path):  # the cache was deleted under us
        connection.close()
        connection = None
    if connection is None and read_only:
        # immutable: no lock, no -wal or -shm file made. A finished build leaves everything in the
        # file itself (the last connection to close checkpoints the WAL into it).
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        _connections[key] = connection
    elif connection is None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        _connections[key] = connection
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS documents (digest TEXT PRIMARY KEY, fields BLOB)")
        connection.execute("CREATE TABLE IF NOT EXISTS bodies "
                           "(digest TEXT PRIMARY KEY, html TEXT, record TEXT, title_words TEXT, words TEXT)")
    return connection


def pack(doc: Document) -> bytes:
    """A parsed document as stored (and as worker processes hand it over): its fields as a plain
    tuple, a third of the time of pickling the dataclass; each date as its time and its zone's name
    (a zone pickled is three calls to make again: a third of a document's unpickling)."""
    values = [getattr(doc, f) for f in _DOCUMENT_FIELDS]
    for index in _MOMENTS:
        moment = values[index]
        if type(getattr(moment, "tzinfo", None)) is ZoneInfo and moment.tzinfo.key:
            values[index] = (moment.replace(tzinfo=None), moment.tzinfo.key)
    return pickle.dumps(tuple(values), pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> Document:
    """A packed document, its repeated values shared with the documents unpacked before it."""
    values = list(pickle.loads(data))
    for index in _MOMENTS:
        moment = values[index]
        if type(moment) is tuple:
            values[index] = moment[0].replace(tzinfo=ZoneInfo(moment[1]))  # the zone's one object (ZoneInfo's cache)
    for index in _SHARED_FIELDS:
        values[index] = _shared(values[index])
    if values[_KEY] == values[_SOURCE]:  # a default language's file: its translation key is its path
        values[_KEY] = values[_SOURCE]
    if not values[_EXTRA]:  # most documents have no field of their type's own: one empty dict, not 100,000 (6 MiB)
        values[_EXTRA] = _NO_EXTRA
    return Document(*values)


# A few dozen tags, categories, authors and kinds over 100,000 articles: each document unpickled
# alone would hold copies of its own (at 100,000 articles, 72 MiB of the documents' 281).
_SHARED_FIELDS = [_DOCUMENT_FIELDS.index(name) for name in ("kind", "lang", "tags", "category", "categories", "authors", "series",
                                                            "news_source", "template")]
_KEY, _SOURCE, _EXTRA = _DOCUMENT_FIELDS.index("translation_key"), _DOCUMENT_FIELDS.index("source"), _DOCUMENT_FIELDS.index("extra")
_NO_EXTRA: dict = {}  # shared: nothing changes a document's fields in place (dataclasses.replace makes new ones)
_MOMENTS = [_DOCUMENT_FIELDS.index(name) for name in ("date", "updated", "pinned_until", "expires")]
_values: dict = {}


def _shared(value: object) -> object:
    """One object for equal values, kept for the life of the process (the preview's too: a few
    thousand at most); a tuple's strings are shared as well as the tuple."""
    if value is None:
        return None
    if isinstance(value, tuple):
        value = tuple([_values.setdefault(item, item) for item in value])
    return _values.setdefault(value, value)


Body = tuple[str, str, str, str, str]  # digest, html, search record, title words, all words


class Store(Protocol):
    """What the pipeline keeps of each converted document, by its digest."""

    def documents(self, wanted: Collection[str]) -> tuple[dict[str, Document], int]:
        """The kept documents whose digests are ``wanted``, and how many are kept in all."""

    def keep_only(self, digests: set[str]) -> None:
        """Forget documents and bodies of other digests."""

    def start_again(self, source: str | None = None) -> None:
        """Forget every document and body at once: none of those kept is wanted (after an upgrade).
        With ``source``, start from the documents and bodies of the store there instead, if it has any."""

    def put_many(self, documents: list[tuple[str, bytes]], bodies: list[Body]) -> None:
        """Keep (digest, packed document) rows and their bodies."""

    def settle(self) -> None:
        """Once written: make all of it readable by a reader that takes only the file (check.py)."""

    def html(self, doc: Document) -> str:
        """The document's body as HTML ("" when it has none)."""

    def record(self, doc: Document) -> str | None:
        """Its search record (search.search_record), when it was made at parse time."""

    def words(self, digests: Collection[str] | None = None) -> Iterator[tuple[str, str, str]]:
        """(digest, title words, all words) of the documents with ``digests`` (default: all)."""


class MemoryStore:
    """Bodies in memory: nothing kept from an earlier build, nothing written."""

    def __init__(self) -> None:
        self._bodies: dict[str, Body] = {}

    def documents(self, wanted: Collection[str]) -> tuple[dict[str, Document], int]:
        return {}, 0

    def keep_only(self, digests: set[str]) -> None:
        pass  # it lives for one process only

    def start_again(self, source: str | None = None) -> None:
        pass  # nothing kept (and ``check``'s CheckStore writes nothing)

    def settle(self) -> None:
        pass

    def put_many(self, documents: list[tuple[str, bytes]], bodies: list[Body]) -> None:
        self._bodies.update((body[0], body) for body in bodies)

    def html(self, doc: Document) -> str:
        return self._bodies[doc.digest][1] if doc.digest in self._bodies else ""

    def record(self, doc: Document) -> str | None:
        return self._bodies[doc.digest][2] if doc.digest in self._bodies else None

    def words(self, digests: Collection[str] | None = None) -> Iterator[tuple[str, str, str]]:
        for digest, _, _, title_words, all_words in self._bodies.values():
            if digests is None or digest in digests:
                yield digest, title_words, all_words


class SqliteStore:
    """Documents and bodies in ``path`` (the build cache's ``bodies.sqlite``), kept between builds."""

    def __init__(self, path: str, read_only: bool = False) -> None:
        self.path, self.read_only = path, read_only

    def put_many(self, documents: list[tuple[str, bytes]], bodies: list[Body]) -> None:
        connection = _connect(self.path)
        with connection:
            connection.execute("BEGIN")
            connection.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?)", documents)
            connection.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?, ?)", bodies)

    def documents(self, wanted: Collection[str]) -> tuple[dict[str, Document], int]:
        """The stored documents whose digests are ``wanted``, as they were parsed, and how many are
        stored in all. Rows of other digests (deleted files, or another giaoban-site version, whose
        fields may differ) are counted, not read. Nothing when the store is damaged."""
        if not os.path.exists(self.path):
            return {}, 0
        wanted = set(wanted)
        found, count = {}, 0
        try:
            for digest, fields in _connect(self.path, self.read_only).execute("SELECT digest, fields FROM documents"):
                count += 1
                if digest in wanted:
                    found[digest] = unpack(fields)
        except (sqlite3.DatabaseError, pickle.UnpicklingError, TypeError, ValueError, EOFError):
            _forget_damaged(self.path, self.read_only)
            return {}, 0
        return found, count

    def html(self, doc: Document) -> str:
        return self._get(doc.digest, "html") or ""

    def record(self, doc: Document) -> str | None:
        return self._get(doc.digest, "record")

    def words(self, digests: Collection[str] | None = None) -> Iterator[tuple[str, str, str]]:
        query, connection = "SELECT digest, title_words, words FROM bodies", _connect(self.path, self.read_only)
        if digests is None:
            yield from connection.execute(query)
        else:
            yield from connection.execute(f"{query} WHERE digest IN ({','.join('?' * len(digests))})", list(digests))  # noqa: S608

    def settle(self) -> None:
        """Move the write-ahead log into the database file: ``check`` opens the file alone
        (immutable, so that it writes nothing), and may read as soon as the build's lock is free,
        before this process has closed its connection (which would do the same)."""
        if not self.read_only and os.path.exists(self.path):
            _connect(self.path).execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def start_again(self, source: str | None = None) -> None:
        """Every row replaced at once by those of the store at ``source`` (when it can be read), or
        deleted and the file made small again: row by row, the old rows would leave it twice its size
        on disk (153 MB instead of 77 at 10,000 articles). The same file, not a new one: the
        preview's threads keep their connections to it."""
        if self.read_only or not os.path.exists(self.path):
            return
        connection = _connect(self.path)
        if source is not None and _copied_into(source, connection):
            return
        connection.execute("DELETE FROM documents")
        connection.execute("DELETE FROM bodies")
        connection.execute("VACUUM")

    def keep_only(self, digests: set[str]) -> None:
        """Forget documents and bodies that no longer exist in this form."""
        connection = _connect(self.path)
        stale = [(d,) for (d,) in connection.execute("SELECT digest FROM documents") if d not in digests]
        if stale:
            with connection:
                connection.execute("BEGIN")
                connection.executemany("DELETE FROM documents WHERE digest = ?", stale)
                connection.executemany("DELETE FROM bodies WHERE digest = ?", stale)

    def _get(self, digest: str, column: str) -> str | None:
        try:
            return _get(self.path, digest, column, self.read_only)
        except KeyError:
            return None


def copy_store(source: str, target: str) -> None:
    """Start the store at ``target`` as a copy of the one at ``source``, if ``target`` has none yet.

    The preview's first build starts from the published build's documents: parsed with the same
    settings (changes.parse_settings), each is found there by its digest instead of parsed again
    (at 100,000 articles, 50 seconds). A copy, never the same file: each build writes its own.
    Nothing is copied when the source cannot be read whole; the build then parses as usual.
    """
    if os.path.exists(target) or not os.path.exists(source):
        return
    temporary = f"{target}.{os.getpid()}.copy"
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(temporary)) as copy:
            copied = _copied_into(source, copy)
        if copied:
            os.replace(temporary, target)
            return
    except (sqlite3.Error, OSError):
        pass
    Path(temporary).unlink(missing_ok=True)


def _copied_into(source: str, connection: sqlite3.Connection) -> bool:
    """Whether the store at ``source`` could be copied whole into ``connection``'s file: one
    consistent snapshot (SQLite's backup), even while a build writes the source."""
    if not os.path.exists(source):
        return False
    try:
        with closing(sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)) as original:
            original.backup(connection)
    except sqlite3.Error:
        return False
    return True


class CheckStore(MemoryStore):
    """The store as ``giaoban check`` sees it: the documents and bodies earlier builds kept, read
    without writing a byte, and those parsed now, in memory. With no ``path``, nothing kept is read."""

    def __init__(self, path: str | None) -> None:
        super().__init__()
        self.kept = SqliteStore(path, read_only=True) if path else None

    def documents(self, wanted: Collection[str]) -> tuple[dict[str, Document], int]:
        return self.kept.documents(wanted) if self.kept else ({}, 0)

    def html(self, doc: Document) -> str:
        return super().html(doc) if doc.digest in self._bodies else self.kept.html(doc)

    def record(self, doc: Document) -> str | None:
        return super().record(doc) if doc.digest in self._bodies else self.kept.record(doc)

    def words(self, digests: Collection[str] | None = None) -> Iterator[tuple[str, str, str]]:
        yield from super().words(digests)
        wanted = None if digests is None else [d for d in digests if d not in self._bodies]
        if self.kept and os.path.exists(self.kept.path) and wanted != []:
            yield from (row for row in self.kept.words(wanted) if row[0] not in self._bodies)


@lru_cache(maxsize=8)  # a page template often asks for the same body twice; a digest's row never changes
def _get(path: str, digest: str, column: str, read_only: bool) -> str:
    row = _connect(path, read_only).execute(f"SELECT {column} FROM bodies WHERE digest = ?", (digest,)).fetchone()  # noqa: S608
    if row is None:
        raise KeyError(digest)  # not remembered: it may be stored later
    return row[0]


def close_connections() -> None:
    """Close this thread's connections, as the process's end would (the last one to a file folds its WAL into it)."""
    mine = (os.getpid(), threading.get_ident())
    for key in [key for key in _connections if key[:2] == mine]:
        _connections.pop(key).close()


def _forget_damaged(path: str, read_only: bool) -> None:
    """Start again rather than trust any of a damaged store (one only read is left as it is)."""
    log.warning(msg("cache_corrupt", path=path))
    damaged = _connections.pop((os.getpid(), threading.get_ident(), path, read_only), None)
    if damaged is not None:
        damaged.close()
    _get.cache_clear()
    if not read_only:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
