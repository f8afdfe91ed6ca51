"""The council's real first article, built from the repository's own content/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DATA, REPO, run_giaoban, text_of

SEED = DATA / "000_e84e7c1bee02776d.txt"
ARTICLE_URL = "2014/10/hoi-nghi-giao-ban-thuong-truc-hdnd-lan-thu-2-nam-2014/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "output"
    result = run_giaoban("build", "--source", str(REPO), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def read(out: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((out / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def seed_lines() -> list[str]:
    return [" ".join(line.split()) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_article_page_has_title_date_author_category_tags_and_caption(built: Path) -> None:
    page = read(built, ARTICLE_URL)
    title, lede, *_ = seed_lines()
    assert text_of(page, "main h1") == title
    assert page.title.string.startswith(title)
    time = page.select_one("article time")
    assert time.get_text() == "Thứ Năm, 02/10/2014"
    assert time["datetime"] == "2014-10-02T00:00:00+07:00"
    assert text_of(page, "article .author") == "Tuyết Nhung"
    assert "Hoạt động HĐND tỉnh" in text_of(page, "article .meta")
    assert [a.get_text() for a in page.select("article .tags a")] == ["giao ban", "Thường trực HĐND", "Văn phòng HĐND", "Trùng Khánh"]
    assert text_of(page, "figure.lead-figure figcaption") == "Đồng chí Hà Ngọc Chiến, phát biểu khai mạc Hội nghị."
    assert page.find("meta", attrs={"name": "description"})["content"] == lede


def test_every_paragraph_of_the_original_is_kept_word_for_word(built: Path) -> None:
    body = text_of(read(built, ARTICLE_URL), "article .body")
    title, lede, *paragraphs = seed_lines()
    for paragraph in paragraphs:
        if paragraph.startswith(("Tác giả bài viết", "Đồng chí Hà Ngọc Chiến, phát biểu")):
            continue  # the signature is the author field, the caption is the figure caption
        assert paragraph in body
    for typo in ("chât lượng", "tổ chưc stham quan", "HĐNĐ", "Đại đảng"):
        assert typo in body


def test_lede_is_not_duplicated_in_the_article_body(built: Path) -> None:
    body = text_of(read(built, ARTICLE_URL), "article .body")
    assert body.count("Ngày 02 tháng 10 năm 2014, tại huyện Trùng Khánh") == 1


def test_standing_pages_and_home_list_the_real_content(built: Path) -> None:
    assert text_of(read(built, "gioi-thieu"), "main h1") == "Giới thiệu"
    assert text_of(read(built, "lien-he"), "main h1") == "Liên hệ"
    home = read(built, "")
    links = [a["href"] for a in home.select("main .article-list a")]
    assert "/" + ARTICLE_URL in links
    nav = [a.get_text() for a in home.select("nav[aria-label] a")]
    assert {"Trang chủ", "Giới thiệu", "Liên hệ"} <= set(nav)


def test_repository_content_builds_with_make_build_layout(tmp_path: Path) -> None:
    """The default output is <source>/output; a copy of the repository's site builds there."""
    root = tmp_path / "site"
    for name in ("site.yaml", "content", "templates"):
        src = REPO / name
        shutil.copytree(src, root / name) if src.is_dir() else (root.mkdir(exist_ok=True), shutil.copy(src, root / name))
    result = run_giaoban("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "output" / ARTICLE_URL / "index.html").exists()
    assert (root / "output" / "404.html").exists()
    assert (root / "output" / "static" / "style.css").exists()
