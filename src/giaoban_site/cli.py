"""The ``giaoban`` command. Each subcommand parses options and calls one function."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from .build import BuildOptions, build
from .errors import BuildFailed, GiaobanError
from .messages import msg
from .progress import ProgressPrinter


class _EditorFormatter(logging.Formatter):
    """Warnings as plain lines; no logger names or levels an editor has to decode."""

    def format(self, record: logging.LogRecord) -> str:
        prefix = "cảnh báo: " if record.levelno >= logging.WARNING else ""
        return prefix + record.getMessage()


def _setup_logging(verbose: bool) -> None:
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
    _setup_logging(verbose)


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
def build_command(source: Path, output: Path | None, drafts: bool, base_url: str | None, jobs: int,
                  now: str | None) -> None:
    """Build the site into the output directory."""
    options = BuildOptions(source=source, output=output, drafts=drafts, base_url=base_url, now=_parse_now(now),
                           jobs=jobs, progress=ProgressPrinter())
    try:
        report = build(options)
    except GiaobanError as exc:
        options.progress.finish()
        _report_failure(exc, output)
        sys.exit(1)
    options.progress.finish()
    click.echo(msg("build_done", pages=report.pages, written=report.written, skipped=report.skipped,
                   output=report.output, seconds=report.seconds))
    if report.scheduled:
        click.echo(msg("scheduled_waiting", count=report.scheduled))
