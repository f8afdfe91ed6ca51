"""Old URLs that keep working: each alias of a document, and each entry of ``redirects.yaml``,
becomes a redirect to its new URL.

Every static host gets a page at the old path that sends readers (meta refresh and a visible
link, no JavaScript) and crawlers (a canonical link) on. Hosts that can answer with a real 301
read one of the rule files made beside it: ``_redirects`` (Netlify, Cloudflare Pages and others),
``.htaccess`` (Apache) and ``redirects.nginx.conf`` (to include in an nginx server block).

An old address with a query (NukeViet's ``index.php?language=vi&nv=news&op=...``) cannot be a file:
a static host serves ``index.php`` whatever the query. The rule files answer it, and where they
cannot be used the 404 page looks the address up in ``du-lieu/dia-chi-cu.json`` and sends the
reader on: the one script the theme carries, and only on a site that has such addresses.

``redirects.yaml`` beside site.yaml holds the old addresses that are not a document's (a category,
a tag, a feed of the old site): ``old address: new address``, the new one a page of the site or a
full URL. ``giaoban import`` writes it; editors may add to it.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import yaml

from .config import SiteConfig
from .content import Document, line_of_field, unsafe_path
from .errors import Problem, yaml_error_line
from .messages import msg
from .site import page_file
from .vietnamese import nfc

if TYPE_CHECKING:
    from .build import Project
    from .extras import ExtraFiles
    from .render import PageJob

RULE_FILES = ("_redirects", ".htaccess", "redirects.nginx.conf")
REDIRECTS_FILE = "redirects.yaml"


@dataclass(frozen=True)
class Redirect:
    """One old address, of a document or of ``redirects.yaml``."""

    source: str  # the document's file, or redirects.yaml
    alias: str  # as the editor wrote it
    url: str  # the old address, site-relative, as the output page's URL ("news/a-1.html", "tin-cu/"); with its query
    target: str  # the new URL: site-relative, or a full URL off the site
    title: str = ""  # the document's title: what the old address's page links to

    @property
    def has_query(self) -> bool:
        """Whether it is an ``index.php?...`` address: answered by the rules and the 404 page, not a page of its own."""
        return "?" in self.url

    @property
    def path(self) -> str:
        return self.url.split("?", 1)[0]

    @property
    def query(self) -> str:
        """The query as the old site wrote it (the rule files match it as browsers send it)."""
        return urlsplit(self.alias.strip().replace("&amp;", "&")).query


def alias_url(alias: str, config: SiteConfig) -> str | None:
    """The site-relative URL an alias names, or None when it is not on this site.

    A full URL must be under ``base_url``; a path is read from the site's root ("/vi/news/a.html"
    and "vi/news/a.html" alike), with or without the base path in front. Percent-encoded and
    Vietnamese characters name the same file; a path without a file name ending is a folder. A
    query is kept in the order ``query_key`` puts it in ("index.php?nv=news&op=a").
    """
    parts = urlsplit(nfc(alias.strip()).replace("&amp;", "&"))
    site = urlsplit(config.base_url)
    if (parts.scheme or parts.netloc) and parts.netloc.lower() != site.netloc.lower():
        return None
    path, base = "/" + nfc(unquote(parts.path)).lstrip("/"), config.base_path
    if parts.netloc and not path.startswith(base):
        return None  # on this host, but outside the site's base path
    if path.startswith(base):
        path = path[len(base) - 1:]
    if unsafe_path(path):
        return None  # climbing out of the site (however far browsers would let it go), or a name no file should have
    if parts.query:
        return posixpath.normpath(path).lstrip("/") + "?" + query_key(parts.query)
    folder = path.endswith("/") or "." not in posixpath.basename(path)
    relative = posixpath.normpath(path).lstrip("/")
    return relative + "/" if folder and relative else relative


def query_key(query: str) -> str:
    """A query in one order whatever order a link wrote it in: its decoded pairs, sorted (the 404
    page's script makes the same key of the address asked for)."""
    return "&".join(f"{name}={value}" for name, value in sorted(parse_qsl(query, keep_blank_values=True)))


def plan_redirects(documents: list[Document], config: SiteConfig, jobs: Iterable[PageJob],
                   files: Iterable[str]) -> tuple[list[Redirect], list[Problem]]:
    """The redirects of every published document and of ``redirects.yaml``, and the old addresses
    that cannot be one: outside the site, the address of a page or of a file the build makes
    (``files``, and the rule files), or another one's old address (each problem names both files)."""
    entries, file_problems = read_redirects_file(config)
    moved = [doc for doc in documents if doc.aliases]
    if not moved and not entries:  # no old address to check: the pages' 355,000 addresses need not be gathered
        return [], file_problems
    jobs = list(jobs)
    made = {*files, *RULE_FILES, *(job.path for job in jobs if not job.source)}  # what giaoban makes itself
    pages = {job.path: job.source for job in jobs if job.source}
    taken: dict[str, tuple[Redirect, Callable[[], int | None]]] = {}
    problems = []

    def claim(source: str, alias: str, target: str, title: str, line_of: Callable[[], int | None]) -> None:
        """One old address of ``source``; ``line_of`` finds its line, only when it is wrong (a
        document's file is read again for it)."""
        url, where = alias_url(alias, config), _where(source)
        path = (url if "?" in url else page_file(url)) if url is not None else None
        if url is None:
            reason = msg("alias_outside", alias=alias, where=where, base=config.base_url)
        elif url == target:
            reason = msg("alias_same", alias=alias, where=where)
        elif path in made or url.rstrip("/") in made:  # a folder cannot have a file's name either
            reason = msg("alias_made", alias=alias, where=where)
        elif path in pages:
            reason = msg("alias_taken", alias=alias, where=where, what=msg("alias_page"), other=pages[path])
        elif path in taken and taken[path][0].source != source:
            other, other_line = taken[path]
            reason = msg("alias_taken", alias=alias, where=where, what=msg("alias_alias"), other=other.source)
            problems.append(Problem(other.source, other_line(), msg("alias_taken", alias=other.alias, where=_where(other.source),
                                                                    what=msg("alias_alias"), other=source)))
        else:
            taken.setdefault(path, (Redirect(source, alias, url, target, title), line_of))
            return
        problems.append(Problem(source, line_of(), reason))

    for doc in moved:
        for alias in doc.aliases:
            claim(doc.source, alias, doc.url, doc.title, lambda doc=doc: line_of_field(config.root / doc.source, "aliases"))
    problems += file_problems
    addresses = {job.url for job in jobs} | set(made) | {redirect.url for redirect, _ in taken.values()}
    for alias, target, line in entries:
        new = _target(target, config)
        if new is None or (not new.startswith(("http://", "https://")) and new.split("?")[0] not in addresses):
            problems.append(Problem(REDIRECTS_FILE, line, msg("redirect_no_target", alias=alias, target=target)))
        else:
            claim(REDIRECTS_FILE, alias, new, "", lambda line=line: line)
    return sorted((redirect for redirect, _ in taken.values()), key=lambda r: r.url), problems


def _where(source: str) -> str:
    return msg("alias_in_file") if source == REDIRECTS_FILE else msg("alias_in_aliases")


def _target(target: str, config: SiteConfig) -> str | None:
    """A redirect's new address as the build knows it: a page's site-relative URL (with its query,
    as a search's "tim-kiem/?q=..."), or a full URL off the site."""
    parts = urlsplit(target.strip())
    if parts.scheme in ("http", "https") and parts.netloc.lower() != urlsplit(config.base_url).netloc.lower():
        return target.strip()
    url = alias_url(parts._replace(query="").geturl(), config)
    return url + ("?" + parts.query if parts.query else "") if url is not None else None


def read_redirects_file(config: SiteConfig) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    """``redirects.yaml``'s entries as (old address, new address, line); none when there is no file."""
    path = config.root / REDIRECTS_FILE
    if not path.is_file():
        return [], []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return [], [Problem(REDIRECTS_FILE, yaml_error_line(exc, text), msg("config_yaml", problem=exc.problem))]
    if node is None:
        return [], []
    if not isinstance(node, yaml.MappingNode):
        return [], [Problem(REDIRECTS_FILE, node.start_mark.line + 1, msg("redirects_not_mapping"))]
    entries, problems = [], []
    for key, value in node.value:
        line = key.start_mark.line + 1
        if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) and key.value.strip() and value.value.strip()):
            problems.append(Problem(REDIRECTS_FILE, line, msg("redirects_not_mapping")))
        else:
            entries.append((nfc(key.value), nfc(value.value), line))
    return entries, problems


def redirect_map(redirects: Iterable[Redirect], base_path: str) -> dict[str, str]:
    """What the 404 page's script looks up: each old address with a query, by ``alias_url``'s key, to its new URL."""
    return {r.url: redirect_href(r.target, base_path) for r in redirects if r.has_query}


def redirect_href(target: str, base_path: str) -> str:
    """A redirect's new address as a link: a page's, with the base path; a full URL as it is."""
    return target if target.startswith(("http://", "https://")) else base_path + target


class RedirectRules:
    """Generator of the rule files that let a host answer old URLs with a real 301, and of the map
    the 404 page reads for old addresses with a query."""

    places_only = True  # old addresses and the pages they lead to

    def outputs(self, project: Project) -> list[str]:
        redirects = [r for edition in project.editions for r in edition.site.redirects]
        return [*RULE_FILES, *([project.config.url("old_addresses")] if any(r.has_query for r in redirects) else [])] if redirects else []

    def generate(self, project: Project, write: ExtraFiles) -> None:
        redirects, base = [r for edition in project.editions for r in edition.site.redirects], project.config.base_path
        if not redirects:
            return
        plain = [(base + _old_path(r), _quoted(redirect_href(r.target, base))) for r in redirects if not r.has_query]
        queried = [(base + r.path, r.query, _quoted(redirect_href(r.target, base))) for r in redirects if r.has_query]
        write("_redirects", "".join(f"{quote(old)} {new} 301\n" for old, new in plain)
              + "".join(f"{quote(old)} {_netlify_query(query)} {new} 301\n" for old, query, new in queried))
        write(".htaccess", "# giaoban-site: old addresses, answered with 301 (mod_alias; mod_rewrite for those with a query)\n"
              + "".join(f'RedirectMatch 301 "^{re.escape(old)}$" "{new}"\n' for old, new in plain)
              + ("RewriteEngine On\n" if queried else "")
              + "".join(f'RewriteCond "%{{QUERY_STRING}}" "^{re.escape(_sent(query))}$"\nRewriteRule "^{re.escape(old[len(base):])}$" '
                        f'"{new}?" [R=301,L]\n' for old, query, new in queried))
        write("redirects.nginx.conf", "# giaoban-site: include inside the site's server { } block\n"
              + "".join(f'location = "{_nginx(old)}" {{ return 301 {new}; }}\n' for old, new in plain)
              + "".join(f'if ($request_uri = "{_nginx(quote(old) + "?" + _sent(query))}") {{ return 301 {new}; }}\n'
                        for old, query, new in queried))
        if queried:
            write(project.config.url("old_addresses"), json.dumps(redirect_map(redirects, base), ensure_ascii=False,
                                                                  separators=(",", ":"), sort_keys=True))


def _old_path(redirect: Redirect) -> str:
    """The old address as readers asked for it: without the trailing slash of its folder page
    unless the editor wrote one (hosts that read these rules match either way)."""
    if redirect.url.endswith("/") and not redirect.alias.rstrip().endswith("/"):
        return redirect.url[:-1]
    return redirect.url


def _quoted(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else quote(url, safe="/?=&")


def _sent(query: str) -> str:
    """A query as a browser sends it: non-ASCII letters percent-encoded, ``/`` and ``=`` as they are."""
    return "&".join("=".join(quote(unquote(part), safe="/:,") for part in pair.split("=", 1)) for pair in query.split("&"))


def _netlify_query(query: str) -> str:
    return " ".join(f"{quote(name)}={quote(value, safe='/')}" for name, value in parse_qsl(query, keep_blank_values=True))


def _nginx(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')
