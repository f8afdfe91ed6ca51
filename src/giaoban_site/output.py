"""Every write to the output directory, so that it is always one complete version of the site.

A site has two generation folders: ``output/``, the version being served, and a spare one in
the cache folder, the version before. A build brings the spare up to the new version: it writes
the files whose bytes changed, hard-links from ``output/`` those it did not need to make again,
and removes what nothing makes now. Then the two folders trade places in one atomic step (Linux
``renameat2``), so a web server pointed at ``output/`` (or a kill at any moment) sees either the
whole old site or the whole new one, never a mixture.

A file that exists in a generation folder is never written in place, only replaced by a new
file (write beside it, then rename): the hard links the two folders share stay untouched, and
a client still downloading the old file gets the old bytes to the end.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import shutil
from itertools import filterfalse
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator

from .libc import libc_function

if TYPE_CHECKING:
    from .cache import FileTable

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one atomic step (Linux)
# Folders a writer knows it made: enough for the pages of a plan's run (an item, its copy, a list's
# pages), not every one of a build (100,000 articles' folders, 30 MiB in each worker).
_FOLDERS_KEPT = 4096


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def folder_identity(folder: Path) -> str:
    """What tells one generation folder from the other: its device and inode, kept by renames."""
    info = os.stat(folder)
    return f"{info.st_dev}-{info.st_ino}"


class SpareFiles:
    """What the spare folder holds (path -> bytes hash), told by how it differs from output/'s files.

    The two generation folders hold the same files but for those the last build changed (a few dozen
    after an edit): a table of the spare's own would hold every path and hash once more (at 100,000
    articles, 80 MiB for the whole build).
    """

    def __init__(self, output: FileTable, differences: dict[str, str | None]) -> None:
        self._output, self._differences = output, differences  # differences: path -> its hash here, None if not here

    def get(self, path: str) -> str | None:
        if path in self._differences:
            return self._differences[path]
        return self._output.checksum(path)

    def all_same_as_output(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` it holds as output/ does, bytes and all, in one pass."""
        differences, output = self._differences, self._output.keys()
        return list(filter(output.__contains__, filterfalse(differences.__contains__, paths)))  # C speed: 355,000 paths

    def __contains__(self, path: str) -> bool:
        return self.get(path) is not None

    def __iter__(self) -> Iterator[str]:
        differences = self._differences
        yield from filterfalse(differences.__contains__, self._output.keys())
        yield from (path for path, checksum in differences.items() if checksum is not None)


class OutputWriter:
    """Makes one build's version of the site in the spare folder, then swaps it in.

    ``spare_files`` is what the spare folder holds, or None when that is not known (first build, or
    a build killed while it wrote): the spare then starts again.
    """

    def __init__(self, output: Path, spare: Path, spare_files: SpareFiles | None) -> None:
        self.output, self.spare = output.resolve(), spare.resolve()
        self._output_prefix = str(self.output) + os.sep
        self._spare = str(self.spare)
        self.spare_files = spare_files if spare_files is not None and self.spare.is_dir() else None
        self._made_dirs: set[str] = set()

    def start(self, output_files: FileTable) -> None:
        """Make the spare folder ready for writing (its record is forgotten before: see build.write_site).

        A spare that is not known starts again as a twin of the output (``output_files``: what it
        holds), all hard links made in one pass: much quicker than linking them one by one as the
        pages are found unchanged.
        """
        if self.spare_files is None:
            if self.spare.exists():
                shutil.rmtree(self.spare)
            self.spare.mkdir(parents=True)
            self.spare_files = SpareFiles(output_files, self._twin_of_output(output_files))

    def _twin_of_output(self, output_files: FileTable) -> dict[str, None]:
        """Link every file of the output into the spare; those it could not (gone from the output:
        made again when their page is), as SpareFiles' differences."""
        missing = {}
        for relative in output_files:
            try:
                _link_or_copy(self._output_prefix + relative, self._target(relative))
            except FileNotFoundError:
                missing[relative] = None
        return missing

    def carried(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` the new version has as output/ does already: nothing to do to keep them."""
        return self.spare_files.all_same_as_output(paths)

    def write(self, relative: str, data: bytes | str) -> str:
        """Put these bytes at ``relative`` in the new version; returns their hash."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        checksum = content_hash(data)
        if self.spare_files.get(relative) != checksum:
            self._place(relative, lambda path: _write_file(path, data))
        return checksum

    def write_pieces(self, relative: str, pieces: Iterable[bytes]) -> str:
        """``write`` of a file given a piece at a time, which memory need not hold whole (the open
        data file is 87 MB at 100,000 articles): written beside its place while hashed, then put
        in place, unless the spare holds those bytes already."""
        target = self._target(relative)
        temporary = f"{target}.giaoban-{os.getpid()}.pieces"
        hashed = hashlib.blake2b(digest_size=16)  # as content_hash
        try:
            with open(temporary, "wb") as handle:
                for piece in pieces:
                    hashed.update(piece)
                    handle.write(piece)
            checksum = hashed.hexdigest()
            if self.spare_files.get(relative) != checksum:
                self._place(relative, lambda path: os.replace(temporary, path))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return checksum

    def keep(self, relative: str, checksum: str) -> bool:
        """Carry the output's file at ``relative`` (last built with ``checksum``) into the new version.

        Nothing to do when the spare folder holds those bytes already (``spare_files`` names only
        the files it holds: build.py leaves out those deleted by hand). False when the output does
        not hold it any more either: then it has to be made again.
        """
        if self.spare_files.get(relative) == checksum:
            return True
        source = self._output_prefix + relative
        try:
            self._place(relative, lambda path: _link_or_copy(source, path))
        except FileNotFoundError:
            return False
        return True

    def _place(self, relative: str, fill: Callable[[str], None]) -> None:
        """Make the spare's file at ``relative`` with ``fill(path)``: a file already there is
        replaced, never rewritten (see the module's docstring)."""
        target = self._target(relative)
        if relative in self.spare_files:
            temporary = f"{target}.giaoban-{os.getpid()}"
            fill(temporary)
            os.replace(temporary, target)
        else:
            _clear(target)
            fill(target)

    def _target(self, relative: str) -> str:
        normal = os.path.normpath(relative)
        if normal.startswith(("..", "/")) or os.path.isabs(normal) or "\0" in normal:
            raise ValueError(f"refusing to write outside the output directory: {relative}")
        target = os.path.join(self._spare, normal)
        folder = os.path.dirname(target)
        if folder not in self._made_dirs:  # plain os calls, not pathlib: a full build writes tens of thousands of files
            try:
                os.makedirs(folder, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # the version before has a file where this one has a folder
                _remove_file_on_the_way(folder, self._spare)
                os.makedirs(folder, exist_ok=True)
            if len(self._made_dirs) >= _FOLDERS_KEPT:
                self._made_dirs.clear()
            self._made_dirs.add(folder)
        return target

    def finish(self, produced: Container[str]) -> None:
        """Remove from the new version what nothing produced."""
        for relative in sorted(filterfalse(produced.__contains__, self.spare_files)):
            path = Path(self._spare, relative)
            try:
                path.unlink(missing_ok=True)
            except (IsADirectoryError, NotADirectoryError):  # this version has a folder where that file was, or a file
                continue                                      # where its folder was: made already, nothing to remove
            _remove_empty_parents(path, self.spare)

    def swap(self) -> None:
        """Put the new version in place of ``output``; the old one becomes the spare.

        Its bytes are made durable first, so that a power cut just after cannot leave an empty file.
        """
        _sync(self.spare)
        if not self.output.exists():
            self.output.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.spare, self.output)
            return
        if not _exchange(self.spare, self.output):
            # No atomic exchange here (not Linux, or a file system without it): two renames, with
            # a moment between them where output/ is missing, but never one where it is mixed.
            old = self.spare.with_name(self.spare.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.output, old)
            os.rename(self.spare, self.output)
            os.rename(old, self.spare)
        _sync(self.output.parent)


def _write_file(path: str, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        remaining = memoryview(data)
        while remaining:
            remaining = remaining[os.write(handle, remaining):]
    finally:
        os.close(handle)


def _clear(target: str) -> None:
    """Make way for a new file at ``target``: the version before may have a folder there."""
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)


def _remove_file_on_the_way(folder: str, top: str) -> None:
    probe = folder
    while len(probe) > len(top):
        if os.path.lexists(probe) and not os.path.isdir(probe):
            os.unlink(probe)
            return
        probe = os.path.dirname(probe)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target)


def _remove_empty_parents(path: Path, top: Path) -> None:
    parent = path.parent
    while parent != top and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _sync(folder: Path) -> None:
    """Flush the file system holding ``folder`` (Linux syncfs), so that a power cut after the swap
    cannot leave a file of the new version empty."""
    syncfs = libc_function("syncfs")
    if syncfs is None:
        os.sync()
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        syncfs(handle)
    finally:
        os.close(handle)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories with Linux renameat2; False where that is not available."""
    renameat2 = libc_function("renameat2")
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
