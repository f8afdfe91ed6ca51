"""``giaoban check``: everything a build would check, plus links, alt text and lengths; writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from .build import BuildOptions, Project, prepare
from .cache import BuildCache, cache_dir
from .content import Document, line_of_field
from .errors import BuildFailed, Problem
from .links import Link, find_broken_links, links_of
from .lock import reading_lock
from .messages import msg

# Search engines cut titles at about 60 characters of a result line and feed readers wrap long ones;
# past these limits the end of the text is lost in practice, so the editor is told.
TITLE_LIMIT = 150
SUMMARY_LIMIT = 300


@dataclass
class CheckReport:
    """Errors fail ``check``; warnings fail it only with ``--strict``."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    documents: int = 0

    def failed(self, strict: bool) -> bool:
        return bool(self.errors or (strict and self.warnings))


def check_site(options: BuildOptions) -> CheckReport:
    """Check the site at ``options.source`` without writing a file."""
    output = (options.output or options.source / "output").resolve()
    with reading_lock(cache_dir(output)) as built_before:  # not while a build rewrites the cache check reads
        cache = BuildCache(output, writable=False, kept=built_before)
        try:
            project = prepare(options, cache=cache)
        except BuildFailed as exc:
            return CheckReport(errors=list(exc.problems))
        documents = [doc for edition in project.editions for doc in edition.site.documents]
        found = {doc.source: links_of(doc, project.config, project.store) for doc in documents}  # parsed once for both checks
        warnings = [warning for doc in documents for warning in document_warnings(project, doc, found[doc.source])]
        return CheckReport(_sorted(find_broken_links(project, found=found)), _sorted(warnings), len(documents))


def document_warnings(project: Project, doc: Document, links: list[Link] | None = None) -> list[Problem]:
    """What parsing removed from raw HTML, images without alt text, and titles or summaries too long
    for a search result or a feed."""
    problems = list(doc.warnings)
    for link in links_of(doc, project.config, project.store) if links is None else links:
        if link.kind == "img" and not (link.alt or "").strip():
            problems.append(Problem(doc.source, link.line, msg("missing_alt", url=link.url)))
    path = project.config.root / doc.source
    if len(doc.title) > TITLE_LIMIT:
        message = msg("title_too_long", length=len(doc.title), limit=TITLE_LIMIT)
        problems.append(Problem(doc.source, line_of_field(path, "title"), message))
    summary_line = line_of_field(path, "summary")  # a summary made from the body is already cut to size
    if summary_line and doc.summary and len(doc.summary) > SUMMARY_LIMIT:
        message = msg("summary_too_long", length=len(doc.summary), limit=SUMMARY_LIMIT)
        problems.append(Problem(doc.source, summary_line, message))
    return [Problem(p.path, p.line, msg("check_warning", message=p.message)) for p in problems]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
