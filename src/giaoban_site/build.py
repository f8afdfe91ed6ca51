"""The build pipeline: config, content, site model, pages, extras, and the swap into output/.

Builds are incremental: a cache beside the output remembers each source file's parsed document
and each output file's inputs, so a rebuild parses only changed files, renders only pages whose
inputs changed, writes only files whose bytes changed, and removes files nothing produces now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import logging
import math
import resource
import sqlite3
import time
from array import array
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import compress, count, filterfalse, islice, repeat
from operator import attrgetter, eq, methodcaller
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Sequence

import jinja2

from . import store
from .aliases import plan_redirects
from .attachments import attachments_of
from .cache import BuildCache, FileTable, Manifest
from .changes import (
    PageKeys,
    Sources,
    TemplateFolders,
    inputs_digest,
    key_base,
    missing_files,
    scan_sources,
    template_folders,
    template_prints,
    up_to_date,
)
from .config import CONFIG_FILE, SiteConfig, load_config
from .content import Document, line_of_field, load_document
from .content_types import ContentType, Feature
from .documents import document_references
from .embeds import find_embeds, with_cards
from .errors import BuildFailed, ContentError, GiaobanError, Problem
from .extras import GENERATORS, ExtraFiles, Generator
from .languages import Editions, MissingString, language_folder
from .lock import output_lock
from .markup import MarkdownRenderer, first_paragraph_summary, plain_text, prefix_root_links
from .messages import msg
from .models import arrange_registers, model_of
from .newsroom import AUTHORS_FILE, Upcoming, read_authors, read_views
from .open_data import OpenData
from .output import OutputWriter, SpareFiles
from .photos import Photos, images_in_html, photo_files, plan_photos
from .render import TEMPLATE_EXTENSIONS, PageJob, PageKind, PageRenderer, make_environment, plan_pages, redirect_jobs
from .sanitize import HtmlPolicy
from .search import SearchIndex, index_words, search_record
from .shown import PagePositions, ShownIndex, ShownIndexMaker, sources_in
from .site import Site, build_site, check_unique_urls, item_url, page_files
from .store import Store
from .translations import check_translations, link_translations
from .workers import Background, default_jobs, release_freed_memory, run_parallel, run_parallel_as_done

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildOptions:
    source: Path = Path(".")
    output: Path | None = None  # default: <source>/output
    drafts: bool = False
    base_url: str | None = None
    now: dt.datetime | None = None  # the moment that decides what is published; default: now
    jobs: int = 0  # worker processes; 0 means one per core
    progress: Progress | None = None
    wait: bool = True  # for another build of the same output to end (False: fail at once)
    locked: bool = False  # the output's lock held already, by the process that asked for the build (the preview)
    documents_from: Path | None = None  # another output whose parsed documents a first build starts from (the preview's)


@dataclass
class BuildReport:
    output: Path
    pages: int  # HTML pages of the site
    written: int  # files whose bytes changed
    skipped: int  # files already up to date (written + skipped: every file of the site)
    scheduled: int  # articles waiting for their date
    seconds: float
    upcoming: tuple[Upcoming, ...] = ()  # what later builds will publish or remove (newsroom.py)
    project: Project | None = field(default=None, repr=False)  # what was built; None when nothing was to do

    def next_day(self, now: dt.datetime) -> list[Upcoming]:
        """What the builds of the next 24 hours from ``now`` will publish or remove."""
        start, end = now.timestamp(), (now + dt.timedelta(hours=24)).timestamp()
        return [event for event in self.upcoming if start < event.moment <= end]


@dataclass
class Project:
    """Everything known before anything is written: the checked site and its page plan."""

    config: SiteConfig
    site: Site
    env: jinja2.Environment
    jobs: list[PageJob]
    output: Path
    options: BuildOptions = field(default_factory=BuildOptions)
    templates: TemplateFolders = TemplateFolders("", "")  # the hashes of the template folders' files
    cache: BuildCache | None = None  # where generators keep what they can reuse next build
    translations: list[Project] = field(default_factory=list)  # the other languages' editions (languages.py)
    shown: ShownIndex | None = None  # once written: which pages show which files (shown.py)

    @property
    def editions(self) -> list[Project]:
        """This project and its translations: every language's pages."""
        return [self, *self.translations]

    def cache_name(self, name: str) -> str:
        """A name in the build cache for what this edition keeps: each language's under its own."""
        return f"{self.config.prefix.rstrip('/')}-{name}" if self.config.prefix else name

    @property
    def store(self) -> Store:
        """Where the converted bodies are (store.py): the renderer and the generators read them there."""
        return self.cache.store


def build(options: BuildOptions) -> BuildReport:
    """Build the site at ``options.source``. Raises ``BuildFailed`` listing every problem found."""
    started = time.monotonic()
    # One moment decides what is published, for the up-to-date check and for the site alike.
    options = dataclasses.replace(options, now=options.now or dt.datetime.now(dt.timezone.utc))
    config = _load_config(options)
    output = _output_dir(options, config)
    cache = BuildCache(output)
    try:
        with nullcontext() if options.locked else output_lock(cache.dir, output, options.wait), collector_paused():
            return _build_locked(options, config, output, cache, started)
    except OSError as exc:  # a full disk, a read-only or vanished folder: output/ is as it was
        raise GiaobanError(msg("output_write_failed", output=output, reason=exc.strerror or exc,
                               path=exc.filename or output)) from None
    except sqlite3.OperationalError as exc:  # the same, met by the document store first
        raise GiaobanError(msg("output_write_failed", output=output, reason=exc, path=cache.dir)) from None


def _build_locked(options: BuildOptions, config: SiteConfig, output: Path, cache: BuildCache, started: float) -> BuildReport:
    if options.documents_from is not None:
        cache.start_store_from(options.documents_from)
    manifest = cache.load_manifest(output)
    # What someone deleted by hand of the files a folder's record names (at 100,000 articles,
    # 356,000 lookups each, as long as the scan): output/'s beside the scan, the spare's beside parsing.
    with _beside(lambda: missing_files(manifest.paths, output), options) as lookup:
        with _timed("scan"):
            sources = scan_sources(config, cache)
            templates = template_folders(config)
            inputs, frame = inputs_digest(config, options.drafts, output, sources, templates)
    missing_in_output = lookup.result()
    if up_to_date(manifest, inputs, options.now) and not manifest.empty and not missing_in_output:
        return BuildReport(output, manifest.pages, 0, manifest.count, manifest.scheduled, time.monotonic() - started,
                           upcoming=manifest.upcoming)
    with _beside(lambda: missing_files(cache.recorded_paths(cache.spare), cache.spare), options) as lookup:
        project = prepare(options, config=config, cache=cache, sources=sources, templates=templates)
        if project.site.photos.missing:
            raise BuildFailed(project.site.photos.missing)
    del sources  # the scan's names and digests, which the documents hold now (at 100,000 articles, 34 MiB to the end)
    report = write_site(project, cache, manifest, inputs, frame, lookup.result())
    report.seconds, report.project = time.monotonic() - started, project
    return report


def prepare(options: BuildOptions, config: SiteConfig | None = None, cache: BuildCache | None = None,
            sources: Sources | None = None, templates: TemplateFolders | None = None) -> Project:
    """Load and check everything (config, content, site model, page plan) without writing output.

    With a read-only ``cache`` (``giaoban check``) nothing at all is written, the cache included.
    """
    config = config or _load_config(options)
    output = _output_dir(options, config)
    cache = cache or BuildCache(output)
    sources = sources if sources is not None else scan_sources(config, cache)
    editions = Editions.of(config)  # each language's config and catalogue, for parsing and pages alike
    with _timed("parse"):
        documents = load_documents(config, cache, options, sources.documents, editions)
    with _timed("site model"):
        now = options.now or dt.datetime.now(dt.timezone.utc)
        sites = _edition_sites(documents, editions, now, options, cache)
        published = [doc for site in sites for doc in site.documents]
        unpublished = [doc for site in sites for doc in site.unpublished]
        attachments, problems = attachments_of(published, unpublished, sources.assets, photo_files(published + unpublished, config))
        profiles, profile_problems = read_authors(config.root)  # their photos are made with the documents'
        author_photos = [(p.photo_file, AUTHORS_FILE, p.line) for p in profiles.values() if p.photo]
        photos, photo_problems = plan_photos(published, config, cache, author_photos)
        problems += profile_problems + photo_problems + check_translations(sites) + _newsroom_files(sites, config, published, profiles)
        templates = templates or template_folders(config)
        projects = []
        for site in sites:
            site.attachments, site.photos = attachments, photos  # one map for every language: pages of both may show a file
            problems += _arrange_registers(site)
            env = make_environment(site.config, site, editions.catalogues[site.config.language],
                                   compiled=cache.dir / "templates" / site.config.language if cache.writable else None)
            projects.append(Project(site.config, site, env, plan_pages(site), output, options, templates, cache))
        project, project.translations = projects[0], projects[1:]
        link_translations([(p.site, p.jobs, editions.catalogues[p.config.language].text("language_name")) for p in projects])
        # Old addresses may take no page's nor file's (the search index's files stay in its own folder):
        # both gathered only when a site has old addresses (lazily: 355,000 pages at 100,000 articles).
        files = (path for p in projects for g in GENERATORS if not isinstance(g, SearchIndex) for path in g.outputs(p))
        redirects, redirect_problems = plan_redirects(published, config, (job for p in projects for job in p.jobs), files)
        language_of = {doc.source: doc.lang for doc in published}  # redirects.yaml's lines: the default language's
        for p in projects:  # each old address's page in the language of the item it leads to
            p.site.redirects = [r for r in redirects if language_of.get(r.source, config.language) == p.config.language]
            p.jobs += redirect_jobs(p.site.redirects)
        check_plan([job for p in projects for job in p.jobs], project.env, config, problems + redirect_problems)
    return project


def prepare_as_built(options: BuildOptions) -> Project:
    """``prepare``, with the index of shown files of the last build of its output: the preview's kept
    site, made apart from its builds (watch.py)."""
    project = prepare(options)
    project.shown = project.cache.load_shown(project.output)
    return project


def _newsroom_files(sites: list[Site], config: SiteConfig, published: list[Document], profiles: dict) -> list[Problem]:
    """views.csv (newsroom.py), read once for every language, and the authors' profiles given to each
    site; the errors of views.csv, and warnings for front page blocks that name nothing."""
    views, problems, warnings = read_views(config.root, published, config.base_url)
    for site in sites:
        site.views, site.profiles = views, profiles
    for block in config.front_page.blocks:
        if block.name and not any(t.slug == block.name for t in sites[0].terms.get(block.kind.value, [])):
            known = ", ".join(t.slug for t in sites[0].terms.get(block.kind.value, [])) or "-"
            warnings.append(Problem(CONFIG_FILE, None, msg("front_block_unknown", kind=block.kind.value, name=block.name, known=known)))
    for warning in warnings:
        log.warning("%s", warning)
    return problems


def _arrange_registers(site: Site) -> list[Problem]:
    """The registers' relations and pages (models.py), and what is wrong in them."""
    arrange_registers(site)
    changes = [moment for register in site.registers.values() for moment in register.changes_at()]
    site.publish_next = min(filter(None, [site.publish_next, *changes]), default=None)
    return [problem for register in site.registers.values() for problem in register.problems()]


def _edition_sites(documents: list[Document], editions: Editions, now: dt.datetime, options: BuildOptions,
                   cache: BuildCache) -> list[Site]:
    """One site model per language that has content, the default language's always (first)."""
    by_language: dict[str, list[Document]] = {code: [] for code in editions.configs}
    for doc in documents:
        by_language[doc.lang or editions.default].append(doc)
    return [build_site(docs, editions.configs[code], now, options.drafts, _memo_of(cache, code, editions.default))
            for code, docs in by_language.items() if docs or code == editions.default]


def _memo_of(cache: BuildCache, code: str, default: str) -> Callable:
    """The cache's memo, with each language's results under their own names."""
    return cache.memo if code == default else lambda name, key, compute: cache.memo(f"{name}-{code}", key, compute)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the build runs. A build makes millions of objects that
    live until it ends (100,000 documents, the site model, the manifest), and the collector would
    walk all of them again each time their number grows by a quarter: a fifth of a rebuild at
    100,000 articles. What the build makes has no cycles to collect (Jinja's rendering makes none),
    and the worker processes collect as usual (workers.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _beside(task: Callable[[], object], options: BuildOptions) -> Iterator[Background]:
    """``task`` in a process beside what the block does (in line with ``--jobs 1``); waited for if the block fails."""
    background = Background(task, enabled=_parallel(options))
    try:
        yield background
    except BaseException:
        background.wait()
        raise


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    """Log how long a stage took (shown with ``giaoban -v``)."""
    started = time.monotonic()
    yield
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log.debug("%s: %.2f s (peak memory so far %.0f MiB)", stage, time.monotonic() - started, peak)


def _load_config(options: BuildOptions) -> SiteConfig:
    if not options.source.is_dir():
        raise BuildFailed([Problem(str(options.source), None, msg("no_source", path=options.source))])
    return load_config(options.source, {"base_url": options.base_url})


def _output_dir(options: BuildOptions, config: SiteConfig) -> Path:
    return (options.output or config.root / "output").resolve()


# --- content -----------------------------------------------------------------------------------

def load_documents(config: SiteConfig, cache: BuildCache, options: BuildOptions, sources: dict[str, str],
                   editions: Editions) -> list[Document]:
    """Read, validate and convert every content file, reusing the cache's store for unchanged files.

    The converted bodies go to ``cache.store``. All problems are raised together.
    """
    previous, stored = cache.store.documents(sources.values())  # kept from earlier builds, by digest
    if stored and not previous:  # every row is of another version of giaoban-site (or of files all edited)
        previous, stored = cache.restart_store(sources.values())
    documents: dict[str, Document] = {}
    loader = DocumentLoader(config, editions)
    to_parse, problems = [], unclaimed_folders(loader, sources)
    for name, source_digest in sources.items():
        known = previous.get(source_digest)
        if known and known.source == name:
            documents[name] = known
        elif loader.content_type(name) is not None:
            to_parse.append((name, source_digest))
    log.debug("files to parse: %d of %d (the others as the store keeps them)", len(to_parse), len(sources))
    progress = _stage_progress(options, "parse", len(to_parse))
    parsed, bodies = [], []
    for result in run_parallel(loader.load, to_parse, options.jobs or default_jobs(), progress):
        if isinstance(result, Problem):
            problems.append(result)
            continue
        packed, body = result
        doc = store.unpack(packed)
        for warning in doc.warnings:  # shown once, when the file is parsed; `giaoban check` shows them all
            log.warning("%s", warning)
        documents[doc.source] = doc
        parsed.append((doc.digest, packed))
        bodies.append(body)
        if len(bodies) >= 500:  # to the store as they come: memory holds no more than a batch
            cache.store.put_many(parsed, bodies)
            parsed, bodies = [], []
    if bodies:
        cache.store.put_many(parsed, bodies)
    if problems:
        raise BuildFailed(problems)
    if to_parse or len(documents) != stored:
        cache.store.keep_only({doc.digest for doc in documents.values()})
        cache.store.settle()
    return [documents[name] for name in sorted(documents)]


def unclaimed_folders(loader: DocumentLoader, sources: dict[str, str]) -> list[Problem]:
    """One problem for each folder of content/ or of a language's folder (content/en/), or file right
    in it, that no content type (of that language's edition) claims."""
    problems: dict[str, Problem] = {}
    for name in sources:
        if loader.content_type(name) is None:
            code, inner = language_folder(name, loader.editions.others)
            top = f"content/{code}/" if code else "content/"
            known = ", ".join(f"{top}{t.folder}/" for t in loader.editions.configs[code or loader.editions.default].types)
            parts = inner.split("/")
            where = f"{top}{parts[1]}/" if len(parts) > 2 else name
            message = msg("unclaimed_folder", folder=where, known=known) if len(parts) > 2 else msg("unclaimed_file", known=known)
            problems.setdefault(where, Problem(where, None, message))
    return list(problems.values())


class DocumentLoader:
    """Parses one file into a document, its HTML and its search record; one Markdown per process."""

    def __init__(self, config: SiteConfig, editions: Editions) -> None:
        self.config = config
        self.editions = editions
        self.renderer: MarkdownRenderer | None = None
        self._types: dict[str, ContentType | None] = {}  # by folder: asked for each of 100,000 files in a few hundred folders

    def content_type(self, name: str) -> ContentType | None:
        """The type of a content file, as its language's edition has it (content/en/pages/ is a page):
        its folder's (the language and the type's folder are its first parts)."""
        folder = name.rpartition("/")[0]
        if folder not in self._types:
            code, inner = language_folder(name, self.editions.others)
            self._types[folder] = self.editions.configs[code or self.editions.default].types.for_source(inner)
        return self._types[folder]

    def load(self, item: tuple[str, str]) -> tuple[bytes, store.Body] | Problem:
        """The packed document (store.pack) and its body for the store."""
        name, source_digest = item
        content_type = self.content_type(name)
        try:
            read = load_document(self.config.root / name, self.config.root, self.config.tz, content_type, model_of(content_type))
            code, key = self.language_of(read)
        except ContentError as exc:
            return exc.problem
        edition = self.editions.configs[code]
        if content_type.name not in edition.types.by_name:  # a register's item with ``lang:`` of another language
            return Problem(name, line_of_field(self.config.root / name, "lang"),
                           msg("register_other_language", type=content_type.name, code=code))
        self.renderer = self.renderer or MarkdownRenderer(self.config.allow_raw_html, self.config.base_path,
                                                          policy=HtmlPolicy(self.config.embeds))
        body, embeds, refused = find_embeds(read.body, self.config.embed_hosts)
        if refused:  # a frame from anywhere would be a third party's script on our pages
            line, url = refused[0]
            return Problem(name, read.body_line + line - 1, msg("embed_refused", url=url, hosts=", ".join(self.config.embed_hosts)))
        html, toc, removals = self.renderer.convert_checked(body)
        if embeds:
            catalogue = self.editions.catalogues[code]
            html = prefix_root_links(with_cards(html, embeds, lambda host: catalogue("embed_open", host=host)), self.config.base_path)
        warnings = tuple(Problem(name, read.body_line + removal.line - 1, removal.message) for removal in removals)
        text = plain_text(html)
        read = dataclasses.replace(read, lang=code, translation_key=read.translation_key or key)
        # The URL is known here already: it depends on the parse settings only (changes.parse_settings).
        doc = dataclasses.replace(read, body="", toc=toc, digest=source_digest, url=item_url(edition, read), words=len(text.split()),
                                  warnings=read.warnings + warnings, references=document_references(html), images=images_in_html(html),
                                  summary=read.summary if read.summary is not None else first_paragraph_summary(html))
        shown_date = self.editions.catalogues[code].date_full
        record = search_record(doc, text, shown_date) if content_type.has(Feature.SEARCH) else ""  # ready to copy into the output
        return store.pack(doc), (doc.digest, html, record, *index_words(doc, text))

    def language_of(self, doc: Document) -> tuple[str, str]:
        """Its language and translation key; a ``lang:`` the site does not declare is a ContentError at its line."""
        try:
            return self.editions.of_source(doc.source, doc.lang)
        except ValueError:
            known = ", ".join(self.editions.configs)
            raise ContentError(doc.source, msg("lang_unknown", code=doc.lang, known=known),
                               line_of_field(self.config.root / doc.source, "lang")) from None
        except LookupError as exc:
            raise ContentError(doc.source, msg("lang_folder_differs", folder=exc.args[0], code=doc.lang),
                               line_of_field(self.config.root / doc.source, "lang")) from None


def check_plan(jobs: list[PageJob], env: jinja2.Environment, config: SiteConfig, problems: list[Problem] | None = None) -> None:
    """Every page has its own URL and an existing template, or the build stops here (with ``problems``
    found before, all reported together)."""
    problems = list(problems or [])
    # Sorted, at C speed: two pages at one address are neighbours. Not a set: at 100,000 articles, 3 MB
    # instead of 19, as fast (the plan is in runs). Which page takes an address is looked for only if two do.
    urls = sorted(map(attrgetter("url"), jobs))
    if any(map(eq, urls, islice(urls, 1, None))):
        generated = msg("generated_page")
        problems += check_unique_urls([(job.url, job.source or generated) for job in jobs])
        # Two pages giaoban makes itself (no file of an editor's) at one address: site.yaml's urls or types put them there.
        made = Counter(job.url for job in jobs if not job.source)
        problems += [Problem(CONFIG_FILE, None, msg("generated_clash", url=url)) for url, count in made.items() if count > 1]
    available = set(env.list_templates(extensions=TEMPLATE_EXTENSIONS))
    missing = set(map(attrgetter("template"), jobs)) - available - {""}  # at C speed; which pages ask for them only if any
    for job in jobs if missing else ():
        if job.template in missing:
            line = line_of_field(config.root / job.source, "template") if job.source else None
            names = ", ".join(sorted(t for t in available if "/" not in t))
            problems.append(Problem(job.source or job.template, line, msg("unknown_template", name=job.template, available=names)))
    if problems:
        raise BuildFailed(problems)


# --- output ------------------------------------------------------------------------------------

def write_site(project: Project, cache: BuildCache | None = None, manifest: Manifest | None = None,
               inputs: str = "", frame: str = "", missing_in_spare: Collection[str] = ()) -> BuildReport:
    """Render the pages whose inputs changed, then the extra files, and swap the new version in.

    ``manifest`` describes what output/ holds now. Nothing in output/ changes until the swap,
    and the swap happens only when every file of the new version is in place (output.py).
    """
    cache = cache or BuildCache(project.output)
    manifest = manifest or Manifest()
    paths = page_files(job.url for edition in project.editions for job in edition.jobs)  # each page's file, in plan order
    # What output/ holds: the table the pages reuse, or after an upgrade the bytes its record names.
    before = manifest.table(paths) if not manifest.empty else FileTable((path, ("", checksum)) for path, checksum
                                                                        in (cache.checksums_of(project.output) or {}).items())
    bases = tuple(key_base(edition.config, edition.templates) for edition in project.editions)
    writer = OutputWriter(project.output, cache.spare, _spare_files(cache, before, missing_in_spare))
    writer.start(before)

    def places_kept() -> bool:
        """Whether no document moved since the last build: asked in an extras' process, forked before the
        index of shown files is read (each process forked after would start from 30 MiB more at 100,000 articles)."""
        return _shown_edits(project, manifest, frame, bases, _documents_by_source(project), paths).edited is not None

    extras: list[Background] = []
    try:
        with _timed("render and extras"):
            # Feeds, sitemap and search index need no page: they are made beside the rendering.
            extras = [Background(lambda group=group: _write_extras(project, writer, manifest, group, places_kept),
                                 enabled=_parallel(project.options)) for group in _extras_groups()]
            prints = _page_template_prints(project, manifest)
            documents = _documents_by_source(project)
            edits = _shown_edits(project, manifest, frame, bases, documents, paths)
            files, project.shown = _render_pages(project, manifest, writer, edits, documents, prints, paths)
            for extra in extras:
                files.update(extra.result())
    except BaseException:
        for extra in extras:  # let them finish writing into the spare folder before anything else does
            extra.wait()
        raise
    scheduled = sum(edition.site.scheduled for edition in project.editions)
    upcoming = tuple(sorted((e for edition in project.editions for e in edition.site.upcoming), key=lambda e: (e.moment, e.source)))
    new_manifest = Manifest(inputs, _publish_next(project), files, scheduled, upcoming, project.shown, bases,
                            (project.templates.digest, prints))
    with _timed("commit"):
        writer.finish(files.keys())  # a dict's view: 356,000 lookups at C speed
        cache.save_manifest(cache.spare, new_manifest)  # the spare's record: output's, once swapped
        writer.swap()
    written = files.changed_since(before)
    return BuildReport(project.output, _pages(files), written, len(files) - written, scheduled, 0.0, upcoming)


def _spare_files(cache: BuildCache, output_files: FileTable, missing: Collection[str] = ()) -> SpareFiles | None:
    """What the spare folder holds, as its record has it but the files it lacks (``missing``), told by
    how it differs from output/'s files; None if not known. From here until the spare is complete again,
    its record is not to be trusted."""
    differences = cache.differences_of(cache.spare, output_files)
    cache.forget_manifest(cache.spare)
    if differences is None:
        return None
    differences.update((path, None) for path in missing)
    return SpareFiles(output_files, differences)


def _parallel(options: BuildOptions) -> bool:
    """Whether the build may run steps in processes beside the main one."""
    return (options.jobs or default_jobs()) > 1


def _pages(files: Iterable[str]) -> int:
    return sum(map(methodcaller("endswith", ".html"), files))


def _page_template_prints(project: Project, manifest: Manifest) -> dict[str, str]:
    """changes.template_prints of every page template: the last build's when no template file changed
    (parsing them all takes 50 ms, a twentieth of a rebuild at 10,000 articles)."""
    names = {name for edition in project.editions for name in set(map(attrgetter("template"), edition.jobs)) if name}
    digest, prints = manifest.template_prints
    if digest == project.templates.digest and names <= prints.keys():
        return {name: prints[name] for name in names}
    return template_prints(project.env, names)


@dataclass(frozen=True)
class ShownEdits:
    """What the last build's index of shown files tells of this one (shown.py)."""

    frame: str  # this build's (changes.inputs_digest)
    previous: ShownIndex | None  # the last build's index, where this build may build on it
    # The files edited since in what pages show alone (an article's body), None when anything else changed:
    # then only the pages that show them can change, and nothing made from where documents are placed.
    edited: set[str] | None
    rekeyed: list[bool]  # by edition: its key base changed since (site.yaml edited), and none of its pages keeps its key


def _shown_edits(project: Project, manifest: Manifest, frame: str, bases: tuple[str, ...], documents: dict[str, Document],
                 paths: tuple[str, ...]) -> ShownEdits:
    """The last build's index where this build may build on it (the same code and settings, nothing
    become due since), and what it tells of the edits since."""
    # Every key of an edition starts from its base: where that changed (site.yaml edited), no page
    # keeps its key, and the workers work them out while they make the pages, as in a first build.
    rekeyed = [base not in manifest.key_bases[number:number + 1] for number, base in enumerate(bases)]
    usable = bool(manifest.files) and bool(frame) and not all(rekeyed) and not manifest.is_due(project.options.now)
    previous = manifest.shown if usable else None
    return ShownEdits(frame, previous, previous.edited(frame, documents, paths) if previous else None, rekeyed)


def _render_pages(project: Project, manifest: Manifest, writer: OutputWriter, edits: ShownEdits, documents: dict[str, Document],
                  prints: dict[str, str], paths: tuple[str, ...]) -> tuple[FileTable, ShownIndex]:
    """Every page (its file in ``paths``, in plan order), made again where its key changed; and which
    files each page shows (shown.py)."""
    editions = project.editions
    keys = [PageKeys(p.config, p.templates, prints, p.site.photos) for p in editions]
    renderers = [PageRenderer(p.site, p.env, p.store) for p in editions]
    problems: set[Problem] = set()
    reuse = manifest.files
    memo: dict = {}  # sources_in's, for each process

    def render(position: int) -> tuple[bytes | tuple[str, str], array | list[str]] | Problem:
        job, edition = jobs[position], numbers[position]
        renderer = renderers[edition]
        context = renderer.context(job)
        try:
            page = renderer.render(job, context)
        except jinja2.TemplateError as exc:
            return template_problem(exc, job)
        except MissingString as exc:
            return Problem(job.template, None, msg("string_missing", name=exc.args[0], code=editions[edition].config.language))
        entry = FileTable.entry(known_keys.get(position) or keys[edition].of(job, context), writer.write(paths[position], page))
        return entry, index.numbered(sources_in(context, memo)) if index is not None else ()

    jobs = [job for edition in editions for job in edition.jobs]
    numbers = array("H")  # each job's edition, by its index in ``editions`` (not a tuple for each of 355,000 jobs)
    for number, edition in enumerate(editions):
        numbers.extend(repeat(number, len(edition.jobs)))
    previous, edited, rekeyed = edits.previous, edits.edited, edits.rekeyed
    # The same of each page template: where its own or one it uses changed, no page of it keeps its key.
    retemplated = {name for name, value in prints.items() if manifest.template_prints[1].get(name) != value}
    # Edits of what pages show alone (an article's body): only the pages that show them can change.
    to_key = previous.pages_showing(edited, paths) if edited is not None else None  # the same paths: edited() says so
    if to_key is not None and retemplated:
        to_key.update(compress(paths, map(retemplated.__contains__, map(attrgetter("template"), jobs))))
    # Which files each page shows, gathered again unless only what pages show alone was edited (then
    # each page shows the files it did); a page whose key is unchanged, from the last index, where it was there.
    index = None if to_key is not None else ShownIndexMaker(previous, paths, documents,
                                                            _previous_positions(manifest, paths) if previous else None)
    files = FileTable()  # path -> (input key, bytes hash)
    # Each page to make by its position in the plan, and its key where known: the workers find its job,
    # edition and path in what they inherit, not in a tuple for each (in a first build, 355,000 of
    # them, 42 MiB in every process, each pickled to a worker and made again there).
    pending = array("L", range(0 if reuse else len(jobs)))
    known_keys: dict[int, str] = {}
    # After an edit most pages are unchanged: telling which is quicker here than in forked workers.
    walked: Iterable[tuple[PageJob, int, str, int]] = zip(jobs, numbers, paths, count()) if reuse else ()
    if reuse and to_key is not None:  # no edit reaches a page outside to_key: most are in the spare as in output/, all at once
        files.carry_all(writer.carried(filterfalse(to_key.__contains__, paths)), reuse)
        rest = set(filterfalse(files.keys().__contains__, paths))  # at C speed, as the line above: 355,000 pages
        walked = compress(zip(jobs, numbers, paths, count()), map(rest.__contains__, paths))
    for job, number, path, position in walked:
        if rekeyed[number] or job.template in retemplated:
            pending.append(position)
            continue
        if to_key is not None and path not in to_key and path in reuse:  # no edit reaches it, but the spare lacks it
            if writer.keep(path, reuse.checksum(path)):
                files.carry(path, reuse)
            else:
                pending.append(position)
                known_keys[position] = reuse[path][0]
            continue
        known = reuse.get(path)
        context = renderers[number].context(job)
        key = keys[number].of(job, context)
        if known and known[0] == key and writer.keep(path, known[1]):
            files.carry(path, reuse)
            if index is not None and not index.carry(position):
                index.add(position, sources_in(context, memo))
        else:
            pending.append(position)
            known_keys[position] = key
    if index is not None:
        index.carried()
    if reuse:
        why = f" (those showing {len(edited)} edited files)" if to_key is not None else ""
        if retemplated:
            why += f" (and as they are made, the pages of {', '.join(sorted(retemplated))}: a template they use was edited)"
        if any(rekeyed):  # then no edit was told apart: to_key is None
            why = " (as the pages are made: the config, the code or what every template uses changed)"
        log.debug("page keys worked out: %d of %d pages%s", len(jobs) if to_key is None else len(to_key), len(jobs), why)
    # The templates of the pages to make, compiled once here, not once in every worker. A page whose
    # template changed since the last build is among them: its key changed.
    for (template, number), job in {(jobs[p].template, numbers[p]): jobs[p] for p in pending if jobs[p].template}.items():
        try:
            editions[number].env.get_template(template)
        except jinja2.TemplateError as exc:
            problems.add(template_problem(exc, job))
    if problems:
        raise BuildFailed(list(problems))
    # List pages share their items, each rendered once per process while it is among the last used
    # (PageRenderer.fragment): one process takes them all, first, while the others render the rest.
    lists = list_pages_in_order((p for p in pending if jobs[p].kind is PageKind.LIST), jobs, numbers, renderers, editions)
    pending = lists + array("L", (p for p in pending if jobs[p].kind is not PageKind.LIST))
    progress = _stage_progress(project.options, "render", len(pending))
    made = run_parallel_as_done(render, pending, project.options.jobs or default_jobs(), progress, together=len(lists))
    for at, result in made:  # as each batch is done: ``at`` in ``pending``
        if isinstance(result, Problem):
            problems.add(result)  # one broken template breaks many pages
        else:
            entry, shown = result
            position = pending[at]
            files.put(paths[position], entry)
            if index is not None:
                index.add(position, shown)
    if problems:
        raise BuildFailed(list(problems))
    release_freed_memory()  # the workers' results, read and let go, before the index of shown files is finished
    # A page shows the files of its context, whichever template makes it: after edits of what pages
    # show alone and of templates, each page shows the files it did.
    return files, previous.with_documents(documents, paths) if index is None else index.finish(edits.frame, documents)


def list_pages_in_order(lists: Iterable[int], jobs: Sequence[PageJob], numbers: Sequence[int], renderers: list[PageRenderer],
                        editions: list[Project]) -> array:
    """List pages to make (their positions in ``jobs``, each of the edition ``numbers`` gives), the newest
    first item first, every listing's together: the home page's, each tag's, each year's ... pass over an
    article at about the same time, and its item's HTML made for the first is still kept for the others
    (PageRenderer.fragment). Undated items' pages (a type of pages, in title order) come last."""
    def newest_first(position: int) -> float:
        job, number = jobs[position], numbers[position]
        articles = renderers[number].listing(job.key)
        first = (job.number - 1) * editions[number].config.page_size
        date = articles[first].date if first < len(articles) else None
        return -date.timestamp() if date else math.inf
    return array("L", sorted(lists, key=newest_first))


def _previous_positions(manifest: Manifest, paths: tuple[str, ...]) -> array | None:
    """Where each page was among those of the last build's index of shown files; None where they are
    this build's, in the same order (not read again)."""
    if manifest.shown.has_pages(paths):
        return None
    positions = PagePositions(paths)
    manifest.read_shown_pieces(positions)
    return positions.was


def _documents_by_source(project: Project) -> dict[str, Document]:
    """Every document of every edition (drafts and scheduled too), by its file."""
    return {doc.source: doc for edition in project.editions for doc in _all_documents(edition.site)}


def _all_documents(site: Site) -> Iterator[Document]:
    """Every document of an edition: published (expired too), drafts and scheduled."""
    for items in site.items.values():
        yield from items
    yield from site.unpublished


def _extras_groups() -> list[list[Generator]]:
    """Three processes of about the same length (at 100,000 articles, after an edit, 1-3 s each): the
    search index with the open data, the photos, and the other generators (the sitemap the longest)."""
    paired = [g for g in GENERATORS if isinstance(g, (SearchIndex, OpenData))]
    photos = [g for g in GENERATORS if isinstance(g, Photos)]
    return [[g for g in GENERATORS if g not in paired and g not in photos], paired, photos]


def _write_extras(project: Project, writer: OutputWriter, manifest: Manifest, generators: list[Generator],
                  places_kept: Callable[[], bool] = lambda: False) -> dict[str, tuple[str, str]]:
    """The generators' files. Where ``places_kept()`` (asked once, if a generator made from places alone
    is among them): no document moved since the last build, only what pages show of them
    (``ShownEdits.edited``), and the files made from places alone are kept as they are."""
    files: dict[str, tuple[str, str]] = {}
    write = ExtraFiles(writer, files, manifest.files)
    kept = functools.cache(places_kept)
    for generator in generators:
        # Feeds, data and search for each language; the others once, for the whole site (they see every edition).
        for edition in project.editions if getattr(generator, "per_language", False) else [project]:
            if getattr(generator, "places_only", False) and kept() and write.keep_all(paths := generator.outputs(edition)):
                if paths:
                    log.debug("kept as they were (no document moved): %s", ", ".join(paths))
                continue
            generator.generate(edition, write)
    return files


def _publish_next(project: Project) -> float | None:
    """When the earliest scheduled article of any language becomes due (a build then has work to do)."""
    due = [edition.site.publish_next for edition in project.editions if edition.site.publish_next]
    return min(due).timestamp() if due else None


def _stage_progress(options: BuildOptions, stage: str, total: int) -> Callable[[int], None] | None:
    if options.progress is None or total == 0:
        return None
    report = options.progress
    return lambda done: report(stage, done, total)


def template_problem(exc: jinja2.TemplateError, job: PageJob) -> Problem:
    """A template error as file:line: message."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or job.template
    return Problem(str(name), getattr(exc, "lineno", None), msg("template_error", problem=exc.message or str(exc)))
