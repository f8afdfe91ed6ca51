"""Measure the search index on a built site: its total size and what one query downloads in Chromium.

    python benchmarks/search_bytes.py OUTPUT_DIR ["query" ...]

OUTPUT_DIR is a built site (e.g. ``giaoban build --source DIR`` on ``benchmarks/corpus.py --n 1000``).
Bytes are counted as the HTTP bodies Chromium receives from a plain server (no compression), and
also gzip-compressed, as most static hosts (GitHub Pages, nginx with gzip on) send JSON.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

QUERIES = ["hoi dong", "giao ban trung khanh", "HĐND tỉnh", "tiếp xúc cử tri Hòa An"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def main(output: Path, queries: list[str]) -> None:
    index = output / "tim-kiem"
    files = [p for p in index.rglob("*.json")]
    total, total_gz = sum(p.stat().st_size for p in files), sum(gz(p.read_bytes()) for p in files)
    shards = len(list((index / "chi-muc").glob("*.json")))
    print(f"index: {len(files)} files ({shards} word shards), {total / 1024:.0f} KiB, gzip {total_gz / 1024:.0f} KiB")
    page_files = [output / "tim-kiem/index.html", output / "static/search.js", output / "static/style.css"]
    print("search page, script and stylesheet: "
          f"{sum(p.stat().st_size for p in page_files) / 1024:.1f} KiB (gzip {sum(gz(p.read_bytes()) for p in page_files) / 1024:.1f} KiB)")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/tim-kiem/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for query in queries:
            context = browser.new_context()  # empty cache: a first-time visitor
            page = context.new_page()
            bodies: list[tuple[str, bytes]] = []
            page.on("response", lambda r, bodies=bodies: bodies.append((r.url, r.body() if r.ok else b"")))
            page.goto(url)
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
            before = len(bodies)
            page.fill("#tu-khoa", query)
            page.press("#tu-khoa", "Enter")
            page.wait_for_function("document.querySelector('.search-result-list > li')"
                                   " || (document.querySelector('.search-status') || {textContent: ''}).textContent.startsWith('Không')")
            page.wait_for_load_state("networkidle")
            shown = page.locator(".search-result-list > li").count()
            found = page.inner_text(".search-status")
            query_bodies = bodies[before:]
            raw = sum(len(b) for _, b in query_bodies)
            print(f"{query!r}: {found} shown {shown}; query downloaded {len(query_bodies)} files, "
                  f"{raw / 1024:.1f} KiB (gzip {sum(gz(b) for _, b in query_bodies) / 1024:.1f} KiB)")
            context.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:] or QUERIES)
