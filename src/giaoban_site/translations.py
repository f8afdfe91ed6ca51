"""Pages that are translations of each other, across the editions of a site (languages.py).

Two items are joined when they share a translation key: the path without the language folder
("content/pages/gioi-thieu.md" and "content/en/pages/gioi-thieu.md"), or a ``translation_key:``
field. Pages that play the same part in every edition (the home page, the search page, the
archive, a type's index) are joined by that part. Each page then offers every other language:
its translation where there is one (with ``<link rel="alternate" hreflang>``), that language's
home page where there is none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Problem
from .messages import msg
from .render import PageJob, PageKind

if TYPE_CHECKING:
    from .site import Site

# Pages every edition has, joined by their kind, key and number.
_BY_ROLE = frozenset({PageKind.LIST, PageKind.TAXONOMY, PageKind.ARCHIVE, PageKind.SEARCH})


@dataclass(frozen=True)
class Alternate:
    """A page as one language offers it to the reader of another."""

    code: str  # "en"
    name: str  # the language in itself: "English"
    url: str  # site-relative
    translated: bool  # a version of the page, which has two or more (else: that language's home page)
    current: bool = False  # the language of the page that shows it


def check_translations(sites: list[Site]) -> list[Problem]:
    """A problem for each two items of one language that claim the same translation key."""
    problems = []
    for site in sites:
        first: dict[str, str] = {}
        for doc in site.documents + site.unpublished:
            other = first.setdefault(doc.translation_key, doc.source)
            if other != doc.source:
                problems += [Problem(doc.source, None, msg("translation_taken", name=doc.translation_key, code=doc.lang, other=other)),
                             Problem(other, None, msg("translation_taken", name=doc.translation_key, code=doc.lang, other=doc.source))]
    return problems


def link_translations(editions: list[tuple[Site, list[PageJob], str]]) -> None:
    """Fill each site's ``alternates``: for every page URL of it, what every language offers in its
    place, the page's own language included (``current``). ``editions`` are (site, page plan,
    language name), the default language first; a site of one language gets none."""
    if len(editions) < 2:
        return
    joined: dict[tuple, dict[str, str]] = defaultdict(dict)  # the part a page plays -> its URL in each language
    for site, jobs, _ in editions:
        code = site.config.language
        for doc in site.documents:
            joined[("item", doc.translation_key)][code] = doc.url
        for job in jobs:
            if job.kind in _BY_ROLE and (job.kind is not PageKind.LIST or job.key.group in ("home", "type")):
                joined[(job.kind, job.key, job.number)][code] = job.url
    homes = {site.config.language: site.config.prefix for site, _, _ in editions}
    names = {site.config.language: name for site, _, name in editions}
    for site, jobs, _ in editions:
        code = site.config.language
        parts = {doc.url: ("item", doc.translation_key) for doc in site.documents}
        for job in jobs:
            if job.kind is PageKind.RECORD or job.kind is PageKind.SAVE:
                continue
            found = joined.get(parts.get(job.url) or (job.kind, job.key, job.number), {})
            site.alternates[job.url] = tuple(
                Alternate(other, names[other], found.get(other, homes[other]) if other != code else job.url,
                          other in found and len(found) > 1, other == code)
                for other in homes)
