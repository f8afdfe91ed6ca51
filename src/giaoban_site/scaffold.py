"""``giaoban new``: a new article or page file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .errors import GiaobanError
from .messages import msg
from .vietnamese import nfc, slugify


@dataclass
class NewOptions:
    source: Path
    title: str
    page: bool = False
    author: str | None = None  # default: ``author`` from site.yaml
    now: dt.datetime | None = None  # default: now


def create_document(options: NewOptions) -> Path:
    """Write a draft article (``content/YYYY/MM/<slug>.md``) or page (``content/pages/<slug>.md``).

    Returns the new file's path. Raises ``GiaobanError`` rather than overwrite an existing file.
    """
    config = load_config(options.source)
    title = " ".join(nfc(options.title).split())
    slug = slugify(title)
    if not slug:
        raise GiaobanError(msg("new_empty_slug", title=options.title))
    now = (options.now or dt.datetime.now(dt.timezone.utc)).astimezone(config.tz).replace(microsecond=0)
    if options.page:
        path = config.content_dir / "pages" / f"{slug}.md"
        text = front_matter({"title": title, "draft": True})
    else:
        path = config.content_dir / f"{now:%Y}" / f"{now:%m}" / f"{slug}.md"
        author = options.author if options.author is not None else config.author
        text = front_matter({"title": title, "date": now.isoformat(), "author": author, "tags": [], "draft": True})
    _write_new(path, text)
    return path


def front_matter(fields: dict[str, object]) -> str:
    """YAML front matter, one ``field: value`` line each, then an empty body for the editor to fill."""
    lines = ["---"]
    for name, value in fields.items():
        if isinstance(value, str) and name != "date":
            # A JSON string is a valid YAML double-quoted scalar: titles with ':' or '#' stay text.
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False)
        lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n---\n\n"


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" fails if the file exists, with no window between a check and the write.
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise GiaobanError(msg("new_exists", path=path)) from None
