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
    PRINT = "print"  # "In" and "Lưu": a copy of each item to print or keep, as one file that opens offline

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


class Model(enum.Enum):
    """What a type's items are beyond their fields: the council's registers, each with its own
    checks, relations and pages (models.py). Most types are PLAIN: items with fields."""

    PLAIN = ""
    DOCUMENT = "document"  # văn bản: numbered, in force or not, filtered by type, issuer, year ...
    SESSION = "session"  # kỳ họp: gathers its documents and news
    DELEGATE = "delegate"  # đại biểu: a directory per term, by constituency

    @classmethod
    def names(cls) -> str:
        return ", ".join(item.value for item in cls if item.value)


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
    model: Model = Model.PLAIN

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


def _specs(**kinds: str) -> tuple[FieldSpec, ...]:
    """Field specs from ``name="kind"`` ("text", "date!", a "!" for required)."""
    return tuple(FieldSpec(name, FieldKind(kind.rstrip("!")), kind.endswith("!")) for name, kind in kinds.items())


# The council's registers (documents.py, sessions.py, delegates.py): every site has them, and a type
# without items has no pages and no menu entry. Field names are those of Nghị định 30/2020 and of
# the national legal database, as editors know them.
DOCUMENT = ContentType(
    name="van-ban", folder="van-ban", url="van-ban/{slug}/", template="document.html", dated=True,
    features=(Feature.SEARCH, Feature.SITEMAP, Feature.PRINT), title="Văn bản", index="van-ban/", model=Model.DOCUMENT,
    fields=_specs(so_ky_hieu="text!", loai="text!", trich_yeu="text!", co_quan_ban_hanh="text", ngay_ban_hanh="date!",
                  ngay_hieu_luc="date", ngay_het_hieu_luc="date", tinh_trang_hieu_luc="text", nguoi_ky="text",
                  chuc_vu_nguoi_ky="text", linh_vuc="list", ky_hop="text", thay_the="list", sua_doi="list",
                  lien_quan="list", vbpl="text"))
SESSION = ContentType(
    name="ky-hop", folder="ky-hop", url="ky-hop/{slug}/", template="session.html", dated=False,
    features=(Feature.SITEMAP,), title="Kỳ họp", index="ky-hop/", model=Model.SESSION,
    fields=_specs(khoa="text!", nhiem_ky="text", so="number!", hinh_thuc="text", ngay_bat_dau="date!",
                  ngay_ket_thuc="date", dia_diem="text", the="text"))
DELEGATE = ContentType(
    name="dai-bieu", folder="dai-bieu", url="dai-bieu/{slug}/", template="delegate.html", dated=False,
    features=(Feature.SITEMAP,), title="Đại biểu HĐND", index="dai-bieu/", model=Model.DELEGATE,
    fields=_specs(khoa="list!", chuc_vu="text", noi_cong_tac="text", don_vi_bau_cu="text!", to_dai_bieu="text",
                  ban="list"))
BUILT_IN = {t.name: t for t in (ARTICLE, PAGE, DOCUMENT, SESSION, DELEGATE)}


@dataclass(frozen=True)
class ContentTypes:
    """The registry: every type of a site, in declaration order (built-in ones first)."""

    types: tuple[ContentType, ...] = tuple(BUILT_IN.values())
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


_TYPE_KEYS = {"folder", "url", "template", "dated", "features", "fields", "title", "index", "model"}


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
    model = base.model if base else Model.PLAIN
    if "model" in spec:
        model = next((m for m in Model if m.value and m.value == spec["model"]), None)
        if model is None:
            problems.append(("model", msg("type_unknown_model", name=name, value=spec["model"], known=Model.names())))
    if problems:
        return None, problems
    return ContentType(name=name, folder=texts["folder"], url=texts["url"], template=texts["template"], dated=dated,
                       features=chosen, fields=fields if "fields" in spec or not base else base.fields, title=texts["title"],
                       index=texts["index"], new_file=base.new_file if base else "", model=model), []


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
