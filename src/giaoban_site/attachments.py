"""Files listed under ``attachments:`` (resolutions, reports as PDF or DOCX), published beside their page."""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Problem
from .messages import msg

if TYPE_CHECKING:
    from .build import Project
    from .changes import Asset
    from .content import Document
    from .extras import ExtraFiles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishedAttachment:
    """An attachment as its page lists it: in a page's context, so a changed file changes the page's key."""

    url: str  # site-relative, beside the page: "van-ban/nq-15-2024/nq-15.pdf"
    title: str
    file_type: str  # "PDF", "DOCX" ...
    size: int  # bytes
    digest: str  # of its bytes: what decides whether it is copied again
    file: str  # where it is, relative to the site root


def attachments_of(documents: list[Document], unpublished: list[Document], assets: dict[str, Asset],
                   photos: set[str] = frozenset()) -> tuple[dict[str, tuple[PublishedAttachment, ...]], list[Problem]]:
    """Each published document's attachments, and a problem for each that is missing or would take
    another's address. The ``unpublished`` (drafts, scheduled) have their files too, only not yet.

    ``assets`` are the files under content/ that are not Markdown, with their hashes and sizes (changes.Sources).
    A file that no document lists (nor shows as a photo: ``photos``) is reported as a warning: it
    would silently not be published.
    """
    found: dict[str, tuple[PublishedAttachment, ...]] = {}
    problems, published = [], {}  # published: URL -> the file it serves
    for doc in documents:
        mine = []
        for attachment in doc.attachments:
            if attachment.file not in assets:
                problems.append(Problem(doc.source, attachment.line,
                                        msg("attachment_missing", file=attachment.name, path=attachment.file)))
                continue
            folder = doc.url if doc.url.endswith("/") or not doc.url else posixpath.dirname(doc.url) + "/"
            url = folder + attachment.name
            if published.setdefault(url, attachment.file) != attachment.file:  # two files, one address
                problems.append(Problem(doc.source, attachment.line, msg("attachment_clash", file=attachment.file,
                                                                         other=published[url], url="/" + url)))
                continue
            suffix = posixpath.splitext(attachment.name)[1].lstrip(".").upper() or "?"
            asset = assets[attachment.file]
            mine.append(PublishedAttachment(url, attachment.title, suffix, asset.size, asset.digest, attachment.file))
        if mine:
            found[doc.source] = tuple(mine)
    # Files of drafts and scheduled documents are used, only not yet.
    used = {a.file for doc in [*documents, *unpublished] for a in doc.attachments} | photos  # photos: photos.py
    for name in sorted(assets.keys() - used):
        log.warning("%s", Problem(name, None, msg("unused_file")))
    return found, problems


class Attachments:
    """Generator that copies every attachment beside its page, only when its bytes changed."""

    def outputs(self, project: Project) -> list[str]:
        return [a.url for files in project.site.attachments.values() for a in files]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        for files in project.site.attachments.values():
            for attachment in files:
                if not write.keep(attachment.url, attachment.digest):
                    write(attachment.url, (project.config.root / attachment.file).read_bytes(), attachment.digest)
