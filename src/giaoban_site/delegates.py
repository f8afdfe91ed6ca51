"""Delegates (đại biểu): a directory per term, grouped by constituency, in Vietnamese order; a page each.

A delegate's file holds what the council publishes officially and nothing more: name (the title),
photo (``image``), position, workplace, constituency, delegation group (Tổ đại biểu), committees (Ban),
the terms served, and changes with their dates (``bien_dong``: elected later, dismissed ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable

from .content import Document
from .content_types import ContentType
from .errors import Problem
from .messages import msg
from .sessions import check_term, roman_value
from .site import RegisterKey
from .vietnamese import collation_key, nfc, slugify

if TYPE_CHECKING:
    from .content import FieldReader
    from .render import PageJob
    from .site import Site


def name_order(name: str) -> tuple:
    """Vietnamese order of people: by given name (the last word), then the whole name."""
    return (collation_key(name.split()[-1]), collation_key(name))


@dataclass(frozen=True)
class Change:
    date: dt.datetime
    text: str


class DelegateModel:
    own_fields = frozenset({"bien_dong"})
    title_field = "title"  # what `giaoban new` fills with the text it is given

    def fill(self, reader: FieldReader, content_type: ContentType) -> None:
        pass

    def check(self, doc: Document, reader: FieldReader, content_type: ContentType) -> Document:
        terms = tuple(check_term(reader, "khoa", term) for term in doc.extra["khoa"])
        changes = []
        raw = reader.fields.get("bien_dong") or []
        for item in raw if isinstance(raw, list) else [raw]:
            if not isinstance(item, dict) or not isinstance(item.get("noi_dung"), str) or not item.get("ngay"):
                raise reader.fail("bien_dong", msg("bad_changes"))
            when = reader.date_value("bien_dong", item["ngay"])
            changes.append(Change(when, " ".join(nfc(item["noi_dung"]).split())))
        return replace(doc, extra={**doc.extra, "khoa": terms, "bien_dong": tuple(sorted(changes, key=lambda c: c.date))})

    def arrange(self, site: Site, content_type: ContentType) -> DelegateRegister:
        return DelegateRegister(site, content_type)


@dataclass(frozen=True)
class Group:
    name: str  # the constituency
    delegates: tuple[Document, ...]


@dataclass(frozen=True)
class TermLink:
    name: str
    url: str
    count: int


class DelegateRegister:
    def __init__(self, site: Site, content_type: ContentType) -> None:
        self.site, self.type = site, content_type
        self.by_term: dict[str, list[Document]] = {}
        for doc in sorted(site.items[content_type.name], key=lambda d: name_order(d.title)):
            for term in doc.extra["khoa"]:
                self.by_term.setdefault(term, []).append(doc)
        self.terms = sorted(self.by_term, key=lambda t: -(roman_value(t) or 0))

    def term_url(self, term: str) -> str:
        return f"{self.type.index}khoa-{slugify(term)}/"

    def term_links(self, terms: Iterable[str]) -> list[TermLink]:
        return [TermLink(term, self.term_url(term), len(self.by_term[term])) for term in terms]

    def directory(self, term: str) -> list[Group]:
        groups: dict[str, list[Document]] = {}
        for doc in self.by_term[term]:
            groups.setdefault(doc.extra["don_vi_bau_cu"], []).append(doc)
        return [Group(name, tuple(docs)) for name, docs in sorted(groups.items(), key=lambda kv: collation_key(kv[0]))]

    def problems(self) -> list[Problem]:
        return []

    def changes_at(self) -> list[dt.datetime]:
        return []

    def jobs(self) -> list[PageJob]:
        from .render import PageJob, PageKind  # here: render.py imports the registers

        return [PageJob(self.type.index, "delegates.html", PageKind.REGISTER, RegisterKey(self.type.name)),
                *(PageJob(self.term_url(term), "delegates.html", PageKind.REGISTER, RegisterKey(self.type.name, "khoa", term))
                  for term in self.terms)]

    def context(self, key: RegisterKey, number: int) -> dict:
        term = key.value or (self.terms[0] if self.terms else "")
        return {"heading": f"{self.type.title} khóa {term}" if term else self.type.title, "content_type": self.type, "term": term,
                "groups": self.directory(term) if term else [], "count": len(self.by_term.get(term, ())),
                "terms": self.term_links(self.terms)}

    def item_context(self, doc: Document) -> dict:
        return {"terms": self.term_links(doc.extra["khoa"])}

    def home_context(self) -> dict:
        return {}

    def item_data(self, doc: Document) -> dict:
        return {"changes": [{"date": c.date.isoformat(), "text": c.text} for c in doc.extra["bien_dong"]]}
