"""`giaoban build` end to end: URLs, dates, listings, taxonomies, archives, themes, reproducibility."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

from conftest import SiteDir, text_of, tree_digest


def write_articles(site: SiteDir, count: int, **fields: object) -> None:
    for i in range(1, count + 1):
        site.article(f"content/2024/05/bai-{i}.md", f"Bài số {i}", f"2024-05-{i:02d}T08:00:00", **fields)


def test_article_url_is_year_month_slug_in_site_timezone(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Đại biểu HĐND tiếp xúc cử tri", "2014-10-31 23:30")
    site.article("content/2014/10/b.md", "Kỳ họp cuối năm", "2014-10-31T20:00:00Z")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.exists("2014/10/dai-bieu-hdnd-tiep-xuc-cu-tri")
    # 20:00 UTC on 31 October is 03:00 on 1 November in Vietnam.
    assert site.exists("2014/11/ky-hop-cuoi-nam")
    page = site.page("2014/11/ky-hop-cuoi-nam")
    assert page.select_one("article time")["datetime"] == "2014-11-01T03:00:00+07:00"
    assert page.select_one("article time").get_text() == "Thứ Bảy, 01/11/2014 03:00"


def test_date_without_time_shows_weekday_and_date_only(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Hội nghị giao ban", "2014-10-02")
    assert site.build().returncode == 0
    time = site.page("2014/10/hoi-nghi-giao-ban").select_one("article time")
    assert (time.get_text(), time["datetime"]) == ("Thứ Năm, 02/10/2014", "2014-10-02T00:00:00+07:00")


def test_explicit_slug_wins_and_previous_next_links_follow_dates(site: SiteDir) -> None:
    site.article("content/2024/01/a.md", "Bài cũ nhất", "2024-01-01", slug="bai-cu")
    site.article("content/2024/02/b.md", "Bài giữa", "2024-02-01")
    site.article("content/2024/03/c.md", "Bài mới nhất", "2024-03-01")
    assert site.build().returncode == 0
    middle = site.page("2024/02/bai-giua")
    assert middle.select_one(".neighbours .older a")["href"] == "/2024/01/bai-cu/"
    assert middle.select_one(".neighbours .newer a")["href"] == "/2024/03/bai-moi-nhat/"
    assert middle.select_one(".neighbours .older a").get_text() == "Bài cũ nhất"
    assert site.page("2024/01/bai-cu").select_one(".neighbours .newer") is not None
    assert site.page("2024/01/bai-cu").select_one(".neighbours .older") is None


def test_related_articles_share_tags_or_category_and_are_newest_first(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nrelated_count: 3\n')
    site.article("content/2024/01/a.md", "Giám sát ngân sách huyện", "2024-01-10", tags='["giám sát", "ngân sách"]',
                 category="Giám sát")
    site.article("content/2024/01/b.md", "Giám sát trường học", "2024-01-12", tags='["giám sát"]')
    site.article("content/2024/01/c.md", "Dự toán ngân sách", "2024-01-14", tags='["ngân sách"]', category="Kỳ họp")
    site.article("content/2024/01/d.md", "Đoàn giám sát làm việc", "2024-01-16", category="Giám sát")
    site.article("content/2024/01/e.md", "Tiếp xúc cử tri", "2024-01-18", tags='["cử tri"]', category="Tiếp xúc")
    site.article("content/2024/01/f.md", "Kết quả giám sát", "2024-01-20", tags='["giám sát", "ngân sách"]')
    assert site.build().returncode == 0
    related = [a.get_text() for a in site.page("2024/01/giam-sat-ngan-sach-huyen").select(".related li a")]
    # Sharing both tags beats one tag, a tag beats the category; the three best are shown newest first.
    assert related == ["Kết quả giám sát", "Dự toán ngân sách", "Giám sát trường học"]
    assert site.page("2024/01/tiep-xuc-cu-tri").select_one(".related") is None  # shares nothing


def test_home_pagination_boundaries(site: SiteDir) -> None:
    site.write("site.yaml", "title: Thử\npage_size: 2\n")
    write_articles(site, 5)
    assert site.build().returncode == 0
    home = site.page("")
    assert [a.get_text() for a in home.select(".article-list h2 a")] == ["Bài số 5", "Bài số 4"]
    assert site.exists("trang/2") and site.exists("trang/3") and not site.exists("trang/4")
    last = site.page("trang/3")
    assert [a.get_text() for a in last.select(".article-list h2 a")] == ["Bài số 1"]
    assert last.select_one('.pager a[rel="prev"]')["href"] == "/trang/2/"
    assert last.select_one('.pager a[rel="next"]') is None
    assert home.select_one('.pager a[rel="prev"]') is None
    assert "Trang 1/3" in text_of(home, ".pager")


def test_exactly_one_full_page_has_no_pager(site: SiteDir) -> None:
    site.write("site.yaml", "title: Thử\npage_size: 2\n")
    write_articles(site, 2)
    assert site.build().returncode == 0
    assert not site.exists("trang/2")
    assert site.page("").select_one(".pager") is None


def test_tag_category_and_author_pages_newest_first_and_paginated(site: SiteDir) -> None:
    site.write("site.yaml", "title: Thử\npage_size: 2\n")
    for i in range(1, 4):
        site.article(f"content/2024/0{i}/a.md", f"Giám sát đợt {i}", f"2024-0{i}-10", tags='["giám sát", "Đại biểu HĐND"]',
                     category='"Hoạt động HĐND tỉnh"', author='"Tuyết Nhung"')
    site.article("content/2024/04/b.md", "Kỳ họp thứ 9", "2024-04-10", tags='["kỳ họp"]', author='["Minh Hòa", "Đức Anh"]')
    assert site.build().returncode == 0
    tag = site.page("chu-de/dai-bieu-hdnd")
    assert text_of(tag, "main h1") == "Chủ đề: Đại biểu HĐND"
    assert [a.get_text() for a in tag.select(".article-list h2 a")] == ["Giám sát đợt 3", "Giám sát đợt 2"]
    assert [a.get_text() for a in site.page("chu-de/dai-bieu-hdnd/trang/2").select(".article-list h2 a")] == ["Giám sát đợt 1"]
    assert site.exists("chuyen-muc/hoat-dong-hdnd-tinh")
    assert site.exists("tac-gia/tuyet-nhung") and site.exists("tac-gia/minh-hoa") and site.exists("tac-gia/duc-anh")
    article = site.page("2024/04/ky-hop-thu-9")
    assert [a["href"] for a in article.select(".author a")] == ["/tac-gia/minh-hoa/", "/tac-gia/duc-anh/"]


def test_tag_index_is_in_vietnamese_collation_order(site: SiteDir) -> None:
    tags = ["Zalo", "đại biểu", "an ninh", "giám sát", "ăn uống", "âm nhạc", "dân tộc", "Ủy ban", "uống nước", "gia đình", "giảm nghèo"]
    for i, tag in enumerate(tags):
        site.article(f"content/2024/05/t{i}.md", f"Bài {i}", "2024-05-01", tags=f'["{tag}"]')
    assert site.build().returncode == 0
    shown = [a.get_text() for a in site.page("chu-de").select(".terms a")]
    assert shown == ["an ninh", "ăn uống", "âm nhạc", "dân tộc", "đại biểu", "gia đình", "giảm nghèo", "giám sát",
                     "uống nước", "Ủy ban", "Zalo"]


def test_tags_differing_only_in_case_share_one_page(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01", tags='["Giám sát"]')
    site.article("content/2024/05/b.md", "Bài B", "2024-05-02", tags='["giám sát"]')
    site.article("content/2024/05/c.md", "Bài C", "2024-05-03", tags='["giám sát"]')
    assert site.build().returncode == 0
    assert [a.get_text() for a in site.page("chu-de").select(".terms a")] == ["giám sát"]
    assert len(site.page("chu-de/giam-sat").select(".article-list li")) == 3


def test_year_and_month_archives(site: SiteDir) -> None:
    site.article("content/2023/12/a.md", "Tổng kết năm", "2023-12-20")
    site.article("content/2024/01/b.md", "Đầu năm mới", "2024-01-05")
    site.article("content/2024/01/c.md", "Tiếp công dân tháng 1", "2024-01-15")
    assert site.build().returncode == 0
    month = site.page("2024/01")
    assert text_of(month, "main h1") == "Lưu trữ tháng 1/2024"
    assert [a.get_text() for a in month.select(".archive-list a")] == ["Tiếp công dân tháng 1", "Đầu năm mới"]
    year = site.page("2024")
    assert [a["href"] for a in year.select(".archive-month a")] == ["/2024/01/"]
    index = site.page("luu-tru")
    assert [a.get_text() for a in index.select(".archive-year h2 a")] == ["Năm 2024", "Năm 2023"]


def test_standing_pages_404_and_css_are_written(site: SiteDir) -> None:
    site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nĐịa chỉ: thành phố Cao Bằng.\n")
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    assert site.build().returncode == 0
    assert text_of(site.page("lien-he"), "main h1") == "Liên hệ"
    not_found = site.page("404.html")
    assert text_of(not_found, "main h1") == "Không tìm thấy trang"
    assert (site.output / "static" / "style.css").stat().st_size > 500


def test_markdown_features_render(site: SiteDir) -> None:
    body = """## Kết quả đạt được

| Đơn vị | Số kiến nghị |
|---|---:|
| Hòa An | 12 |

```python
tong = 0
```

Theo báo cáo[^1].

![Toàn cảnh hội nghị](/anh/hoi-nghi.jpg "Toàn cảnh Hội nghị giao ban")

[^1]: Báo cáo số 12/BC-HĐND.
"""
    site.article("content/2024/05/a.md", "Bài có bảng", "2024-05-01", body=body)
    site.photo("static/anh/hoi-nghi.jpg")
    assert site.build().returncode == 0
    page = site.page("2024/05/bai-co-bang")
    assert page.select_one(".body h2")["id"] == "ket-qua-dat-duoc"
    assert text_of(page, ".body td") == "Hòa An"
    assert page.select_one(".body .highlight pre") is not None
    assert page.select_one('link[href="/static/code.css"]') is not None
    assert page.select_one(".body .footnote li") is not None
    figure = page.select_one(".body figure")
    assert figure.select_one("img")["alt"] == "Toàn cảnh hội nghị"
    assert text_of(figure, "figcaption") == "Toàn cảnh Hội nghị giao ban"


def test_summary_defaults_to_first_paragraph_as_plain_text(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01", body="## Mở đầu\n\nĐoạn **đầu tiên** của bài.\n\nĐoạn thứ hai.")
    assert site.build().returncode == 0
    assert text_of(site.page(""), ".summary") == "Đoạn đầu tiên của bài."


def test_raw_html_is_sanitised(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01",
                 body='Chào <script>alert(1)</script><b onclick="x()">bạn</b> [liên kết](javascript:alert(2))')
    assert site.build().returncode == 0
    html = (site.output / "2024/05/bai-a/index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "onclick" not in html and "javascript:" not in html
    assert "<b>bạn</b>" in html


def test_drafts_are_built_only_with_drafts_option(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài nháp", "2024-05-01", draft="true")
    site.article("content/2024/05/b.md", "Bài đăng", "2024-05-02")
    assert site.build().returncode == 0
    assert not site.exists("2024/05/bai-nhap") and site.exists("2024/05/bai-dang")
    assert site.build("--drafts").returncode == 0
    assert "Bản nháp" in text_of(site.page("2024/05/bai-nhap"), ".draft-note")


def test_future_article_waits_until_its_date(site: SiteDir) -> None:
    site.article("content/2030/01/a.md", "Kỳ họp năm 2030", "2030-01-01 08:00")
    assert site.build().returncode == 0
    assert not site.exists("2030/01/ky-hop-nam-2030")
    assert site.build(env={"GIAOBAN_NOW": "2030-01-01T08:00:00+07:00"}).returncode == 0
    assert site.exists("2030/01/ky-hop-nam-2030")


def test_nfd_input_builds_the_same_site_as_nfc(tmp_path: Path, site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Đại biểu HĐND tỉnh giám sát", "2024-05-01", tags='["giám sát", "Hòa An"]',
                 body="Hội đồng nhân dân tỉnh Cao Bằng.")
    assert site.build().returncode == 0
    nfd_root = tmp_path / "nfd"
    shutil.copytree(site.root, nfd_root, ignore=shutil.ignore_patterns("output"))
    for path in nfd_root.rglob("*.md"):
        path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert unicodedata.normalize("NFC", (nfd_root / "content/2024/05/a.md").read_text()) != (nfd_root / "content/2024/05/a.md").read_text()
    nfd = SiteDir(nfd_root)
    assert nfd.build().returncode == 0
    assert tree_digest(nfd.output) == tree_digest(site.output)
    assert nfd.exists("2024/05/dai-bieu-hdnd-tinh-giam-sat")


def test_bom_and_crlf_are_accepted(site: SiteDir) -> None:
    text = "---\r\ntitle: Bài có BOM\r\ndate: 2024-05-01\r\ntags: [kỳ họp]\r\n---\r\n\r\nDòng một.\r\n"
    (site.root / "content/2024/05").mkdir(parents=True)
    (site.root / "content/2024/05/a.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert text_of(site.page("2024/05/bai-co-bom"), "main h1") == "Bài có BOM"


def test_two_builds_are_byte_identical(tmp_path: Path, site: SiteDir) -> None:
    for i in range(12):
        site.article(f"content/2024/0{i % 9 + 1}/a{i}.md", f"Tin số {i}", f"2024-0{i % 9 + 1}-0{i % 7 + 1}",
                     tags=f'["chủ đề {i % 3}", "giám sát"]', category=f'"Mục {i % 2}"')
    assert site.build("--output", str(tmp_path / "one")).returncode == 0
    assert site.build("--output", str(tmp_path / "two")).returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    assert len(tree_digest(tmp_path / "one")) > 30


def test_site_templates_override_the_default_theme_file_by_file(site: SiteDir) -> None:
    site.write("templates/404.html", '{% extends "base.html" %}{% block main %}<h1>Trang riêng 404</h1>{% endblock %}')
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    assert site.build().returncode == 0
    assert text_of(site.page("404.html"), "main h1") == "Trang riêng 404"
    assert text_of(site.page("2024/05/bai-a"), "main h1") == "Bài A"  # other templates still from the theme


def test_site_without_config_builds_with_defaults_and_says_so(tmp_path: Path) -> None:
    site = SiteDir(tmp_path)
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    result = site.build()
    assert result.returncode == 0
    assert "site.yaml" in result.stderr and "mặc định" in result.stderr
    assert site.exists("2024/05/bai-a")


def test_base_url_option_overrides_config(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    assert site.build("--base-url", "https://tin.example.vn/hdnd").returncode == 0
    page = site.page("2024/05/bai-a")
    assert page.select_one('link[rel="canonical"]')["href"] == "https://tin.example.vn/hdnd/2024/05/bai-a/"
    assert page.select_one(".site-title a")["href"] == "/hdnd/"


def test_static_files_are_copied(site: SiteDir) -> None:
    site.write("static/anh/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    assert site.build().returncode == 0
    assert (site.output / "anh/logo.svg").exists()
