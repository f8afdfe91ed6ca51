"""Probe Pagefind on Vietnamese: which folded queries find a page, and what its runtime downloads.

    pip install "pagefind[bin]"; python -m pagefind --site SITE; python benchmarks/pagefind_probe.py SITE
"""
class Q(h.func):
    def log_message(self, *a): pass
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Q, directory=sys.argv[1]))
threading.Thread(target=httpd.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{httpd.server_address[1]}/"
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = b.new_page()
    sizes = []
    page.on("response", lambda r: sizes.append((r.url, len(r.body()) if r.ok else 0)))
    page.goto(url)
    for q in ["hoi xyzzy", "dong", "đông", "dồng", "hoi", "dong chi", "đồng chí", "Dong chi", "truc", "thuong truc"]:
        res = page.evaluate("""async q => { const pf = await import('/pagefind/pagefind.js');
            const r = await pf.search(q); const d = await Promise.all(r.results.map(x => x.data()));
            return d.map(x => x.url); }""", q)
        print(repr(q), res)
    print("bytes downloaded", sum(s for u, s in sizes), [(u.rsplit('/',1)[-1], s) for u, s in sizes])
    b.close()
