"""Sessions (kỳ họp): a term (khóa XVII), a number, a kind, dates and place; the agenda is the body.

A session's page gathers the documents passed at it (their ``ky_hop`` names the session by its
address or its title) and the news tagged with it (the tag in its ``the`` field, or its title).
The index lists the sessions by term, newest first; the home page shows the one under way or the next.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .content import Document, line_of_field
from .content_types import ContentType
from .documents import Entry, session_documents
from .errors import Problem
from .messages import msg
from .public import absolute_url
from .site import RegisterKey
from .vietnamese import fold, slugify

if TYPE_CHECKING:
    from .content import FieldReader
    from .render import PageJob
    from .site import Site

KINDS = ("thường lệ", "chuyên đề", "bất thường")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """The value of a Roman numeral ("XVII" -> 17), or None when ``text`` is not one."""
    text = text.strip().upper()
    if not re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", text) or not text:
        return None
    values = [_ROMAN[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def check_term(reader: FieldReader, field_name: str, value: str) -> str:
    if roman_value(value) is None:
        raise reader.fail(field_name, msg("bad_term", value=value))
    return value.strip().upper()


class SessionModel:
    own_fields = frozenset()
    title_field = "title"  # what `giaoban new` fills with the text it is given

    def fill(self, reader: FieldReader, content_type: ContentType) -> None:
        """Title and address from the term and the number: "Kỳ họp thứ 18, khóa XVII", /ky-hop/khoa-xvii-ky-hop-18/."""
        for name in ("khoa", "so"):
            if reader.fields.get(name) in (None, ""):
                raise reader.fail(name, msg("missing_field", field=name, type=content_type.name))
        term = check_term(reader, "khoa", str(reader.fields["khoa"]))
        reader.fields["khoa"] = term
        reader.fields.setdefault("title", f"Kỳ họp thứ {reader.fields['so']}, khóa {term}")
        reader.fields.setdefault("slug", slugify(f"khoa {term} ky hop {reader.fields['so']}"))

    def check(self, doc: Document, reader: FieldReader, content_type: ContentType) -> Document:
        written = doc.extra.get("hinh_thuc") or KINDS[0]
        kind = next((k for k in KINDS if fold(k) == fold(written)), None)
        if kind is None:
            raise reader.fail("hinh_thuc", msg("unknown_choice", field="hinh_thuc", value=written, known=", ".join(KINDS)))
        start, end = doc.extra["ngay_bat_dau"], doc.extra.get("ngay_ket_thuc")
        if end and end < start:
            raise reader.fail("ngay_ket_thuc", msg("date_before", field="ngay_ket_thuc", other="ngay_bat_dau"))
        return replace(doc, extra={**doc.extra, "hinh_thuc": kind})

    def arrange(self, site: Site, content_type: ContentType) -> SessionRegister:
        return SessionRegister(site, content_type)


@dataclass(frozen=True)
class Session:
    """A session as pages show it, with what it passed and the news of it."""

    doc: Document
    term: str
    number: int
    kind: str
    start: dt.datetime
    end: dt.datetime
    documents: tuple[Entry, ...] = ()
    articles: tuple[Document, ...] = ()

    def under_way(self, now: dt.datetime) -> bool:
        return self.start.date() <= now.astimezone(self.start.tzinfo).date() <= self.end.date()


@dataclass(frozen=True)
class Term:
    name: str  # "XVII"
    years: str  # "2021–2026", from the sessions' nhiem_ky
    sessions: tuple[Session, ...]


class SessionRegister:
    def __init__(self, site: Site, content_type: ContentType) -> None:
        self.site, self.type = site, content_type
        self._problems: list[Problem] = []
        docs = sorted(site.items[content_type.name], key=lambda d: (-d.extra["ngay_bat_dau"].timestamp(), d.source))
        seen: dict[tuple[str, object], Document] = {}
        for doc in docs:
            other = seen.setdefault((doc.extra["khoa"], doc.extra["so"]), doc)
            if other is not doc:
                message = msg("duplicate_session", number=doc.extra["so"], term=doc.extra["khoa"], other=other.source)
                self._problems.append(Problem(doc.source, line_of_field(site.config.root / doc.source, "so"), message))
        self.sessions = [self._session(doc) for doc in docs]
        self.by_source = {s.doc.source: s for s in self.sessions}

    def _session(self, doc: Document) -> Session:
        tag = slugify(doc.extra.get("the") or doc.title)
        articles = tuple(a for a in self.site.articles if tag in {slugify(t) for t in a.tags})
        start = doc.extra["ngay_bat_dau"]
        return Session(doc, doc.extra["khoa"], doc.extra["so"], doc.extra["hinh_thuc"], start,
                       doc.extra.get("ngay_ket_thuc") or start, tuple(session_documents(self.site, doc)), articles)

    def terms(self) -> list[Term]:
        by_term: dict[str, list[Session]] = {}
        for session in self.sessions:
            by_term.setdefault(session.term, []).append(session)
        return [Term(name, next((s.doc.extra["nhiem_ky"] for s in sessions if s.doc.extra.get("nhiem_ky")), ""), tuple(sessions))
                for name, sessions in sorted(by_term.items(), key=lambda kv: -(roman_value(kv[0]) or 0))]

    def current_or_next(self) -> Session | None:
        now = self.site.now
        under_way = [s for s in self.sessions if s.under_way(now)]
        coming = [s for s in self.sessions if s.start > now]
        return (under_way or coming[-1:] or [None])[0]  # sessions are newest first: the last coming is the next

    def problems(self) -> list[Problem]:
        return self._problems

    def changes_at(self) -> list[dt.datetime]:
        """A session starting or ending changes the home page: the day after its end, it is no longer shown."""
        now, moments = self.site.now, []
        for s in self.sessions:
            moments += [s.start.replace(hour=0, minute=0, second=0), s.end.replace(hour=0, minute=0, second=0) + dt.timedelta(days=1)]
        return [m for m in moments if m > now]

    def jobs(self) -> list[PageJob]:
        from .render import PageJob, PageKind  # here: render.py imports the registers

        return [PageJob(self.type.index, "sessions.html", PageKind.REGISTER, RegisterKey(self.type.name))]  # empty too: pages link it

    def context(self, key: RegisterKey, number: int) -> dict:
        return {"heading": self.type.title, "content_type": self.type, "terms": self.terms()}

    def item_context(self, doc: Document) -> dict:
        return {"session": self.by_source[doc.source]}

    def item_data(self, doc: Document) -> dict:
        session = self.by_source[doc.source]
        config = self.site.config
        return {"documents": [absolute_url(config, e.doc.url) for e in session.documents],
                "articles": [absolute_url(config, a.url) for a in session.articles]}

    def home_context(self) -> dict:
        current = self.current_or_next()
        return {"session": current, "session_under_way": bool(current and current.under_way(self.site.now))}
