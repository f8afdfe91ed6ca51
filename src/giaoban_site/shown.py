"""Which pages show which content files, kept from one build to the next.

An edit of an article's body changes the pages that show the article: its own, the lists it is in,
its neighbours' and its related articles'. Every other page is made from a context equal to last
time's, so its key is the one the manifest has. The index records, for every page, the files its
template context holds (as page keys see them: changes.PageKeys), and for every file what decides
where it is shown. When only what is shown changed (``SHOWN_ONLY``) and nothing else did, a build
works out the keys of the pages that show the edited files, not of all: at 100,000 articles, a few
dozen pages instead of 355,000.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import filterfalse, islice
from operator import attrgetter

from .cache import digest
from .content import Document
from .render import StoredBody

_GONE = 0xFFFFFFFF  # a file the previous index numbered that no document is now (ShownIndexMaker._renumbering)

# What pages show of a document, not where they place it nor which pages there are. A title is not
# among them: it also orders undated pages and registers' items (the preview, which can tell where
# it does not, lets a title through: preview.py).
SHOWN_ONLY = frozenset({"summary", "body", "body_line", "digest", "toc", "warnings", "words", "image_caption",
                        "news_source", "news_source_url", "seo_title", "seo_description"})
_PLACING = tuple(f.name for f in dataclasses.fields(Document) if f.name not in SHOWN_ONLY)


def placing_of(doc: Document) -> str:
    """A hash of every field of ``doc`` but those in SHOWN_ONLY: what decides its pages and places."""
    return digest(repr(tuple(getattr(doc, name) for name in _PLACING)))


def sources_in(value: object, memo: dict[int, tuple[object, frozenset[str]]]) -> frozenset[str]:
    """The content files whose documents ``value`` (a template context, or part of one) holds."""
    if isinstance(value, Document):
        return frozenset((value.source,))
    if isinstance(value, StoredBody):
        return frozenset((value.doc.source,))
    if isinstance(value, (str, int, float, type(None))):
        return frozenset()
    if isinstance(value, Mapping):
        return frozenset().union(*(sources_in(v, memo) for v in value.values()))
    if isinstance(value, (list, tuple, set, frozenset)):
        if set(map(type, value)) == {Document}:  # a term's or a year's articles: 100,000 of them, at C speed
            return frozenset(map(attrgetter("source"), value))
        return frozenset().union(*(sources_in(v, memo) for v in value))
    if dataclasses.is_dataclass(value):  # terms and archives appear on many pages: walked once each
        known = memo.get(id(value))
        if known is None or known[0] is not value:
            fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
            known = memo[id(value)] = (value, sources_in(fields, memo))
        return known[1]
    return frozenset()


@dataclass(frozen=True)
class ShownIndex:
    """The files each page of a build showed, and what each file was; kept with its manifest.

    ``frame`` is a hash of every other input (the second hash of changes.inputs_digest). Lists of
    names are kept as texts joined by NUL (which no path holds) and split when asked, and the
    numbers of the files each page shows lie in one array, page after page: at 100,000 articles,
    355,000 pages showing three and a half million files take 50 MiB so, against 108 MiB as
    tuples of strings and a dict.
    """

    frame: str
    sources: str  # every content file of the build, in path order
    digests: str  # each one's digest, in the same order
    placings: str  # each one's placing_of, in the same order
    names: str  # the content files pages show, numbered in this order
    pages: str  # pages_digest of every page's path, in the build's order
    shown: array  # the numbers (in names) of the files each page shows
    ends: array  # where each page's numbers end in ``shown``
    # The pages' paths, where this process has them: the page plan's own. Not pickled with the rest but
    # saved after it (``path_pieces``) and read only when asked (cache.Manifest.shown_paths): at 100,000
    # articles, 36 MB that a build after a body's edit, which has the same pages, need not hold twice.
    paths: Sequence[str] = dataclasses.field(default=(), compare=False, repr=False)

    def __getstate__(self) -> dict:
        # The numbers pickled from where they lie (protocol 5's buffers): an array pickled is copied
        # first, and the copy kept until the pickle ends (at 100,000 articles, 14 MB). The cache pickles
        # with the highest protocol (cache.BuildCache.save).
        return {**self.__dict__, "paths": (), "shown": _buffer(self.shown), "ends": _buffer(self.ends)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, shown=_numbers(state["shown"]), ends=_numbers(state["ends"]))

    def edited(self, frame: str, documents: Mapping[str, Document], paths: Sequence[str]) -> set[str] | None:
        """The files edited since, in SHOWN_ONLY fields alone; None when anything else changed."""
        order = sorted(documents)
        if frame != self.frame or _joined(order) != self.sources or not self.has_pages(paths):
            return None
        edited = {source for source, digest in zip(order, _split(self.digests)) if documents[source].digest != digest}
        placings = dict(zip(order, _split(self.placings))) if edited else {}
        if any(placing_of(documents[source]) != placings[source] for source in edited):
            return None
        return edited

    def has_pages(self, paths: Sequence[str]) -> bool:
        """Whether these are its pages, in its order."""
        return pages_digest(paths) == self.pages

    def path_pieces(self) -> Iterator[bytes]:
        """Its pages' paths, as they are saved: in runs (``_runs``)."""
        return _runs(self.paths)

    def pages_showing(self, sources: Iterable[str], paths: Sequence[str], run: int = 1 << 20) -> set[str]:
        """The pages that show any of ``sources``, of its ``paths``; found with bytes.find, not a loop over
        millions, in runs of ``run`` numbers (at 100,000 articles, the numbers whole are 14 MB more)."""
        needles = [array(self.shown.typecode, [number]).tobytes() for number in self._numbers_of(set(sources))]
        size, found = self.shown.itemsize, set()
        for start in range(0, len(self.shown), run):
            data = self.shown[start:start + run].tobytes()
            for needle in needles:
                at = data.find(needle)
                while at != -1:
                    if at % size == 0:  # not the tail of one number and the head of the next
                        found.add(paths[bisect_right(self.ends, start + at // size)])
                    at = data.find(needle, at + 1)
        return found

    def _numbers_of(self, sources: set[str]) -> Iterator[int]:
        """The numbers (in ``names``) of ``sources``, without splitting ``names`` (100,000 strings)."""
        names = "\0" + self.names + "\0"
        for source in sources:
            at = names.find("\0" + source + "\0")
            if at != -1:
                yield names.count("\0", 0, at)

    def pages_by_file(self) -> dict[str, array]:
        """For each file, the positions (in ``paths``) of the pages that show it: arrays, not lists of
        ints (at 100,000 articles, three and a half million positions: 14 MB, not 125)."""
        pages: dict[int, array] = {}
        start = 0
        for position, end in enumerate(self.ends):
            for number in self.shown[start:end]:
                found = pages.get(number)
                if found is None:
                    found = pages[number] = array("I")
                found.append(position)
            start = end
        names = _split(self.names)
        return {names[number]: positions for number, positions in pages.items()}

    def files_of(self, position: int) -> Iterator[int]:
        """The numbers (in ``names``) of the files the page at ``position`` showed."""
        start = self.ends[position - 1] if position else 0
        return iter(self.shown[start:self.ends[position]])

    def with_documents(self, documents: Mapping[str, Document], paths: Sequence[str]) -> ShownIndex:
        """The same pages (``paths``), showing the same files, as they are now (edited in SHOWN_ONLY fields only)."""
        # Its files are those of ``documents`` (edited() says so), in the same order: their paths sorted.
        return dataclasses.replace(self, digests=_joined(documents[source].digest for source in sorted(documents)), paths=paths)


class ShownIndexMaker:
    """Gathers a build's pages (``paths``) and the files each shows, into a ShownIndex; what the
    ``previous`` index knew of a page whose key is unchanged is taken from it.

    Pages are told by their position in ``paths`` and come in any order (made in parallel, each batch
    as it is done); their files' numbers lie in one array as they come. Files are numbered in the
    order of ``documents`` (their paths sorted), so that the index is the same whichever page came
    first. At 100,000 articles, 355,000 pages: 18 MiB, against 57 for an array of each page's by path.
    """

    def __init__(self, previous: ShownIndex | None, paths: Sequence[str], documents: Iterable[str] = (),
                 was: array | None = None) -> None:
        """``was``: where each page was among the ``previous`` index's (PagePositions); None where they are
        the same pages, in the same order."""
        self.previous = previous
        self.paths = paths
        self._was = was
        self._numbers: dict[str, int] = {source: number for number, source in enumerate(sorted(documents))}
        self._renumbered, self._gone = self._renumbering()
        self._shown = array("I")  # the numbers of the files of each page added, page after page
        self._starts = array("I", [0]) * len(paths)  # by page position: where its numbers begin in _shown ...
        self._counts = array("I", [0]) * len(paths)  # ... and how many there are (none: not added, or it shows none)

    def numbered(self, sources: Iterable[str]) -> array | list[str]:
        """``sources`` as ``add`` takes them, worked out where the page is made (a worker): their numbers,
        sorted, which cross to the building process as bytes, not as strings made again there (at
        100,000 articles, the 55,000 list pages' come at once: 75 MiB). Names where one has no number yet."""
        try:
            return array("I", sorted(map(self._numbers.__getitem__, sources)))
        except KeyError:  # a file no document is: numbered by add(), in the one process that numbers
            return list(sources)

    def add(self, position: int, shown: array | Iterable[str]) -> None:
        """The files the page at ``position`` shows: their numbers (``numbered``), or their names."""
        if not isinstance(shown, array):
            numbers = self._numbers
            shown = sorted(numbers.setdefault(source, len(numbers)) for source in shown)
        start = len(self._shown)
        self._shown.extend(shown)
        self._starts[position], self._counts[position] = start, len(self._shown) - start

    def carry(self, position: int) -> bool:
        """Take the files of the page at ``position`` from the previous index; False when it did not have the page."""
        was = position if self._was is None else self._was[position]
        if self.previous is None or was < 0:
            return False
        renumbered, gone, numbers = self._renumbered, self._gone, self._numbers
        self.add(position, array("I", sorted(numbers.setdefault(gone[number], len(numbers)) if renumbered[number] == _GONE
                                             else renumbered[number] for number in self.previous.files_of(was))))
        return True

    def carried(self) -> None:
        """Every page that keeps its files has taken them: the previous index's numbers are let go, here
        and so in every worker forked after (at 100,000 articles, 15 MB). Nothing reads them again; only
        its texts, when this index is finished."""
        if self.previous is not None:
            del self.previous.shown[:], self.previous.ends[:]
        self._renumbered, self._gone = array("I"), {}

    def _renumbering(self) -> tuple[array, dict[int, str]]:
        """Each number of the previous index as this one's, and the names of the files it numbered that no
        document is now (_GONE): numbered here only if a page carried shows one. Not the previous names
        kept as strings (at 100,000 articles, 11 MB)."""
        renumbered, gone = array("I"), {}
        for number, name in enumerate(_each(self.previous.names) if self.previous else ()):
            renumbered.append(self._numbers.get(name, _GONE))
            if renumbered[-1] == _GONE:
                gone[number] = name
        return renumbered, gone

    def finish(self, frame: str, documents: Mapping[str, Document]) -> ShownIndex:
        """The index of the pages, in the order of ``paths`` (each added or carried)."""
        shown, ends, gathered = array("I"), array("I"), self._shown
        for start, length in zip(self._starts, self._counts):
            if length:
                shown.extend(gathered[start:start + length])
            ends.append(len(shown))
        del gathered
        self._shown = array("I")  # let go before the texts below are made: this maker is done (14 MB at 100,000 articles)
        order = sorted(documents)
        placings = self._placings(order, documents)
        # Files are numbered in the order of the documents first: the names are their sources, one text
        # for both (pickled once, read once), and after them any other file a page showed.
        sources = _joined(order)
        others = sorted(filterfalse(documents.__contains__, self._numbers), key=self._numbers.__getitem__)
        names = _joined(order + others) if others else sources
        return ShownIndex(frame, sources, _joined(documents[source].digest for source in order), _joined_in_runs(placings),
                          names, pages_digest(self.paths), shown, ends, self.paths)

    def _placings(self, order: list[str], documents: Mapping[str, Document]) -> Iterator[str]:
        """placing_of each of ``order`` (sorted), as the previous index had it where a file's digest is the
        same: worked out again only for files edited since. Both in path order: read side by side, not
        as a dict of 100,000 (30 MB at the end of the build, where it holds the most)."""
        previous = self.previous
        known = zip(*(_each(text) for text in (previous.sources, previous.digests, previous.placings))) if previous else iter(())
        last = next(known, None)
        for source in order:
            while last is not None and last[0] < source:
                last = next(known, None)
            doc = documents[source]
            yield last[2] if last is not None and last[0] == source and last[1] == doc.digest else placing_of(doc)


class PagePositions:
    """Where each of ``paths`` was among the pages of the last index (-1: a page it did not have), from
    that index's paths as they are read, a run at a time (cache.Manifest.read_shown_pieces): at 100,000
    articles, neither 355,000 strings of them nor a dict by them lives through the build (35 and 31 MB)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self._at = {path: position for position, path in enumerate(paths)}
        self.was = array("i", [-1]) * len(paths)
        self._read = 0

    def append(self, run: bytes | Sequence[str]) -> None:
        names = run.decode().split("\0") if isinstance(run, bytes) else run
        for position, now in enumerate(map(self._at.get, names), self._read):
            if now is not None:
                self.was[now] = position
        self._read += len(names)

    def clear(self) -> None:
        """What was read could not be trusted (cache.BuildCache.load): no page was there."""
        self.was = array("i", [-1]) * len(self.was)
        self._read = 0


def pages_digest(paths: Sequence[str]) -> str:
    """A hash of pages' paths in their order, made a run at a time (``_runs``)."""
    hashed = hashlib.blake2b(digest_size=16)
    for run in _runs(paths):
        hashed.update(run + b"\0")
    return hashed.hexdigest()


def _runs(paths: Sequence[str], size: int = 8192) -> Iterator[bytes]:
    """Paths in runs of ``size``, each joined, in UTF-8: at 100,000 articles, the paths joined whole
    would be 36 MB more."""
    for start in range(0, len(paths), size):
        yield _joined(paths[start:start + size]).encode()


def _joined(names: Iterable[str]) -> str:
    return "\0".join(names)


def _buffer(numbers: array) -> pickle.PickleBuffer:
    """An array's bytes as pickle writes them without a copy, read back as ``bytes``."""
    return pickle.PickleBuffer(memoryview(numbers).toreadonly())


def _numbers(data: bytes | pickle.PickleBuffer) -> array:
    numbers = array("I")
    numbers.frombytes(memoryview(data).cast("B"))
    return numbers


def _each(text: str) -> Iterator[str]:
    """``_split``, one name at a time: not a list of them all."""
    start = 0
    while text:
        end = text.find("\0", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _split(text: str) -> list[str]:
    return text.split("\0") if text else []


def _joined_in_runs(names: Iterable[str], size: int = 8192) -> str:
    """``_joined`` of names made as they are joined, a run at a time, not every one at once (at 100,000
    articles, the documents' placings: 9 MiB)."""
    names, runs = iter(names), []
    while run := list(islice(names, size)):
        runs.append(_joined(run))
    return _joined(runs)
