"""``du-lieu/noi-dung.json``: every public item of the site as data, for other state systems.

One file lists the articles, pages and items of every other content type that joins the sitemap
(what a reader may see: no drafts, nothing future-dated), each with its address, dates, people,
categories and the fields its type declares, so that a portal or an archive can harvest the site
without scraping its pages.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

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


def data_json(project: Project) -> bytes:
    items = sorted(public_items(project.site, Feature.SITEMAP), key=lambda d: (-(d.date.timestamp() if d.date else 0), d.url))
    data = {
        "format": FORMAT,
        "site": project.config.title,
        "publisher": project.config.agency.name or project.config.title,
        "url": absolute_url(project.config, project.config.prefix),
        "language": project.config.language,
        "items": [data_record(project, doc) for doc in items],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class OpenData:
    """Generator of the site's data file (``urls.data`` in site.yaml)."""

    per_language = True  # one for each edition (build._write_extras)

    def outputs(self, project: Project) -> list[str]:
        return [project.config.url("data")]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        write(project.config.url("data"), data_json(project))
