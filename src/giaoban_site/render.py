"""Turning the site model into pages: the Jinja environment, the page plan and page contexts."""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import re
from collections import OrderedDict
from pathlib import Path
from typing import Callable, NamedTuple
from urllib.parse import quote, urljoin, urlsplit

import jinja2
from jinja2.loaders import split_template_path
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .aliases import Redirect, redirect_href
from .cache import code_digest, digest
from .config import TAXONOMY_INDEXES, SiteConfig
from .content import Document
from .content_types import ContentType, Feature
from .documents import link_targets, reference_register, resolve_references
from .languages import Catalogue, load_catalogue
from .messages import msg
from .newsroom import Block, BlockKind, FrontPage, most_read, pinned_first, reading_minutes
from .photos import BODY_SIZES, GALLERY_SIZES, THUMBNAIL_SIZES, Photo, picture, with_pictures
from .public import absolute_url, absolutize_html, public_items
from .search import record_paths
from .site import ALL_YEARS, HOME, ArchiveKey, ListKey, RegisterKey, Site, Term, page_file, paginated_url
from .store import Store

THEME_DIR = Path(__file__).parent / "templates"
TEMPLATE_EXTENSIONS = ("html", "xml", "txt")  # what a page may be rendered from; the other files of the folders are data
# What static/search.js writes: the article search's words, and the document search's.
SEARCH_SCRIPT_STRINGS = ("search_hint", "search_more", "search_found", "search_none", "doc_kind_number", "doc_issued_on",
                         "docs_search_found", "docs_search_none")
# Their keys in the catalogue (languages.py).
TAXONOMY_TITLES = {"tag": "tags", "category": "categories", "author": "authors", "series": "series"}
# Taxonomies whose index page is there even while empty (the footer links to it); a series index only once there is a series.
ALWAYS_INDEXED = frozenset({"tag", "category", "author"})


class PageKind(enum.Enum):
    """What a page shows; its job's ``key`` says which one."""

    ITEM = "item"  # key: the source of an article, a page or an item of any content type
    LIST = "list"  # key: a ListKey (the home page's list, a term's, a content type's own)
    TAXONOMY = "taxonomy"  # key: "tag", "category" or "author": the index of its terms
    ARCHIVE = "archive"  # key: an ArchiveKey (every year, a year, a month)
    SEARCH = "search"
    RECORD = "record"  # key: the source of an article: its search record (JSON)
    REDIRECT = "redirect"  # key: the source whose old URL this is
    REGISTER = "register"  # key: a RegisterKey: a page of a register (models.py): filters, directories
    SAVE = "save"  # key: the source of an item: its copy to print or keep, one file that opens offline
    NOT_FOUND = "404"


class PageJob(NamedTuple):
    """One output page: where it goes, which template renders it, and what it shows."""

    url: str  # site-relative: "" for the home page, "2014/10/slug/", "404.html"
    template: str
    kind: PageKind
    key: str | ListKey | ArchiveKey | RegisterKey = ""  # which item, list, archive ... (PageKind)
    number: int = 1  # page number of a paginated listing
    source: str = ""  # the content file this page comes from, for messages

    @property
    def path(self) -> str:
        """File path inside the output directory."""
        return page_file(self.url)


class _Environment(jinja2.Environment):
    """Jinja's environment, with each template's globals in a plain dict.

    Jinja layers them over the environment's globals in a ChainMap, whose lookups run in Python:
    flattening it for every render and comparing keys for every ``{% from %}`` import cost a
    page about 20 µs (pallets/jinja#2185). Changing ``env.globals`` after a template has loaded
    therefore needs ``env.cache.clear()``.
    """

    def make_globals(self, d: dict | None) -> dict:  # type: ignore[override]
        return {**self.globals, **(d or {})}


class _TemplateFolder(jinja2.FileSystemLoader):
    """Jinja's loader of one template folder; but a file that is not UTF-8 is a template error at
    the line of its first bad byte (reported as any other: file:line and what to do), not a crash."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = Path(self.searchpath[0], *split_template_path(template))
            line = path.read_bytes().count(b"\n", 0, exc.start) + 1
            raise jinja2.TemplateSyntaxError(msg("not_utf8", pos=exc.start), line, template, str(path)) from None


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept between builds (its bytecode cache), each found again by its
    name and its source's hash (Jinja's own key) under ``settings``: everything else the compiled
    code holds. The compiler folds a filter of constants (``'feed.xml' | url_of``) into the code,
    with this edition's addresses and strings; so a change of those, of giaoban-site or of Jinja
    compiles every template again, and the files of other settings are let go."""

    def __init__(self, folder: Path, config: SiteConfig, catalogue: Catalogue) -> None:
        settings = digest(code_digest(), jinja2.__version__, repr(config), repr(sorted(catalogue.strings.items())))
        folder.mkdir(parents=True, exist_ok=True)
        for other in folder.glob("*.cache"):
            if not other.name.startswith(settings):
                other.unlink(missing_ok=True)
        super().__init__(str(folder), f"{settings}-%s.cache")


def make_environment(config: SiteConfig, site: Site | None = None, catalogue: Catalogue | None = None,
                     compiled: Path | None = None) -> jinja2.Environment:
    """Jinja with the site's own templates/ first and the default theme behind it, autoescaped.
    With the ``site``, the menu leaves out the sections that have nothing in them. Every string the
    theme shows comes from ``catalogue`` (``t('key')``), the config's language's by default.
    With ``compiled``, a folder of the build cache, compiled templates are kept there (CompiledTemplates).
    """
    loader = jinja2.ChoiceLoader([_TemplateFolder(str(config.templates_dir)), _TemplateFolder(str(THEME_DIR))])
    # One environment serves one build, so templates need not be checked for changes on every use.
    t = catalogue or load_catalogue(config.language, config.templates_dir, config.strings)[0]
    env = _Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True, auto_reload=False,
                       bytecode_cache=CompiledTemplates(compiled, config, t) if compiled else None)
    base = config.base_path

    def url(path: str = "") -> str:
        """A site-relative path as a link from any page: "static/style.css" -> "/hdnd/static/style.css"."""
        return base + path.lstrip("/")

    env.globals.update(
        site=config,
        t=t,
        home=config.prefix,  # the edition's home page: "" or "en/"
        url=url,
        absolute_url=functools.partial(absolute_url, config),
        news_article=functools.partial(news_article_json_ld, config),
        term_url=lambda kind, name: base + config.url(kind, slug=config.term_slug(kind, name)),
        breadcrumb_data=functools.partial(breadcrumb_json_ld, config),
        crumb=Crumb,
        share_links=share_links,
        menu=[item for item in default_menu(config, t, features_of(site) if site else None)
              if site is None or item["url"].lstrip("/") not in empty_sections(site)],
        # Which site features any content type takes part in ("taxonomies", "archives", "feeds" ...):
        # links to their pages are shown only when those pages exist.
        features=features_of(site) if site else config.types.features_in_use(),
    )
    env.filters.update(
        # As a filter, ``'static/style.css' | url`` is worked out once, when the template is compiled.
        url=url,
        # ``'search' | url_of``: the link to a page named in site.yaml's ``urls``, also worked out once.
        # The feeds are named relative to a folder: the site's own are at its edition's home.
        url_of=lambda name: url((config.prefix if name in ("feed", "rss") else "") + config.url(name)),
        # Dates and sizes in the page's language; date_vi and datetime_vi are the older names.
        file_size=t.file_size,
        date_full=t.date_full, date_vi=t.date_full,
        date_time=t.date_time, datetime_vi=t.date_time,
        date_short=t.date_short,
        day_month=t.day_month,
        date_long=t.date_long,
        weekday=t.weekday_in_text,
        month_name=t.month_name,
        iso=lambda d: d.isoformat(),
        host=lambda address: (urlsplit(address).hostname or address).removeprefix("www."),
        save_url=save_url,
        absolute_links=lambda html, page: Markup(absolutize_html(str(html), absolute_url(config, page))),
    )
    # ``picture(photo, alt, sizes)``: a photo in its widths and formats (photos.py); the sizes the theme's layout gives it.
    env.globals.update(picture=functools.partial(picture, base_path=base), photo_sizes={
        "body": BODY_SIZES, "gallery": GALLERY_SIZES, "thumbnail": THUMBNAIL_SIZES})
    return env


def news_article_json_ld(config: SiteConfig, article: Document, canonical: str, image: str | None) -> Markup:
    """schema.org NewsArticle data of an article page, as the <script> element for its <head>."""
    publisher = {"@type": "Organization", "name": config.title, "url": absolute_url(config)}
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "description": article.summary or "", "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(), "inLanguage": config.language,
        "mainEntityOfPage": canonical, "url": canonical,
        "author": [{"@type": "Person", "name": name} for name in article.authors] or [publisher], "publisher": publisher,
    }
    if image:
        data["image"] = [image]
    # htmlsafe_json_dumps escapes <, >, & and ' so a title holding "</script>" cannot end the element early.
    return Markup(f'<script type="application/ld+json">{htmlsafe_json_dumps(data, ensure_ascii=False, separators=(",", ":"))}</script>')


def breadcrumb_json_ld(config: SiteConfig, crumbs: list[Crumb]) -> Markup:
    """schema.org BreadcrumbList data of a page's trail, as the <script> element for its <head>."""
    data = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": number, "name": crumb.title, "item": absolute_url(config, crumb.url)}
        for number, crumb in enumerate(crumbs, 1)]}
    return Markup(f'<script type="application/ld+json">{htmlsafe_json_dumps(data, ensure_ascii=False, separators=(",", ":"))}</script>')


# Plain links that share a page: no script of theirs on ours, nothing loads until the reader chooses one.
# Zalo documents only its script button; zalo.me/share?url= is the address that button and Vietnamese sites link to.
SHARE_LINKS = (("share_zalo", "https://zalo.me/share?url={url}"),
               ("share_facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
               ("share_email", "mailto:?subject={title}&body={url}"))


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """(catalogue key of its name, address) of each way to share the page at absolute ``url``."""
    values = {"url": quote(url, safe=""), "title": quote(title, safe="")}
    return [(name, pattern.format(**values)) for name, pattern in SHARE_LINKS]


def features_of(site: Site) -> frozenset[str]:
    """The features the site's pages take part in: any type's, for the default language; for another
    language, those of the items it has (its pages alone get no empty archives, topics or search)."""
    if not site.config.prefix:
        return site.config.types.features_in_use()
    types = site.config.types
    return frozenset(feature.value for doc in site.documents for feature in types[doc.kind].features)


def home_items(site: Site) -> list[Document]:
    """What the home page lists: the news; in another language without news, its pages."""
    return site.articles or (site.documents if site.config.prefix else [])


def default_menu(config: SiteConfig, t: Catalogue, in_use: frozenset[str] | None = None) -> list[dict]:
    """The main navigation: site.yaml's ``menu`` or, without it, the usual council site sections."""
    if config.menu:
        return [{"title": item.title, "url": item.url} for item in config.menu]
    in_use = config.types.features_in_use() if in_use is None else in_use
    return [{"title": t("home"), "url": config.prefix},
            *([{"title": t("tags"), "url": config.url("tag_index")}] if "taxonomies" in in_use else []),
            *([{"title": t("archive"), "url": config.url("archive")}] if "archives" in in_use else [])]


def save_url(url: str) -> str:
    """Where an item's copy to print and keep is: beside its page ("2014/10/slug/ban-in.html")."""
    return url + "ban-in.html" if url.endswith("/") or not url else url.removesuffix(".html") + "-ban-in.html"


def empty_sections(site: Site) -> set[str]:
    """The index addresses of the content types that have no published item: not in the menu."""
    return {t.index for t in site.config.types if t.index and not site.items[t.name]}


def plan_pages(site: Site) -> list[PageJob]:
    """Every page of the site, in a stable order: one line per family of pages."""
    config, types, jobs = site.config, site.config.types, []
    for doc in site.documents:
        jobs.append(PageJob(doc.url, doc.template or types[doc.kind].template, PageKind.ITEM, doc.source, source=doc.source))
        if types[doc.kind].has(Feature.PRINT):
            jobs.append(PageJob(save_url(doc.url), "save.html", PageKind.SAVE, doc.source, source=doc.source))
    jobs += _listing_jobs(config, config.prefix, HOME, len(home_items(site)))
    for content_type in types:
        if content_type.name in site.registers:
            jobs += site.registers[content_type.name].jobs()
        elif content_type.has(Feature.INDEX):
            jobs += _listing_jobs(config, content_type.index, ListKey("type", content_type.name), len(site.items[content_type.name]))
    features = features_of(site)
    if Feature.TAXONOMIES.value in features:
        for kind, terms in site.terms.items():
            if terms or kind in ALWAYS_INDEXED:
                jobs.append(PageJob(config.url(TAXONOMY_INDEXES[kind]), "taxonomy.html", PageKind.TAXONOMY, kind))
            for term in terms:
                jobs += _listing_jobs(config, term.url, term.key, len(term.articles))
    if Feature.ARCHIVES.value in features:
        jobs.append(PageJob(config.url("archive"), "archive.html", PageKind.ARCHIVE, ALL_YEARS))
        for year in site.years:
            jobs += [PageJob(a.url, "archive.html", PageKind.ARCHIVE, a.key) for a in (year, *year.months)]
    if not config.prefix or Feature.SEARCH.value in features:
        jobs.append(PageJob(config.url("search"), "search.html", PageKind.SEARCH))
    # Search records are files of the plan like pages: made in parallel, and only when changed.
    jobs += [PageJob(path, "", PageKind.RECORD, doc.source) for path, doc in record_paths(public_items(site, Feature.SEARCH), config)]
    jobs.append(PageJob(config.prefix + "404.html", "404.html", PageKind.NOT_FOUND))
    return jobs


def redirect_jobs(redirects: list[Redirect]) -> list[PageJob]:
    """A page at each old address that sends readers on (aliases.py): planned once the pages are, as
    an old address may not take a page's."""
    return [PageJob(r.url, "redirect.html", PageKind.REDIRECT, r.source, source=r.source) for r in redirects if not r.has_query]


def _listing_jobs(config: SiteConfig, base: str, key: ListKey, count: int) -> list[PageJob]:
    pages = max(1, math.ceil(count / config.page_size))
    return [PageJob(paginated_url(config, base, n), "list.html", PageKind.LIST, key, n) for n in range(1, pages + 1)]


class StoredBody:
    """A document's converted HTML as its page's template sees it: read from the store only when
    printed, so computing page keys (which stand for it by the document's digest) reads no body."""

    __slots__ = ("doc", "store", "links", "base_path", "photos")

    def __init__(self, doc: Document, store: Store, links: dict[str, str] | None = None, base_path: str = "/",
                 photos: dict[str, Photo] | None = None) -> None:
        self.doc, self.store = doc, store
        self.links = links or {}  # where its links to documents by number lead (documents.py)
        self.base_path = base_path
        self.photos = photos or {}  # its photos, by the path as written: shown as <picture> (photos.py)

    def __html__(self) -> str:
        html = resolve_references(self.store.html(self.doc), self.links, self.base_path)
        return with_pictures(html, self.photos, self.base_path)

    __str__ = __html__

    @property
    def has_code(self) -> bool:
        """Whether it holds highlighted code: the page then links the code styles."""
        return 'class="highlight"' in self.store.html(self.doc)


SERIES_BOX = 20  # the most articles of its series an article lists


@dataclasses.dataclass(frozen=True)
class Crumb:
    """One step of a page's breadcrumb trail."""

    title: str
    url: str  # site-relative


@dataclasses.dataclass(frozen=True)
class TermLink:
    """A term as listing and index pages show it: its articles only counted.

    Pages see this rather than the term itself, so that editing one article changes the key of
    the few pages that show it, not of every page of every tag it carries.
    """

    kind: str
    name: str
    slug: str
    url: str
    count: int
    depth: int = 0  # a category's place in the tree
    description: str = ""


def _link_to(term: Term) -> TermLink:
    return TermLink(term.kind, term.name, term.slug, term.url, len(term.articles), term.depth, term.description)


FRAGMENTS_KEPT = 16_384  # list items' HTML a process keeps (PageRenderer.fragment): at 100,000 articles, 13 of 80 MiB


class PageRenderer:
    """Renders page jobs against one site model, with one Jinja environment."""

    fragments_kept = FRAGMENTS_KEPT

    def __init__(self, site: Site, env: jinja2.Environment, store: Store) -> None:
        self.site, self.env, self.store = site, env, store
        self.documents = {d.source: d for d in site.documents}
        self.terms = {t.key: t for terms in site.terms.values() for t in terms}
        self.term_links = {key: _link_to(t) for key, t in self.terms.items()}
        self.archives = {a.key: a for y in site.years for a in (y, *y.months)}
        # As UTF-8 (half the memory of Vietnamese text), the last FRAGMENTS_KEPT used (build.list_pages_in_order).
        self._fragments: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        # Breadcrumbs, made once each so that page keys hash each crumb once: a category's by its slug
        # ("" for home), what is above an item by its main category's name, a list's by its key.
        self._trails: dict[str, list[Crumb]] = {}
        self._item_trails: dict[str, list[Crumb]] = {}
        self._list_trails: dict[ListKey, list[Crumb]] = {}
        self._pinned: dict[ListKey, list[Document]] = {}
        self.redirects = {r.url: r for r in site.redirects}
        self.t: Catalogue = env.globals["t"]
        self._contexts = {
            PageKind.ITEM: self._context_item, PageKind.LIST: self._context_list, PageKind.TAXONOMY: self._context_taxonomy,
            PageKind.ARCHIVE: self._context_archive, PageKind.SEARCH: self._context_search,
            PageKind.RECORD: self._context_record, PageKind.REDIRECT: self._context_redirect,
            PageKind.REGISTER: self._context_register, PageKind.SAVE: self._context_item, PageKind.NOT_FOUND: self._context_not_found,
        }
        env.globals["fragment"] = self.fragment
        env.cache.clear()  # a template loaded before would not see it (_Environment)

    def fragment(self, template: str, article: Document) -> Markup:
        """``template`` rendered for one article, kept while it is among the last FRAGMENTS_KEPT used:
        list pages repeat their items. It is given the article and its lead photo (whose key is part of
        the article's in page keys).

        Every item kept, the process rendering the lists held 80 MiB of them at 100,000 articles (as
        UTF-8; 150 MiB as text). The lists come newest items first, every listing together
        (build.list_pages_in_order): an item is used again while it is among the last few thousand."""
        key = (template, article.source)
        kept = self._fragments.get(key)
        if kept is not None:
            self._fragments.move_to_end(key)
            return Markup(kept.decode("utf-8"))
        photo = self.site.photos.of(article, article.image)
        made = self.env.get_template(template).render(article=article, photo=photo)
        self._fragments[key] = made.encode("utf-8")
        if len(self._fragments) > self.fragments_kept:
            self._fragments.popitem(last=False)
        return Markup(made)

    def listing(self, key: ListKey) -> list[Document]:
        """Every article of a listing (the home page's, a type's, a term's), in its order: its pages
        show them ``page_size`` at a time."""
        term = self.terms.get(key)
        if term:
            return self._pinned_first(term) if term.kind == "category" else term.articles  # pinned ones first
        return self.site.items[key.name] if key.group == "type" else home_items(self.site)

    def replace_document(self, doc: Document) -> None:
        """Render ``doc`` in place of the document of its file from now on (the preview's quick pages)."""
        self.documents[doc.source] = doc
        self._fragments = OrderedDict((key, value) for key, value in self._fragments.items() if key[1] != doc.source)

    def replace_term(self, term: Term) -> None:
        """Render ``term`` (its articles, its name) in place of the one of its key from now on (the preview's quick pages)."""
        self.terms[term.key], self.term_links[term.key] = term, _link_to(term)

    def context(self, job: PageJob) -> dict:
        """Everything the template of ``job`` is given: it sees nothing else of the site."""
        # A page's own canonical URL unless its context names another (a redirect's target); its
        # versions in the site's other languages (translations.py), none on a site of one language.
        return {"page_url": job.url, "canonical": self.site.config.base_url + job.url,
                "languages": self.site.alternates.get(job.url, ()), **self._contexts[job.kind](job)}

    def render(self, job: PageJob, context: dict | None = None) -> str:
        if job.kind is PageKind.RECORD:
            return self.store.record(self.documents[job.key]) or ""  # made when the article was parsed
        return self.env.get_template(job.template).render(context or self.context(job))

    def _context_item(self, job: PageJob) -> dict:
        """An item of any type as ``item``; also as ``article`` (dated types, with their neighbours
        and related items) or as ``page`` (undated ones), the names the theme's templates use; and
        its converted body as ``body_html``."""
        doc = self.documents[job.key]
        content_type: ContentType = self.site.config.types[doc.kind]
        register = self.site.registers.get(doc.kind)
        photos = self.site.photos.by_document.get(doc.source, {})
        context = {"item": doc, "content_type": content_type, "attachments": self.site.attachments.get(doc.source, ()),
                   "body_html": StoredBody(doc, self.store, link_targets(self.site, doc), self.site.config.base_path, photos),
                   "photo": self.site.photos.of(doc, doc.image),
                   "gallery": [(photos[g.file], g.caption) for g in doc.gallery if g.file in photos],
                   **(register.item_context(doc) if register else {})}
        if not content_type.dated:
            return {**context, "page": doc}
        context["breadcrumbs"] = self._item_breadcrumbs(doc, content_type)
        series = self.terms.get(ListKey("series", self.site.config.term_slug("series", doc.series))) if doc.series else None
        return {**context, "article": doc, "older": self.site.older.get(doc.source), "newer": self.site.newer.get(doc.source),
                "related": self.site.related.get(doc.source, []), "expired": doc.source in self.site.expired,
                "reading_minutes": reading_minutes(doc.words) if doc.words else None,
                "series": self.term_links[series.key] if series else None,
                "series_articles": series.articles[:SERIES_BOX] if series else []}

    def _item_breadcrumbs(self, doc: Document, content_type: ContentType) -> list[Crumb]:
        """What is above a dated item: home, then its main category under its ancestors (a standing page
        sits right under home, and has none). The template adds the item itself."""
        key = doc.category if doc.category and content_type.has(Feature.TAXONOMIES) else ""
        if key not in self._item_trails:
            self._item_trails[key] = [self._home_crumb(), *(self._category_trail(key) if key else [])]
        return self._item_trails[key]

    def _home_crumb(self) -> Crumb:
        if "" not in self._trails:
            self._trails[""] = [Crumb(self.t("home"), self.site.config.prefix)]
        return self._trails[""][0]

    def _category_trail(self, name: str) -> list[Crumb]:
        """A category's trail from the top of the tree: made once, so that page keys hash its crumbs once."""
        slug = self.site.config.term_slug("category", name)
        if slug not in self._trails:
            found = [self.terms.get(ListKey("category", s)) for s in (*self.site.config.categories.ancestors(slug), slug)]
            self._trails[slug] = [Crumb(term.name, term.url) for term in found if term]
        return self._trails[slug]

    def _list_breadcrumbs(self, key: ListKey, term: Term | None, own_type: ContentType | None) -> list[Crumb]:
        """Home, the type's index or the taxonomy's and (a category's) its ancestors, the list: once per list, for all its pages."""
        if key not in self._list_trails:
            if own_type:
                trail = [self._home_crumb(), Crumb(own_type.title, own_type.index)]
            elif term is None:
                trail = []
            else:
                index = Crumb(self.t(TAXONOMY_TITLES[term.kind]), self.site.config.url(TAXONOMY_INDEXES[term.kind]))
                own = self._category_trail(term.slug) if term.kind == "category" else [Crumb(term.name, term.url)]
                trail = [self._home_crumb(), index, *own]
            self._list_trails[key] = trail
        return self._list_trails[key]

    def _pinned_first(self, term: Term) -> list[Document]:
        """A category's articles, its pinned ones first: worked out once for all its pages and blocks."""
        if term.key not in self._pinned:
            self._pinned[term.key] = pinned_first(term.articles, self.site.now)
        return self._pinned[term.key]

    def _context_register(self, job: PageJob) -> dict:
        return self.site.registers[job.key.type_name].context(job.key, job.number)

    def _context_list(self, job: PageJob) -> dict:
        size, types = self.site.config.page_size, self.site.config.types
        term: Term | None = self.terms.get(job.key)
        own_type = types[job.key.name] if job.key.group == "type" else None
        articles = self.listing(job.key)
        if term:
            base, heading = term.url, f"{self.t(TAXONOMY_TITLES[term.kind])}: {term.name}"
        elif own_type:
            base, heading = own_type.index, own_type.title
        else:
            base = self.site.config.prefix
            heading = self.t("latest") if self.site.articles or not articles else self.t("home_pages")
        total = max(1, math.ceil(len(articles) / size))
        home = {k: v for r in self.site.registers.values() for k, v in r.home_context().items()} if job.key == HOME else {}
        if job.key == HOME and job.number == 1:
            home["blocks"] = self._front_blocks(home)
        profile = self.site.profiles.get(term.slug) if term and term.kind == "author" else None
        return {
            **home, "heading": heading, "content_type": own_type, "breadcrumbs": self._list_breadcrumbs(job.key, term, own_type),
            "profile": profile, "profile_photo": self.site.photos.by_file.get(profile.photo_file) if profile and profile.photo else None,
            "term": self.term_links[job.key] if term else None, "taxonomy_title": self.t(TAXONOMY_TITLES[term.kind]) if term else None,
            "articles": articles[(job.number - 1) * size: job.number * size],
            "pagination": {
                "number": job.number, "total": total, "count": len(articles),
                "newer_url": paginated_url(self.site.config, base, job.number - 1) if job.number > 1 else None,
                "older_url": paginated_url(self.site.config, base, job.number + 1) if job.number < total else None,
            },
        }

    def _front_blocks(self, home: dict) -> list[dict]:
        """The home page's blocks in site.yaml's order, each with what it shows, those with nothing to
        show left out; none (the plain list) when that leaves only the session box and the latest news."""
        makers = {BlockKind.FEATURED: self._featured_block, BlockKind.LATEST: self._latest_block,
                  BlockKind.CATEGORY: self._term_block, BlockKind.SERIES: self._term_block,
                  BlockKind.MOST_READ: self._most_read_block, BlockKind.DOCUMENTS: self._documents_block,
                  BlockKind.SESSION: lambda block: {"session": home["session"], "under_way": home["session_under_way"]}
                  if home.get("session") else None}
        front = self.site.config.front_page
        blocks = [{"kind": block.kind.value, **shown} for block in front.blocks if (shown := makers[block.kind](block))]
        plain = front == FrontPage() and [b["kind"] for b in blocks if b["kind"] != "session"] == ["latest"]
        return [] if plain else blocks

    def _featured_block(self, block: Block) -> dict | None:
        return {"heading": block.title or self.t("featured"), "articles": self.site.featured} if self.site.featured else None

    def _latest_block(self, block: Block) -> dict:
        config, articles = self.site.config, self.site.articles
        more = paginated_url(config, config.prefix, 2) if len(articles) > config.page_size else ""
        return {"heading": block.title or self.t("latest"), "articles": articles[:config.page_size], "url": more}

    def _term_block(self, block: Block) -> dict | None:
        """A category's or a series' newest (a category's pinned ones first)."""
        term = self.terms.get(ListKey(block.kind.value, block.name))
        if term is None:
            return None
        return {"heading": block.title or term.name, "url": term.url, "articles": self.listing(term.key)[:block.count],
                "more": self.t("more_of", name=term.name)}

    def _most_read_block(self, block: Block) -> dict | None:
        read = most_read(self.site.articles, self.site.views, block.count)
        return {"heading": block.title or self.t("most_read"), "articles": read} if read else None

    def _documents_block(self, block: Block) -> dict | None:
        register = reference_register(self.site)
        if register is None or not register.docs:
            return None
        return {"heading": block.title or self.t("newest_documents"), "url": register.type.index,
                "entries": [register.entries[d.source] for d in register.docs[:block.count]]}

    def _context_taxonomy(self, job: PageJob) -> dict:
        terms = [self.term_links[t.key] for t in self.site.terms[job.key]]
        return {"kind": job.key, "title": self.t(TAXONOMY_TITLES[job.key]), "terms": terms}

    def _context_archive(self, job: PageJob) -> dict:
        archive = self.archives.get(job.key)
        return {"archive": archive, "years": self.site.years if archive is None else None}

    def _context_record(self, job: PageJob) -> dict:
        return {"article": self.documents[job.key]}

    def _context_search(self, job: PageJob) -> dict:
        # The host and path a general search engine's "site:" filter takes, for the form without JavaScript.
        register = reference_register(self.site)
        return {"search_site": re.sub(r"^[a-z]+://", "", self.site.config.base_url).rstrip("/"),
                "search_strings": {key: self.t.strings[key] for key in SEARCH_SCRIPT_STRINGS},
                "document_search": register.search_form() if register and register.docs else None}

    def _context_redirect(self, job: PageJob) -> dict:
        redirect = self.redirects[job.url]
        # The old address's page names the new one as canonical: a crawler moves its ranking there.
        config = self.site.config
        href = redirect_href(redirect.target, config.base_path)
        # The document it leads to, where it is one: its page shows the title, which an edit may change
        # (shown.py's index and the preview's quick pages know the page by the document in its context).
        return {"href": href, "target": self.documents.get(redirect.source), "target_title": redirect.title,
                "canonical": urljoin(config.base_url, href)}

    def _context_not_found(self, job: PageJob) -> dict:
        # Old addresses with a query are looked up by the page's script, only on a site that has them.
        has_map = any(r.has_query for r in self.site.redirects)
        return {"old_addresses": self.site.config.url("old_addresses") if has_map else ""}

