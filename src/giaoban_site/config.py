"""Loading and validating ``site.yaml`` into a frozen dataclass, with defaults."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .content import MAX_DEPTH, MAX_NODES, first_unbounded
from .content_types import ContentTypes, Model, pattern_fills, types_from_config
from .embeds import DEFAULT_EMBED_HOSTS
from .errors import BuildFailed, Problem, yaml_error_line
from .languages import LANGUAGE_CODE, Catalogue, catalogue_files, load_catalogue, missing_strings
from .messages import msg
from .newsroom import Categories, Expiry, FrontPage, categories_from, expiry_from, front_page_from
from .photos import PhotoSettings, settings_from
from .vietnamese import slugify

log = logging.getLogger(__name__)

CONFIG_FILE = "site.yaml"

DEFAULT_URLS = {
    "article": "{year}/{month}/{slug}/",
    "page": "{slug}/",
    "tag": "chu-de/{slug}/",
    "category": "chuyen-muc/{slug}/",
    "author": "tac-gia/{slug}/",
    "series": "dong-su-kien/{slug}/",
    "year": "{year}/",
    "month": "{year}/{month}/",
    "pagination": "trang/{number}/",
    # Pages and files with one address each. A taxonomy's index follows its pattern when it is
    # moved ("the/{slug}/" puts the tag index at "the/") unless it is set itself.
    "tag_index": "chu-de/",
    "category_index": "chuyen-muc/",
    "author_index": "tac-gia/",
    "series_index": "dong-su-kien/",
    "archive": "luu-tru/",
    "search": "tim-kiem/",
    "feed": "feed.xml",  # Atom, at the site's root and in every tag's and category's folder
    "rss": "rss.xml",
    "data": "du-lieu/noi-dung.json",  # every public item as data (open_data.py)
    "old_addresses": "du-lieu/dia-chi-cu.json",  # old addresses with a query, for the 404 page (aliases.py)
    "photos": "anh/",  # the photos' files in their widths and formats (photos.py)
}
TAXONOMY_INDEXES = {"tag": "tag_index", "category": "category_index", "author": "author_index", "series": "series_index"}
_URL_NEEDS = {"article": "{slug}", "page": "{slug}", "tag": "{slug}", "category": "{slug}", "author": "{slug}", "series": "{slug}",
              "year": "{year}", "month": "{month}", "pagination": "{number}"}
# What each pattern may hold (the others hold none).
_URL_PLACEHOLDERS = {"article": ("slug", "year", "month", "day"), "page": ("slug",), "tag": ("slug",), "category": ("slug",),
                     "author": ("slug",), "series": ("slug",), "year": ("year",), "month": ("year", "month"), "pagination": ("number",)}


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True)
class Agency:
    """The body that publishes the site, as the footer names it (Luật Tiếp cận thông tin, Điều 19)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    responsible: str = ""  # the person responsible for the content
    reuse: str = ""  # under what terms the content may be reused

    @property
    def phone_link(self) -> str:
        """A tel: link for the phone number, or "" while it is not one (a placeholder to fill in)."""
        digits = re.sub(r"[\s().-]", "", self.phone)
        return f"tel:{digits}" if re.fullmatch(r"\+?\d{6,15}", digits) else ""

    @property
    def email_link(self) -> str:
        return f"mailto:{self.email}" if re.fullmatch(r"[^\s@]+@[^\s@]+\.[^\s@]+", self.email) else ""


AGENCY_FIELDS = tuple(f.name for f in dataclasses.fields(Agency))
# Patterns a language's folder does not go before: shared by every language (photos, the map of old
# addresses), or relative to a list's or a folder's own address (pagination, the feeds in each folder).
UNPREFIXED_URLS = frozenset({"photos", "old_addresses", "pagination", "feed", "rss"})
_LANGUAGE_KEYS = ("title", "description", "menu", "footer_menu", "urls", "strings", "agency")


@dataclass(frozen=True)
class Language:
    """A language of the site besides the default one: an edition under its own folder ("en/")."""

    code: str
    title: str  # the site's name in that language
    description: str = ""
    menu: tuple[MenuItem, ...] = ()  # empty: the default menu, in that language
    footer_menu: tuple[MenuItem, ...] = ()
    urls: dict[str, str] = field(default_factory=dict)  # every pattern, under the folder: "en/topics/{slug}/"
    strings: dict[str, str] = field(default_factory=dict)  # single strings of its catalogue, changed
    agency: Agency | None = None  # the agency's name and address in that language (the rest as in the default)

    @property
    def prefix(self) -> str:
        return self.code + "/"


@dataclass(frozen=True)
class SiteConfig:
    """Everything ``site.yaml`` can set. Paths are absolute once loaded."""

    title: str = "Trang tin điện tử"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    page_size: int = 10
    author: str = ""
    related_count: int = 5
    feed_entries: int = 20
    allow_raw_html: bool = False
    embeds: tuple[str, ...] = ()  # hosts whose <iframe>s raw HTML may keep: "www.youtube-nocookie.com"
    embed_hosts: tuple[str, ...] = DEFAULT_EMBED_HOSTS  # what ``@[title](url)`` may show as a card (embeds.py)
    front_page: FrontPage = field(default_factory=FrontPage)  # the home page's blocks (newsroom.py)
    categories: Categories = field(default_factory=Categories)  # the tree of categories
    expired: Expiry = Expiry.REMOVE  # what ``expires:`` does to an article once past
    agency: Agency = field(default_factory=Agency)
    logo: str = "static/logo.svg"  # site-relative: the site's emblem, in the header and as its icon
    # The one monitoring script state portals may be asked to embed (an https URL); off by default,
    # and then pages carry no script at all.
    monitoring_script: str = ""
    urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_URLS))
    menu: tuple[MenuItem, ...] = ()
    footer_menu: tuple[MenuItem, ...] = ()  # the footer's links: the information the law asks the site to carry
    types: ContentTypes = field(default_factory=ContentTypes)  # content_types.py; site.yaml's ``types:``
    images: PhotoSettings = field(default_factory=PhotoSettings)  # photos.py: widths, formats, quality, limits
    extra: dict = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)  # single strings of the default language's catalogue, changed
    languages: tuple[Language, ...] = ()  # the other languages (languages.py), each an edition under its folder
    # Set by the loader, not by site.yaml.
    root: Path = Path(".")
    from_file: bool = False
    prefix: str = ""  # the folder of the edition this config is of: "" (the default language) or "en/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always ending in "/" ("/" or "/hdnd/")."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def url(self, name: str, **values: object) -> str:
        """Site-relative URL ("2014/10/slug/", "chu-de/") of a page or file named in ``urls``.

        The one place URLs come from, for Python and (as ``url_of``) for templates.
        """
        return self.urls[name].format(**values).lstrip("/")

    def term_slug(self, kind: str, name: str) -> str:
        """The slug of the page of a tag, category, author or series an item names (a declared category's own)."""
        return self.categories.slug_of(name) if kind == "category" else slugify(name)

    @property
    def language_codes(self) -> frozenset[str]:
        """The folders of content/ that hold another language's files."""
        return frozenset(language.code for language in self.languages)

    def edition(self, code: str) -> SiteConfig:
        """The config as the pages of language ``code`` see it: its title, menu, agency and strings,
        and every address under its folder. The default language's is this one."""
        language = next((item for item in self.languages if item.code == code), None)
        if language is None:
            return self
        agency = dataclasses.replace(self.agency, **{k: v for k, v in dataclasses.asdict(language.agency).items() if v}) \
            if language.agency else self.agency
        # An edition holds the plain types only: the registers (documents, sessions, delegates) are the default language's.
        types = ContentTypes(tuple(dataclasses.replace(t, url=language.urls.get(t.name, language.prefix + t.url),
                                                       index=language.prefix + t.index if t.index else "")
                                   for t in self.types if t.model is Model.PLAIN))
        return dataclasses.replace(self, language=code, title=language.title, description=language.description,
                                   menu=language.menu, footer_menu=language.footer_menu,
                                   agency=agency, urls=language.urls, types=types, strings=language.strings, prefix=language.prefix)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"


_TYPES = {"title": str, "description": str, "base_url": str, "language": str, "timezone": str,
          "page_size": int, "author": str, "related_count": int, "feed_entries": int,
          "allow_raw_html": bool, "embeds": list, "agency": dict, "logo": str, "monitoring_script": str,
          "urls": dict, "menu": list, "footer_menu": list, "types": dict, "images": dict, "extra": dict,
          "strings": dict, "languages": dict, "embed_hosts": list, "front_page": dict, "categories": dict, "expired": str}


_SAID_MISSING: set[Path] = set()  # site roots whose missing site.yaml was reported


def missing_config_said() -> frozenset[Path]:
    """The site roots whose missing site.yaml this process has reported."""
    return frozenset(_SAID_MISSING)


def note_missing_config_said(roots: Iterable[Path]) -> None:
    """Count these as reported here: the preview builds each time in a new process, and says it once."""
    _SAID_MISSING.update(roots)


def load_config(root: Path, overrides: dict | None = None) -> SiteConfig:
    """Read ``root/site.yaml`` (defaults when absent), apply ``overrides``, validate everything.

    Raises ``BuildFailed`` listing every problem found, each with the line of ``site.yaml``.
    """
    root = root.resolve()
    path = root / CONFIG_FILE
    raw, text = _read_yaml(path) if path.exists() else ({}, "")
    if not path.exists() and root not in _SAID_MISSING:
        _SAID_MISSING.add(root)  # once per process: a preview rebuilds on every save
        log.warning(msg("config_missing", root=root))
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    problems: list[Problem] = []
    values: dict = {}
    for key, value in raw.items():
        problem = _check_field(key, value)
        if problem == "unknown":
            log.warning("%s:%s: %s", path, _line_of(text, key) or "", msg("config_unknown", field=key))
        elif problem:
            problems.append(Problem(str(path), _line_of(text, key), problem))
        else:
            values[key] = value
    if problems:
        raise BuildFailed(problems)
    for name in sorted(set(values.get("urls", {})) - set(DEFAULT_URLS)):
        log.warning("%s:%s: %s", path, _line_of(text, f"urls.{name}") or "", msg("config_unknown", field=f"urls.{name}"))
    config, problems = _make_config(values, root, path.exists(), path, text)
    problems += _check_values(config, path, text)
    if problems:
        raise BuildFailed(problems)
    return config


def _read_yaml(path: Path) -> tuple[dict, str]:
    text = ""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text) or {}
    except UnicodeDecodeError as exc:
        raise BuildFailed([Problem(str(path), None, msg("not_utf8", pos=exc.start))]) from None
    except yaml.MarkedYAMLError as exc:  # a "!!python/..." tag too: refused by the safe loader, never run
        line = yaml_error_line(exc, text)
        raise BuildFailed([Problem(str(path), line, msg("config_yaml", problem=exc.problem))]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise BuildFailed([Problem(str(path), line, msg("yaml_bad_character", code=f"U+{exc.character:04X}"))]) from None
    if not isinstance(data, dict):
        raise BuildFailed([Problem(str(path), 1, msg("front_matter_not_mapping", kind=type(data).__name__))])
    if (key := first_unbounded(data)) is not None:
        raise BuildFailed([Problem(str(path), _line_of(text, str(key)),
                                   msg("front_matter_too_complex", field=key, nodes=MAX_NODES, depth=MAX_DEPTH))])
    return data, text


def _check_field(key: str, value: object) -> str | None:
    expected = _TYPES.get(key)
    if expected is None:
        return "unknown"
    bad_int = expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1)
    if bad_int or (expected is not int and not isinstance(value, expected)):
        return msg("config_type", field=key, expected=msg(f"expect_{expected.__name__}"), value=value)
    return None


def _make_config(values: dict, root: Path, from_file: bool, path: Path, text: str) -> tuple[SiteConfig, list[Problem]]:
    values = dict(values)
    values["urls"] = _urls(values.get("urls", {}))
    values["types"], type_problems = types_from_config(values.get("types", {}), values["urls"])
    problems = [Problem(str(path), _line_of(text, key), message) for key, message in type_problems]
    for menu in ("menu", "footer_menu"):
        if menu in values:
            values[menu] = _menu(values[menu])
    if "agency" in values:
        values["agency"] = _agency(values["agency"], "agency", path, text)
    if "images" in values:
        values["images"], image_problems = settings_from(values["images"])
        problems += [Problem(str(path), _line_of(text, key), message) for key, message in image_problems]
    for hosts in ("embeds", "embed_hosts"):
        if hosts in values:
            values[hosts] = tuple(str(host).strip().lower() for host in values[hosts])
    for name, reader in (("front_page", front_page_from), ("categories", categories_from), ("expired", expiry_from)):
        if name in values:
            values[name], read_problems = reader(values[name])
            problems += [Problem(str(path), _line_of(text, key), message) for key, message in read_problems]
    if "base_url" in values and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    # The default language's catalogue, held to the theme's own (every key the theme uses): a site in
    # another default language needs its catalogue whole. It is then what the other languages are held to.
    default = str(values.get("language", SiteConfig.language))
    reference, catalogue_problems = _catalogue(default, values.get("strings"), load_catalogue(SiteConfig.language)[0], root,
                                               path, _line_of(text, "language"))
    problems += catalogue_problems
    if "languages" in values:
        values["languages"], language_problems = _languages(values, reference, root, path, text)
        problems += language_problems
    return dataclasses.replace(SiteConfig(), root=root, from_file=from_file, **values), problems


def _menu(items: list) -> tuple[MenuItem, ...]:
    return tuple(MenuItem(str(item.get("title", "")), str(item.get("url", ""))) for item in items if isinstance(item, dict))


def _agency(given: dict, where: str, path: Path, text: str) -> Agency:
    known = {k: " ".join(str(v).split()) for k, v in given.items() if k in AGENCY_FIELDS and v is not None}
    for key in sorted(set(map(str, given)) - set(AGENCY_FIELDS)):
        log.warning("%s:%s: %s", path, _line_of(text, f"{where}.{key}") or "", msg("config_unknown", field=f"{where}.{key}"))
    return Agency(**known)


def _languages(values: dict, reference: Catalogue, root: Path, path: Path, text: str) -> tuple[tuple[Language, ...], list[Problem]]:
    """site.yaml's ``languages:``, each language's settings checked, and its catalogue against ``reference`` (the default language's)."""
    default = str(values.get("language", SiteConfig.language))
    languages, problems = [], []
    for code, given in values["languages"].items():
        code, line = str(code), _line_of(text, f"languages.{code}")
        if not LANGUAGE_CODE.match(code) or code == default:
            problems.append(Problem(str(path), line, msg("language_bad_code", code=code, default=default)))
        elif not isinstance(given, dict):
            problems.append(Problem(str(path), line, msg("language_not_mapping", code=code)))
        else:
            language, language_problems = _language(code, given, values, reference, root, path, text)
            languages.append(language)
            problems += language_problems
    return tuple(languages), problems


def _catalogue(code: str, strings: dict | None, reference: Catalogue, root: Path, path: Path,
               line: int | None) -> tuple[Catalogue, list[Problem]]:
    """The catalogue of ``code``, and its problems: a file that cannot be read, keys of ``reference`` it
    lacks (said at ``line`` of site.yaml, which names the language)."""
    catalogue, unreadable = load_catalogue(code, root / "templates", strings)
    problems = [Problem(file, None, msg("catalogue_unreadable", problem=problem)) for file, problem in unreadable]
    if missing := missing_strings(catalogue, reference):
        files = " / ".join(map(str, catalogue_files(code, root / "templates"))) or f"templates/i18n/{code}.yaml"
        problems.append(Problem(str(path), line, msg("catalogue_missing", code=code, count=len(missing),
                                                     keys=", ".join(missing[:8]), file=files)))
    return catalogue, problems


def _language(code: str, given: dict, values: dict, reference: Catalogue, root: Path, path: Path,
              text: str) -> tuple[Language, list[Problem]]:
    where = f"languages.{code}"
    for key in sorted(set(map(str, given)) - set(_LANGUAGE_KEYS)):
        log.warning("%s:%s: %s", path, _line_of(text, f"{where}.{key}") or "", msg("config_unknown", field=f"{where}.{key}"))
    strings = {str(k): v for k, v in given["strings"].items()} if isinstance(given.get("strings"), dict) else {}
    catalogue, problems = _catalogue(code, strings, reference, root, path, _line_of(text, where))
    # The default language's patterns, then the catalogue's own words, then the site's for that language; under its folder.
    urls = {**values["urls"], **catalogue.urls, **{str(k): str(v) for k, v in dict(given.get("urls") or {}).items()}}
    urls = {name: pattern if name in UNPREFIXED_URLS else f"{code}/{pattern.lstrip('/')}" for name, pattern in urls.items()}
    agency = _agency(given["agency"], f"{where}.agency", path, text) if isinstance(given.get("agency"), dict) else None
    return Language(code=code, title=" ".join(str(given.get("title") or values.get("title", SiteConfig.title)).split()),
                    description=" ".join(str(given.get("description", "")).split()), menu=_menu(given.get("menu") or []),
                    footer_menu=_menu(given.get("footer_menu") or []), urls=urls, strings=strings, agency=agency), problems


def _urls(given: dict) -> dict[str, str]:
    urls = {**DEFAULT_URLS, **{k: str(v) for k, v in given.items()}}
    for taxonomy, index in TAXONOMY_INDEXES.items():
        prefix = urls[taxonomy].split("{", 1)[0].lstrip("/")
        if index not in given and taxonomy in given and prefix.endswith("/"):
            urls[index] = prefix
    return urls


def _check_values(config: SiteConfig, path: Path, text: str) -> list[Problem]:
    problems = []
    script = urlsplit(config.monitoring_script)
    if config.monitoring_script and (script.scheme != "https" or not script.hostname):
        problems.append(Problem(str(path), _line_of(text, "monitoring_script"), msg("bad_script_url", value=config.monitoring_script)))
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(str(path), _line_of(text, "timezone"), msg("bad_timezone", value=config.timezone)))
    for name, pattern in config.urls.items():
        if name not in DEFAULT_URLS:
            continue  # warned about when read
        needs, allowed = _URL_NEEDS.get(name), _URL_PLACEHOLDERS.get(name, ())
        line = _line_of(text, f"urls.{name}")
        if needs and needs not in pattern:
            problems.append(Problem(str(path), line, msg("bad_pattern", field=name, needs=needs, value=pattern)))
        elif not pattern_fills(pattern, allowed):
            known = ", ".join(f"{{{p}}}" for p in allowed) or "-"
            problems.append(Problem(str(path), line, msg("bad_placeholder", field=name, value=pattern, known=known)))
    return problems


def _line_of(text: str, key: str) -> int | None:
    """The line of ``key:`` in YAML text, for messages (None when it is not there).

    A dotted key ("types.van-ban.url") is looked for part by part, each after the one before.
    """
    lines = text.splitlines()
    found, start = None, 0
    for part in key.split("."):
        found = next((number for number in range(start, len(lines))
                      if lines[number].lstrip().lstrip("- ").startswith((f"{part}:", f'"{part}":'))), None)
        if found is None:
            return start or None  # the deepest part found: near enough to fix
        start = found + 1
    return start
