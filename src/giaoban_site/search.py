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

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterator

from . import store
from .content import Document
from .markup import plain_text
from .public import public_articles
from .vietnamese import format_date, words

SEARCH_URL = "tim-kiem/"
SHARD_DIR = SEARCH_URL + "chi-muc/"
DOC_DIR = SEARCH_URL + "bai/"
KEY_LENGTH = 3
_PLAIN_KEY = re.compile(r"^[a-z0-9]+$")


@dataclass
class SearchIndex:
    """Words to article ids, sharded by prefix, plus one record per article."""

    shards: dict[str, dict[str, dict[str, list[int]]]] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)  # article id -> article


def shard_key(word: str) -> str:
    """The shard a folded word lives in; the JavaScript in static/search.js computes the same."""
    return word[:KEY_LENGTH]


def shard_file(key: str) -> str:
    """A file name safe on every host: ASCII keys as they are, others as "_" + UTF-8 hex."""
    return key if _PLAIN_KEY.match(key) else "_" + key.encode("utf-8").hex()


def _delta(ids: list[int]) -> list[int]:
    return [b - a for a, b in zip([0] + ids, ids)]


def index_words(doc: Document, text: str) -> tuple[str, str]:
    """Folded words of the title, and of everything searchable, each space-separated and unique.

    Computed once when a file is parsed (and cached with it), so a rebuild only regroups them.
    """
    title = dict.fromkeys(words(doc.title))
    terms = " ".join((*doc.tags, doc.category or "", *doc.authors, doc.summary or "", text))
    return " ".join(title), " ".join(dict.fromkeys([*title, *words(terms)]))


def search_record(doc: Document, text: str) -> str:
    """What a result needs, as JSON: title, URL (site-relative), date shown and machine date, plain text."""
    return _json({"t": doc.title, "u": doc.url, "d": format_date(doc.date), "i": doc.date.isoformat(), "x": text})


def build_index(articles: list[Document]) -> SearchIndex:
    """Index ``articles`` (given newest first) by every folded word of title, taxonomy and text."""
    body: dict[str, list[int]] = defaultdict(list)
    title: dict[str, list[int]] = defaultdict(list)
    index = SearchIndex(documents=articles_by_id(articles))
    for number, title_words, all_words in _words_by_id(index.documents):
        for word in title_words.split():
            title[word].append(number)
        for word in all_words.split():
            body[word].append(number)
    shards: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: {"w": {}, "t": {}})
    for word in sorted(body):  # popped as they are encoded, so the postings are not held twice
        shards[shard_key(word)]["w"][word] = _delta(sorted(body.pop(word)))
        if word in title:
            shards[shard_key(word)]["t"][word] = _delta(sorted(title.pop(word)))
    index.shards = dict(shards)
    return index


def _words_by_id(documents: list[Document]) -> Iterator[tuple[int, str, str]]:
    """(article id, title words, all words): streamed from the store, where parsing put them."""
    ids = {doc.digest: number for number, doc in enumerate(documents) if doc.html_store}
    if ids:
        for digest, title_words, all_words in store.words(documents[0].html_store):
            if digest in ids:
                yield ids.pop(digest), title_words, all_words
    for number, doc in enumerate(documents):  # documents parsed outside a build, if any
        if not doc.html_store:
            yield (number, *index_words(doc, plain_text(doc.html)))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def articles_by_id(articles: list[Document]) -> list[Document]:
    """Articles (given newest first) in search id order: the index and the record files must agree."""
    return list(reversed(articles))


def record_paths(articles: list[Document]) -> list[tuple[str, Document]]:
    """Where each article's search record goes, by id: part of the page plan."""
    return [(f"{DOC_DIR}{number}.json", doc) for number, doc in enumerate(articles_by_id(articles))]


def record_of(doc: Document) -> str:
    """An article's search record: made when it was parsed, or now for one parsed elsewhere."""
    prepared = store.get(doc.html_store, doc.digest, "record") if doc.html_store else None
    return prepared or search_record(doc, plain_text(doc.html))


def generate_search(project, write: Callable[[str, "bytes | str"], None]) -> None:
    """EXTRAS generator: the word index behind the search page (page and records are in the page plan)."""
    index = build_index(public_articles(project.site))
    for key, shard in sorted(index.shards.items()):
        write(f"{SHARD_DIR}{shard_file(key)}.json", _json(shard))

