"""Files beside the pages: the generator protocol, the writer generators are given, and the registry.

A generator declares the files it will make (``outputs``, which writes nothing: the link checker
asks it) and makes them (``generate``). Adding a family of files is one class and one entry in
``GENERATORS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from .aliases import RedirectRules
from .attachments import Attachments
from .content import visible_files
from .documents import DocumentSearch
from .feeds import Feeds
from .open_data import OpenData
from .output import OutputWriter
from .photos import Photos
from .render import THEME_DIR
from .search import SearchIndex
from .sitemap import Sitemap

if TYPE_CHECKING:
    from .build import Project

CODE_CSS = "static/code.css"


class ExtraFiles:
    """What a generator writes with.

    ``write(path, data)`` adds a file. A generator that can tell cheaply that a file is unchanged
    calls ``keep(path, key)`` first: True means the last build wrote that file from the same key
    and it is still there (it is then carried into the new version), so it need not be made
    again; otherwise ``write(path, data, key)``.
    """

    def __init__(self, writer: OutputWriter, files: dict[str, tuple[str, str]], previous: dict[str, tuple[str, str]]) -> None:
        self.writer, self.files, self.previous = writer, files, previous

    def __call__(self, relative: str, data: bytes | str, key: str | None = None) -> str:
        """Add a file; returns the hash of its bytes, which ``keep`` takes as a key when none is given."""
        checksum = self.writer.write(relative, data)
        self.files[relative] = (key or checksum, checksum)
        return checksum

    def pieces(self, relative: str, pieces: Iterable[bytes]) -> str:
        """Add a file given a piece at a time (OutputWriter.write_pieces); returns the hash of its bytes."""
        checksum = self.writer.write_pieces(relative, pieces)
        self.files[relative] = (checksum, checksum)
        return checksum

    def keep(self, relative: str, key: str) -> bool:
        known = self.previous.get(relative)
        if known and known[0] == key and self.writer.keep(relative, known[1]):
            self.files[relative] = known
            return True
        return False

    def keep_all(self, paths: Iterable[str]) -> bool:
        """Keep the last build's files at ``paths`` as they are, with their keys: True if it had every
        one and each is still there. For a generator whose inputs the build knows are unchanged."""
        return all(relative in self.previous and self.keep(relative, self.previous[relative][0]) for relative in paths)

    def carry(self, relative: str, checksum: str) -> bool:
        """Keep the last build's file at ``relative`` if its bytes are those of ``checksum`` (the hash of
        the bytes the generator would make, as it made them last): True if kept, else it is to be made."""
        known = self.previous.get(relative)
        return bool(known) and known[1] == checksum and self.keep(relative, known[0])


class Generator(Protocol):
    """A family of files made from the whole site (feeds, sitemap, search index, redirects ...).

    Optional class attributes: ``per_language`` (made for each language's edition, not once for the
    site) and ``places_only`` (made from where documents are placed alone, never from what pages
    show of them, shown.SHOWN_ONLY: an edit of an article's body keeps its files as they are).
    """

    def outputs(self, project: Project) -> Iterable[str]:
        """The site-relative paths ``generate`` will write, found without writing anything."""

    def generate(self, project: Project, write: ExtraFiles) -> None:
        """Make the files, each through ``write``."""


class Assets:
    """The theme's static files, the code highlighting styles, then the site's own static/ (which wins)."""

    def outputs(self, project: Project) -> list[str]:
        return [path for path, _ in _tree(THEME_DIR / "static", "static/") + self._own(project)] + [CODE_CSS]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        from pygments.formatters import HtmlFormatter  # only builds that write assets need Pygments here

        for path, source in _tree(THEME_DIR / "static", "static/"):
            write(path, source.read_bytes())
        write(CODE_CSS, HtmlFormatter(style="default").get_style_defs(".highlight"))
        for path, source in self._own(project):
            write(path, source.read_bytes())

    @staticmethod
    def _own(project: Project) -> list[tuple[str, Path]]:
        """static/, but the photos pages show: those answer at their address with a copy without metadata (photos.py)."""
        photos = {photo.original_url for photo in project.site.photos.by_file.values()}
        return [(path, source) for path, source in _tree(project.config.static_dir, "") if path not in photos]


def _tree(source: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(prefix + path.relative_to(source).as_posix(), path) for path in visible_files(source)]


# The search index and the photos take longest: the build runs each beside the others (build._extras_groups).
GENERATORS: list[Generator] = [Assets(), Feeds(), Sitemap(), Attachments(), RedirectRules(), OpenData(), DocumentSearch(), SearchIndex(),
                               Photos()]
