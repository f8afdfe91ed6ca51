"""Old URLs that keep working: each alias of a document becomes a redirect to its new URL.

Every static host gets a page at the old path that sends readers (meta refresh and a visible
link, no JavaScript) and crawlers (a canonical link) on. Hosts that can answer with a real 301
read one of the rule files made beside it: ``_redirects`` (Netlify, Cloudflare Pages and others),
``.htaccess`` (Apache) and ``redirects.nginx.conf`` (to include in an nginx server block).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable
from urllib.parse import quote, unquote, urlsplit

from .config import SiteConfig
from .content import line_of_field, unsafe_path
from .errors import Problem
from .messages import msg
from .site import Site, page_file
from .vietnamese import nfc

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles
    from .render import PageJob

RULE_FILES = ("_redirects", ".htaccess", "redirects.nginx.conf")


@dataclass(frozen=True)
class Redirect:
    """One old address of a document."""

    source: str  # the document's file
    alias: str  # as the editor wrote it
    url: str  # the old address, site-relative, as the output page's URL ("news/a-1.html", "tin-cu/")
    target: str  # the document's URL, site-relative


def alias_url(alias: str, config: SiteConfig) -> str | None:
    """The site-relative URL an alias names, or None when it is not on this site.

    A full URL must be under ``base_url``; a path is read from the site's root ("/vi/news/a.html"
    and "vi/news/a.html" alike), with or without the base path in front. Percent-encoded and
    Vietnamese characters name the same file; a path without a file name ending is a folder.
    """
    parts = urlsplit(nfc(alias.strip()))
    site = urlsplit(config.base_url)
    if (parts.scheme or parts.netloc) and parts.netloc.lower() != site.netloc.lower():
        return None
    if parts.query:
        return None  # a static host serves one file whatever the query: it cannot tell such addresses apart
    path, base = "/" + nfc(unquote(parts.path)).lstrip("/"), config.base_path
    if parts.netloc and not path.startswith(base):
        return None  # on this host, but outside the site's base path
    if path.startswith(base):
        path = path[len(base) - 1:]
    if unsafe_path(path):
        return None  # climbing out of the site (however far browsers would let it go), or a name no file should have
    folder = path.endswith("/") or "." not in posixpath.basename(path)
    relative = posixpath.normpath(path).lstrip("/")
    return relative + "/" if folder and relative else relative


def plan_redirects(site: Site, jobs: Iterable[PageJob], files: Iterable[str]) -> tuple[list[Redirect], list[Problem]]:
    """The redirects of every published document, and the aliases that cannot be one: outside the
    site, the address of a page or of a file the build makes (``files``, and the rule files), or
    another document's alias (each problem names both files)."""
    config = site.config
    made = {*files, *RULE_FILES, *(job.path for job in jobs if not job.source)}  # what giaoban makes itself
    pages = {job.path: job.source for job in jobs if job.source}
    taken: dict[str, Redirect] = {}
    problems = []
    def problem(source: str, message: str) -> Problem:  # the file is read again for the line only when it is wrong
        return Problem(source, line_of_field(config.root / source, "aliases"), message)

    for doc in site.documents:
        for alias in doc.aliases:
            url = alias_url(alias, config)
            path = page_file(url) if url is not None else None
            if url is None:
                reason = "alias_query" if "?" in alias else "alias_outside"
                problems.append(problem(doc.source, msg(reason, alias=alias, base=config.base_url)))
            elif url == doc.url:
                problems.append(problem(doc.source, msg("alias_same", alias=alias)))
            elif path in made or url.rstrip("/") in made:  # a folder cannot have a file's name either
                problems.append(problem(doc.source, msg("alias_made", alias=alias)))
            elif path in pages:
                problems.append(problem(doc.source, msg("alias_taken", alias=alias, what=msg("alias_page"), other=pages[path])))
            elif path in taken and taken[path].source != doc.source:
                other = taken[path]
                problems.append(problem(doc.source, msg("alias_taken", alias=alias, what=msg("alias_alias"), other=other.source)))
                problems.append(problem(other.source, msg("alias_taken", alias=other.alias, what=msg("alias_alias"), other=doc.source)))
            elif path not in taken:
                taken[path] = Redirect(doc.source, alias, url, doc.url)
    return sorted(taken.values(), key=lambda r: r.url), problems


class RedirectRules:
    """Generator of the rule files that let a host answer old URLs with a real 301."""

    def outputs(self, project: Project) -> list[str]:
        return list(RULE_FILES) if project.site.redirects else []

    def generate(self, project: Project, write: ExtraFiles) -> None:
        redirects, base = project.site.redirects, project.config.base_path
        if not redirects:
            return
        pairs = [(base + _old_path(r), base + r.target) for r in redirects]
        write("_redirects", "".join(f"{quote(old)} {quote(new)} 301\n" for old, new in pairs))
        write(".htaccess", "# giaoban-site: old addresses, answered with 301 (mod_alias)\n"
              + "".join(f'RedirectMatch 301 "^{re.escape(old)}$" "{quote(new)}"\n' for old, new in pairs))
        write("redirects.nginx.conf", "# giaoban-site: include inside the site's server { } block\n"
              + "".join(f'location = "{_nginx(old)}" {{ return 301 {quote(new)}; }}\n' for old, new in pairs))


def _old_path(redirect: Redirect) -> str:
    """The old address as readers asked for it: without the trailing slash of its folder page
    unless the editor wrote one (hosts that read these rules match either way)."""
    if redirect.url.endswith("/") and not redirect.alias.rstrip().endswith("/"):
        return redirect.url[:-1]
    return redirect.url


def _nginx(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')
