"""``giaoban import``: the council's old NukeViet site, as Markdown an editor would write.

Each kind of source is one reader in READERS (old_pages.py, nukeviet.py): it says whether it knows a
path and reads it into a ``Batch`` (imported.py). What the readers give is then planned as files:

- one Markdown file per article, its body's links to old addresses of imported articles made links to
  their new pages;
- the photos and files the articles use, copied from the old site's ``uploads/`` (``--uploads``): photos
  into static/uploads/, where their old addresses keep working, attached files beside their article;
- the old list addresses (categories and their pages, tags, topics, feeds) added to redirects.yaml.

Everything is read and planned, and every problem found, before anything is written, so a failed
import leaves the site as it was. A file an editor changed since the last import is never
overwritten without ``force``: what the import wrote is remembered in ``.giaoban-import.json`` beside
site.yaml, by the digest of each file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import math
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .aliases import REDIRECTS_FILE, read_redirects_file
from .cache import write_replacing
from .config import CONFIG_FILE, SiteConfig, load_config
from .content_types import Feature
from .errors import BuildFailed, ContentError, Problem
from .imported import Batch, Imported, ListKind, OldList, Reader, Skipped
from .legacy_text import ConversionMemo
from .messages import msg
from .newsroom import VIEWS_FILE, Category
from .nukeviet import UPLOAD_LINK, NukeVietCsv, NukeVietDump
from .old_pages import PlainTextArticle, SavedPage
from .site import paginated_url
from .vietnamese import slugify

STATE_FILE = ".giaoban-import.json"
MEMO_FILE = ".giaoban-cache/import.sqlite"
READERS: list[Reader] = [NukeVietDump(), NukeVietCsv(), SavedPage(), PlainTextArticle()]


class Outcome(enum.Enum):
    """What the import did with one file."""

    NEW = "new"
    UPDATED = "updated"  # the import's own earlier file, replaced by the new one
    UNCHANGED = "unchanged"
    KEPT = "kept"  # an editor changed it since: not overwritten without --force


@dataclass(frozen=True)
class ImportOptions:
    source: Path = Path(".")
    inputs: tuple[Path, ...] = ()
    uploads: Path | None = None  # the old site's uploads/ folder (or its uploads/news/)
    force: bool = False  # overwrite files an editor changed since the last import
    dry_run: bool = False  # read and report, write nothing


@dataclass(frozen=True)
class ImportReport:
    outcomes: dict[str, Outcome]  # each article's file (relative to the site root) -> what was done
    files: dict[str, Outcome] = field(default_factory=dict)  # each photo or attached file copied
    converted: dict[str, str] = field(default_factory=dict)  # where an article came from -> its legacy encoding
    missing: list[tuple[str, str]] = field(default_factory=list)  # (article, file of uploads/) not found
    skipped: list[Skipped] = field(default_factory=list)
    drafts: int = 0
    scheduled: int = 0  # published only at a later date
    redirects: int = 0  # old list addresses added to redirects.yaml
    unplaced: list[str] = field(default_factory=list)  # old list addresses with no page to lead to (yet)

    def count(self, outcome: Outcome) -> int:
        return sum(o is outcome for o in self.outcomes.values())


@dataclass
class _Plan:
    """Every file the import would write: path relative to the site root -> its bytes."""

    texts: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, bytes] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)  # the site's data files: views.csv
    missing: list[tuple[str, str]] = field(default_factory=list)


def import_sources(options: ImportOptions) -> ImportReport:
    """Read every input, then write what may be written. Raises BuildFailed with every problem
    found, before anything is written."""
    config = load_config(options.source)
    root = config.root
    memo = ConversionMemo(root / MEMO_FILE)
    batches, problems = _read_all(options.inputs, memo)
    articles = [article for batch in batches for article in batch.articles]
    uploads = _Uploads(options.uploads)
    articles = with_new_links([uploads.relinked(a) for a in articles], config.types["article"].url, config.base_path)
    plan = _Plan()
    sources: dict[str, str] = {}
    for article in articles:
        path = article.path()
        if path in sources:
            problems.append(Problem(article.source, None, msg("import_same_path", path=path, other=sources[path])))
        sources.setdefault(path, article.source)
    if problems:
        raise BuildFailed(problems)
    for article in articles:
        _plan_article(article, uploads, plan)
    if views := _views_file(articles):
        plan.data[VIEWS_FILE] = views
    lists = [old for batch in batches for old in batch.lists]
    added, unplaced = _new_redirects(lists, articles, config)
    state, files = _load_state(root), dict(sorted({**plan.texts, **plan.copies, **plan.data}.items()))
    outcomes = {path: _outcome(root / path, data, state.get(path), options.force) for path, data in files.items()}
    writes = [(root / path, data) for path, data in files.items() if outcomes[path] in (Outcome.NEW, Outcome.UPDATED)]
    state.update({path: _digest(data) for path, data in files.items() if outcomes[path] is not Outcome.KEPT})
    if not options.dry_run:
        for target, data in writes:
            write_replacing(target, data)
        if added:
            _append_redirects(root / REDIRECTS_FILE, added)
        categories = [c for batch in batches for c in batch.categories]
        if categories and not config.categories.declared and any(c.parent for c in categories):
            _append_categories(root / CONFIG_FILE, categories)
        memo.save()
        if outcomes:
            write_replacing(root / STATE_FILE, (json.dumps(dict(sorted(state.items())), ensure_ascii=False, indent=1) + "\n").encode())
    now = dt.datetime.now(dt.timezone.utc)
    return ImportReport({p: o for p, o in outcomes.items() if p in plan.texts}, {p: o for p, o in outcomes.items() if p in plan.copies},
                        {a.source: a.converted_from for a in articles if a.converted_from}, plan.missing,
                        [skip for batch in batches for skip in batch.skipped], drafts=sum(a.draft for a in articles),
                        scheduled=sum(not a.draft and _moment(a.date) > now for a in articles), redirects=len(added),
                        unplaced=unplaced)


def _read_all(inputs: tuple[Path, ...], memo: ConversionMemo) -> tuple[list[Batch], list[Problem]]:
    batches: list[Batch] = []
    problems: list[Problem] = []
    for path in _sources(inputs):
        display = str(path)
        if not path.exists():
            problems.append(Problem(display, None, msg("import_missing_source")))
            continue
        reader = next((r for r in READERS if r.knows(path)), None)
        if reader is None:
            problems.append(Problem(display, None, msg("import_unknown_source")))
            continue
        try:
            batches.append(reader.read(path, display, memo))
        except ContentError as exc:
            problems.append(exc.problem)
    return batches, problems


def _sources(inputs: tuple[Path, ...]) -> list[Path]:
    """Each input, a folder as the files in it (a folder of CSV tables as one source)."""
    found = []
    for given in inputs:
        if given.is_dir() and not NukeVietCsv().knows(given):
            found += sorted(q for q in given.rglob("*") if q.is_file() and not q.suffix.lower() == ".csv")
            found += sorted(q for q in given.rglob("*") if q.is_dir() and NukeVietCsv().knows(q))
        else:
            found.append(given)
    return found


def _moment(date: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(date, dt.datetime):
        return date
    return dt.datetime.combine(date, dt.time(), dt.timezone(dt.timedelta(hours=7)))


# --- what is written -------------------------------------------------------------------------

class _Uploads:
    """The old site's uploads/ folder, as ``--uploads`` names it (``uploads/`` or ``uploads/news/``)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def find(self, name: str) -> Path | None:
        """The file of uploads/ called ``name`` ("news/2014_10/a.jpg"), or None."""
        if self.folder is None or ".." in Path(name).parts:
            return None
        for candidate in (self.folder / name, self.folder.parent / name):
            if candidate.is_file():
                return candidate
        return None

    def relinked(self, article: Imported) -> Imported:
        """The article with links to its photos on the old site's host made site paths, for those found."""
        found = {name for name in article.uploads if self.find(name)}
        if not found or not article.body:
            return article

        def local(match: re.Match) -> str:
            return f"](/uploads/{match.group('path')}" if unquote(match.group("path")) in found else match.group(0)

        return dataclasses.replace(article, body=UPLOAD_LINK.sub(local, article.body))


def _plan_article(article: Imported, uploads: _Uploads, plan: _Plan) -> None:
    """The article's file, its photos (into static/uploads/) and its attached files (beside it)."""
    for name in article.uploads:
        found = uploads.find(name)
        if found is None:
            plan.missing.append((article.source, "uploads/" + name))
        else:
            plan.copies[f"static/uploads/{name}"] = found.read_bytes()
    folder = posixpath.dirname(article.path())
    attached, missing = [], []
    for name in article.attachments:
        found = uploads.find(name)
        if found is None:
            plan.missing.append((article.source, "uploads/" + name))
            missing.append("uploads/" + name)
            continue
        data, file_name = found.read_bytes(), posixpath.basename(name)
        if plan.copies.get(f"{folder}/{file_name}", data) != data:
            file_name = f"{article.slug}-{file_name}"  # another article of the month attaches another file of that name
        plan.copies[f"{folder}/{file_name}"] = data
        attached.append(file_name)
    if missing:  # listed, not dropped: the file can be added by hand later
        article = dataclasses.replace(article, extra={**article.extra, "tep_dinh_kem_thieu": missing})
    plan.texts[article.path()] = article.text(tuple(attached)).encode("utf-8")


def with_new_links(articles: list[Imported], pattern: str, base_path: str) -> list[Imported]:
    """The articles with the links of their bodies to an old address of an imported article made
    links to its new page (on any host: the old site's own links name it, or none)."""
    new = {alias.replace("&amp;", "&"): base_path + pattern.format(year=f"{a.date.year:04d}", month=f"{a.date.month:02d}",
                                                                   day=f"{a.date.day:02d}", slug=a.slug).lstrip("/")
           for a in articles for alias in a.aliases}
    if not new:
        return articles

    def relink(match: re.Match) -> str:
        target = new.get("/" + match.group("path").lstrip("/").replace("&amp;", "&"))
        return f"]({target})" if target else match.group(0)

    link = re.compile(r"\]\((?:https?://[^/\s)]+)?(?P<path>/[^\s)]+)\)")
    return [dataclasses.replace(a, body=link.sub(relink, a.body)) if a.body else a for a in articles]


def _views_file(articles: list[Imported]) -> bytes:
    """views.csv (newsroom.py) from the old site's view counts (NukeViet's ``hitstotal``), by content file."""
    rows = sorted((a.path(), int(a.extra["luot_xem"])) for a in articles if str(a.extra.get("luot_xem", "")).isdigit())
    if not rows:
        return b""
    return ("address,views\n" + "".join(f"{path},{count}\n" for path, count in rows)).encode("utf-8")


def _new_redirects(lists: list[OldList], articles: list[Imported], config: SiteConfig) -> tuple[dict[str, str], list[str]]:
    """Old list addresses not yet in redirects.yaml, each to the page of the new site that shows the
    same (a category's page N to the page holding the same articles); and those that have no such
    page (a category whose articles are all drafts, or not published yet)."""
    now = dt.datetime.now(dt.timezone.utc)
    published = [a for a in articles if not a.draft and _moment(a.date) <= now]
    features = config.types["article"].features
    # Every category an article is filed in has its page now (the main one and ``chuyen_muc_khac``).
    filed = [c for a in published for c in (a.category, *a.extra.get("chuyen_muc_khac", ())) if c]
    in_category = Counter(config.term_slug("category", c) for c in filed)
    tags = {slugify(t) for a in published for t in a.tags}
    series = {slugify(str(a.extra["dong_su_kien"])) for a in published if a.extra.get("dong_su_kien")}

    def target(old: OldList) -> str | None:
        slug = slugify(old.name)
        if old.kind is ListKind.HOME:
            return "/"
        if old.kind is ListKind.FEED:
            return config.url("rss") if Feature.FEEDS in features else None
        if old.kind is ListKind.TOPIC:  # a series: its own page
            return config.url("series", slug=slug) if slug in series and Feature.TAXONOMIES in features else None
        if Feature.TAXONOMIES not in features:
            return None
        if old.kind is ListKind.TAG:
            return config.url("tag", slug=slug) if slug in tags else None
        slug = config.term_slug("category", old.name)
        if not in_category[slug]:
            return None
        base = config.url("category", slug=slug)
        if old.kind is ListKind.CATEGORY_FEED:
            return base + config.url("rss") if Feature.FEEDS in features else None
        pages = math.ceil(in_category[slug] / config.page_size)
        return paginated_url(config, base, min(old.first // config.page_size + 1, pages))

    known = {old for old, _, _ in read_redirects_file(config)[0]}
    added, unplaced = {}, []
    for old in lists:
        new = target(old)
        if new is None:
            unplaced.append(old.address)
        elif old.address not in known:
            added.setdefault(old.address, new)
    return added, unplaced


def _append_redirects(path: Path, added: dict[str, str]) -> None:
    """Add entries at the end of redirects.yaml: what an editor wrote there (and its comments) stays."""
    text = path.read_text(encoding="utf-8") if path.is_file() else msg("import_redirects_header") + "\n"
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{json.dumps(old, ensure_ascii=False)}: {json.dumps(new, ensure_ascii=False)}\n" for old, new in added.items())
    write_replacing(path, text.encode("utf-8"))


def _append_categories(path: Path, categories: list[Category]) -> None:
    """The old site's tree of categories at the end of site.yaml, which declares none yet: a parent's
    page lists its children's articles, as NukeViet's did."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    lines = [msg("import_categories_header"), "categories:"]
    for category in {c.slug: c for c in categories}.values():
        fields = {"title": category.title, "parent": category.parent, "description": category.description, "order": category.order}
        shown = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v)
        lines.append(f"  {category.slug}: {{{shown}}}")
    write_replacing(path, (text + "\n".join(lines) + "\n").encode("utf-8"))


def _outcome(target: Path, data: bytes, imported: str | None, force: bool) -> Outcome:
    if not target.exists():
        return Outcome.NEW
    current = target.read_bytes()
    if current == data:
        return Outcome.UNCHANGED
    # Ours to replace only if it is what the last import wrote; an editor's work is kept.
    return Outcome.UPDATED if force or imported == _digest(current) else Outcome.KEPT


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_state(root: Path) -> dict[str, str]:
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
