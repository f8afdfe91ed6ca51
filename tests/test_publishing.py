"""Publishing: a sub-path build served by a real HTTP server, every internal link followed; the CI recipes."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, SiteDir, run_giaoban, tree_digest

BASE = "https://example.gov.vn/hdnd/"


def sub_path_site(root: Path) -> SiteDir:
    """The repository's site plus an article with editor-written root links and a lead photo."""
    site = SiteDir(root)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / "static" / "anh").mkdir(parents=True)
    site.photo("static/anh/ky-hop.jpg")
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 7", "2024-05-20", image="/anh/ky-hop.jpg",
                 tags='["kỳ họp"]', category="Kỳ họp",
                 body="Xem [các chủ đề](/chu-de/), [lưu trữ](/luu-tru/) và ![ảnh](/anh/ky-hop.jpg \"Ảnh\").")
    return site


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def links_of(html: bytes) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    found = [tag.get("href") for tag in page.find_all(["a", "link"])] + [tag.get("src") for tag in page.find_all(["img", "script"])]
    found += [page.select_one("form[data-index]")["data-index"]] if page.select_one("form[data-index]") else []
    found += [entry.split()[0] for tag in page.find_all(["img", "source"]) for entry in tag.get("srcset", "").split(",") if entry.strip()]
    return [link for link in found if link]


@pytest.mark.slow
def test_sub_path_site_every_internal_link_answers_200(tmp_path: Path, serve_directory) -> None:
    site = sub_path_site(tmp_path / "src")
    parent = tmp_path / "www"
    result = site.build("--base-url", BASE, "--output", str(parent / "hdnd"))
    assert result.returncode == 0, result.stderr
    server = serve_directory(parent)  # the host's root; the site lives under /hdnd/
    start = server.url + "hdnd/"

    def local(link: str, page_url: str) -> str | None:
        absolute = urljoin(page_url, link.replace(BASE, start))
        if not absolute.startswith(server.url):
            return None  # another site (the no-JS search form's search engine, say)
        assert absolute.startswith(start), f"{link} on {page_url} leaves the sub-path"
        return absolute.split("#")[0]

    seen, queue, checked = set(), [start], 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body, kind = fetch(url)
        assert status == 200, url
        checked += 1
        if kind == "text/html":
            for link in links_of(body):
                target = local(link, url)
                if target and target not in seen:
                    queue.append(target)
    assert checked > 20
    assert start + "2024/05/ky-hop-thu-7/" in seen and any(re.fullmatch(re.escape(start) + r"anh/ky-hop-\w+-480\.webp", u) for u in seen)
    assert start + "chu-de/" in seen and start + "static/search.js" in seen and start + "feed.xml" in seen

    # Sitemap and feeds carry absolute URLs under the sub-path, and each answers 200 too.
    status, body, _ = fetch(start + "sitemap.xml")
    locs = [e.text for e in ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(BASE) for loc in locs)
    for loc in locs:
        assert fetch(loc.replace(BASE, start))[0] == 200, loc
    for name in ("feed.xml", "rss.xml", "chu-de/ky-hop/feed.xml"):
        feed = feedparser.parse(fetch(start + name)[1])
        assert feed.bozo == 0
        for entry in feed.entries:
            assert entry.link.startswith(BASE) and fetch(entry.link.replace(BASE, start))[0] == 200
            content = BeautifulSoup(entry.content[0].value, "html.parser")
            for tag in content.find_all(["a", "img"]):
                link = tag.get("href") or tag.get("src")
                assert urlsplit(link).scheme == "https", link
                if link.startswith(BASE):
                    assert fetch(link.replace(BASE, start).split("#")[0])[0] == 200, link


def test_editor_root_links_get_the_base_path(tmp_path: Path) -> None:
    site = sub_path_site(tmp_path / "src")
    assert site.build("--base-url", BASE).returncode == 0
    body = site.page("2024/05/ky-hop-thu-7").select_one(".body")
    assert [a["href"] for a in body.select("a")] == ["/hdnd/chu-de/", "/hdnd/luu-tru/"]
    assert re.fullmatch(r"/hdnd/anh/ky-hop-[0-9a-f]{12}-800.jpg", body.select_one("img")["src"])
    intro = site.page("gioi-thieu").select_one(".body")
    assert {a["href"] for a in intro.select("a")} == {f"/hdnd/{url}/" for url in (
        "van-ban", "ky-hop", "dai-bieu", "chu-de", "luu-tru", "lanh-dao", "lien-he", "tiep-can-thong-tin")}


# --- the CI recipes -------------------------------------------------------------------------------

WORKFLOW = REPO / "docs" / "examples" / "github-pages.yml"
RSYNC_RECIPE = REPO / "scripts" / "publish-rsync.sh"


def test_github_pages_workflow_builds_with_the_real_cli_and_uploads_output(tmp_path: Path) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    steps = workflow["jobs"]["build"]["steps"]
    [build_step] = [s for s in steps if "giaoban build" in s.get("run", "")]
    [upload] = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert steps.index(build_step) < steps.index(upload) and upload["with"]["path"] == "output"
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    # Run the step's own command line, with the value GitHub would put in, against a copy of the site.
    command = build_step["run"].replace("${{ steps.pages.outputs.base_url }}", "https://owner.github.io/hdnd")
    argv = shlex.split(command)
    assert argv[:2] == ["giaoban", "build"]
    site = sub_path_site(tmp_path / "site")
    result = run_giaoban(*argv[1:], cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert (site.root / upload["with"]["path"] / "index.html").exists()
    assert 'href="/hdnd/static/style.css"' in (site.root / "output" / "index.html").read_text(encoding="utf-8")


def run_recipe(target: Path, source: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE": str(source), "GIAOBAN": f"{sys.executable} -m giaoban_site", "GIAOBAN_LANG": "vi"}
    return subprocess.run(["bash", str(RSYNC_RECIPE), str(target), *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_rsync_recipe_publishes_to_a_target_and_removes_stale_files(tmp_path: Path) -> None:
    site = sub_path_site(tmp_path / "site")
    target = tmp_path / "host" / "hdnd"
    target.mkdir(parents=True)
    (target / "cu.html").write_text("trang cũ", encoding="utf-8")
    result = run_recipe(target, site.root, "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    assert (target / "index.html").exists() and (target / "feed.xml").exists() and (target / "anh" / "ky-hop.jpg").exists()
    assert not (target / "cu.html").exists()
    assert not (site.root / "output").exists()  # the recipe builds in a temporary directory
    # Publishing the same site again changes nothing on the host.
    before = tree_digest(target)
    assert run_recipe(target, site.root, "--base-url", BASE).returncode == 0
    assert tree_digest(target) == before


@pytest.mark.slow
def test_a_broken_article_is_never_published(tmp_path: Path) -> None:
    site = sub_path_site(tmp_path / "site")
    target = tmp_path / "host"
    assert run_recipe(target, site.root).returncode == 0
    published = tree_digest(target)
    site.write("content/2024/06/hong.md", "---\ntitle: Bài hỏng\ndate: 31/06/2024\n---\n\nNội dung.\n")
    site.article("content/2024/06/moi.md", "Bài mới", "2024-06-01")
    result = run_recipe(target, site.root)
    assert result.returncode != 0
    assert "content/2024/06/hong.md:3" in result.stderr
    assert tree_digest(target) == published  # the host still serves the previous site
    # The same holds for the workflow's build step: a non-zero exit stops the job before upload.
    assert run_giaoban("build", "--source", str(site.root)).returncode == 1
