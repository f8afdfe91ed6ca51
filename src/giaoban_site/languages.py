"""The languages of a site: the catalogue of what the theme says to readers, dates in words, and
which language a content file is in.

The default language (site.yaml's ``language``, Vietnamese) has no address prefix. Each other
language declared under ``languages:`` is an edition of the site under its own folder ("en/"): its
own home page, lists, feeds, search and 404 page, made from the files in ``content/en/`` (or with
``lang: en``). Items that are translations of each other are joined by their path without the
language folder, or by a shared ``translation_key``.

A catalogue is one YAML file per language, ``templates/i18n/<code>.yaml``: the theme's, then the
site's own file of the same name, then site.yaml's ``strings:`` (one string each), the last winning.
It is loaded once per build.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

THEME_CATALOGUES = Path(__file__).parent / "templates" / "i18n"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # BCP 47's language and subtags: "en", "zh-Hans"


class MissingString(LookupError):
    """A template asked the catalogue for a string it does not have."""


@dataclass(frozen=True)
class Catalogue:
    """One language's strings. ``text(key, **values)`` fills ``{name}`` places; a string given as
    ``{one: ..., other: ...}`` is chosen by the ``count`` value."""

    code: str
    strings: dict = field(hash=False)

    def text(self, key: str, **values: object) -> str:
        try:
            value = self.strings[key]
        except KeyError:
            raise MissingString(key) from None
        if isinstance(value, dict):
            value = value["one"] if values.get("count") == 1 and "one" in value else value["other"]
        return str(value).format(**values) if values else str(value)

    __call__ = text  # templates write ``t('key')``

    @property
    def urls(self) -> dict[str, str]:
        """The language's own address patterns ("topics/{slug}/"), before its folder."""
        return dict(self.strings.get("urls") or {})

    # --- dates and numbers, as the theme's filters give them ---

    def date_full(self, value: dt.date) -> str:
        """ "Thứ Năm, 02/10/2014" · "Thursday, 2 October 2014"."""
        return _dated(self, "date_full", value)

    def date_time(self, value: dt.datetime) -> str:
        """The full date, and the time when it is not midnight (a date given without a time)."""
        if isinstance(value, dt.datetime) and (value.hour, value.minute) != (0, 0):
            return _dated(self, "date_time", value)
        return self.date_full(value)

    def date_short(self, value: dt.date) -> str:
        return _dated(self, "date_short", value)

    def date_long(self, value: dt.date) -> str:
        """ "ngày 02 tháng 10 năm 2014" · "2 October 2014"."""
        return _dated(self, "date_long", value)

    def day_month(self, value: dt.date) -> str:
        return _dated(self, "day_month", value)

    def weekday_in_text(self, value: dt.date) -> str:
        return self.strings["weekdays_in_text"][value.weekday()]

    def month_name(self, month: int) -> str:
        return self.strings["months"][month - 1]

    def file_size(self, size: int) -> str:
        """ "1,2 MB" with a decimal comma, "1.2 MB" without."""
        from .vietnamese import format_size  # the units and rounding are the same: only the decimal mark differs

        text = format_size(size)
        return text if self.strings.get("decimal_comma", True) else text.replace(",", ".")


def _dated(catalogue: Catalogue, key: str, value: dt.date) -> str:
    """``value`` in the catalogue's format ``key``: kept by day where the format shows no time. A
    cache of every moment would keep one text for each of 100,000 articles in every worker."""
    if isinstance(value, dt.datetime):
        if key == "date_time" or _shows_time(catalogue, key):
            return _formatted(catalogue, key, value)
        value = value.date()
    return _day_formatted(catalogue, key, value)


@lru_cache(maxsize=65536)  # a few thousand days over decades of articles; bounded: the preview makes a catalogue each build
def _day_formatted(catalogue: Catalogue, key: str, day: dt.date) -> str:
    return _formatted(catalogue, key, day)


@lru_cache(maxsize=256)
def _shows_time(catalogue: Catalogue, key: str) -> bool:
    return "{HH" in catalogue.strings[key] or "{MM" in catalogue.strings[key]


def _formatted(catalogue: Catalogue, key: str, value: dt.date) -> str:
    parts = {"d": value.day, "dd": f"{value.day:02d}", "m": value.month, "mm": f"{value.month:02d}", "yyyy": value.year,
             "m_nd30": f"{value.month:02d}" if value.month < 3 else str(value.month),
             "weekday": catalogue.strings["weekdays"][value.weekday()], "month": catalogue.strings["months"][value.month - 1]}
    if isinstance(value, dt.datetime):
        parts.update(HH=f"{value.hour:02d}", MM=f"{value.minute:02d}")
    if key == "date_time":
        parts["date"] = _dated(catalogue, "date_full", value)
    return catalogue.strings[key].format(**parts)


def catalogue_files(code: str, site_templates: Path | None) -> list[Path]:
    """The catalogue files of ``code`` that exist, the theme's first (only the theme's without ``site_templates``)."""
    candidates = [THEME_CATALOGUES / f"{code}.yaml", *([site_templates / "i18n" / f"{code}.yaml"] if site_templates else [])]
    return [path for path in candidates if path.is_file()]


def load_catalogue(code: str, site_templates: Path | None = None,
                   overrides: dict | None = None) -> tuple[Catalogue, list[tuple[str, str]]]:
    """The catalogue of ``code`` (the theme's, then the site's, then ``overrides``), and its problems
    as (file, what) pairs: files that cannot be read."""
    strings: dict = {}
    problems = []
    for path in catalogue_files(code, site_templates):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append((str(path), str(exc).splitlines()[0]))
            continue
        if isinstance(data, dict):
            strings.update(data)
        else:
            problems.append((str(path), "not a mapping"))
    strings.update(overrides or {})
    return Catalogue(code, strings), problems


def missing_strings(catalogue: Catalogue, reference: Catalogue) -> list[str]:
    """The keys of ``reference`` (the default catalogue) that ``catalogue`` lacks."""
    return sorted(key for key in reference.strings if key not in catalogue.strings and key != "urls")


def language_folder(source: str, codes: frozenset[str]) -> tuple[str, str]:
    """The language a content file's folder gives it, and its path without that folder:
    "content/en/pages/about.md" -> ("en", "content/pages/about.md"); ("", source) elsewhere."""
    parts = source.split("/", 2)
    if len(parts) == 3 and parts[1] in codes:
        return parts[1], f"{parts[0]}/{parts[2]}"
    return "", source


@dataclass(frozen=True)
class Editions:
    """The site's languages as a build needs them: each one's config (config.SiteConfig.edition)
    and catalogue, by code, the default language first. Made once per build."""

    default: str
    configs: dict = field(hash=False)  # code -> SiteConfig
    catalogues: dict = field(hash=False)  # code -> Catalogue

    @cached_property  # asked for every content file
    def others(self) -> frozenset[str]:
        """The codes of the languages besides the default: the folders of content/ they hold."""
        return frozenset(self.configs) - {self.default}

    @classmethod
    def of(cls, config) -> Editions:  # config: SiteConfig (config.py imports this module)
        configs = {config.language: config, **{language.code: config.edition(language.code) for language in config.languages}}
        catalogues = {code: load_catalogue(code, config.templates_dir, edition.strings)[0] for code, edition in configs.items()}
        return cls(config.language, configs, catalogues)

    def of_source(self, source: str, declared: str) -> tuple[str, str]:
        """The language of a content file and its translation key, from its folder or its ``lang:``
        field (``declared``); raises ValueError(code) for a ``lang`` that is not declared, or
        LookupError(folder) for one that differs from the file's folder."""
        folder, inner = language_folder(source, self.others)
        if declared and declared not in self.configs:
            raise ValueError(declared)
        if folder and declared and declared != folder:
            raise LookupError(folder)
        return folder or declared or self.default, inner.split("/", 1)[1]
