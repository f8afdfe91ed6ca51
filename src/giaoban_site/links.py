"""Finding links and images in content that lead nowhere on the site, with the line that holds them."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .build import BuildOptions, Project, prepare
from .config import CONFIG_FILE, SiteConfig
from .content import Document, line_of_field, read_text, visible_files
from .documents import REFERENCE_SCHEME, reference_register
from .errors import Problem
from .extras import GENERATORS
from .messages import msg
from .render import empty_sections
from .store import Store


@dataclass(frozen=True)
class Link:
    """A link (``<a href>``) or image (``<img src>``) in a document's HTML, with its source line."""

    kind: str  # "a" or "img"
    url: str
    line: int | None
    alt: str | None = None  # images only; None when the attribute is absent


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.found.append(("a", values["href"] or "", None))
        elif tag == "img" and values.get("src"):
            self.found.append(("img", values["src"] or "", values.get("alt")))


def links_of(doc: Document, config: SiteConfig, store: Store) -> list[Link]:
    """Every link and image of ``doc``'s rendered body, each with the line of the file it is written on."""
    parser = _LinkParser()
    parser.feed(store.html(doc))
    locator = _LineLocator(doc, config)
    return [Link(kind, url, locator.line_of(url), alt) for kind, url, alt in parser.found]


class _LineLocator:
    """Finds the source line of the n-th use of a URL in a document's Markdown body."""

    def __init__(self, doc: Document, config: SiteConfig) -> None:
        text = read_text(config.root / doc.source, doc.source)
        self.lines = text.split("\n")[doc.body_line - 1:]
        self.first = doc.body_line
        self.base = config.base_path
        self.seen: dict[str, int] = defaultdict(int)

    def line_of(self, url: str) -> int | None:
        if self.base != "/" and url.startswith(self.base):
            # markup.prefix_root_links added the base path; the editor wrote the link without it.
            written = "/" + url[len(self.base):]
            if any(written in line or html.escape(written) in line for line in self.lines):
                url = written
        hits = [self.first + i for i, text in enumerate(self.lines)
                for _ in range(max(text.count(url), text.count(html.escape(url))))]
        if not hits:
            return None
        # A reference link used twice is written once: later uses point at its last line.
        index = min(self.seen[url], len(hits) - 1)
        self.seen[url] += 1
        return hits[index]


def site_path(url: str, page_url: str, config: SiteConfig) -> str | None:
    """The site-relative path (no query or fragment) a link leads to; None for other sites and anchors.

    A path outside the site's base path comes back starting with "/".
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        site = urlsplit(config.base_url)
        if (parts.scheme, parts.netloc) not in ((site.scheme, site.netloc), ("", site.netloc)):
            return None  # another site, mailto:, tel: ... checking those needs the network
    if not parts.path:
        return None  # "#muc-1" or "?trang=2" on the same page
    base = config.base_path
    absolute = urljoin(base + page_url, parts.path)
    if not absolute.startswith(base):
        return unquote(absolute)
    return unquote(absolute[len(base):])


def exists(path: str, files: set[str]) -> bool:
    """Whether a site-relative path is served: a file, or a folder with index.html."""
    if path == "" or path.endswith("/"):
        return path + "index.html" in files
    return path in files or path + "/index.html" in files


def planned_files(project: Project) -> set[str]:
    """Every file a build of ``project`` would write, without writing anything."""
    files = set()
    for edition in project.editions:
        files.update(job.path for job in edition.jobs)
        for generator in GENERATORS:
            files.update(generator.outputs(edition))
    return files


def output_files(output: Path) -> set[str]:
    """Every file actually present in a built output directory."""
    return _tree(output, "")


def _tree(directory: Path, prefix: str) -> set[str]:
    return {prefix + p.relative_to(directory).as_posix() for p in visible_files(directory)}


def find_broken_links(project: Project, files: set[str] | None = None,
                      found: dict[str, list[Link]] | None = None) -> list[Problem]:
    """Links and images in articles, pages and the menu that lead to no page or file of the site.

    ``files`` are the site-relative files that exist; default: those the build would write.
    ``found`` maps a document's source to its ``links_of()``, when the caller has them already.
    """
    files = planned_files(project) if files is None else files
    config = project.config
    register = reference_register(project.site)
    problems = []
    for doc in [doc for edition in project.editions for doc in edition.site.documents]:
        for link in found[doc.source] if found is not None else links_of(doc, config, project.store):
            if link.url.startswith(REFERENCE_SCHEME):  # a document by its number (documents.py)
                problem = register.link_problem(link.url) if register else None
            else:
                problem = _check(link.url, doc.url, link.kind, files, config)
            if problem:
                problems.append(Problem(doc.source, link.line, problem))
        if doc.image:
            # The templates write url(image): the site's base path, then the field as written.
            image = doc.image if "://" in doc.image else config.base_path + doc.image.lstrip("/")
            problem = _check(image, doc.url, "img", files, config)
            if problem:
                problems.append(Problem(doc.source, line_of_field(config.root / doc.source, "image"), problem))
    return problems + [problem for edition in project.editions
                       for problem in _menu_problems(edition.config, files, empty_sections(edition.site))]


def _check(url: str, page_url: str, kind: str, files: set[str], config: SiteConfig) -> str | None:
    path = site_path(url, page_url, config)
    if path is None:
        return None
    if path.startswith("/"):
        return msg("link_outside_site", url=url, base=config.base_path)
    if exists(path, files):
        return None
    return msg("broken_image" if kind == "img" else "broken_link", url=url)


def _menu_problems(config: SiteConfig, files: set[str], hidden: set[str]) -> list[Problem]:
    """Menu entries of site.yaml that lead nowhere (the templates prefix them with the base path);
    not those of ``hidden`` sections, which the menu leaves out while they are empty."""
    path = config.root / CONFIG_FILE
    text = path.read_text(encoding="utf-8-sig", errors="replace").splitlines() if path.exists() else []
    problems = []
    for item in (*config.menu, *config.footer_menu):
        if "://" in item.url or item.url.startswith(("mailto:", "tel:", "#")) or item.url.lstrip("/") in hidden:
            continue
        problem = _check(config.base_path + item.url.lstrip("/"), "", "a", files, config)
        if problem:
            line = next((n for n, t in enumerate(text, 1) if "url:" in t and item.url and item.url in t), None)
            problems.append(Problem(CONFIG_FILE, line, problem))
    return problems


def check_built_site(options: BuildOptions, output: Path) -> list[Problem]:
    """Broken links of a site just built with ``options``, checked against the files in ``output``.

    The content is loaded again through ``prepare()``: ``build()`` keeps its project to itself.
    """
    return find_broken_links(prepare(options), output_files(output))
