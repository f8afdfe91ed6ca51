"""Documents (văn bản): numbered, typed, in force or not, related to one another, filtered without JavaScript.

A document is a Markdown file under content/van-ban/ whose front matter carries the metadata of
Nghị định 30/2020 (so_ky_hieu, loai, co_quan_ban_hanh, ngay_ban_hanh ...). Its title, date and
address come from its number when not given: "Nghị quyết số 15/2024/NQ-HĐND" at
/van-ban/15-2024-nq-hdnd/. Numbers restart every year, so a number without a year in it
("123/NQ-HĐND") is told apart by its year of issue: /van-ban/123-nq-hdnd-2024/.

Articles link a document by its number, as a Markdown link: ``[Nghị quyết số 15](van-ban:15/2024/NQ-HĐND)``
(or by the end of its address, ``van-ban:123-nq-hdnd-2024``, when a number alone is in two years).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable
from urllib.parse import unquote

from .content import Document, line_of_field
from .content_types import ContentType, Model
from .errors import Problem
from .messages import msg
from .public import absolute_url
from .site import RegisterKey, paginated_url
from .vietnamese import collation_key, fold, nfc, slugify

if TYPE_CHECKING:
    from .build import Project
    from .content import FieldReader
    from .extras import ExtraFiles
    from .render import PageJob
    from .site import Site

REFERENCE_SCHEME = "van-ban:"  # of a link from an article to a document
SEARCH_FILE = "van-ban.json"  # beside the search page: every document's number, type, year and summary
# The document types of Nghị định 30/2020 (Phụ lục III) and the laws and decrees a council cites,
# with the abbreviation their number carries ("15/2024/NQ-HĐND"); "" for those that carry none.
KINDS = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC",
    "Phiếu báo": "PB", "Nghị định": "NĐ", "Thông tư": "TT", "Thông tư liên tịch": "TTLT", "Pháp lệnh": "PL",
    "Công văn": "", "Thư công": "", "Luật": "", "Hiến pháp": "",
}
_KIND_BY_FOLD = {fold(name): name for name in KINDS}
_KIND_BY_ABBREVIATION = {fold(abbr): name for name, abbr in KINDS.items() if abbr}
# number[/year]/symbol: "15/2024/NQ-HĐND", "123/NQ-HĐND", "71/BC-HĐND", "05/HĐND-VP" (an official letter)
_NUMBER = re.compile(r"^(?P<no>\d+[a-zA-Z]?)(?:/(?P<year>\d{4}))?/(?P<symbol>[^/\s]+)$")


class Status(enum.Enum):
    """Tình trạng hiệu lực, as the national legal database says it."""

    IN_FORCE = "Còn hiệu lực"
    PARTLY_EXPIRED = "Hết hiệu lực một phần"
    EXPIRED = "Hết hiệu lực toàn bộ"
    PENDING = "Chưa có hiệu lực"

    @property
    def in_force(self) -> bool:
        return self is Status.IN_FORCE

    @property
    def slug(self) -> str:
        return slugify(self.value)


_STATUS_BY_FOLD = {fold(s.value): s for s in Status}


def document_key(number: str, year: int) -> str:
    """A document's key and the end of its address: its number made a slug, with its year when the
    number has none ("123/NQ-HĐND" of 2024: "123-nq-hdnd-2024")."""
    found = _NUMBER.match(number)
    slug = slugify(number)
    return slug if found and found.group("year") else f"{slug}-{year}"


def _normal(number: str) -> str:
    return nfc(number).casefold().replace(" ", "")


class DocumentModel:
    own_fields = frozenset({"file"})  # its files, read as attachments
    title_field = "trich_yeu"  # what `giaoban new` fills with the text it is given

    def fill(self, reader: FieldReader, content_type: ContentType) -> None:
        """Title, date, address, summary and files from the number, the type and the issue date."""
        for name in ("so_ky_hieu", "loai", "ngay_ban_hanh"):
            if reader.fields.get(name) in (None, ""):
                raise reader.fail(name, msg("missing_field", field=name, type=content_type.name))
        number = " ".join(str(reader.fields["so_ky_hieu"]).split())
        if not _NUMBER.match(number):
            raise reader.fail("so_ky_hieu", msg("bad_document_number", value=number))
        kind = _KIND_BY_FOLD.get(fold(" ".join(str(reader.fields["loai"]).split())))
        if kind is None:
            raise reader.fail("loai", msg("unknown_document_kind", value=reader.fields["loai"], known=", ".join(KINDS)))
        issued = reader.date("ngay_ban_hanh", required=True)
        reader.fields.update(so_ky_hieu=number, loai=kind)
        reader.fields.setdefault("title", f"{kind} số {number}")
        reader.fields.setdefault("date", reader.fields["ngay_ban_hanh"])
        reader.fields.setdefault("slug", document_key(number, issued.year))
        reader.fields.setdefault("summary", reader.fields.get("trich_yeu"))
        if "file" in reader.fields and "attachments" in reader.fields:
            raise reader.fail("attachments", msg("document_files_twice"))
        reader.attachment_field = "file" if "file" in reader.fields else "attachments"

    def check(self, doc: Document, reader: FieldReader, content_type: ContentType) -> Document:
        number, kind, extra = doc.extra["so_ky_hieu"], doc.extra["loai"], doc.extra
        found = _NUMBER.match(number)
        abbreviation = found.group("symbol").split("-")[0]
        named = _KIND_BY_ABBREVIATION.get(fold(abbreviation))
        expected = KINDS[kind]
        if (expected and fold(abbreviation) != fold(expected)) or (not expected and named):
            raise reader.fail("loai", msg("document_kind_contradicts", number=number, kind=kind,
                                          named=named or abbreviation, expected=expected or "—"))
        issued = extra["ngay_ban_hanh"]
        if found.group("year") and int(found.group("year")) != issued.year:
            raise reader.fail("so_ky_hieu", msg("document_year_differs", number=number, year=issued.year))
        start, end = extra.get("ngay_hieu_luc"), extra.get("ngay_het_hieu_luc")
        if start and start.date() < issued.date():
            raise reader.fail("ngay_hieu_luc", msg("date_before", field="ngay_hieu_luc", other="ngay_ban_hanh"))
        if end and end <= (start or issued):
            raise reader.fail("ngay_het_hieu_luc", msg("date_before", field="ngay_het_hieu_luc",
                                                       other="ngay_hieu_luc" if start else "ngay_ban_hanh"))
        status = extra.get("tinh_trang_hieu_luc")
        if status and fold(status) not in _STATUS_BY_FOLD:
            raise reader.fail("tinh_trang_hieu_luc", msg("unknown_choice", field="tinh_trang_hieu_luc", value=status,
                                                          known=", ".join(s.value for s in Status)))
        if extra.get("vbpl") and not re.match(r"^https?://", extra["vbpl"]):
            raise reader.fail("vbpl", msg("not_web_address", field="vbpl", value=extra["vbpl"]))
        return doc

    def arrange(self, site: Site, content_type: ContentType) -> DocumentRegister:
        return DocumentRegister(site, content_type)


@dataclass(frozen=True)
class Entry:
    """A document as pages show it: its status at this build's moment and its relations, both ways."""

    doc: Document
    status: Status | None
    session: Document | None = None
    replaces: tuple[Document, ...] = ()
    amends: tuple[Document, ...] = ()
    related: tuple[Document, ...] = ()
    replaced_by: tuple[Document, ...] = ()
    amended_by: tuple[Document, ...] = ()

    @property
    def number(self) -> str:
        return self.doc.extra["so_ky_hieu"]

    @property
    def kind(self) -> str:
        return self.doc.extra["loai"]


@dataclass(frozen=True)
class FacetValue:
    """One value of a filter, as its navigation shows it."""

    name: str
    url: str
    count: int


@dataclass(frozen=True)
class Facet:
    view: str  # the address part: van-ban/<view>/<value>/
    title: str
    values_of: Callable[[Entry], list[str]]
    newest_first: bool = False  # years; the others in Vietnamese order


FACETS = (
    Facet("loai", "Loại văn bản", lambda e: [e.kind]),
    Facet("co-quan", "Cơ quan ban hành", lambda e: [e.doc.extra["co_quan_ban_hanh"]] if e.doc.extra.get("co_quan_ban_hanh") else []),
    Facet("nam", "Năm ban hành", lambda e: [str(e.doc.extra["ngay_ban_hanh"].year)], newest_first=True),
    Facet("linh-vuc", "Lĩnh vực", lambda e: list(e.doc.extra.get("linh_vuc") or ())),
    Facet("hieu-luc", "Tình trạng hiệu lực", lambda e: [e.status.value] if e.status else []),
)
RELATIONS = (("thay_the", "replaces", "replaced_by"), ("sua_doi", "amends", "amended_by"), ("lien_quan", "related", "related"))


class DocumentRegister:
    """Every published document of one type, with its status, relations and filter pages."""

    def __init__(self, site: Site, content_type: ContentType) -> None:
        self.site, self.type, self.config = site, content_type, site.config
        self.docs = sorted(site.items[content_type.name], key=lambda d: (-d.extra["ngay_ban_hanh"].timestamp(), d.source))
        self.keys = {doc.source: document_key(doc.extra["so_ky_hieu"], doc.extra["ngay_ban_hanh"].year) for doc in self.docs}
        self._problems: list[Problem] = []
        self._changes: list[dt.datetime] = []  # future moments a status changes at
        self.by_key: dict[str, Document] = {}
        self.by_number: dict[str, list[Document]] = defaultdict(list)
        for doc in self.docs:
            other = self.by_key.setdefault(self.keys[doc.source], doc)
            if other is not doc:
                self._problem(doc, "so_ky_hieu", msg("duplicate_document", number=doc.extra["so_ky_hieu"], other=other.source))
                self._problem(other, "so_ky_hieu", msg("duplicate_document", number=other.extra["so_ky_hieu"], other=doc.source))
            self.by_number[_normal(doc.extra["so_ky_hieu"])].append(doc)
        self.entries = self._entries()
        self.facets = {facet.view: self._facet_members(facet) for facet in FACETS}

    # --- references -----------------------------------------------------------------------

    def resolve(self, reference: str) -> tuple[Document | None, list[Document]]:
        """The document a reference names (its number, or its key), or None and the candidates."""
        key = self.by_key.get(slugify(reference))
        if key is not None and not _NUMBER.match(reference.strip()):
            return key, [key]
        found = self.by_number.get(_normal(reference), [])
        return (found[0] if len(found) == 1 else None), found

    def _reference_message(self, reference: str, candidates: list[Document]) -> str:
        """Why ``reference`` names no document: none has its number, or several (of different years) have."""
        if candidates:
            return msg("document_reference_ambiguous", number=reference, keys=", ".join(self.keys[c.source] for c in candidates))
        return msg("document_reference_unknown", number=reference)

    def link_targets(self, doc: Document) -> dict[str, str]:
        """The site-relative address of every document ``doc``'s body links to (unknown ones: the index)."""
        return {ref: (found.url if (found := self.resolve(ref)[0]) else self.type.index) for ref in doc.references}

    def link_problem(self, url: str) -> str | None:
        """Why a ``van-ban:`` link of a body names no document (none has the number, or several
        have), or None when it names one (``giaoban check``)."""
        reference = nfc(unquote(url.removeprefix(REFERENCE_SCHEME)))
        found, candidates = self.resolve(reference)
        return None if found else self._reference_message(reference, candidates)

    # --- arrangement ----------------------------------------------------------------------

    def _entries(self) -> dict[str, Entry]:
        relations: dict[str, dict[str, list[Document]]] = defaultdict(lambda: defaultdict(list))
        for doc in self.docs:
            for field_name, forward, backward in RELATIONS:
                for reference in doc.extra.get(field_name) or ():
                    found, candidates = self.resolve(reference)
                    if found is None and candidates:  # a document replaces or amends only those issued before it
                        earlier = [c for c in candidates if c.extra["ngay_ban_hanh"] <= doc.extra["ngay_ban_hanh"]]
                        found = earlier[0] if len(earlier) == 1 else None
                    if found is None or found is doc:
                        self._problem(doc, field_name, self._reference_message(reference, [] if found is doc else candidates))
                        continue
                    relations[doc.source][forward].append(found)
                    relations[found.source][backward].append(doc)
        sessions = _sessions_by_name(self.site)
        entries = {}
        for doc in self.docs:
            mine = {name: tuple(dict.fromkeys(docs)) for name, docs in relations[doc.source].items()}
            replaced_from = min((d.extra.get("ngay_hieu_luc") or d.extra["ngay_ban_hanh"] for d in mine.get("replaced_by", ())),
                                default=None)
            session = sessions.get(slugify(doc.extra.get("ky_hop") or ""))
            entries[doc.source] = Entry(doc, self._status(doc, replaced_from), session, **mine)
        return entries

    def _status(self, doc: Document, replaced_from: dt.datetime | None) -> Status | None:
        given = doc.extra.get("tinh_trang_hieu_luc")
        if given:
            return _STATUS_BY_FOLD[fold(given)]
        now = self.site.now
        start, end = doc.extra.get("ngay_hieu_luc"), doc.extra.get("ngay_het_hieu_luc") or replaced_from
        self._changes += [moment for moment in (start, end) if moment and moment > now]
        if end and end <= now:
            return Status.EXPIRED
        if start and start > now:
            return Status.PENDING
        return Status.IN_FORCE if start else None

    def _facet_members(self, facet: Facet) -> dict[str, tuple[str, list[Entry]]]:
        """slug -> (name, entries newest first) for every value of ``facet``."""
        members: dict[str, tuple[str, list[Entry]]] = {}
        for doc in self.docs:
            entry = self.entries[doc.source]
            for name in facet.values_of(entry):
                members.setdefault(slugify(name), (name, []))[1].append(entry)
        if facet.view == "hieu-luc":
            order = {s.slug: i for i, s in enumerate(Status)}
            return dict(sorted(members.items(), key=lambda kv: order[kv[0]]))
        if facet.newest_first:
            return dict(sorted(members.items(), reverse=True))
        return dict(sorted(members.items(), key=lambda kv: collation_key(kv[1][0])))

    def _problem(self, doc: Document, field_name: str, message: str) -> None:
        self._problems.append(Problem(doc.source, line_of_field(self.config.root / doc.source, field_name), message))

    # --- the Register protocol ------------------------------------------------------------

    def problems(self) -> list[Problem]:
        return self._problems

    def changes_at(self) -> list[dt.datetime]:
        return self._changes

    def entry(self, doc: Document) -> Entry:
        return self.entries[doc.source]

    def facet_url(self, view: str, slug: str) -> str:
        return f"{self.type.index}{view}/{slug}/"

    def jobs(self) -> list[PageJob]:
        from .render import PageJob, PageKind  # here: render.py imports this module

        # The index exists while it is empty too (pages link to it), saying so; the menu leaves it out.
        lists = [(self.type.index, RegisterKey(self.type.name), len(self.docs))]
        lists += [(self.facet_url(view, slug), RegisterKey(self.type.name, view, slug), len(entries))
                  for view, values in self.facets.items() for slug, (_, entries) in values.items()]
        return [PageJob(paginated_url(self.config, base, n), "documents.html", PageKind.REGISTER, key, n)
                for base, key, count in lists for n in range(1, max(1, math.ceil(count / self.config.page_size)) + 1)]

    def context(self, key: RegisterKey, number: int) -> dict:
        if key.view:
            name, entries = self.facets[key.view][key.value]
            facet = next(f for f in FACETS if f.view == key.view)
            heading, base = f"{facet.title}: {name}", self.facet_url(key.view, key.value)
        else:
            entries, heading, base = [self.entries[d.source] for d in self.docs], self.type.title, self.type.index
        size = self.config.page_size
        total = max(1, math.ceil(len(entries) / size))
        navigation = [(facet.title, facet.view, [FacetValue(name, self.facet_url(facet.view, slug), len(members))
                                                 for slug, (name, members) in self.facets[facet.view].items()])
                      for facet in FACETS if self.facets[facet.view]]
        return {
            "heading": heading, "content_type": self.type, "entries": entries[(number - 1) * size: number * size],
            "facets": navigation, "index_url": self.type.index,
            "pagination": {"number": number, "total": total, "count": len(entries),
                           "newer_url": paginated_url(self.config, base, number - 1) if number > 1 else None,
                           "older_url": paginated_url(self.config, base, number + 1) if number < total else None},
        }

    def item_context(self, doc: Document) -> dict:
        entry = self.entries[doc.source]
        related = (*entry.replaces, *entry.amends, *entry.related, *entry.replaced_by, *entry.amended_by)
        # Related documents are listed with their own status: it changes with time, not with their files.
        return {"entry": entry, "statuses": {d.source: self.entries[d.source].status for d in related}}

    def home_context(self) -> dict:
        return {}

    def item_data(self, doc: Document) -> dict:
        entry = self.entries[doc.source]
        def url(doc: Document) -> str:
            return absolute_url(self.config, doc.url)

        names = ("replaces", "amends", "related", "replaced_by", "amended_by")
        relations = {name: [url(d) for d in getattr(entry, name)] for name in names}
        return {"status": entry.status.value if entry.status else None, "session": url(entry.session) if entry.session else None,
                **{name: urls for name, urls in relations.items() if urls}}

    def search_records(self) -> list[dict]:
        """Every public document's metadata for the search page's document search (search.js)."""
        return [{"u": e.doc.url, "n": e.number, "k": e.kind, "y": e.doc.extra["ngay_ban_hanh"].year,
                 "d": e.doc.extra["ngay_ban_hanh"].strftime("%d/%m/%Y"), "t": e.doc.extra["trich_yeu"],
                 "s": e.status.value if e.status and not e.status.in_force else ""}
                for e in (self.entries[d.source] for d in self.docs) if not e.doc.draft]

    def search_form(self) -> dict:
        """What the search page's document form offers: the types and years there are."""
        return {"data": self.config.url("search") + SEARCH_FILE, "index": self.type.index,
                "kinds": [name for name, _ in self.facets["loai"].values()],
                "years": [name for name, _ in self.facets["nam"].values()]}


class DocumentSearch:
    """Generator of the documents' metadata for the search page (``tim-kiem/van-ban.json``)."""

    per_language = True  # one for each edition (build._write_extras)

    def outputs(self, project: Project) -> list[str]:
        register = reference_register(project.site)
        return [project.config.url("search") + SEARCH_FILE] if register and register.docs else []

    def generate(self, project: Project, write: ExtraFiles) -> None:
        register = reference_register(project.site)
        if register and register.docs:
            data = json.dumps(register.search_records(), ensure_ascii=False, separators=(",", ":"))
            write(project.config.url("search") + SEARCH_FILE, data)


def _sessions_by_name(site: Site) -> dict[str, Document]:
    """The sessions (kỳ họp) a document's ``ky_hop`` may name: by their address or their title."""
    found: dict[str, Document] = {}
    for content_type in site.config.types:
        if content_type.model is Model.SESSION:
            for session in site.items[content_type.name]:
                found.setdefault(session.slug, session)
                found.setdefault(slugify(session.title), session)
    return found


def session_documents(site: Site, session: Document) -> list[Entry]:
    """The documents passed at ``session`` (their ``ky_hop``, resolved once by their register), newest first."""
    return [entry for register in site.registers.values() if isinstance(register, DocumentRegister)
            for entry in register.entries.values() if entry.session is session]


def reference_register(site: Site) -> DocumentRegister | None:
    """The register ``van-ban:`` links look documents up in: the first document type's."""
    return next((r for r in site.registers.values() if isinstance(r, DocumentRegister)), None)


def link_targets(site: Site, doc: Document) -> dict[str, str]:
    """Where the links of ``doc``'s body to documents by number lead."""
    register = reference_register(site) if doc.references else None
    return register.link_targets(doc) if register else {}


def document_references(html: str) -> tuple[str, ...]:
    """The documents a body's HTML links to by number (``van-ban:`` links), each once, in order."""
    if REFERENCE_SCHEME not in html:
        return ()
    return tuple(dict.fromkeys(nfc(unquote(m)) for m in re.findall(r'href="van-ban:([^"]+)"', html)))


def resolve_references(html: str, targets: dict[str, str], base_path: str) -> str:
    """``html`` with its ``van-ban:`` links made links to the documents (``targets``: reference -> address)."""
    if not targets:
        return html
    return re.sub(r'href="van-ban:([^"]+)"', lambda m: f'href="{base_path}{targets.get(nfc(unquote(m.group(1))), "")}"', html)
