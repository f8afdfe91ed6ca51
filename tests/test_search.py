"""Site search: the index on disk, and the search page typed into in a real Chromium."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, SiteDir, run_giaoban, tree_digest

SEED_URL = "2014/10/hoi-nghi-giao-ban-thuong-truc-hdnd-lan-thu-2-nam-2014/"


def test_index_is_folded_sharded_and_skips_drafts(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Kỳ họp thứ 7 Hội đồng nhân dân tỉnh", "2024-05-01", body="Đại biểu thảo luận.")
    site.article("content/2024/05/b.md", "Bản nháp bí mật", "2024-05-02", body="Nội dung bí mật.", draft="true")
    assert site.build("--drafts").returncode == 0
    index = site.output / "tim-kiem"
    shard = json.loads((index / "chi-muc" / "hoi.json").read_text(encoding="utf-8"))
    assert shard["w"]["hoi"] == [0] and shard["t"]["hoi"] == [0]
    assert "dai" in json.loads((index / "chi-muc" / "dai.json").read_text(encoding="utf-8"))["w"]
    assert not (index / "chi-muc" / "mat.json").exists()  # the draft's words are not indexed
    record = json.loads((index / "bai" / "0.json").read_text(encoding="utf-8"))
    assert record["t"] == "Kỳ họp thứ 7 Hội đồng nhân dân tỉnh" and record["u"] == "2024/05/ky-hop-thu-7-hoi-dong-nhan-dan-tinh/"
    assert record["d"] == "Thứ Tư, 01/05/2024"


def test_index_is_byte_identical_across_rebuilds(tmp_path: Path, site: SiteDir) -> None:
    for i in range(5):
        site.article(f"content/2024/05/a{i}.md", f"Tin số {i} về Hội đồng", f"2024-05-0{i + 1}")
    assert site.build().returncode == 0
    # Into another output, with a cache of its own: the second build has everything to do again.
    assert site.build("--output", str(tmp_path / "again")).returncode == 0
    first, second = tree_digest(site.output / "tim-kiem"), tree_digest(tmp_path / "again" / "tim-kiem")
    assert first and first == second


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own site (with the seed article) plus articles that must or must not match."""
    root = tmp_path_factory.mktemp("search")
    out = root / "out"
    site = SiteDir(root / "src")
    (site.root / "content").mkdir(parents=True)
    import shutil

    shutil.copytree(REPO / "content", site.root / "content", dirs_exist_ok=True)
    shutil.copy(REPO / "site.yaml", site.root / "site.yaml")
    site.article("content/2024/05/nfd.md", unicodedata.normalize("NFD", "Tiếp xúc cử tri huyện Hòa An"), "2024-05-01",
                 body=unicodedata.normalize("NFD", "Cử tri phản ánh về đường giao thông nông thôn."))
    site.article("content/2024/06/khac.md", "Thông báo lịch tiếp công dân", "2024-06-01", body="Lịch tiếp dân tháng 6.")
    site.article("content/2024/06/doan.md", "Đón đoàn đại biểu", "2024-06-02", body="Đoàn đại biểu thành phố Москва thăm tỉnh.")
    result = run_giaoban("build", "--source", str(site.root), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _search(browser, server_url: str, query: str) -> list[dict]:
    page = browser.new_page()
    page.goto(server_url + "tim-kiem/")
    page.fill("#tu-khoa", query)
    page.press("#tu-khoa", "Enter")
    page.wait_for_selector(".search-status")
    page.wait_for_function("!document.querySelector('#ket-qua ol') || document.querySelector('#ket-qua ol').children.length"
                           " || document.querySelector('.search-status').textContent.startsWith('Không')")
    results = page.eval_on_selector_all(".search-result-list > li", """items => items.map(li => ({
        title: li.querySelector('h2 a').textContent, href: li.querySelector('h2 a').getAttribute('href'),
        date: li.querySelector('time').textContent, snippet: li.querySelector('.snippet').textContent,
        marks: Array.from(li.querySelectorAll('.snippet mark, h2 mark')).map(m => m.textContent)}))""")
    page.close()
    return results


@pytest.mark.slow
@pytest.mark.parametrize("query", ["hoi dong", "HOI DONG", "hội đồng", unicodedata.normalize("NFD", "hội đồng")])
def test_folded_queries_find_hoi_dong(browser, serve_directory, repo_site: Path, query: str) -> None:
    server = serve_directory(repo_site)
    results = _search(browser, server.url, query)
    assert [r["href"] for r in results] == ["/" + SEED_URL]
    seed = results[0]
    assert seed["title"].startswith("Hội nghị giao ban") and seed["date"] == "Thứ Năm, 02/10/2014"
    assert "Hội đồng" in seed["marks"], seed["marks"]
    assert "Hội đồng" in seed["snippet"]


@pytest.mark.slow
def test_words_anywhere_in_the_article_find_the_seed(browser, serve_directory, repo_site: Path) -> None:
    server = serve_directory(repo_site)
    results = _search(browser, server.url, "giao ban trung khanh")
    assert [r["href"] for r in results] == ["/" + SEED_URL]
    marks = results[0]["marks"]
    assert "Trùng Khánh" in marks and any(m.lower() == "giao ban" for m in marks), marks


@pytest.mark.slow
def test_nfc_query_finds_nfd_text_and_nothing_else(browser, serve_directory, repo_site: Path) -> None:
    server = serve_directory(repo_site)
    results = _search(browser, server.url, "phản ánh")
    assert [r["href"] for r in results] == ["/2024/05/tiep-xuc-cu-tri-huyen-hoa-an/"]
    assert results[0]["title"] == "Tiếp xúc cử tri huyện Hòa An"  # the page shows NFC
    assert results[0]["marks"] == ["phản ánh"]
    assert _search(browser, server.url, "không có từ này") == []


@pytest.mark.slow
def test_words_outside_ascii_use_the_same_shard_in_python_and_javascript(browser, serve_directory, repo_site: Path) -> None:
    assert (repo_site / "tim-kiem" / "chi-muc" / ("_" + "мос".encode().hex() + ".json")).exists()
    server = serve_directory(repo_site)
    results = _search(browser, server.url, "МОСКВА")
    assert [r["title"] for r in results] == ["Đón đoàn đại biểu"] and results[0]["marks"] == ["Москва"]


@pytest.mark.slow
def test_query_in_the_address_is_searched_and_results_are_text_not_html(browser, serve_directory, repo_site: Path) -> None:
    server = serve_directory(repo_site)
    page = browser.new_page()
    page.goto(server.url + "tim-kiem/?q=<img src=x onerror=alert(1)>")
    page.wait_for_selector(".search-status")
    assert "<img src=x" in page.inner_text(".search-status")  # shown as text, never parsed as HTML
    assert page.locator("#ket-qua img").count() == 0
    page.goto(server.url + "tim-kiem/?q=cong%20dan")
    page.wait_for_selector(".search-result-list > li")
    assert page.input_value("#tu-khoa") == "cong dan"
    assert page.locator(".search-result-list > li h2 a").first.inner_text() == "Thông báo lịch tiếp công dân"
    page.close()


@pytest.mark.slow
def test_without_javascript_the_form_asks_a_search_engine_for_this_site(browser, serve_directory, repo_site: Path) -> None:
    server = serve_directory(repo_site)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "tim-kiem/")
    form = page.locator("form.search-form")
    assert form.get_attribute("action") == "https://www.google.com/search"
    assert page.locator("input[name=as_sitesearch]").get_attribute("value") == "hdndcaobang.gov.vn"
    assert page.locator("input[name=q]").is_visible()
    assert "JavaScript" in page.locator("#ghi-chu-tim-kiem").inner_text()
    hrefs = page.eval_on_selector_all(".search-browse a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/chu-de/", "/chuyen-muc/", "/luu-tru/"]
    context.close()
