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
import pickle
import re
from array import array
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

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


@dataclass
class Postings:
    """The inverted index: each folded word with the ascending ids of the articles holding it.

    Kept in the build cache, so that a rebuild after an edit updates the few words and shards
    that changed instead of regrouping every word of every article.
    """

    articles: list[tuple[str, str]] = field(default_factory=list)  # by id: (source, digest)
    body: dict[str, array] = field(default_factory=dict)  # word -> ids of articles with it anywhere
    title: dict[str, array] = field(default_factory=dict)  # word -> ids of articles with it in the title
    shard_hashes: dict[str, str] = field(default_factory=dict)  # shard key -> hash of its file as last written

    # Pickled with each array as its bytes: at 100,000 articles (200,000 words) a third of the time
    # of pickling the arrays themselves, each of which pickle takes apart and puts together one by one;
    # the bytes read from the arrays where they are (pickle.PickleBuffer), not copied first (70 MiB).
    def __getstate__(self) -> tuple:
        return self.articles, _as_buffers(self.body), _as_buffers(self.title), self.shard_hashes

    def __setstate__(self, state: tuple) -> None:
        self.articles, body, title, self.shard_hashes = state
        self.body, self.title = _from_bytes(body), _from_bytes(title)


def _as_buffers(postings: dict[str, array]) -> dict[str, pickle.PickleBuffer]:
    return {word: pickle.PickleBuffer(ids) for word, ids in postings.items()}


def _from_bytes(postings: dict[str, bytes | bytearray]) -> dict[str, array]:
    return dict(zip(postings, map(array, repeat("I"), postings.values())))


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


def update_postings(documents: list[Document], previous: Postings, store: Store) -> tuple[Postings, set[str] | None]:
    """Postings for ``documents`` (in id order) and the words whose postings changed (None: all of them).

    ``previous`` is updated in place when every article it knew keeps its id and few changed (an
    edited body or title, a newest article added); otherwise, as when an article is deleted or
    inserted among older ones, everything is grouped again.
    """
    keys = [(doc.source, doc.digest) for doc in documents]
    known = previous.articles
    changed = [number for number, (old, new) in enumerate(zip(known, keys)) if old != new]
    changed += range(len(known), len(keys))
    if not known or len(keys) < len(known) or any(known[n][0] != keys[n][0] for n in changed if n < len(known)) \
            or len(changed) > max(50, len(keys) // 10):
        return _full_postings(documents, keys, store), None
    gone = {number for number in changed if number < len(known)}
    before: tuple[dict, dict] = ({}, {})  # body, title: word -> its ids before this update (None: new word)
    for postings_of, original in zip((previous.body, previous.title), before):
        for word, ids in postings_of.items():
            if not gone.isdisjoint(ids):
                original[word] = array("I", ids)
                for number in gone.intersection(ids):
                    ids.remove(number)
    for number, title_words, all_words in _words_by_id(documents, set(changed), store):
        for postings_of, original, words_of in ((previous.body, before[0], all_words), (previous.title, before[1], title_words)):
            for word in words_of.split():
                if word not in original:
                    original[word] = array("I", postings_of[word]) if word in postings_of else None
                insort(postings_of.setdefault(word, array("I")), number)
    touched = set()
    for postings_of, original in zip((previous.body, previous.title), before):
        for word, ids in original.items():
            if not postings_of[word]:
                del postings_of[word]
            if postings_of.get(word) != ids:  # removed and added again is no change
                touched.add(word)
    previous.articles = keys
    return previous, touched


def _full_postings(documents: list[Document], keys: list[tuple[str, str]], store: Store) -> Postings:
    body: dict[str, list[int]] = defaultdict(list)
    title: dict[str, list[int]] = defaultdict(list)
    for number, title_words, all_words in _words_by_id(documents, set(range(len(documents))), store):
        for word in title_words.split():
            title[word].append(number)
        for word in all_words.split():
            body[word].append(number)
    return Postings(keys, _as_arrays(body), _as_arrays(title))


def _as_arrays(postings: dict[str, list[int]]) -> dict[str, array]:
    """Lists to compact arrays, each list dropped as soon as it is copied: memory holds one form."""
    return {word: array("I", sorted(postings.pop(word))) for word in list(postings)}


def shard_json(words: list[str], postings: Postings) -> str:
    """One shard's file: ``{"w": {word: ids}, "t": {word: ids}}`` with delta-encoded ids."""
    return _json({"w": {w: _delta(postings.body[w]) for w in words},
                  "t": {w: _delta(postings.title[w]) for w in words if w in postings.title}})


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
        postings, _ = self._postings(project)
        return sorted({self._shard_path(project.config, shard_key(word)) for word in postings.body})

    def generate(self, project: Project, write: ExtraFiles) -> None:
        postings, touched = self._postings(project)
        shards: dict[str, list[str]] = defaultdict(list)
        for word in sorted(postings.body):
            shards[shard_key(word)].append(word)
        touched_shards = None if touched is None else {shard_key(word) for word in touched}
        hashes = {}
        for key, words_in_shard in shards.items():
            path = self._shard_path(project.config, key)
            known = postings.shard_hashes.get(key)
            unchanged = touched_shards is not None and key not in touched_shards and known
            hashes[key] = known if unchanged and write.keep(path, known) else write(path, shard_json(words_in_shard, postings))
        postings.shard_hashes = hashes
        if project.cache:
            project.cache.save(project.cache_name("search-postings.pickle"), postings)

    @staticmethod
    def _postings(project: Project) -> tuple[Postings, set[str] | None]:
        previous = project.cache.load(project.cache_name("search-postings.pickle"), Postings) if project.cache else Postings()
        return update_postings(articles_by_id(public_items(project.site, Feature.SEARCH)), previous, project.store)

    @staticmethod
    def _shard_path(config: SiteConfig, key: str) -> str:
        return f"{config.url('search')}{SHARD_DIR}{shard_file(key)}.json"
