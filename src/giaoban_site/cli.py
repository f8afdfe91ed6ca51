"""The ``giaoban`` command. Each subcommand parses options and calls one function."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from .build import BuildOptions, BuildReport, build
from .check import check_site
from .errors import BuildFailed, GiaobanError, Problem
from .links import check_built_site
from .messages import msg
from .progress import ProgressPrinter
from .scaffold import NewOptions, create_document
from .store import close_connections


class _EditorFormatter(logging.Formatter):
    """Warnings as plain lines; no logger names or levels an editor has to decode."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return msg("check_warning", message=text) if record.levelno >= logging.WARNING else text


def setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EditorFormatter())
    root = logging.getLogger("giaoban_site")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


def _report_failure(exc: GiaobanError, output: Path | None) -> None:
    problems = exc.problems if isinstance(exc, BuildFailed) else []
    for problem in problems:
        click.echo(str(problem), err=True)
    if not problems:
        click.echo(str(exc), err=True)
    click.echo(msg("build_failed", count=max(1, len(problems)), output=output or "output/"), err=True)


def _parse_now(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.version_option(package_name="giaoban-site")
def main(verbose: bool) -> None:
    """giaoban: build a Vietnamese news site from Markdown."""
    setup_logging(verbose)


@main.command("build")
@click.option("--source", "-s", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="Site root (holds site.yaml, content/, templates/).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Output directory [default: SOURCE/output].")
@click.option("--drafts", is_flag=True, help="Also build articles marked draft: true.")
@click.option("--base-url", default=None, help="Override base_url from site.yaml for this build.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Worker processes for parsing and rendering [default: one per core; 1: no workers].")
@click.option("--now", default=None, hidden=True, envvar="GIAOBAN_NOW",
              help="Pretend it is this moment when deciding which dated articles are published.")
@click.option("--check-links", is_flag=True, help="After building, fail if a link or image leads nowhere.")
@click.option("--no-wait", is_flag=True, help="Fail at once if another build is writing the same output.")
def build_command(source: Path, output: Path | None, drafts: bool, base_url: str | None, jobs: int,
                  now: str | None, check_links: bool, no_wait: bool) -> None:
    """Build the site into the output directory."""
    options = BuildOptions(source=source, output=output, drafts=drafts, base_url=base_url, now=_parse_now(now),
                           jobs=jobs, progress=ProgressPrinter(), wait=not no_wait)
    try:
        report = build(options)
        broken = check_built_site(options, report.output) if check_links else []
    except GiaobanError as exc:
        options.progress.finish()
        _report_failure(exc, output)
        sys.exit(1)
    options.progress.finish()
    click.echo(msg("build_done", pages=report.pages, written=report.written, skipped=report.skipped,
                   output=report.output, seconds=report.seconds))
    if report.scheduled:
        click.echo(msg("scheduled_waiting", count=report.scheduled))
    _echo_next_day(report, options.now or dt.datetime.now(dt.timezone.utc))
    if broken:
        _echo_problems(broken)
        click.echo(msg("links_failed", count=len(broken)), err=True)
        sys.exit(1)
    _exit_at_once()


def _exit_at_once() -> NoReturn:
    """End the process without freeing the build's objects one by one: at 100,000 articles the
    site model and the tables are millions of them, and freeing them took a third of a second of a
    rebuild's nine, for a process that ends anyway (mypy ends the same way). What the end of a
    process would still do is done first: the store's files closed, every message written out."""
    close_connections()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _echo_next_day(report: BuildReport, now: dt.datetime) -> None:
    """What the next 24 hours' builds will publish or remove, so that an editor can check it in time."""
    coming = report.next_day(now)
    for event in coming:
        click.echo(msg(f"upcoming_{event.event}", moment=event.shown, title=event.title, source=event.source))
    if report.upcoming and not coming:
        click.echo(msg("upcoming_none"))


def _echo_problems(problems: list[Problem] | list[str]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


_SOURCE = click.option("--source", "-s", type=click.Path(path_type=Path), default=Path("."), show_default=True,
                       help="Site root (holds site.yaml, content/, templates/).")


@main.command("new")
@click.argument("title")
@click.option("--page", is_flag=True, help="Create a standing page in content/pages/ instead of an article.")
@click.option("--type", "content_type", default="article", show_default=True,
              help="Content type of the new file (article, page, or one declared under types: in site.yaml).")
@click.option("--author", default=None, help="Author name [default: author in site.yaml].")
@click.option("--lang", default="", help="Another language of the site (languages: in site.yaml): the file goes in content/LANG/.")
@_SOURCE
@click.option("--now", default=None, hidden=True, envvar="GIAOBAN_NOW", help="Pretend it is this moment.")
def new_command(title: str, page: bool, content_type: str, author: str | None, lang: str, source: Path, now: str | None) -> None:
    """Create a draft article (or --page, or --type NAME) named TITLE and print its path."""
    try:
        path = create_document(NewOptions(source, title, page=page, content_type=content_type, author=author, lang=lang,
                                          now=_parse_now(now)))
    except GiaobanError as exc:
        _echo_problems(exc.problems if isinstance(exc, BuildFailed) else [str(exc)])
        sys.exit(1)
    click.echo(_display(path))  # the path alone, so that `$EDITOR "$(giaoban new ...)"` works


def _display(path: Path) -> Path:
    """``path`` relative to the working directory when it is under it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


@main.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_SOURCE
@click.option("--uploads", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The old site's uploads/ folder: the photos and files the articles use are copied from it.")
@click.option("--force", is_flag=True, help="Overwrite articles an editor changed since the last import.")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
def import_command(inputs: tuple[Path, ...], source: Path, uploads: Path | None, force: bool, dry_run: bool) -> None:
    """Import articles from the old site (INPUTS: files or folders) into content/."""
    from .importing import ImportOptions, Outcome, import_sources

    try:
        report = import_sources(ImportOptions(source, inputs, uploads=uploads, force=force, dry_run=dry_run))
    except GiaobanError as exc:
        problems = exc.problems if isinstance(exc, BuildFailed) else [str(exc)]
        _echo_problems(problems)
        click.echo(msg("import_failed", count=len(problems)), err=True)
        sys.exit(1)
    for where, encoding in report.converted.items():
        click.echo(msg("import_converted", source=where, encoding=encoding.upper()))
    for skip in report.skipped:
        click.echo(msg("import_skipped", source=skip.source, reason=skip.reason), err=True)
    for where, name in report.missing:
        click.echo(msg("import_missing_file", source=where, file=name), err=True)
    for address in report.unplaced:
        click.echo(msg("import_unplaced", address=address), err=True)
    for path, outcome in {**report.outcomes, **report.files}.items():
        if outcome is Outcome.KEPT:
            click.echo(msg("import_kept", path=path), err=True)
    counts = {o.value: report.count(o) for o in Outcome}
    click.echo(msg("import_done", total=len(report.outcomes), **counts))
    copied = sum(o in (Outcome.NEW, Outcome.UPDATED) for o in report.files.values())
    click.echo(msg("import_summary", drafts=report.drafts, scheduled=report.scheduled, converted=len(report.converted),
                   copied=copied, missing=len(report.missing), skipped=len(report.skipped), redirects=report.redirects))
    if dry_run:
        click.echo(msg("import_dry_run"))


@main.command("check")
@_SOURCE
@click.option("--strict", is_flag=True, help="Fail on warnings too (alt text, lengths).")
@click.option("--drafts", is_flag=True, help="Also check articles marked draft: true.")
@click.option("--now", default=None, hidden=True, envvar="GIAOBAN_NOW", help="Pretend it is this moment.")
def check_command(source: Path, strict: bool, drafts: bool, now: str | None) -> None:
    """Check all content (front matter, links, images, alt text, lengths) without writing output."""
    report = check_site(BuildOptions(source=source, drafts=drafts, now=_parse_now(now)))
    _echo_problems(report.errors + report.warnings)
    click.echo(msg("check_done", documents=report.documents, errors=len(report.errors), warnings=len(report.warnings)),
               err=report.failed(strict))
    if strict and report.warnings and not report.errors:
        click.echo(msg("check_strict_failed"), err=True)
    if report.failed(strict):
        sys.exit(1)


@main.command("serve")
@_SOURCE
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", "--bind", "host", default="127.0.0.1", show_default=True, help="Address to listen on.")
def serve_command(source: Path, port: int, host: str) -> None:
    """Preview the site (drafts included) and rebuild it whenever a file changes."""
    from .server import ServeOptions, serve  # the server and watchdog: not loaded by every build

    try:
        serve(ServeOptions(source=source, host=host, port=port), echo=lambda line: click.echo(line))
    except GiaobanError as exc:
        _echo_problems([str(exc)])
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C before the server took over the signal
        pass
