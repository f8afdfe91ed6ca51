"""The build cache beside the output, in ``<output's parent>/.giaoban-cache/<output's name>/``.

- ``scan.pickle``: size, times, inode and hash of each content file at the last scan;
- ``bodies.sqlite``: parsed documents and their HTML, search record and words (store.py);
- ``lock``: held by the build writing this output (lock.py);
- ``spare/``: the other generation folder, the version before the one in output/ (output.py);
- ``manifest-<folder>.pickle``: per generation folder, each file's input key and bytes hash; the
  name is the folder's identity, which the swap keeps, so a record always describes its folder;
- ``shown-<folder>.pickle``: beside it, which pages of that folder show which content files (shown.py);
- ``search.sqlite``: the search index's postings, one row per word (search.py);
- ``open-data.sqlite``: each item's open data record, one row per item (open_data.py);
- ``memo-*.pickle``: results kept while their inputs stay the same (related articles).

Every pickle carries a checksum and the code version: a corrupt or truncated cache is reported
and ignored, never trusted; one written by another version is quietly ignored. The SQLite files
carry the code version in a table of their own, and SQLite finds their damage (BuildCache.database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import re
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, KeysView, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import is_not, ne
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from . import __version__
from .content import Document
from .messages import msg
from .output import folder_identity
from .store import CheckStore, SqliteStore, Store, copy_store

if TYPE_CHECKING:
    from .shown import ShownIndex

log = logging.getLogger(__name__)
T = TypeVar("T")

_MAGIC = b"giaoban-cache-1"  # header: magic, code digest, payload checksum; then the pickled payload


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of byte or text parts."""
    h = hashlib.blake2b(digest_size=16)
    if parts and all(isinstance(part, str) for part in parts):  # one text, hashed at once (inputs_digest has 100,000 parts)
        h.update(("\0".join(parts) + "\0").encode("utf-8"))
        return h.hexdigest()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Changes whenever the installed giaoban-site changes (its version or any of its files)."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(__version__, *(p.relative_to(package).as_posix().encode() + p.read_bytes() for p in files))


@dataclass
class ScanRecord:
    """The last scan of content/: per file (relative path) its size, mtime, ctime, inode and bytes hash."""

    started: int = 0  # time.time_ns() when the scan began
    files: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)


class FileTable:
    """A folder's files as a build records them: output path -> (input key, bytes hash).

    Both are 32 hex digits (cache.digest, output.content_hash), so each file's pair is kept as one
    object of 32 bytes (any other pair as it is), and a file carried over from the last build's
    table shares that object: at 100,000 articles, 356,000 files take 45 MiB instead of the 123 MiB
    of a dict of tuples of texts.
    """

    def __init__(self, files: Iterable[tuple[str, tuple[str, str]]] = ()) -> None:
        self._entries: dict[str, bytes | tuple[str, str]] = {path: _packed(*pair) for path, pair in files}

    @classmethod
    def from_pieces(cls, pieces: Iterable[Piece], paths: Mapping[str, str] | None = None) -> FileTable:
        """The table whose ``pieces()`` these are (an earlier version's record too, kept whole as one
        piece whose keys and hashes were NUL-joined texts). With ``paths`` (each path -> itself: the
        plan's own strings), a path equal to one of them is that string, not one more copy (356,000 at
        100,000 articles, 39 MiB); each piece's own strings are let go before the next is split."""
        table = cls()
        for piece in pieces:
            names = piece[0].split("\0")
            if paths is not None:
                names = list(map(paths.get, names, names))  # at C speed: the plan's string, else the piece's
            table._entries.update(zip(names, _entries_of(piece)))
        return table

    def get(self, path: str, default: tuple[str, str] | None = None) -> tuple[str, str] | None:
        entry = self._entries.get(path)
        return default if entry is None else _unpacked(entry)

    def checksum(self, path: str) -> str | None:
        """The hash of the bytes at ``path``; None when the table has no such file."""
        entry = self._entries.get(path)
        if entry is None:
            return None
        return entry[16:].hex() if isinstance(entry, bytes) else entry[1]

    def __getitem__(self, path: str) -> tuple[str, str]:
        return _unpacked(self._entries[path])

    def __setitem__(self, path: str, pair: tuple[str, str]) -> None:
        self._entries[path] = _packed(*pair)

    @staticmethod
    def entry(key: str, checksum: str) -> bytes | tuple[str, str]:
        """A file's pair as the table keeps it (``put``): made where a page is made, it crosses from the
        worker as one object of 32 bytes, not two texts (the 55,000 list pages' results come at once)."""
        return _packed(key, checksum)

    def put(self, path: str, entry: bytes | tuple[str, str]) -> None:
        """``self[path] = pair``, the pair made an ``entry`` already."""
        self._entries[path] = entry

    def carry(self, path: str, other: FileTable) -> None:
        """``other``'s entry for ``path``, as it is (its object shared)."""
        self._entries[path] = other._entries[path]

    def carry_all(self, paths: Collection[str], other: FileTable) -> None:
        """``carry`` of each of ``paths``: after an edit, 355,000 of them at once."""
        self._entries.update(zip(paths, map(other._entries.__getitem__, paths)))

    def keys(self) -> KeysView[str]:
        """The paths, as a view whose ``in`` is a dict's (this class's own is a call in Python)."""
        return self._entries.keys()

    def update(self, files: Mapping[str, tuple[str, str]]) -> None:
        for path, pair in files.items():
            self[path] = pair

    def changed_since(self, before: FileTable) -> int:
        """How many of its files are new, or hold other bytes, since ``before``."""
        entries = self._entries  # most are carried, their objects shared with ``before``: told apart at C speed
        candidates = compress(entries, map(is_not, entries.values(), map(before._entries.get, entries)))
        return sum(1 for path in candidates if self.packed_checksum(path) != before.packed_checksum(path))

    def items(self) -> Iterator[tuple[str, tuple[str, str]]]:
        return ((path, _unpacked(entry)) for path, entry in self._entries.items())

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == (dict(other.items()) if isinstance(other, FileTable) else other)

    def pieces(self, size: int = 8192) -> Iterator[Piece]:
        """The table in path order as pieces of ``size`` files, each its paths as one text joined by NUL
        (which no path holds) and, where every pair is packed, the pairs as one run of bytes (32 per
        file), else the keys and the hashes, each as texts joined by NUL. Made and read back at C speed,
        with no object for each file but its path; in pieces, so that neither saving nor reading holds a
        copy of the whole (at 100,000 articles the paths alone are 36 MB)."""
        order = sorted(self._entries)
        return (_piece(order[start:start + size], self._entries) for start in range(0, len(order), size))

    def packed_checksum(self, path: str) -> bytes | None:
        """The hash of the bytes at ``path`` as 16 bytes (``checksum`` in hex); None when the table has no such file."""
        entry = self._entries.get(path)
        if entry is None:
            return None
        return entry[16:] if isinstance(entry, bytes) else _packed_hash(entry[1])


Piece = tuple[str, bytes] | tuple[str, str, str]  # a run of a table's files (FileTable.pieces)


def _piece(paths: list[str], entries: dict[str, bytes | tuple[str, str]]) -> Piece:
    values = list(map(entries.__getitem__, paths))
    if all(isinstance(value, bytes) for value in values):
        return "\0".join(paths), b"".join(values)
    pairs = list(map(_unpacked, values))
    return "\0".join(paths), "\0".join(key for key, _ in pairs), "\0".join(checksum for _, checksum in pairs)


def _taken(items: list) -> Iterator:
    """Each of ``items`` in order, each let go from the list as it is taken."""
    items.reverse()
    while items:
        yield items.pop()


def _entries_of(piece: Piece) -> Iterable[bytes | tuple[str, str]]:
    """A piece's pairs, packed where they are (and where an earlier version kept them as hex texts)."""
    if len(piece) == 2:
        return _pairs(piece[1])
    _, keys, checksums = piece
    if _HEX_COLUMN.fullmatch(keys) and _HEX_COLUMN.fullmatch(checksums):  # checked once for the whole piece
        return map(bytes.fromhex, map(str.__add__, keys.split("\0"), checksums.split("\0")))
    return zip(keys.split("\0"), checksums.split("\0"))


def _hashes_of(piece: Piece) -> Iterable[str]:
    """A piece's bytes hashes, in hex."""
    return (pair[16:].hex() for pair in _pairs(piece[1])) if len(piece) == 2 else piece[2].split("\0")


def _pairs(column: bytes) -> list[bytes]:
    """A run of packed pairs, 32 bytes each."""
    return [column[start:start + 32] for start in range(0, len(column), 32)]


def _packed_hash(checksum: str) -> bytes:
    """A bytes hash (output.content_hash, 32 hex digits) as 16 bytes; any other text as its UTF-8."""
    return bytes.fromhex(checksum) if _HEX.fullmatch(checksum) else checksum.encode()


def _packed(key: str, checksum: str) -> bytes | tuple[str, str]:
    if len(key) == len(checksum) == 32 and _HEX.fullmatch(key) and _HEX.fullmatch(checksum):
        return bytes.fromhex(key + checksum)
    return key, checksum


def _unpacked(entry: bytes | tuple[str, str]) -> tuple[str, str]:
    return (entry[:16].hex(), entry[16:].hex()) if isinstance(entry, bytes) else entry


_HEX = re.compile("[0-9a-f]{32}")
_HEX_COLUMN = re.compile("(?:[0-9a-f]{32}\0)*[0-9a-f]{32}")


class Manifest:
    """What the last successful build wrote.

    Its table of files (output path -> input key, bytes hash) is kept as its pieces (FileTable.pieces)
    and made a FileTable only when asked: a build with nothing to do needs only the paths. Once the
    table is made, the pieces are let go (47 MB at 100,000 articles) and made again from it to be saved,
    each pickled after the record and on its own (``BuildCache.save``'s ``pieces``), one at a time.
    """

    key_bases: tuple[str, ...] = ()  # changes.key_base of each edition (a record saved before it had them: none)
    template_prints: tuple[str, dict[str, str]] = ("", {})  # the template folders' digest, and changes.template_prints then

    def __init__(self, inputs: str = "", publish_next: float | None = None, files: FileTable | None = None,
                 scheduled: int = 0, upcoming: tuple = (), shown: object | None = None, key_bases: tuple[str, ...] = (),
                 template_prints: tuple[str, dict[str, str]] = ("", {})) -> None:
        self.inputs = inputs  # hash of every input: equal means nothing to do
        self.publish_next = publish_next  # when the next scheduled article becomes due
        self.scheduled = scheduled  # articles waiting for their date, to report when nothing needs building
        self.upcoming = upcoming  # newsroom.Upcoming: what later builds publish or remove, to report
        self._table: list[Piece] | None = None  # the pieces, as unpickled (FileTable.pieces)
        self._files = files if files is not None else FileTable()
        self._shown = shown  # shown.ShownIndex, or what reads it: a build with nothing to do does not
        self._shown_pieces: Callable[[list], object] | None = None  # what reads its pages' paths (read_shown_pieces)
        self.key_bases = key_bases  # where one changed, no page of that edition kept its key
        self.template_prints = template_prints  # where one changed, no page of that template kept its key

    @property
    def paths(self) -> list[str]:
        """Every file's path in the output folder, without making the whole table."""
        return list(self._files) if self._files is not None else [p for piece in self._table for p in piece[0].split("\0")]

    @property
    def count(self) -> int:
        """How many files it names."""
        return len(self._files) if self._files is not None else sum(piece[0].count("\0") + 1 for piece in self._table)

    @property
    def pages(self) -> int:
        """How many of them are HTML pages."""
        if self._files is not None:
            return sum(path.endswith(".html") for path in self._files)
        return sum(paths.count(".html\0") + paths.endswith(".html") for paths, *_ in self._table)  # no path holds a NUL

    @property
    def files(self) -> FileTable:
        """Output path -> (input key, bytes hash)."""
        return self.table()

    def table(self, paths: Iterable[str] = ()) -> FileTable:
        """``files``, made the first time with the strings of ``paths`` for the paths equal to one of
        them (the page plan's: at 100,000 articles, 39 MiB fewer for the whole build)."""
        if self._files is None:
            own = dict(zip(paths, paths)) or None
            pieces, self._table = self._table, None
            self._files = FileTable.from_pieces(_taken(pieces), own)  # each piece let go once in the table (47 MB in all)
        return self._files

    def pieces(self) -> Iterable[Piece]:
        """The table's pieces (FileTable.pieces), in path order."""
        return self._table if self._table is not None else self._files.pieces()

    def is_due(self, now: dt.datetime | None) -> bool:
        """Whether a scheduled article (or a register's change) has become due since the build."""
        return self.publish_next is not None and (now is None or now.timestamp() >= self.publish_next)

    def checksums(self) -> dict[str, str]:
        """Each file's bytes hash, by path; from the pieces without making the whole table when it is
        not made yet (the spare folder's record: at 100,000 articles, 140 MB fewer)."""
        if self._files is not None:
            return {path: checksum for path, (_, checksum) in self._files.items()}
        return {path: checksum for piece in self._table for path, checksum in zip(piece[0].split("\0"), _hashes_of(piece))}

    def differences(self, other: FileTable) -> dict[str, str | None]:
        """Where the files this record names differ from ``other``'s: each path whose
        hash is not ``other``'s, with this record's hash, and each path of ``other`` it lacks, with None.

        Two generation folders differ by what one build changed: the whole of a record (356,000 paths
        and hashes at 100,000 articles) need not be kept as a table of its own for it, nor split at once.
        """
        changed: dict[str, str | None] = {}
        for piece in self.pieces():
            paths = piece[0].split("\0")
            if len(piece) == 2:  # compared as bytes, the pairs whole at C speed first: most are equal
                pairs = _pairs(piece[1])
                candidates = compress(zip(paths, pairs), map(ne, pairs, map(other._entries.get, paths)))
                changed.update((path, pair[16:].hex()) for path, pair in candidates if other.packed_checksum(path) != pair[16:])
            else:
                changed.update((path, checksum) for path, checksum in zip(paths, piece[2].split("\0"))
                               if other.checksum(path) != checksum)
        if self.count - sum(path not in other for path in changed) < len(other):  # files the other holds that this one never had
            unseen = set(other)  # what the other has, less each piece's (a set of every path here would be 70 MiB more)
            for piece in self.pieces():
                unseen.difference_update(piece[0].split("\0"))
            changed.update(dict.fromkeys(unseen))
        return changed

    @property
    def empty(self) -> bool:
        """Whether it names no file at all."""
        return not self._files if self._files is not None else not self._table

    @property
    def shown(self):
        """Which pages show which content files (shown.ShownIndex), or None; read when first asked."""
        if callable(self._shown):
            self._shown = self._shown()
        return self._shown

    def shown_paths(self) -> Sequence[str]:
        """The pages of ``shown``, in its order: read from its file each time they are asked for, the
        index itself read without them (BuildCache.load_manifest)."""
        pieces: list = []
        self.read_shown_pieces(pieces)
        return [path for piece in pieces for path in (piece.decode().split("\0") if isinstance(piece, bytes) else piece)]

    def read_shown_pieces(self, into: list) -> None:
        """The pages of ``shown``, in its order, appended to ``into`` a run at a time as they are read:
        each run its paths joined by NUL, in UTF-8 (or the paths themselves, where this process has them).
        ``into`` may be anything with a list's ``append`` and ``clear`` (shown.PagePositions)."""
        shown = self.shown
        if shown is not None and shown.paths:
            into.append(shown.paths)
        elif shown is not None and self._shown_pieces is not None:
            self._shown_pieces(into)

    def __getstate__(self) -> dict:
        # The table's pieces are saved after it (BuildCache.save_manifest), the index in a file of its own.
        return {**self.__dict__, "_table": [], "_files": None, "_shown": None, "_shown_pieces": None}

    def __setstate__(self, state: dict) -> None:
        table = state.get("_table")
        if isinstance(table, tuple):  # an earlier version's record: its columns whole, as one piece
            state["_table"] = [table] if table[0] else []
        self.__dict__.update(state)


def cache_dir(output: Path) -> Path:
    """Where the cache of ``output`` lives: beside it, so that its spare folder is on the same disk."""
    return output.parent / ".giaoban-cache" / output.name


class BuildCache:
    """Reads and writes the cache files of one output directory.

    A read-only cache (``writable=False``, for ``giaoban check``) reads what earlier builds saved
    and writes nothing: saves are dropped, and what is parsed now stays in memory (store.CheckStore).
    """

    def __init__(self, output: Path, writable: bool = True, kept: bool = True) -> None:
        self.dir = cache_dir(output)
        self.output = output
        self.writable = writable
        path = str(self.dir / "bodies.sqlite")
        # kept=False: what is there may be half-written by a build that began after we looked (check.py)
        self.store: Store = SqliteStore(path) if writable else CheckStore(path if kept else None)
        self.published_store: str | None = None  # another output's store, which this one may start from

    def start_store_from(self, output: Path) -> None:
        """A store that does not exist yet starts as a copy of ``output``'s (store.copy_store)."""
        self.published_store = str(cache_dir(output.resolve()) / "bodies.sqlite")
        if self.writable and isinstance(self.store, SqliteStore):
            copy_store(self.published_store, self.store.path)

    def restart_store(self, wanted: Collection[str]) -> tuple[dict[str, Document], int]:
        """Start the store again when none of its rows is ``wanted`` (all of another version of
        giaoban-site): from ``output``'s store given to ``start_store_from`` if that has the wanted
        documents (the preview after an upgrade, once ``output/`` is built again: at 100,000 articles
        6 s to copy and read them, against 50 to 90 s to parse every file), else empty. Then the
        kept documents and their count, as ``Store.documents``."""
        if self.published_store is not None:
            self.store.start_again(self.published_store)  # emptied, where it could not be copied
            previous, stored = self.store.documents(wanted)
            if previous or not stored:
                return previous, stored
        self.store.start_again()
        return {}, 0

    def load_scan(self) -> ScanRecord:
        return self.load("scan.pickle", ScanRecord)

    def save_scan(self, record: ScanRecord) -> None:
        self.save("scan.pickle", record)

    @property
    def spare(self) -> Path:
        return self.dir / "spare"

    def load_manifest(self, folder: Path) -> Manifest:
        """What the build that made ``folder`` wrote there; empty when that is not known."""
        name = _manifest_name(folder)
        if not name:
            return Manifest()
        manifest = self._load_record(name)
        manifest._shown = lambda: self.load_shown(folder)
        # The pages' paths saved after the index of pages (``save_manifest``), a piece at a time.
        manifest._shown_pieces = lambda into: self.load(_shown_name(name), dict, pieces=into)
        return manifest

    def load_shown(self, folder: Path) -> ShownIndex | None:
        """The index of shown files of the build that made ``folder`` (shown.py), without its record."""
        name = _manifest_name(folder)
        return self.load(_shown_name(name), dict).get("shown") if name else None

    def _load_record(self, name: str, any_version: bool = False) -> Manifest:
        """A manifest with the pieces of its table, saved after it (``save_manifest``)."""
        pieces: list[Piece] = []
        manifest = self.load(name, Manifest, any_version, pieces)
        if pieces:
            manifest._table = pieces
        return manifest

    def checksums_of(self, folder: Path) -> dict[str, str] | None:
        """What ``folder`` holds (path -> bytes hash) as its last build recorded it, None if not known.

        A record made by another version of giaoban-site is taken too (``load_manifest`` reads it
        first, and warns if it is damaged): its input keys mean nothing now, but the bytes it lists
        are still those of the folder. So after an upgrade, the build (which makes every page again)
        writes only the files whose bytes changed, and the one after it need not link every file
        into the spare folder again (356,000 at 100,000 articles: a minute on a disk).
        """
        return self._of_any_version(folder, Manifest.checksums) or None

    def differences_of(self, folder: Path, other: FileTable) -> dict[str, str | None] | None:
        """How ``folder``'s record (of any version, as ``checksums_of``) differs from ``other``
        (Manifest.differences); None if not known."""
        return self._of_any_version(folder, lambda record: None if record.empty else record.differences(other))

    def recorded_paths(self, folder: Path) -> list[str]:
        """The files ``folder`` holds as its record has them (of any version, as ``checksums_of``); [] if not known."""
        return self._of_any_version(folder, lambda record: record.paths) or []

    def _of_any_version(self, folder: Path, read: Callable[[Manifest], T]) -> T | None:
        """``read`` of ``folder``'s record, whichever version of giaoban-site made it; None if not known."""
        name = _manifest_name(folder)
        try:
            return read(self._load_record(name, any_version=True)) if name else None
        except Exception:  # noqa: BLE001 - an older version's record may have other fields: not known
            return None

    def save_manifest(self, folder: Path, manifest: Manifest) -> None:
        """The manifest of ``folder``, and its index of pages (shown.py) beside it, saved first:
        an index without its manifest is never read."""
        name = _manifest_name(folder)
        shown = manifest.shown
        self.save(_shown_name(name), {"shown": shown}, shown.path_pieces() if shown is not None else ())
        self.save(name, manifest, manifest.pieces())
        current = {_manifest_name(folder), _manifest_name(self.spare), _manifest_name(self.output)}
        for old in [*self.dir.glob("manifest-*.pickle"), *self.dir.glob("shown-*.pickle")]:  # folders that are gone
            if old.name.replace("shown-", "manifest-", 1) not in current:
                old.unlink(missing_ok=True)

    def forget_manifest(self, folder: Path) -> None:
        """Before ``folder`` changes: until it is complete again, nothing may trust an old record of it."""
        if self.writable and (name := _manifest_name(folder)):
            (self.dir / name).unlink(missing_ok=True)
            (self.dir / _shown_name(name)).unlink(missing_ok=True)

    def database(self, name: str, schema: str, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on the kept SQLite file ``name`` (its tables made by ``schema``), in a transaction
        that ``work`` ends: what it does is kept only if it commits.

        For what a generator keeps row by row, to read and write only what an edit touched. A file
        of another version of giaoban-site starts again empty; a damaged one is reported, and starts
        again. A read-only cache (``giaoban check``) gives a copy in memory: nothing on disk changes.
        """
        path = self.dir / name
        try:
            return in_transaction(self._database(path, schema), work)
        except sqlite3.OperationalError:
            raise  # the disk's or the folder's trouble (full, read-only), not the file's: build.py says so
        except sqlite3.DatabaseError:
            log.warning(msg("cache_corrupt", path=path))
            self._forget_database(path)
            return in_transaction(self._database(path, schema), work)

    def _database(self, path: Path, schema: str) -> sqlite3.Connection:
        connection = self._connect_database(path)
        connection.executescript(schema + _VERSION_TABLE)
        if connection.execute("SELECT digest FROM giaoban_version").fetchall() != [(code_digest(),)]:
            connection.close()  # new, or made by another version, whose rows may mean something else
            self._forget_database(path)
            connection = self._connect_database(path, fresh=True)
            connection.executescript(schema + _VERSION_TABLE)
            connection.execute("INSERT INTO giaoban_version VALUES (?)", (code_digest(),))
        return connection

    def _connect_database(self, path: Path, fresh: bool = False) -> sqlite3.Connection:
        if not self.writable:
            connection = scratch_database()
            if path.exists() and not fresh:
                with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as kept:
                    kept.backup(connection)
            return connection
        self.dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA synchronous=OFF")  # a cache: damage is found (DatabaseError), and it starts again
        return connection

    def _forget_database(self, path: Path) -> None:
        if self.writable:
            for damaged in (path, path.with_name(path.name + "-journal")):
                damaged.unlink(missing_ok=True)

    def memo(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, or its result from an earlier build made for the same ``key``."""
        key = digest(key)
        kept = self.load(f"memo-{name}.pickle", dict)
        if kept.get("key") == key:
            return kept["value"]
        value = compute()
        self.save(f"memo-{name}.pickle", {"key": key, "value": value})
        return value

    def load(self, name: str, empty: type, any_version: bool = False, pieces: list | None = None):
        """The value saved as ``name``, or ``empty()`` when there is none or it cannot be trusted;
        and into ``pieces``, what was saved after it (``save``'s ``pieces``).

        What another version of giaoban-site saved is not trusted (``empty()``, without a warning),
        but with ``any_version``: for what stays true whatever made it (the bytes a folder holds);
        such a read warns of no damage, which the usual read of the same file reports.
        """
        path = self.dir / name
        try:
            handle = open(path, "rb")  # closed by the with below, on every way out
        except FileNotFoundError:
            return empty()
        with handle:
            fields = handle.readline(200).rstrip(b"\n").split(b" ")
            version = fields[1] if len(fields) == 3 and fields[0] == _MAGIC and any_version else code_digest().encode()
            if len(fields) == 3 and fields[0] == _MAGIC and fields[1] != version:
                return empty()  # written by another version of giaoban-site: stale, not damaged
            try:
                # Checked, then read, from the file a piece at a time: memory never holds the payload's
                # bytes beside what they make (the index of pages is 50 MB at 100,000 articles).
                start = handle.tell()
                if fields != [_MAGIC, version, _digest_of_rest(handle).encode()]:
                    raise ValueError("checksum")
                handle.seek(start)
                value = pickle.load(handle)
                if not isinstance(value, empty):
                    raise ValueError("type")
                while pieces is not None and handle.peek(1):
                    pieces.append(pickle.load(handle))
                return value
            except Exception:  # noqa: BLE001 - any damage at all means: do not trust it
                if pieces is not None:
                    pieces.clear()
                if not any_version:
                    log.warning(msg("cache_corrupt", path=path))
                return empty()

    def save(self, name: str, value: object, pieces: Iterable[object] = ()) -> None:
        """``value`` pickled into the file ``name``; then each of ``pieces``, on its own: a pickle keeps
        every object it wrote until it ends, so memory holds only one piece at a time."""
        if not self.writable:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        temporary = self.dir / f".{name}.{os.getpid()}"
        with open(temporary, "wb") as handle:
            # Pickled straight into the file, hashed on the way (the manifest at 100,000 articles is 50 MB,
            # which memory need not hold once more); the header, of a fixed length, is written last.
            header = [_MAGIC, code_digest().encode()]
            handle.write(b" ".join([*header, b"0" * 32]) + b"\n")
            payload = _HashingWriter(handle)
            pickle.dump(value, payload, protocol=pickle.HIGHEST_PROTOCOL)
            for piece in pieces:
                pickle.dump(piece, payload, protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(0)
            handle.write(b" ".join([*header, payload.hexdigest().encode()]) + b"\n")
        os.replace(temporary, self.dir / name)


_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS giaoban_version (digest TEXT);"


def scratch_database(schema: str = "") -> sqlite3.Connection:
    """An SQLite database in memory, with the tables of ``schema``, for a build that keeps nothing."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.executescript(schema)
    return connection


def kept_database(cache: BuildCache | None, name: str, schema: str, work: Callable[[sqlite3.Connection], T],
                  replaces: str = "") -> T:
    """``cache.database(name, schema, work)``; for a build with no cache, on a database in memory.
    ``replaces``: the file of the cache that earlier versions kept in its place, removed."""
    if cache is None:
        return in_transaction(scratch_database(schema), work)
    if replaces and cache.writable:
        (cache.dir / replaces).unlink(missing_ok=True)
    return cache.database(name, schema, work)


def in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """``work(connection)`` in a transaction it ends; the connection closed after, so that what ``work``
    did not commit is not kept."""
    with closing(connection):
        connection.execute("BEGIN IMMEDIATE")
        return work(connection)


def _digest_of_rest(handle) -> str:
    """``digest()`` of what is left to read of a file, read a piece at a time."""
    h = hashlib.blake2b(digest_size=16)
    while piece := handle.read(1 << 20):
        h.update(piece)
    h.update(b"\0")  # digest() ends every part so
    return h.hexdigest()


class _HashingWriter:
    """A file's ``write`` that also hashes what goes through it, as ``digest(payload)`` would."""

    def __init__(self, handle) -> None:
        self.handle, self.hash = handle, hashlib.blake2b(digest_size=16)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.handle.write(data)

    def hexdigest(self) -> str:
        self.hash.update(b"\0")  # digest() ends every part so
        return self.hash.hexdigest()


def write_replacing(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader (or a build) never sees half a file; nor
    does another thread writing the same file (the temporary's name is this thread's)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _shown_name(manifest_name: str) -> str:
    return manifest_name.replace("manifest-", "shown-", 1)


def _manifest_name(folder: Path) -> str | None:
    try:
        return f"manifest-{folder_identity(folder)}.pickle"
    except FileNotFoundError:
        return None
