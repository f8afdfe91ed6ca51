"""The build cache beside the output: parsed documents, converted HTML, and the output manifest.

Lives in ``<output's parent>/.giaoban-cache/<output's name>/``. Every file carries a checksum:
a corrupt or truncated cache is reported and ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__
from .content import Document
from .messages import msg

log = logging.getLogger(__name__)

_MAGIC = b"giaoban-cache-1"  # header: magic, code digest, payload checksum; then the pickled payload


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of byte or text parts."""
    h = hashlib.blake2b(digest_size=16)
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
class SourceEntry:
    """What one content file was when it was last parsed."""

    digest: str  # hash of its bytes and of the settings it was parsed with
    document: Document


@dataclass
class Manifest:
    """What the last successful build wrote."""

    inputs: str = ""  # hash of every input: equal means nothing to do
    publish_next: float | None = None  # when the next scheduled article becomes due
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # output path -> (input key, bytes hash)
    scheduled: int = 0  # articles waiting for their date, to report when nothing needs building


class BuildCache:
    """Reads and writes the cache files of one output directory."""

    def __init__(self, output: Path) -> None:
        self.dir = output.parent / ".giaoban-cache" / output.name
        self.store = str(self.dir / "bodies.sqlite")

    def load_sources(self) -> dict[str, SourceEntry]:
        return self._load("sources.pickle", dict)

    def save_sources(self, entries: dict[str, SourceEntry]) -> None:
        self._save("sources.pickle", entries)

    def load_manifest(self) -> Manifest:
        return self._load("manifest.pickle", Manifest)

    def save_manifest(self, manifest: Manifest) -> None:
        self._save("manifest.pickle", manifest)

    def _load(self, name: str, empty: type):
        path = self.dir / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return empty()
        header, _, payload = data.partition(b"\n")
        fields = header.split(b" ")
        if len(fields) == 3 and fields[0] == _MAGIC and fields[1] != code_digest().encode():
            return empty()  # written by another version of giaoban-site: stale, not damaged
        try:
            if fields != [_MAGIC, code_digest().encode(), digest(payload).encode()]:
                raise ValueError("checksum")
            value = pickle.loads(payload)
            if not isinstance(value, empty):
                raise ValueError("type")
            return value
        except Exception:  # noqa: BLE001 - any damage at all means: do not trust it
            log.warning(msg("cache_corrupt", path=path))
            return empty()

    def _save(self, name: str, value: object) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        temporary = self.dir / f".{name}.{os.getpid()}"
        temporary.write_bytes(b" ".join([_MAGIC, code_digest().encode(), digest(payload).encode()]) + b"\n" + payload)
        os.replace(temporary, self.dir / name)
