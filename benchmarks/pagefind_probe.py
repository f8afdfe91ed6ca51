"""Probe Pagefind on Vietnamese: which folded queries find a page, and what its runtime downloads.

    pip install "pagefind[bin]"            # 1.5.2 when checked
    python -m pagefind --site SITE         # SITE: built HTML pages holding "Hội đồng", "Đồng chí", "Trùng Khánh"
    python benchmarks/pagefind_probe.py SITE

Checked result (docs/publishing.md): tone marks fold ("hoi" finds "Hội") but "đ" does not
("dong" finds nothing for "đồng"), unmatched words are dropped ("hoi xyzzy" still finds the page),
and the runtime (pagefind.js, worker, WebAssembly) is about 150 KB before any index.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading

from playwright.sync_api import sync_playwright

QUERIES = ["hội đồng", "hoi dong", "HOI DONG", "dong", "đông", "hoi xyzzy", "dong chi", "trung khanh"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(site: str) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        sizes: list[tuple[str, int]] = []
        page.on("response", lambda r: sizes.append((r.url, len(r.body()) if r.ok else 0)))
        page.goto(url)
        for query in QUERIES:
            found = page.evaluate("""async q => { const pf = await import('/pagefind/pagefind.js');
                const r = await pf.search(q); const d = await Promise.all(r.results.map(x => x.data()));
                return d.map(x => x.url); }""", query)
            print(f"{query!r}: {found}")
        print("bytes downloaded:", sum(s for _, s in sizes), [(u.rsplit("/", 1)[-1], s) for u, s in sizes])
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
