"""A static search index for ``/tim-kiem/``: folded words, sharded by prefix, read by plain JavaScript.

Why our own index and not Pagefind: Pagefind does not fold "đ" to "d" (docs/publishing.md has
the measurement), and its runtime (WebAssembly plus index chunks) is heavier on slow mobile data
than the few small JSON files one query needs here.

Layout under ``tim-kiem/``:

- ``chi-muc/<key>.json``: the words starting with ``key`` (their first three folded letters; shorter words alone) and,
  for each, the articles containing it: ``{"w": {word: ids}, "t": {word: ids}}``, where ``t``
  lists the articles with the word in their title. ids are delta-encoded ascending integers.
- ``bai/<id>.json``: one article's title, URL, dates and plain text, fetched only for the
  results shown, to draw the snippet.

Article ids run from the oldest article (0) to the newest, so publishing a new article adds
files instead of renumbering every old one. A query downloads one shard per distinct word
prefix plus one small file per result shown.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from array import array
from bisect import bisect_left, insort
from collections import defaultdict, deque
from itertools import chain, compress, count, repeat
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TypeVar

from .cache import kept_database
from .config import SiteConfig
from .content import Document
from .content_types import Feature
from .public import public_items
from .store import Store
from .vietnamese import format_date, words

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

# Under the search page (``urls.search``); static/search.js asks for the same folders.
SHARD_DIR = "chi-muc/"
DOC_DIR = "bai/"
KEY_LENGTH = 3
_PLAIN_KEY = re.compile(r"^[a-z0-9]+$")
T = TypeVar("T")


def shard_key(word: str) -> str:
    """The shard a folded word lives in; the JavaScript in static/search.js computes the same."""
    return word[:KEY_LENGTH]


def shard_file(key: str) -> str:
    """A file name safe on every host: ASCII keys as they are, others as "_" + UTF-8 hex."""
    return key if _PLAIN_KEY.match(key) else "_" + key.encode("utf-8").hex()


def _delta(ids: Sequence[int]) -> list[int]:
    return [b - a for a, b in zip(chain((0,), ids), ids)]


def index_words(doc: Document, text: str) -> tuple[str, str]:
    """Folded words of the title, and of everything searchable, each space-separated and unique.

    Computed once when a file is parsed (and cached with it), so a rebuild only regroups them.
    """
    title = dict.fromkeys(words(doc.title))
    terms = " ".join((*doc.tags, doc.category or "", *doc.authors, doc.summary or "", text))
    return " ".join(title), " ".join(dict.fromkeys([*title, *words(terms)]))


def search_record(doc: Document, text: str, shown_date: Callable[[dt.date], str] = format_date) -> str:
    """What a result needs, as JSON: title, URL (site-relative), date shown (in the page's language) and machine date, plain text."""
    dates = {"d": shown_date(doc.date), "i": doc.date.isoformat()} if doc.date else {"d": "", "i": ""}
    return _json({"t": doc.title, "u": doc.url, **dates, "x": text})


# The postings, kept between builds in an SQLite file of the build cache, one row per word: a
# rebuild after an edit reads and writes the rows of the words it touched and the shards they are
# in, never the whole index (at 100,000 articles, 200,000 words and 80 MB of ids, which a pickle
# read and wrote whole on every build, and memory held twice while reading it).
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, source TEXT, digest TEXT);
CREATE TABLE IF NOT EXISTS words (shard TEXT, word TEXT, body BLOB, title BLOB, PRIMARY KEY (shard, word)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shards (shard TEXT PRIMARY KEY, hash TEXT);
"""
_EMPTIED = ("DELETE FROM articles", "DELETE FROM words", "DELETE FROM shards")


def update_postings(connection: sqlite3.Connection, documents: list[Document], store: Store) -> set[str] | None:
    """Bring the kept postings to ``documents`` (in id order); the words whose postings changed (None: all of them).

    Updated row by row when every article kept keeps its id and few changed (an edited body or title, a
    newest article added); otherwise, as when an article is deleted or inserted among older ones, every
    word is grouped again. Within the caller's transaction.
    """
    known, changed, moved = _changed_ids(connection, documents)
    if not known or len(documents) < known or moved or len(changed) > max(50, len(documents) // 10):
        _all_postings(connection, documents, [(doc.source, doc.digest) for doc in documents], store)
        return None
    gone = {number for number in changed if number < known}
    added: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))  # word -> its new body and title ids
    for number, title_words, all_words in _words_by_id(documents, set(changed), store):
        for word in all_words.split():
            added[word][0].append(number)
        for word in title_words.split():
            added[word][1].append(number)
    touched = {word for word in _words_holding(connection, gone) | added.keys() if _update_row(connection, word, gone, added.get(word))}
    connection.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                           [(number, documents[number].source, documents[number].digest) for number in changed])
    return touched


def _changed_ids(connection: sqlite3.Connection, documents: list[Document]) -> tuple[int, list[int], bool]:
    """How many articles the postings know, the ids whose article (or its digest) is not the one kept, and
    whether a kept id now belongs to another file. The kept rows are compared as they are read: at
    100,000 articles, the two lists whole would take 27 MiB."""
    known, changed, moved = 0, [], False
    for number, (source, digest) in enumerate(connection.execute("SELECT source, digest FROM articles ORDER BY id")):
        known += 1
        doc = documents[number] if number < len(documents) else None
        if doc is None or doc.source != source or doc.digest != digest:
            changed.append(number)
            moved = moved or doc is None or doc.source != source
    return known, changed + list(range(known, len(documents))), moved


def _words_holding(connection: sqlite3.Connection, gone: set[int]) -> set[str]:
    """The words whose rows hold any of the ``gone`` ids. Only the rows tell: each is looked through, at C
    speed where few ids go (an edit), and let go at once (a common word's row holds most articles' ids)."""
    if not gone:
        return set()
    needles = [array("I", [number]).tobytes() for number in gone] if len(gone) <= 16 else None
    # A title's word is among the body's words (index_words): its ids are the body's too.
    return {word for word, body in connection.execute("SELECT word, body FROM words")
            if (_holds(body, needles) if needles else not gone.isdisjoint(array("I", body)))}


def _update_row(connection: sqlite3.Connection, word: str, gone: set[int], added: tuple[list[int], list[int]] | None) -> bool:
    """One word's row without the ``gone`` ids and with the ``added`` (body, title) ids, written back
    (deleted when left empty) if it changed; whether it did. One row in memory at a time."""
    key = shard_key(word)
    row = connection.execute("SELECT body, title FROM words WHERE shard = ? AND word = ?", (key, word)).fetchone()
    body, title = (array("I", row[0]), array("I", row[1])) if row else (array("I"), array("I"))
    for ids, more in zip((body, title), added or ((), ())):
        _without(ids, gone)
        for number in more:
            insort(ids, number)
    packed = (body.tobytes(), title.tobytes())
    if packed == row:  # removed and added again is no change
        return False
    if body:
        connection.execute("INSERT OR REPLACE INTO words VALUES (?, ?, ?, ?)", (key, word, *packed))
    else:
        connection.execute("DELETE FROM words WHERE shard = ? AND word = ?", (key, word))
    return True


def _without(ids: array, gone: set[int]) -> array:
    """Ascending ``ids`` without those ``gone``, each found by halving: a common word has an id for most articles."""
    for number in gone:
        place = bisect_left(ids, number)
        if place < len(ids) and ids[place] == number:
            del ids[place]
    return ids


def _holds(ids: bytes, needles: list[bytes]) -> bool:
    """Whether packed ids hold any of ``needles`` (ids packed alike), at a whole id's place."""
    for needle in needles:
        start = ids.find(needle)
        while start != -1:
            if start % 4 == 0:
                return True
            start = ids.find(needle, start + 1)
    return False


def _all_postings(connection: sqlite3.Connection, documents: list[Document], keys: list[tuple[str, str]], store: Store) -> None:
    """Every word grouped again, and its row written; each word's ids let go once written."""
    body, title = _Postings(len(documents)), _Postings(len(documents))
    for read, (number, title_words, all_words) in enumerate(_words_by_id(documents, set(range(len(documents))), store), 1):
        title.add(number, title_words.split())
        body.add(number, all_words.split())
        if read % 4096 == 0:
            body.compact()
            title.compact()
    for statement in _EMPTIED:
        connection.execute(statement)
    # In the table's order (a word's shard is its start): each row added at the end, none among others.
    rows = ((shard_key(word), word, body.pop(word), title.pop(word)) for word in sorted(body.words()))
    connection.executemany("INSERT INTO words VALUES (?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO articles VALUES (?, ?, ?)", [(number, *key) for number, key in enumerate(keys)])


class _Postings:
    """The ids of the articles each word is in, gathered in any order (the store gives articles so).

    Arrays, not lists: at 100,000 articles, 17 million ids take 69 MB, not 600 MB of Python ints. A word
    in more than a quarter of the articles (the syllables "của", "và", "hội" ...: about 200) is held as
    a byte for each article instead, which is less than 4 bytes for each id: 26 MB in all.
    """

    def __init__(self, articles: int) -> None:
        self._articles = articles
        self._ids: dict[str, array | bytearray] = defaultdict(lambda: array("I"))

    def add(self, number: int, words: list[str]) -> None:
        ids_of = self._ids
        for word in words:
            ids = ids_of[word]
            if type(ids) is array:
                ids.append(number)
            else:
                ids[number] = 1

    def compact(self) -> None:
        """Each word's ids that are more than a quarter of the articles, made a byte for each article."""
        for word, ids in self._ids.items():
            if type(ids) is array and len(ids) * 4 > self._articles:
                flags = self._ids[word] = bytearray(self._articles)
                deque(map(flags.__setitem__, ids, repeat(1)), maxlen=0)  # at C speed

    def words(self) -> Iterable[str]:
        return self._ids.keys()

    def pop(self, word: str) -> bytes:
        """A word's ids in ascending order, as a row keeps them; let go here."""
        ids = self._ids.pop(word, None)
        if ids is None:
            return b""
        return array("I", compress(count(), ids) if type(ids) is bytearray else sorted(ids)).tobytes()


def shard_json(rows: list[tuple[str, bytes, bytes]]) -> str:
    """One shard's file from its rows (word, body ids, title ids): ``{"w": {word: ids}, "t": {word: ids}}``, ids delta-encoded."""
    return _json({"w": {word: _delta(array("I", body)) for word, body, _ in rows},
                  "t": {word: _delta(array("I", title)) for word, _, title in rows if title}})


def _words_by_id(documents: list[Document], wanted: set[int], store: Store) -> Iterator[tuple[int, str, str]]:
    """(article id, title words, all words) of the ``wanted`` ids: from the store, where parsing put them."""
    ids = {doc.digest: number for number, doc in enumerate(documents) if number in wanted}
    if ids:
        for digest, title_words, all_words in store.words(ids if len(ids) < 500 else None):
            if digest in ids:
                yield ids.pop(digest), title_words, all_words


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def articles_by_id(articles: list[Document]) -> list[Document]:
    """Articles (given newest first) in search id order: the index and the record files must agree."""
    return list(reversed(articles))


def record_paths(articles: list[Document], config: SiteConfig) -> list[tuple[str, Document]]:
    """Where each article's search record goes, by id: part of the page plan."""
    folder = config.url("search") + DOC_DIR
    return [(f"{folder}{number}.json", doc) for number, doc in enumerate(articles_by_id(articles))]


class SearchIndex:
    """Generator of the word index behind the search page (the page and the records are in the page plan)."""

    per_language = True  # each edition's search page finds its own language's articles only

    def outputs(self, project: Project) -> list[str]:
        def shard_paths(connection: sqlite3.Connection, _: set[str] | None) -> list[str]:
            keys = [row[0] for row in connection.execute("SELECT DISTINCT shard FROM words")]
            connection.execute("ROLLBACK")  # brought up to date to be listed, then left as they were
            return sorted(self._shard_path(project.config, key) for key in keys)
        return _with_postings(project, shard_paths)

    def generate(self, project: Project, write: ExtraFiles) -> None:
        def write_shards(connection: sqlite3.Connection, touched: set[str] | None) -> None:
            touched_shards = None if touched is None else {shard_key(word) for word in touched}
            known = dict(connection.execute("SELECT shard, hash FROM shards"))
            hashes = {}
            for key, rows in _shards(connection):
                path = self._shard_path(project.config, key)
                unchanged = touched_shards is not None and key not in touched_shards and key in known
                hashes[key] = known[key] if unchanged and write.keep(path, known[key]) else write(path, shard_json(rows()))
            connection.execute("DELETE FROM shards")
            connection.executemany("INSERT INTO shards VALUES (?, ?)", hashes.items())
            connection.execute("COMMIT")
        _with_postings(project, write_shards)

    @staticmethod
    def _shard_path(config: SiteConfig, key: str) -> str:
        return f"{config.url('search')}{SHARD_DIR}{shard_file(key)}.json"


def _shards(connection: sqlite3.Connection) -> Iterator[tuple[str, Callable[[], list[tuple[str, bytes, bytes]]]]]:
    """Each shard's key, and what reads its rows (word, body ids, title ids) when they are wanted."""
    for (key,) in connection.execute("SELECT DISTINCT shard FROM words").fetchall():
        yield key, lambda key=key: connection.execute("SELECT word, body, title FROM words WHERE shard = ?", (key,)).fetchall()


def _with_postings(project: Project, work: Callable[[sqlite3.Connection, set[str] | None], T]) -> T:
    """``work`` on the kept postings brought up to the site's articles, in a transaction ``work`` ends,
    given the words whose postings changed (None: all)."""
    articles = articles_by_id(public_items(project.site, Feature.SEARCH))

    def updated(connection: sqlite3.Connection) -> T:
        return work(connection, update_postings(connection, articles, project.store))
    return kept_database(project.cache, project.cache_name("search.sqlite"), SCHEMA, updated,
                         replaces=project.cache_name("search-postings.pickle"))  # one pickle, 90 MB at 100,000 articles
