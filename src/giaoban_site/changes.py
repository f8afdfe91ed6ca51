"""What changed since the last build: the scan of content/, and the hashes that decide what to redo.

A build is skipped when ``inputs_digest`` equals the last build's; otherwise a document is parsed
again when its source digest (``scan_sources``) is new, and a page or extra file is made again when
its key changes. Keys are hashes of everything an output is made from: a page's key is its template
context (``PageKeys``), which is why a template sees nothing of the site but its context; a
generator's key is what it passes to ``keep``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import os
import time
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from operator import add, attrgetter
from pathlib import Path
from typing import Iterable, NamedTuple

import jinja2
import jinja2.meta

from .aliases import REDIRECTS_FILE
from .cache import BuildCache, Manifest, ScanRecord, code_digest, digest
from .config import SiteConfig
from .content import Document, discover, is_document, visible_files
from .languages import catalogue_files
from .messages import language
from .newsroom import AUTHORS_FILE, VIEWS_FILE
from .photos import PlannedPhotos
from .render import TEMPLATE_EXTENSIONS, THEME_DIR, PageJob, PageKind, StoredBody

# Files modified this close to the last scan are read again: a coarse clock (FAT keeps two
# seconds) could give a second save within the same tick the same time stamp.
_CLOCK_MARGIN_NS = 3_000_000_000


class Asset(NamedTuple):
    """A file under content/ that is not Markdown: an attachment, or a file nothing uses."""

    digest: str  # of its bytes
    size: int


@dataclass(frozen=True)
class Sources:
    """Every file under content/ by path relative to the site root: Markdown files with the hash of
    their bytes, the others with the hash of their bytes and their size."""

    settings: str  # parse_settings(): what a parse depends on besides the file
    texts: dict[str, str]  # Markdown file -> the hash of its bytes
    assets: dict[str, Asset]

    @cached_property
    def documents(self) -> dict[str, str]:
        """Markdown file -> its source digest, of its bytes and the parse settings: what the store keeps
        its parse by. Made when first asked: a build with nothing to do needs none of them."""
        with_settings = hashlib.blake2b(self.settings.encode() + b"\0", digest_size=16)  # digest(settings, ...), begun once

        def document_digest(text: str) -> str:
            h = with_settings.copy()
            h.update(text.encode() + b"\0")
            return h.hexdigest()
        return {name: document_digest(text) for name, text in self.texts.items()}


def scan_sources(config: SiteConfig, cache: BuildCache | None = None) -> Sources:
    """Every file of content/ (relative path), as ``Sources``.

    Contents decide, not modification times. A file is read only when its size, times or inode
    differ from the last scan's, or when it was modified so shortly before that scan that a
    second save within the clock's resolution could have gone unseen (as git does for "racily
    clean" files).
    """
    settings = parse_settings(config)
    started = time.time_ns()
    previous = cache.load_scan() if cache else ScanRecord()
    trusted_before = previous.started - _CLOCK_MARGIN_NS
    files: dict[str, tuple[int, int, int, int, str]] = {}
    read = 0
    prefix = len(str(config.root)) + 1
    for path in discover(config.content_dir):
        stat = os.stat(path)
        # ctime too: it changes with every write, even when the mtime is set back (cp -p, touch -d).
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        known = previous.files.get(name := path[prefix:])
        if known and known[:4] == signature and max(stat.st_mtime_ns, stat.st_ctime_ns) < trusted_before:
            files[name] = known
        else:
            with open(path, "rb") as handle:
                files[name] = (*signature, digest(handle.read()))
            read += 1
    if cache and (read or files.keys() != previous.files.keys()):  # read: maybe only too recent to trust, until now
        cache.save_scan(ScanRecord(started, files))
    return Sources(settings, {name: entry[-1] for name, entry in files.items() if is_document(name)},
                   {name: Asset(entry[-1], entry[0]) for name, entry in files.items() if not is_document(name)})


def parse_settings(config: SiteConfig) -> str:
    """What a parsed document depends on besides its own file."""
    # The language too: a document keeps the warnings found when it was parsed, in words.
    # Its languages' addresses and catalogues too: an item's URL and the date its search record shows come from them.
    # Of the site's address, only its path is in the HTML (links from the root): the preview, on its own host,
    # parses as the published build does and starts from its documents (store.copy_store).
    catalogues = [path.read_bytes() for code in (config.language, *config.language_codes)
                  for path in catalogue_files(code, config.templates_dir)]
    return digest(code_digest(), config.timezone, str(config.allow_raw_html), repr(config.embeds), repr(config.embed_hosts),
                  config.base_path,
                  repr(config.urls), repr(config.types), repr(config.languages), repr(config.strings), *catalogues, language())


def inputs_digest(config: SiteConfig, drafts: bool, output: Path, sources: Sources, templates: TemplateFolders) -> tuple[str, str]:
    """A hash of every input, equal to the last build's when there is nothing to do; and the
    frame: a hash of the same but for what the documents hold (which documents there are, still)
    and the templates (which pages they make again: ``template_prints``), equal when nothing but
    those changed (shown.ShownIndex)."""
    parts = [code_digest(), repr(config), str(drafts), str(output), templates.shared]
    parts += [f"{name}:{value}" for name, value in sources.assets.items()]
    # static/ by each file's size and times, not its bytes: it holds the photos (gigabytes at 10,000
    # articles), and any write to a file changes its change time.
    parts += [f"{p}:{s.st_size}:{s.st_mtime_ns}:{s.st_ctime_ns}:{s.st_ino}" for p in visible_files(config.static_dir) if (s := p.stat())]
    for name in (REDIRECTS_FILE, VIEWS_FILE, AUTHORS_FILE):  # the data files beside site.yaml
        if (config.root / name).is_file():
            parts.append(name + digest((config.root / name).read_bytes()))
    texts = sources.texts  # with the settings, as good as the documents' digests, and quicker (see Sources.documents)
    return digest(*parts, templates.digest, sources.settings, *(f"{name}:{value}" for name, value in texts.items())), digest(*parts, *texts)


@dataclass(frozen=True)
class TemplateFolders:
    """The template folders, the site's own and the theme's, as hashes."""

    digest: str  # of every file: any edit makes a build
    shared: str  # of every file but the templates: the catalogues, what any page may use


def template_folders(config: SiteConfig) -> TemplateFolders:
    """The hashes of the template folders' files."""
    every, shared = [], []
    for top in (config.templates_dir, THEME_DIR):
        for path in sorted(top.rglob("*")) if top.is_dir() else ():
            if path.is_file():
                every.append(f"{path.relative_to(top)}\n".encode() + path.read_bytes())
                if path.suffix.lstrip(".") not in TEMPLATE_EXTENSIONS:
                    shared.append(every[-1])
    return TemplateFolders(digest(*every), digest(*shared))


def template_prints(env: jinja2.Environment, names: Iterable[str]) -> dict[str, str]:
    """Each of the page templates ``names`` by a hash of its source and of those of every template
    it uses: what its pages depend on of the templates, so that an edit of ``article.html`` makes
    the articles' pages again, not the lists'. A template uses those it extends, includes and
    imports, and those it renders by name (``fragment("_item.html", ...)``); one that names a
    template only at run time (a variable) is taken to use them all."""
    uses: dict[str, tuple[str, frozenset[str] | None]] = {}
    every = functools.cache(lambda: env.list_templates(extensions=TEMPLATE_EXTENSIONS))  # listed once, if a template names one at run time

    def closure(name: str) -> set[str]:
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            if current not in uses:
                uses[current] = _template_uses(env, current)
            used = uses[current][1]
            todo += every() if used is None else used
        return found

    return {name: digest(*(f"{used}:{uses[used][0]}" for used in sorted(closure(name)))) for name in names}


def _template_uses(env: jinja2.Environment, name: str) -> tuple[str, frozenset[str] | None]:
    """The hash of a template's source and the templates it names (None: not all of them by name)."""
    try:
        source = env.loader.get_source(env, name)[0]
    except jinja2.TemplateError:  # not there, or not UTF-8: its pages fail with a message of their own
        return "", frozenset()
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return digest(source), None
    named = set(jinja2.meta.find_referenced_templates(tree))
    calls = [call for call in tree.find_all(jinja2.nodes.Call) if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "fragment"]
    for call in calls:
        first = call.args[0] if call.args else None
        named.add(first.value if isinstance(first, jinja2.nodes.Const) and isinstance(first.value, str) else None)
    if sum(node.name == "fragment" for node in tree.find_all(jinja2.nodes.Name)) > len(calls):  # passed on, or named anew
        named.add(None)
    return digest(source), None if None in named else frozenset(named)


def up_to_date(manifest: Manifest, inputs: str, now: dt.datetime) -> bool:
    """Whether the last build's inputs are these and nothing it scheduled is due (see also ``missing_files``)."""
    return manifest.inputs == inputs and not manifest.is_due(now)


def missing_files(paths: Iterable[str], folder: Path) -> set[str]:
    """Those of ``paths`` that ``folder`` does not hold: a record of it names them, but someone deleted them by hand."""
    if os.access not in os.supports_dir_fd:  # Windows
        return {path for path in paths if not os.path.exists(folder / path)}
    try:
        handle = os.open(folder, os.O_RDONLY)  # each path looked up from here: shorter walks
    except OSError:
        return set(paths)
    try:
        return {path for path in paths if not os.access(path, os.F_OK, dir_fd=handle)}
    finally:
        os.close(handle)


_ONE_CONTEXT = frozenset({PageKind.ITEM, PageKind.SAVE})  # render.PageRenderer gives both an item's context
_document_print = "D{0.digest}:{0.source}:{0.url}".format  # what a document stands for in a page key, before its photos


def key_base(config: SiteConfig, templates: TemplateFolders) -> str:
    """What every page key of an edition starts from: the code, the edition's config and what any
    template may use (each page's own templates: ``template_prints``)."""
    return digest(code_digest(), repr(config), templates.shared)


class PageKeys:
    """Page keys: a hash of everything a page is made from. Equal keys mean byte-identical pages.

    A page is made from its template context alone (render.PageRenderer.context: a template sees
    nothing else of the site), plus the code, the configuration and the templates. In the context,
    each document stands for itself by the hash of its source and its URL, and its body
    (render.StoredBody) by the same hash, unread.
    """

    def __init__(self, config: SiteConfig, templates: TemplateFolders, prints: dict[str, str] | None = None,
                 photos: PlannedPhotos | None = None) -> None:
        self.base = key_base(config, templates)
        self.prints = prints or {}  # template_prints of the page templates
        # Each document's photos by their keys: a page that shows a document shows its photos' files.
        self._photos = {source: ":" + ",".join(p.key for p in found.values())
                        for source, found in (photos.by_document.items() if photos else ())}
        self._memo: dict[int, tuple[object, str]] = {}  # terms, archives ...: a few thousand
        # The last item's context's hash. Not every item's: at 100,000 articles each worker would keep
        # 100,000 of them (and as many documents' prints, 60 MiB together), while the only page that
        # shares it, the item's copy to keep, comes right after it in the plan (render.plan_pages).
        self._last_item: tuple[Document, str] | None = None

    def of(self, job: PageJob, context: dict) -> str:
        fingerprint = self._item_fingerprint(context) if job.kind in _ONE_CONTEXT else self._fingerprint(context)
        parts = (self.base, job.template, self.prints.get(job.template, ""), job.url, fingerprint)
        return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).hexdigest()

    def _item_fingerprint(self, context: dict) -> str:
        """An item's page and its copy to keep share one context, but for their own addresses
        (``page_url``, ``canonical``: made from ``job.url``, which the key holds): hashed once."""
        known = self._last_item
        if known is None or known[0] is not context["item"]:
            own = {name: value for name, value in context.items() if name not in ("page_url", "canonical")}
            fingerprint = hashlib.blake2b(self._fingerprint(own).encode("utf-8"), digest_size=16).hexdigest()
            known = self._last_item = (context["item"], fingerprint)
        return known[1]

    def _fingerprint(self, value: object) -> str:
        kind = type(value)
        if kind is StoredBody:  # made from the document, where its links to documents lead and its photos: unread
            return f"B{value.doc.digest}{self._fingerprint(value.links) if value.links else ''}{self._photos.get(value.doc.source, '')}"
        if kind is Document:  # the commonest by far: each stands for itself by source hash, path and URL
            return _document_print(value) + self._photos.get(value.source, "")  # a list shows its lead photo: a new photo, new files
        if kind is list or kind is tuple:
            if set(map(type, value)) == {Document}:  # a term's or a year's articles: 100,000 of them, at C speed
                photos = map(self._photos.get, map(attrgetter("source"), value), repeat(""))
                return "[" + ",".join(map(add, map(_document_print, value), photos)) + "]"
            return "[" + ",".join(map(self._fingerprint, value)) + "]"
        if kind is dict:
            return "{" + ",".join(f"{k!r}:{self._fingerprint(v)}" for k, v in sorted(value.items())) + "}"
        if isinstance(value, (str, int, float, bool, type(None), dt.date, enum.Enum)):
            return repr(value)
        if dataclasses.is_dataclass(value):
            # Terms and archives live for the whole build and appear on many pages: hash each once.
            known = self._memo.get(id(value))
            if known is None or known[0] is not value:
                fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
                known = self._memo[id(value)] = (value, hashlib.blake2b(self._fingerprint(fields).encode(), digest_size=16).hexdigest())
            return known[1]
        raise TypeError(f"cannot fingerprint {kind.__name__} for the build cache")
