"""``du-lieu/noi-dung.json``: every public item of the site as data, for other state systems.

One file lists the articles, pages and items of every other content type that joins the sitemap
(what a reader may see: no drafts, nothing future-dated), each with its address, dates, people,
categories and the fields its type declares, so that a portal or an archive can harvest the site
without scraping its pages.

At 100,000 articles the file is 87 MB. Each item's record is kept, as JSON, in the build cache
beside the key of what it was made from, so that a rebuild after one edit makes one record again
and joins the others as they were (the register's items, which show their relations to others,
are made every time).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cache import code_digest, digest
from .content import Document
from .content_types import Feature
from .public import absolute_url, public_items

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles

FORMAT = "giaoban-open-data/1"  # changes when a field changes meaning; new fields may come without it


def data_record(project: Project, doc: Document) -> dict:
    """One item as data: what its page says about it, in plain JSON values."""
    config = project.config
    register = project.site.registers.get(doc.kind)
    return {
        "type": doc.kind, "title": doc.title, "url": absolute_url(config, doc.url),
        "date": _plain(doc.date), "updated": _plain(doc.updated), "summary": doc.summary or "",
        "authors": list(doc.authors), "category": doc.category, "categories": list(doc.categories), "tags": list(doc.tags),
        "series": doc.series, "source": doc.news_source, "source_url": doc.news_source_url, "external_url": doc.external_url,
        "expires": _plain(doc.expires),
        "fields": {spec.name: _plain(doc.extra.get(spec.name)) for spec in config.types[doc.kind].fields},
        "attachments": [{"url": absolute_url(config, a.url), "title": a.title, "type": a.file_type, "size": a.size}
                        for a in project.site.attachments.get(doc.source, ())],
        **({"register": register.item_data(doc)} if register else {}),
    }



def _plain(value: object) -> object:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


@dataclass
class KeptRecords:
    """The records of the last build, as JSON bytes, each with the key of what it was made from."""

    settings: str = ""  # the code and site.yaml they were made with: another, and none is reused
    records: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # source -> (key, record)


def data_json(project: Project, kept: KeptRecords | None = None) -> bytes:
    """The data file; ``kept`` (updated in place) holds the records to reuse and to keep for the next build."""
    kept = kept if kept is not None else KeptRecords()
    settings = digest(code_digest(), repr(project.config))
    if kept.settings != settings:
        kept.settings, kept.records = settings, {}
    items = sorted(public_items(project.site, Feature.SITEMAP), key=lambda d: (-(d.date.timestamp() if d.date else 0), d.url))
    records, previous = {}, kept.records
    for doc in items:
        key = _record_key(project, doc)
        known = previous.get(doc.source)
        records[doc.source] = known if known and known[0] == key else (key, _json(data_record(project, doc)))
    kept.records = {source: record for source, record in records.items() if record[0]}  # a register's items: no key, not kept
    head = _json({
        "format": FORMAT,
        "site": project.config.title,
        "publisher": project.config.agency.name or project.config.title,
        "url": absolute_url(project.config, project.config.prefix),
        "language": project.config.language,
        "items": [],
    })
    # The same bytes as the whole object dumped at once: "items" is its last member. Joined once: the
    # file is 87 MB at 100,000 articles, and joining the items first would make it twice.
    pieces = [head[:-2]]
    for _, record in records.values():
        pieces += (record, b",")
    if records:
        pieces.pop()  # the comma after the last item
    pieces.append(b"]}")
    return b"".join(pieces)


def _record_key(project: Project, doc: Document) -> str:
    """What an item's record is made from besides the code and site.yaml: its file (digest), its
    address and its attachments; "" for a register's item, whose record shows others too."""
    if doc.kind in project.site.registers:
        return ""
    return f"{doc.digest}:{doc.url}:{project.site.attachments.get(doc.source, ())}"


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class OpenData:
    """Generator of the site's data file (``urls.data`` in site.yaml)."""

    per_language = True  # one for each edition (build._write_extras)

    def outputs(self, project: Project) -> list[str]:
        return [project.config.url("data")]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        name = project.cache_name("open-data.pickle")
        kept = project.cache.load(name, KeptRecords) if project.cache else KeptRecords()
        write(project.config.url("data"), data_json(project, kept))
        if project.cache:
            project.cache.save(name, kept)
