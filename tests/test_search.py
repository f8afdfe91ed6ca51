"""Site search: the index on disk, and the search page typed into in a real Chromium."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
import unicodedata
from array import array
from pathlib import Path

import pytest
from conftest import REPO, SiteDir, run_giaoban, tree_digest

from giaoban_site.cache import digest, scratch_database
from giaoban_site.content import Document
from giaoban_site.search import SCHEMA, _Postings, index_words, update_postings
from giaoban_site.store import MemoryStore

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


def _articles(texts: dict[int, tuple[str, str]], store: MemoryStore) -> list[Document]:
    """Articles by id with (title, body), their words in ``store`` as parsing puts them."""
    documents = []
    for number, (title, body) in sorted(texts.items()):
        doc = Document(f"content/2024/05/a{number}.md", "article", title, f"a{number}", "", digest=digest(title, body))
        store.put_many([], [(doc.digest, "", "", *index_words(doc, body))])
        documents.append(doc)
    return documents


def _rows(connection: sqlite3.Connection) -> dict[str, tuple[list[int], list[int]]]:
    rows = connection.execute("SELECT word, body, title FROM words")
    return {word: (list(array("I", body)), list(array("I", title))) for word, body, title in rows}


def test_postings_updated_row_by_row_equal_postings_grouped_again() -> None:
    store, kept = MemoryStore(), scratch_database(SCHEMA)
    texts = {number: (f"Kỳ họp thứ {number}", f"Đại biểu thảo luận ngân sách {number}") for number in range(60)}
    assert update_postings(kept, _articles(texts, store), store) is None  # the first time, every word
    edits = [
        {3: ("Kỳ họp thứ 3", "Đại biểu chất vấn giám đốc sở")},  # a body: "ngân sách" leaves, "chất vấn" comes
        {5: ("Hội nghị giao ban Trùng Khánh", texts[5][1])},  # a title
        {60: ("Tin mới nhất", "Đại biểu tiếp xúc cử tri")},  # a newest article
        {number: (texts[number][0], f"Nội dung mới {number}") for number in range(20, 40)},  # 20 at once
    ]
    touched_by = []
    for edit in edits:
        texts.update(edit)
        documents = _articles(texts, store)
        touched_by.append(update_postings(kept, documents, store))
        again = scratch_database(SCHEMA)
        assert update_postings(again, documents, store) is None
        assert _rows(kept) == _rows(again)
    assert {"chat", "van", "ngan", "sach"} <= touched_by[0] and "dai" not in touched_by[0]  # out and in again: unchanged
    assert {"hoi", "nghi", "trung", "khanh", "ky", "hop"} <= touched_by[1]
    assert "cu" in touched_by[2] and "noi" in touched_by[3] and "ngan" in touched_by[3]
    assert update_postings(kept, documents, store) == set()  # nothing changed


def test_an_edit_holds_one_common_word_s_row_at_a_time() -> None:
    """A body holds common words whose rows list most articles (at 100,000 articles, 400 KB each): an
    update held every row it touched, twice, and took 110 MiB more for one edited article."""
    store, kept = MemoryStore(), scratch_database(SCHEMA)
    common = " ".join(f"chung{number}" for number in range(40))  # 40 words in every article
    texts = {number: (f"Tin số {number}", f"{common} riêng{number}") for number in range(30_000)}
    update_postings(kept, _articles(texts, store), store)
    texts[7] = ("Tin số 7", f"{common} đã sửa")
    documents = _articles(texts, store)
    row = 4 * len(texts)  # the bytes of one common word's row
    tracemalloc.start()
    try:
        touched = update_postings(kept, documents, store)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert touched == {"rieng7", "da", "sua"}  # the common words' rows: the id out and in again, unchanged
    assert peak < 10 * row, peak  # a few rows' arrays, not the 40 common words' (80 rows' worth before)


def test_grouping_every_word_again_holds_a_common_word_as_a_byte_for_each_article() -> None:
    """The ids of every word grouped again took 69 MB at 100,000 articles, most of them a few hundred
    syllables found in most articles: those are held as a byte for each article, and give the same rows."""
    count = 20_000
    words = {number: [*(f"chung{w}" for w in range(50)), f"mot-phan{number % 3}", f"it{number % 10}"] for number in range(count)}
    order = sorted(range(count), key=lambda number: number * 7919 % count)  # as the store gives them: in any order
    postings = _Postings(count)
    tracemalloc.start()
    try:
        for read, number in enumerate(order, 1):
            postings.add(number, words[number])
            if read % 4096 == 0:
                postings.compact()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 1_500_000, held  # 53 words in a quarter of the articles or more: 4.3 MB as 4-byte ids
    assert array("I", postings.pop("chung7")).tolist() == list(range(count))
    assert array("I", postings.pop("mot-phan1")).tolist() == list(range(1, count, 3))
    assert array("I", postings.pop("it4")).tolist() == list(range(4, count, 10))  # a tenth of them: ids still
    assert postings.pop("khong-co") == b""


def test_damaged_kept_postings_are_reported_and_made_again(site: SiteDir) -> None:
    for number in range(3):
        site.article(f"content/2024/05/a{number}.md", f"Kỳ họp thứ {number}", f"2024-05-0{number + 1}", body="Đại biểu thảo luận.")
    assert site.build().returncode == 0
    index = tree_digest(site.output / "tim-kiem")
    kept = site.root / ".giaoban-cache" / "output" / "search.sqlite"
    kept.write_bytes(b"\0garbage" * 512)
    site.article("content/2024/05/a1.md", "Kỳ họp thứ 1", "2024-05-02", body="Đại biểu chất vấn.")
    result = site.build()
    assert result.returncode == 0 and "search.sqlite" in result.stderr and "bị hỏng" in result.stderr
    assert tree_digest(site.output / "tim-kiem") != index
    shard = json.loads((site.output / "tim-kiem" / "chi-muc" / "cha.json").read_text(encoding="utf-8"))
    assert shard["w"]["chat"] == [1]
    assert site.build("--output", str(site.root / "again")).returncode == 0  # as a clean build makes it
    assert tree_digest(site.root / "again" / "tim-kiem") == tree_digest(site.output / "tim-kiem")


@pytest.mark.slow
def test_the_button_for_what_typing_shows_leaves_the_results_in_place(browser, serve_directory, repo_site: Path) -> None:
    """Typing searches by itself; pressing Enter then must not swap a result about to be clicked for its twin."""
    server = serve_directory(repo_site)
    page = browser.new_page()
    page.goto(server.url + "tim-kiem/")
    page.fill("#tu-khoa", "cong dan")
    first = page.wait_for_selector(".search-result-list > li h2 a")
    page.press("#tu-khoa", "Enter")
    page.wait_for_timeout(500)
    assert first.evaluate("link => link.isConnected")
    page.close()
