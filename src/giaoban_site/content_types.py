"""Kinds of content as data: which folder holds them, their fields, URLs, templates and features.

Article and page are two entries of the registry; ``site.yaml``'s ``types:`` overrides them and
adds more (documents, sessions, delegates ...). Every later stage asks the registry: loading
validates a type's declared fields, the site model files each type's items into the features it
joins, the page plan gives each item its URL and template. A new kind of content is one entry in
``site.yaml`` and, if it wants its own look, one template; no new code path.
"""

from __future__ import annotations

import enum
import fnmatch
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Mapping

from .messages import msg


class Feature(enum.Enum):
    """The site features a type's items may take part in."""

    HOME = "home"  # the home page's list of news, and the previous/next links between items
    FEEDS = "feeds"
    ARCHIVES = "archives"  # the year and month archives
    SEARCH = "search"
    SITEMAP = "sitemap"
    TAXONOMIES = "taxonomies"  # tags, categories and authors
    RELATED = "related"
    INDEX = "index"  # a paginated list of the type's own, at its ``index`` URL

    @classmethod
    def names(cls) -> str:
        return ", ".join(item.value for item in cls)


def features(chosen: Iterable[Feature]) -> tuple[Feature, ...]:
    """``chosen`` in Feature's own order: a set's order would change between processes."""
    chosen = set(chosen)
    return tuple(f for f in Feature if f in chosen)


# Features that order items by date: an undated type cannot take part in them.
DATED_FEATURES = frozenset({Feature.HOME, Feature.FEEDS, Feature.ARCHIVES, Feature.RELATED, Feature.TAXONOMIES})


class FieldKind(enum.Enum):
    """What a declared field holds, and so how it is checked."""

    TEXT = "text"
    DATE = "date"
    LIST = "list"  # of texts
    BOOL = "bool"
    NUMBER = "number"

    @classmethod
    def names(cls) -> str:
        return ", ".join(item.value for item in cls)


@dataclass(frozen=True)
class FieldSpec:
    """One front matter field a type declares beyond the common ones."""

    name: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class ContentType:
    """One kind of content: everything the build needs to know to read and publish its items."""

    name: str
    folder: str  # the folder under content/ that holds its files; a glob ("[0-9][0-9][0-9][0-9]": a year)
    url: str  # pattern: {slug}, and {year} {month} {day} for dated types
    template: str
    dated: bool  # `date` is required, and items are listed newest first
    features: tuple[Feature, ...]  # in Feature's order, so that repr() (part of cache keys) is stable
    fields: tuple[FieldSpec, ...] = ()
    title: str = ""  # the heading of its index page
    index: str = ""  # where its index page lives (with Feature.INDEX)
    new_file: str = ""  # where ``giaoban new`` writes one, under content/: {slug}, {year}, {month} (default: folder/slug)

    def new_path(self, slug: str, year: str, month: str) -> str:
        return (self.new_file or f"{self.folder}/{{slug}}.md").format(slug=slug, year=year, month=month)

    def has(self, feature: Feature) -> bool:
        return feature in self.features

    def claims(self, folder: str) -> bool:
        """Whether files in ``folder`` (the first folder under content/) are of this type."""
        return fnmatch.fnmatchcase(folder, self.folder)


ARTICLE = ContentType(
    name="article", folder="[0-9][0-9][0-9][0-9]", url="{year}/{month}/{slug}/", template="article.html", dated=True,
    features=features(set(Feature) - {Feature.INDEX}), title="Tin tức", new_file="{year}/{month}/{slug}.md")
PAGE = ContentType(name="page", folder="pages", url="{slug}/", template="page.html", dated=False,
                   features=(Feature.SITEMAP,), title="Trang")
BUILT_IN = {ARTICLE.name: ARTICLE, PAGE.name: PAGE}


@dataclass(frozen=True)
class ContentTypes:
    """The registry: every type of a site, in declaration order (built-in ones first)."""

    types: tuple[ContentType, ...] = (ARTICLE, PAGE)
    by_name: Mapping[str, ContentType] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {t.name: t for t in self.types})

    def __getitem__(self, name: str) -> ContentType:
        return self.by_name[name]

    def __iter__(self) -> Iterator[ContentType]:
        return iter(self.types)

    def for_source(self, source: str) -> ContentType | None:
        """The type of a content file ("content/2014/10/a.md"), or None when no type claims its folder."""
        parts = source.split("/")
        if len(parts) < 3:  # a file right in content/
            return None
        return next((t for t in self.types if t.claims(parts[1])), None)

    def with_feature(self, feature: Feature) -> frozenset[str]:
        return frozenset(t.name for t in self.types if t.has(feature))

    def features_in_use(self) -> frozenset[str]:
        """The names of the features at least one type takes part in."""
        return frozenset(f.value for t in self.types for f in t.features)


def with_urls(types: ContentTypes, urls: Mapping[str, str]) -> ContentTypes:
    """The built-in types with URL patterns from ``urls`` (site.yaml's ``urls.article`` and ``urls.page``)."""
    return ContentTypes(tuple(replace(t, url=urls[t.name]) if t.name in BUILT_IN and t.name in urls else t for t in types))


_TYPE_KEYS = {"folder", "url", "template", "dated", "features", "fields", "title", "index"}


def types_from_config(declared: Mapping[str, object], urls: Mapping[str, str]) -> tuple[ContentTypes, list[tuple[str, str]]]:
    """The registry from ``site.yaml``'s ``types:`` over the built-in types, and its problems as
    (dotted key to point at: "types.van-ban.url", message) pairs. A built-in type named there is changed only where it is."""
    problems: list[tuple[str, str]] = []
    types = dict(with_urls(ContentTypes(), urls).by_name)
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            problems.append((f"types.{name}", msg("type_not_mapping", name=name)))
            continue
        for key in sorted(spec.keys() - _TYPE_KEYS):
            problems.append((f"types.{name}.{key}", msg("type_unknown_key", name=name, key=key, known=", ".join(sorted(_TYPE_KEYS)))))
        made, type_problems = _make_type(str(name), spec, types.get(str(name)))
        problems += [(f"types.{name}.{key}", message) for key, message in type_problems]
        if made:
            types[made.name] = made
    folders: dict[str, str] = {}
    for content_type in types.values():
        other = folders.setdefault(content_type.folder, content_type.name)
        if other != content_type.name:
            message = msg("type_folder_taken", name=content_type.name, folder=content_type.folder, other=other)
            problems.append((f"types.{content_type.name}", message))
    return ContentTypes(tuple(types.values())), problems


def _make_type(name: str, spec: dict, base: ContentType | None) -> tuple[ContentType | None, list[tuple[str, str]]]:
    """One declared type, over ``base`` when it names a built-in one; None with problems."""
    problems: list[tuple[str, str]] = []
    dated = spec.get("dated", base.dated if base else False)
    if not isinstance(dated, bool):
        problems.append(("dated", msg("not_bool", field="dated")))
        dated = False
    chosen = _features_of(name, spec, base, dated, problems)
    fields, field_problems = _fields(name, spec.get("fields", {}))
    texts = _texts_of(name, spec, base, dated, problems)
    problems += field_problems
    if problems:
        return None, problems
    return ContentType(name=name, folder=texts["folder"], url=texts["url"], template=texts["template"], dated=dated,
                       features=chosen, fields=fields if "fields" in spec or not base else base.fields, title=texts["title"],
                       index=texts["index"], new_file=base.new_file if base else ""), []


def _features_of(name: str, spec: dict, base: ContentType | None, dated: bool, problems: list) -> tuple[Feature, ...]:
    chosen: tuple[Feature, ...] = base.features if base else (Feature.SITEMAP, Feature.INDEX)
    if "features" in spec:
        values = spec["features"] if isinstance(spec["features"], list) else [spec["features"]]
        known = {f.value: f for f in Feature}
        unknown = [str(v) for v in values if v not in known]
        if unknown:
            problems.append(("features", msg("type_unknown_feature", name=name, value=", ".join(unknown), known=Feature.names())))
        chosen = features(known[v] for v in values if v in known)
    if not dated and DATED_FEATURES.intersection(chosen):
        wrong = ", ".join(f.value for f in chosen if f in DATED_FEATURES)
        problems.append(("features", msg("type_needs_dates", name=name, features=wrong)))
    return chosen


def _texts_of(name: str, spec: dict, base: ContentType | None, dated: bool, problems: list) -> dict[str, str]:
    """Folder, URL pattern, template, title and index URL: given, the built-in type's, or made from the name."""
    defaults = {"folder": name, "url": f"{name}/{{slug}}/", "template": "article.html" if dated else "page.html",
                "title": name, "index": f"{name}/"}
    texts = {}
    for key, default in defaults.items():
        value = spec.get(key, getattr(base, key) if base else default)
        if not isinstance(value, str):
            problems.append((key, msg("config_type", field=f"types.{name}.{key}", expected=msg("expect_str"), value=value)))
            value = default
        texts[key] = value.strip("/") if key == "folder" else value.lstrip("/") if key in ("url", "index") else value
    placeholders = ("slug", "year", "month", "day") if dated else ("slug",)
    if "{slug}" not in texts["url"]:
        problems.append(("url", msg("bad_pattern", field=f"types.{name}.url", needs="{slug}", value=texts["url"])))
    elif not pattern_fills(texts["url"], placeholders):
        known = ", ".join(f"{{{p}}}" for p in placeholders)
        problems.append(("url", msg("bad_placeholder", field=f"types.{name}.url", value=texts["url"], known=known)))
    if "/" in texts["folder"] or not texts["folder"]:
        problems.append(("folder", msg("type_bad_folder", name=name, value=spec.get("folder", texts["folder"]))))
    return texts


def pattern_fills(pattern: str, placeholders: Iterable[str]) -> bool:
    """Whether a URL pattern holds no placeholder but ``placeholders`` (and is a valid format string):
    one with no value would stop the build."""
    try:
        pattern.format(**dict.fromkeys(placeholders, "1"))
    except (KeyError, IndexError, ValueError):
        return False
    return True


def _fields(type_name: str, declared: object) -> tuple[tuple[FieldSpec, ...], list[tuple[str, str]]]:
    """``fields:`` as FieldSpecs: each a kind name (``so_ky_hieu: text``) or ``{type, required, default}``."""
    if not isinstance(declared, dict):
        return (), [("fields", msg("config_type", field=f"types.{type_name}.fields", expected=msg("expect_dict"), value=declared))]
    specs, problems = [], []
    kinds = {k.value: k for k in FieldKind}
    for name, spec in declared.items():
        spec = {"type": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or spec.get("type", "text") not in kinds:
            problems.append((f"fields.{name}", msg("type_bad_field", name=type_name, field=name, known=FieldKind.names())))
            continue
        required = spec.get("required", False)
        if not isinstance(required, bool):
            problems.append((f"fields.{name}", msg("not_bool", field=f"{name}.required")))
            continue
        specs.append(FieldSpec(str(name), kinds[spec.get("type", "text")], required, spec.get("default")))
    return tuple(specs), problems
