"""Shared fixtures: small sites written inside the test, and the real CLI run as a subprocess."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"  # the seed article from the council's old site
BENCHMARKS = REPO / "benchmarks"  # the corpus generator
GIAOBAN = [sys.executable, "-m", "giaoban_site"]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_giaoban(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 600) -> Result:
    """Run the real ``giaoban`` command line in a subprocess."""
    full_env = {**os.environ, "GIAOBAN_LANG": "vi", **(env or {})}
    proc = subprocess.run([*GIAOBAN, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


class SiteDir:
    """A site root on disk that a test fills with files and builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"

    def write(self, relative: str, text: str, encoding: str = "utf-8", newline: str | None = None) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding=encoding, newline=newline) as handle:
            handle.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def article(self, relative: str, title: str, date: str, body: str = "Nội dung bài viết.", **fields: object) -> Path:
        lines = [f"title: {title!r}" if "'" not in title else f'title: "{title}"', f"date: {date}"]
        for key, value in fields.items():
            lines.append(f"{key}: {value}")
        return self.write(relative, "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n")

    def photo(self, relative: str, size: tuple[int, int] = (800, 600), image_format: str = "JPEG", **save: object) -> Path:
        """A real photo (Pillow): a gradient of ``size``, saved in ``image_format`` with ``save``'s options (exif= ...)."""
        from PIL import Image

        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        gradient = Image.linear_gradient("L").resize(size)
        image = Image.merge("RGB", (gradient, Image.radial_gradient("L").resize(size), gradient.transpose(Image.Transpose.ROTATE_180)))
        image.save(path, image_format, **save)
        return path

    def build(self, *args: str, env: dict | None = None) -> Result:
        return run_giaoban("build", "--source", str(self.root), *args, env=env)

    def page(self, url: str) -> BeautifulSoup:
        path = self.output / url.strip("/") / "index.html" if not url.endswith(".html") else self.output / url.strip("/")
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def exists(self, url: str) -> bool:
        return (self.output / url.strip("/") / "index.html").exists()


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text('title: "HĐND tỉnh Thử nghiệm"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
    return SiteDir(root)


def tree_digest(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with the SHA-256 of its bytes."""
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def text_of(soup: BeautifulSoup, selector: str) -> str:
    node = soup.select_one(selector)
    assert node is not None, f"no element matches {selector!r}"
    return " ".join(node.get_text(" ").split())


CHROMIUM = "/usr/bin/chromium"
# Flags that keep Debian's Chromium from reaching for the network on this closed machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class StaticServer:
    """A real HTTP server (the standard library's) serving a directory on 127.0.0.1."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Answers a missing file with the site's 404.html, as static hosts do."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the standard library's name)
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture
def serve_directory():
    """Call with a directory; returns a StaticServer whose ``url`` serves it until the test ends."""
    servers: list[StaticServer] = []

    def start(directory: Path) -> StaticServer:
        servers.append(StaticServer(directory))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
