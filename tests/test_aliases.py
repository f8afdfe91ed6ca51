"""Old URLs (``aliases:``) redirect to the new one: for readers, crawlers and hosts that answer 301 (aliases.py)."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from urllib.parse import quote, urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import SiteDir, tree_digest
from test_theme import VNU

NEW = "2014/10/hoi-nghi-giao-ban/"
ALIASES = ["/vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html", "/tin-cu/giao-ban/", "/vi/news/Hội-nghị-giao-ban-99.html",
           "/vi/news/%C4%90%E1%BA%A1i-bi%E1%BB%83u-7.html", "https://example.gov.vn/vi/news/cu/"]


def aliased_site(site: SiteDir, aliases: list[str] = ALIASES) -> None:
    listed = "\n".join(f'  - "{alias}"' for alias in aliases)
    site.write("content/2014/10/giao-ban.md", f"---\ntitle: Hội nghị giao ban\ndate: 2014-10-02\naliases:\n{listed}\n---\n\nNội dung.\n")


def follow(url: str, hops: int = 3) -> tuple[str, BeautifulSoup]:
    """What a plain HTTP client that follows a meta refresh ends on: the URL and the page."""
    for _ in range(hops):
        with urllib.request.urlopen(url) as response:
            soup = BeautifulSoup(response.read().decode("utf-8"), "html.parser")
        refresh = soup.select_one('meta[http-equiv="refresh"]')
        if refresh is None:
            return url, soup
        url = urljoin(url, re.search(r"url=(.*)$", refresh["content"]).group(1))
    raise AssertionError("too many redirects")


def test_every_form_of_alias_leads_a_http_client_to_the_new_page(site: SiteDir, serve_directory) -> None:
    aliased_site(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    server = serve_directory(site.output)
    for old in ("vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html", "tin-cu/giao-ban/", "tin-cu/giao-ban/index.html",
                quote("vi/news/Hội-nghị-giao-ban-99.html"), quote("vi/news/Đại-biểu-7.html"), "vi/news/cu/"):
        url, page = follow(server.url + old)
        assert url == server.url + NEW, old
        assert page.h1.get_text() == "Hội nghị giao ban"


def test_a_crawler_sees_the_new_url_as_canonical_and_does_not_index_the_old(site: SiteDir) -> None:
    aliased_site(site)
    assert site.build().returncode == 0
    old = site.page("vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html")
    assert old.select_one('link[rel="canonical"]')["href"] == "https://example.gov.vn/" + NEW
    assert old.select_one('meta[name="robots"]')["content"] == "noindex"
    link = old.select_one("main a")  # readers whose browser ignores the refresh follow a visible link
    assert link["href"] == "/" + NEW and link.get_text() == "Hội nghị giao ban"
    assert "vi/news" not in (site.output / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_chromium_lands_on_the_new_page_without_javascript(site: SiteDir, serve_directory, browser) -> None:
    aliased_site(site)
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server.url + "vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html")
    tab.wait_for_url(server.url + NEW, timeout=10_000)
    assert tab.locator("h1").inner_text() == "Hội nghị giao ban"
    context.close()


def test_hosts_get_301_rules_in_three_formats(site: SiteDir) -> None:
    aliased_site(site, ALIASES[:-1] + ["https://example.gov.vn/hdnd/vi/news/cu/"])  # a full URL includes the base path
    assert site.build("--base-url", "https://example.gov.vn/hdnd/").returncode == 0
    rules = (site.output / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/hdnd/vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html /hdnd/2014/10/hoi-nghi-giao-ban/ 301" in rules
    assert "/hdnd/tin-cu/giao-ban/ /hdnd/2014/10/hoi-nghi-giao-ban/ 301" in rules
    assert f"{quote('/hdnd/vi/news/Đại-biểu-7.html')} /hdnd/2014/10/hoi-nghi-giao-ban/ 301" in rules
    assert "/hdnd/vi/news/cu/ /hdnd/2014/10/hoi-nghi-giao-ban/ 301" in rules
    nginx = (site.output / "redirects.nginx.conf").read_text(encoding="utf-8")
    assert 'location = "/hdnd/vi/news/Hội-nghị-giao-ban-99.html" { return 301 /hdnd/2014/10/hoi-nghi-giao-ban/; }' in nginx
    apache = (site.output / ".htaccess").read_text(encoding="utf-8")
    assert 'RedirectMatch 301 "^/hdnd/tin\\-cu/giao\\-ban/$" "/hdnd/2014/10/hoi-nghi-giao-ban/"' in apache


NGINX = """
daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {output};
    include {output}/redirects.nginx.conf;
  }}
}}
"""


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "nginx did not answer"
        time.sleep(0.05)


@pytest.mark.slow
def test_nginx_answers_old_addresses_with_301_from_the_generated_rules(tmp_path, site: SiteDir) -> None:
    aliased_site(site, [*ALIASES, QUERY_ALIAS])
    assert site.build().returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "nginx.conf").write_text(NGINX.format(tmp=tmp_path, port=port, output=site.output), encoding="utf-8")
    command = [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
    nginx = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)  # it refuses a rule file it cannot read
    try:
        wait_for_port(port, nginx)
        for old in ("/vi/news/tin-tuc/hoi-nghi-giao-ban-1234.html", "/tin-cu/giao-ban/", quote("/vi/news/Hội-nghị-giao-ban-99.html"),
                    quote("/vi/news/Đại-biểu-7.html"), "/vi/news/cu/", QUERY_ALIAS):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", old)
            response = connection.getresponse()
            assert (response.status, response.getheader("Location")) == (301, f"http://127.0.0.1:{port}/{NEW}"), old
            connection.close()
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def test_a_site_without_aliases_gets_no_rule_files(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Tin", "2014-10-02")
    assert site.build().returncode == 0
    assert not any((site.output / name).exists() for name in ("_redirects", ".htaccess", "redirects.nginx.conf"))


def test_an_alias_that_takes_a_page_or_another_alias_names_both_files(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Tin A", "2014-10-02", aliases='["/tin-cu/1.html"]')
    site.article("content/2014/10/b.md", "Tin B", "2014-10-03", aliases='["/tin-cu/1.html", "/2014/10/tin-a/"]')
    site.article("content/2014/10/c.md", "Tin C", "2014-10-04", aliases='["https://other.gov.vn/x.html", "/../../etc/passwd"]')
    assert site.build().returncode == 1
    site.article("content/2014/10/c.md", "Tin C", "2014-10-04")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/2014/10/b.md:4: old URL '/tin-cu/1.html' under 'aliases' is also an old URL of content/2014/10/a.md" in result.stderr
    assert "content/2014/10/a.md:4: old URL '/tin-cu/1.html' under 'aliases' is also an old URL of content/2014/10/b.md" in result.stderr
    assert "content/2014/10/b.md:4: old URL '/2014/10/tin-a/' under 'aliases' is also a page of content/2014/10/a.md" in result.stderr
    assert not site.output.exists()


def test_an_alias_that_takes_a_file_the_build_makes_is_an_error(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Tin A", "2014-10-02", aliases='["/feed.xml", "/static/style.css", "/_redirects", "/chu-de/"]')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    for taken in ("/feed.xml", "/static/style.css", "/_redirects", "/chu-de/"):
        assert f"content/2014/10/a.md:4: old URL '{taken}' under 'aliases' is the address of a page or file giaoban makes" in result.stderr


def test_an_alias_off_the_site_is_an_error(site: SiteDir) -> None:
    aliases = '["https://other.gov.vn/x.html", "/../../etc/passwd"]'
    site.article("content/2014/10/c.md", "Tin C", "2014-10-04", aliases=aliases)
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/2014/10/c.md:4: old URL 'https://other.gov.vn/x.html' under 'aliases' is not on this site" in result.stderr
    assert "content/2014/10/c.md:4: old URL '/../../etc/passwd' under 'aliases' is not on this site" in result.stderr


def test_changing_an_alias_moves_the_redirect_in_a_rebuild(tmp_path, site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Tin A", "2014-10-02", aliases='["/cu/a.html"]')
    assert site.build().returncode == 0
    site.article("content/2014/10/a.md", "Tin A", "2014-10-02", aliases='["/cu/b.html"]')
    assert site.build().returncode == 0
    assert not (site.output / "cu/a.html").exists() and (site.output / "cu/b.html").exists()
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert tree_digest(site.output) == tree_digest(tmp_path / "clean")


# --- old addresses with a query: NukeViet's index.php?...&op=... ---------------------------------

QUERY_ALIAS = "/index.php?language=vi&nv=news&op=tin-tuc/hoi-nghi-giao-ban-1234.html"


def test_an_old_address_with_a_query_is_in_the_404_page_s_map_and_the_rules(site: SiteDir) -> None:
    aliased_site(site, [QUERY_ALIAS, "/tin-cu/giao-ban/"])
    assert site.build().returncode == 0
    assert not (site.output / "index.php").exists()  # a static host would serve it whatever the query
    old = json.loads((site.output / "du-lieu/dia-chi-cu.json").read_text(encoding="utf-8"))
    assert old == {"index.php?language=vi&nv=news&op=tin-tuc/hoi-nghi-giao-ban-1234.html": "/" + NEW}
    assert "dia-chi-cu.json" in str(site.page("404.html").select_one("main script"))
    rules = (site.output / "_redirects").read_text(encoding="utf-8").splitlines()
    assert f"/index.php language=vi nv=news op=tin-tuc/hoi-nghi-giao-ban-1234.html /{NEW} 301" in rules
    apache = (site.output / ".htaccess").read_text(encoding="utf-8")
    assert 'RewriteCond "%{QUERY_STRING}" "^language=vi\\&nv=news\\&op=tin\\-tuc/hoi\\-nghi\\-giao\\-ban\\-1234\\.html$"' in apache
    assert f'RewriteRule "^index\\.php$" "/{NEW}?" [R=301,L]' in apache


def test_a_site_without_such_addresses_has_no_script_on_its_404_page(site: SiteDir) -> None:
    aliased_site(site, ["/tin-cu/giao-ban/"])
    assert site.build().returncode == 0
    assert site.page("404.html").select("script") == [] and not (site.output / "du-lieu/dia-chi-cu.json").exists()


@pytest.mark.slow
def test_chromium_asking_for_an_old_address_with_a_query_lands_on_the_new_page(site: SiteDir, serve_directory, browser) -> None:
    aliased_site(site, [QUERY_ALIAS])
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    tab = browser.new_page()
    # As the old site wrote it, in another order, and as a page's HTML wrote it (&amp;): the same article.
    for old in (QUERY_ALIAS, "/index.php?nv=news&op=tin-tuc/hoi-nghi-giao-ban-1234.html&language=vi",
                "/index.php?language=vi&amp;nv=news&amp;op=tin-tuc%2Fhoi-nghi-giao-ban-1234.html"):
        tab.goto(server.url + old.lstrip("/"))
        tab.wait_for_url(server.url + NEW, timeout=10_000)
        assert tab.locator("h1").inner_text() == "Hội nghị giao ban", old
    tab.goto(server.url + "index.php?nv=news&op=khong-co-1.html")  # an address the map does not hold: the 404 page stays
    assert tab.locator("h1").inner_text() == "Không tìm thấy trang"
    tab.close()
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", str(site.output / "404.html")],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr  # the page with its script is valid HTML


# --- redirects.yaml: old addresses that are not a document's ---------------------------------------

REDIRECTS = """\
# Các địa chỉ cũ của trang NukeViet
/vi/news/tin-tuc/: chu-de/giao-ban/
/vi/news/tag/giao-ban: chu-de/giao-ban/
/vi/news/rss/: rss.xml
/vi/news/tin-tuc/page-2: https://luutru.example.gov.vn/tin-tuc/
"""


def test_redirects_yaml_sends_old_list_addresses_to_the_new_pages(site: SiteDir, serve_directory) -> None:
    site.article("content/2014/10/a.md", "Hội nghị giao ban", "2014-10-02", tags='["giao ban"]')
    site.write("redirects.yaml", REDIRECTS)
    result = site.build()
    assert result.returncode == 0, result.stderr
    server = serve_directory(site.output)
    for old, new in (("vi/news/tin-tuc/", "chu-de/giao-ban/"), ("vi/news/tag/giao-ban", "chu-de/giao-ban/"), ("vi/news/rss/", "rss.xml")):
        with urllib.request.urlopen(server.url + old) as response:
            page = BeautifulSoup(response.read().decode("utf-8"), "html.parser")
        assert page.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url=/{new}", old
        assert page.select_one('link[rel="canonical"]')["href"] == f"https://example.gov.vn/{new}"
    away = site.page("vi/news/tin-tuc/page-2/")
    assert away.select_one("main a")["href"] == "https://luutru.example.gov.vn/tin-tuc/"
    assert "/vi/news/tag/giao-ban /chu-de/giao-ban/ 301" in (site.output / "_redirects").read_text(encoding="utf-8")


def test_a_wrong_line_of_redirects_yaml_is_an_error_at_that_line(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Tin A", "2014-10-02", aliases='["/vi/news/tin-tuc/"]', tags='["giao ban"]')
    site.write("redirects.yaml", REDIRECTS.replace("chu-de/giao-ban/\n/vi/news/tag", "chu-de/khong-co/\n/vi/news/tag")
               + "/vi/news/khac/: https://other.gov.vn/x.html\n/vi/news/hai/: [chu-de/, rss.xml]\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "redirects.yaml:2: old URL '/vi/news/tin-tuc/' leads to 'chu-de/khong-co/', which is no address of the site" in result.stderr
    assert "redirects.yaml:7: each line of redirects.yaml is 'old address: new address'" in result.stderr
    assert "redirects.yaml:6" not in result.stderr  # a full address off the site is a new address too
    assert not site.output.exists()
    site.write("redirects.yaml", REDIRECTS)
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert "redirects.yaml:2: old URL '/vi/news/tin-tuc/' in redirects.yaml is also an old URL of content/2014/10/a.md" in result.stderr
    assert "content/2014/10/a.md:4: old URL '/vi/news/tin-tuc/' under 'aliases' is also an old URL of redirects.yaml" in result.stderr
    site.write("redirects.yaml", "/vi/news/a/: [chu-de/\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and result.stderr.startswith("redirects.yaml:1: ")


def test_editing_redirects_yaml_moves_the_redirect_in_a_rebuild(tmp_path, site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Hội nghị giao ban", "2014-10-02", tags='["giao ban"]')
    site.write("redirects.yaml", "/vi/news/tin-tuc/: chu-de/giao-ban/\n")
    assert site.build().returncode == 0
    site.write("redirects.yaml", "/vi/news/tin-moi/: chu-de/giao-ban/\n")
    assert site.build().returncode == 0
    assert not (site.output / "vi/news/tin-tuc/index.html").exists() and (site.output / "vi/news/tin-moi/index.html").exists()
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert tree_digest(site.output) == tree_digest(tmp_path / "clean")
