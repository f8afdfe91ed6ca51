"""``giaoban new``: a new article, page or item of any content type, with its front matter filled in."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content_types import FieldKind, FieldSpec
from .errors import GiaobanError
from .messages import msg
from .models import model_of
from .vietnamese import nfc, slugify


@dataclass
class NewOptions:
    source: Path
    title: str
    page: bool = False  # the same as content_type="page"
    content_type: str = "article"  # a name from the registry (content_types.py, site.yaml's types:)
    author: str | None = None  # default: ``author`` from site.yaml
    lang: str = ""  # another language of site.yaml's ``languages:``: the file goes under content/<lang>/
    now: dt.datetime | None = None  # default: now


def create_document(options: NewOptions) -> Path:
    """Write a draft article (``content/YYYY/MM/<slug>.md``), page (``content/pages/<slug>.md``) or item
    of another type (in its folder), with the type's declared fields to fill in.

    Returns the new file's path. Raises ``GiaobanError`` rather than overwrite an existing file.
    """
    config = load_config(options.source)
    folder = config.content_dir
    if options.lang and options.lang != config.language:
        if options.lang not in config.language_codes:
            raise GiaobanError(msg("lang_unknown", code=options.lang, known=", ".join([config.language, *config.language_codes])))
        config, folder = config.edition(options.lang), folder / options.lang  # its types: the registers are not there
    name = "page" if options.page else options.content_type
    if name not in config.types.by_name:
        raise GiaobanError(msg("new_unknown_type", name=name, known=", ".join(t.name for t in config.types)))
    content_type = config.types[name]
    title = " ".join(nfc(options.title).split())
    slug = slugify(title)
    if not slug:
        raise GiaobanError(msg("new_empty_slug", title=options.title))
    now = (options.now or dt.datetime.now(dt.timezone.utc)).astimezone(config.tz).replace(microsecond=0)
    model = model_of(content_type)
    # A register's item takes what it is about in its own field (a document's title comes from its number).
    fields: dict[str, object] = {model.title_field if model else "title": title}
    if content_type.dated and model is None:  # a register's date is one of its own fields
        author = options.author if options.author is not None else config.author
        fields.update({"date": now.isoformat(), "author": author, "tags": []})
    fields.update({spec.name: _placeholder(spec) for spec in content_type.fields if spec.name not in fields})
    path = folder / content_type.new_path(slug, f"{now:%Y}", f"{now:%m}")
    _write_new(path, front_matter({**fields, "draft": True}))
    return path


def _placeholder(spec: FieldSpec) -> object:
    """What a new file holds for a declared field: its default, or an empty value of its kind to fill in."""
    if spec.default is not None:
        return spec.default
    return {FieldKind.LIST: [], FieldKind.BOOL: False}.get(spec.kind, "")


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
