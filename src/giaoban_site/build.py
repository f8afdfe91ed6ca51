"""The build pipeline: config, content, site model, pages, extras, and the swap into output/."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from pygments.formatters import HtmlFormatter

from .config import SiteConfig, load_config
from .content import Document, discover, line_of_field, load_all
from .errors import BuildFailed, Problem
from .feeds import generate_feeds
from .markup import MarkdownRenderer, first_paragraph_summary
from .messages import msg
from .output import Staging
from .render import THEME_DIR, PageJob, PageRenderer, make_environment, plan_pages
from .search import generate_search
from .site import Site, build_site, check_unique_urls
from .sitemap import generate_sitemap

log = logging.getLogger(__name__)


@dataclass
class BuildOptions:
    source: Path = Path(".")
    output: Path | None = None  # default: <source>/output
    drafts: bool = False
    base_url: str | None = None
    now: dt.datetime | None = None  # the moment that decides what is published; default: now


@dataclass
class BuildReport:
    output: Path
    pages: int
    written: int
    skipped: int
    scheduled: int
    seconds: float


@dataclass
class Project:
    """Everything known before anything is written: the checked site and its page plan."""

    config: SiteConfig
    site: Site
    env: jinja2.Environment
    jobs: list[PageJob]
    output: Path


# Generators of files beside the pages (feeds, sitemap, search index ...): each is called as
# ``generate(project, write)`` where ``write(relative_path, text_or_bytes)`` adds a file to the output.
Writer = Callable[[str, "bytes | str"], None]
EXTRAS: list[Callable[[Project, Writer], None]] = [generate_feeds, generate_sitemap, generate_search]


def build(options: BuildOptions) -> BuildReport:
    """Build the site at ``options.source``. Raises ``BuildFailed`` listing every problem found."""
    started = time.monotonic()
    project = prepare(options)
    written = write_site(project)
    return BuildReport(project.output, len(project.jobs), written, 0, project.site.scheduled, time.monotonic() - started)


def prepare(options: BuildOptions) -> Project:
    """Load and check everything (config, content, site model, page plan) without writing a file."""
    if not options.source.is_dir():
        raise BuildFailed([Problem(str(options.source), None, msg("no_source", path=options.source))])
    config = load_config(options.source, {"base_url": options.base_url})
    output = (options.output or config.root / "output").resolve()
    documents = load_documents(config)
    now = options.now or dt.datetime.now(dt.timezone.utc)
    site = build_site(documents, config, now, options.drafts)
    env = make_environment(config)
    jobs = plan_pages(site)
    check_plan(jobs, env, config)
    return Project(config, site, env, jobs, output)


def load_documents(config: SiteConfig) -> list[Document]:
    """Read, validate and convert every content file; all problems are raised together."""
    documents, problems = load_all(discover(config.content_dir), config.root, config.tz)
    if problems:
        raise BuildFailed(problems)
    renderer = MarkdownRenderer(config.allow_raw_html, config.base_path)
    for doc in documents:
        doc.html, doc.toc = renderer.convert(doc.body)
        if doc.summary is None:
            doc.summary = first_paragraph_summary(doc.html)
    return documents


def check_plan(jobs: list[PageJob], env: jinja2.Environment, config: SiteConfig) -> None:
    """Every page has its own URL and an existing template, or the build stops here."""
    problems = check_unique_urls([(job.url, job.source or "(giaoban)") for job in jobs])
    available = set(env.list_templates(extensions=["html", "xml", "txt"]))
    for job in jobs:
        if job.template not in available:
            line = line_of_field(config.root / job.source, "template") if job.source else None
            names = ", ".join(sorted(t for t in available if "/" not in t))
            problems.append(Problem(job.source or job.template, line, msg("unknown_template", name=job.template, available=names)))
    if problems:
        raise BuildFailed(problems)


def write_site(project: Project) -> int:
    """Render every page and extra file into a staging directory and swap it in.

    ``output`` is left untouched when anything fails.
    """
    staging = Staging(project.output)
    try:
        renderer = PageRenderer(project.site, project.env)
        problems: set[Problem] = set()  # one broken template breaks many pages: report it once
        for job in project.jobs:
            try:
                staging.write(job.path, renderer.render(job))
            except jinja2.TemplateError as exc:
                problems.add(template_problem(exc, job))
        if problems:
            raise BuildFailed(list(problems))
        write_assets(project, staging.write)
        for generate in EXTRAS:
            generate(project, staging.write)
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return staging.written


def write_assets(project: Project, write: Writer) -> None:
    """The theme's static files, the code highlighting styles, then the site's own static/."""
    copy_tree(THEME_DIR / "static", "static", write)
    write("static/code.css", HtmlFormatter(style="default").get_style_defs(".highlight"))
    copy_tree(project.config.static_dir, "", write)


def copy_tree(source: Path, prefix: str, write: Writer) -> None:
    """Every file under ``source`` (hidden ones skipped) to ``prefix/`` in the output."""
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            write(f"{prefix}/{relative.as_posix()}".lstrip("/"), path.read_bytes())


def template_problem(exc: jinja2.TemplateError, job: PageJob) -> Problem:
    """A template error as file:line: message."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or job.template
    return Problem(str(name), getattr(exc, "lineno", None), msg("template_error", problem=exc.message or str(exc)))
