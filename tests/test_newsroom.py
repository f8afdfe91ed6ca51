"""The newsroom (newsroom.py, embeds.py): the lead block and a front page in blocks, pinned articles,
series, a tree of categories and articles in several, breadcrumbs, expiry, sources, author profiles,
share links, embeds as cards, "Xem nhiều" from views.csv; all built through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import SiteDir, StaticServer, text_of, tree_digest
from test_sessions import session_site
from test_theme import VNU, phone_page, run_axe

BASE = "https://hdnd.example.gov.vn/"
NOW = "2015-01-01T00:00:00+07:00"  # every build of the module's site: after the expiry of bai-3, before bai-6's date
SITE_YAML = f"""
title: "HĐND tỉnh Thử nghiệm"
base_url: "{BASE}"
expired: notice
front_page:
  featured: 2
  blocks:
    - featured
    - category: hoat-dong-hdnd
      count: 3
    - latest
    - most_read
    - series: giao-ban-2014
categories:
  hoat-dong-hdnd:
    title: "Hoạt động HĐND"
    description: "Tin về hoạt động của Hội đồng nhân dân tỉnh"
    order: 1
  ky-hop:
    title: "Kỳ họp"
    parent: hoat-dong-hdnd
  tiep-xuc-cu-tri:
    title: "Tiếp xúc cử tri"
    parent: ky-hop
  van-hoa:
    title: "Văn hóa – Xã hội"
    order: 2
"""
BODY = """## Khai mạc

Hội nghị giao ban tại huyện Trùng Khánh.

## Diễn biến

Các đại biểu thảo luận.

@[Toàn cảnh phiên khai mạc](https://www.youtube.com/watch?v=abc123 "/anh/poster.jpg")

## Bế mạc

Hội nghị kết thúc.
"""


def _newsroom_site(root: Path, **changes: str) -> SiteDir:
    site = SiteDir(root)
    site.write("site.yaml", changes.get("site_yaml", SITE_YAML))
    site.photo("static/anh/poster.jpg", (640, 360))
    site.photo("static/tac-gia/tuyet-nhung.jpg", (200, 200))
    site.write("authors.yaml", """
        "Tuyết Nhung":
          name: "Nguyễn Thị Tuyết Nhung"
          photo: tac-gia/tuyet-nhung.jpg
          bio: "Phóng viên Văn phòng HĐND tỉnh."
        """)
    # bai-1 in the tree's third level; bai-2 in the second; bai-4 in the second and, as its second
    # category, in one no one declared; bai-5 in another top category. bai-3 has expired.
    fields = {
        1: {"category": '"Tiếp xúc cử tri"', "featured": "true", "series": '"Giao ban 2014"'},
        2: {"category": '"Kỳ họp"', "featured": "1", "series": '"Giao ban 2014"', "pinned": "2030-01-01"},
        3: {"category": '"Kỳ họp"', "expires": "2014-11-01", "series": '"Giao ban 2014"'},
        4: {"category": '"Kỳ họp"', "categories": '["Tin địa phương"]', "featured": "3", "series": '"Giao ban 2014"',
            "source": '"Báo Cao Bằng"', "source_url": "https://baocaobang.vn/giao-ban"},
        5: {"category": '"Văn hóa – Xã hội"', "seo_title": '"Lễ hội Thác Bản Giốc 2014 – tin ngắn"',
            "seo_description": '"Mô tả cho máy tìm kiếm."'},
        6: {"category": '"Kỳ họp"', "expires": "2015-01-01T17:00:00+07:00"},
    }
    for number, extra in fields.items():
        date = "2015-01-01T08:00:00+07:00" if number == 6 else f"2014-10-0{number}T08:00:00+07:00"
        site.article(f"content/2014/10/bai-{number}.md", f"Bài số {number} về giao ban", date, BODY,
                     slug=f"bai-{number}", author='"Tuyết Nhung"', **extra)
    site.article("content/2014/09/ngoai.md", "Bài đăng trên báo tỉnh", "2014-09-30T08:00:00+07:00", "Tóm tắt của bài.",
                 slug="ngoai", external_url="https://baocaobang.vn/bai-goc")
    site.write("views.csv", "address,views\n"
                            f"{BASE}2014/10/bai-5/,900\n"
                            "/2014/10/bai-2/,100\n"
                            "content/2014/10/bai-1.md,50\n"
                            "/khong-co-trang-nay/,3\n")
    return site


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = _newsroom_site(tmp_path_factory.mktemp("newsroom") / "site")
    result = site.build("--now", NOW)
    assert result.returncode == 0, result.stderr
    site.result = result
    return site


def _titles(node) -> list[str]:
    return [" ".join(a.get_text().split()) for a in node.select(".item-title a, .most-read a")]


# --- the front page ----------------------------------------------------------------------------

def test_the_front_page_shows_its_blocks_in_site_yaml_order(newsroom: SiteDir) -> None:
    home = newsroom.page("")
    headings = [" ".join(h.get_text().split()) for h in home.select("section.front-block > h2")]
    assert headings == ["Tiêu điểm", "Hoạt động HĐND", "Tin mới nhất", "Xem nhiều", "Giao ban 2014"]
    assert text_of(home, "h1") == "HĐND tỉnh Thử nghiệm"  # one h1, the site's name; each block its h2
    assert len(home.select("h1")) == 1


def test_the_lead_block_holds_featured_articles_by_rank_up_to_its_size(newsroom: SiteDir) -> None:
    lead = newsroom.page("").select_one(".front-featured")
    # featured: 1, then 3, then true (unranked): the size is 2.
    assert _titles(lead) == ["Bài số 2 về giao ban", "Bài số 4 về giao ban"]


def test_a_category_block_lists_its_childrens_articles_pinned_first(newsroom: SiteDir) -> None:
    block = newsroom.page("").select_one(".front-category")
    # bai-2 is pinned (until 2030): first, though older than bai-4; bai-3 has expired; bai-1 is a grandchild's.
    assert _titles(block) == ["Bài số 2 về giao ban", "Bài số 4 về giao ban", "Bài số 1 về giao ban"]
    assert block.select_one("p.more a")["href"] == "/chuyen-muc/hoat-dong-hdnd/"


def test_most_read_follows_views_csv_and_reports_addresses_that_lead_nowhere(newsroom: SiteDir) -> None:
    block = newsroom.page("").select_one(".front-most-read")
    assert _titles(block) == ["Bài số 5 về giao ban", "Bài số 2 về giao ban", "Bài số 1 về giao ban"]
    assert "views.csv" in newsroom.result.stderr and "/khong-co-trang-nay/" in newsroom.result.stderr


def test_without_views_csv_there_is_no_most_read_block(tmp_path: Path) -> None:
    site = _newsroom_site(tmp_path / "site")
    (site.root / "views.csv").unlink()
    assert site.build("--now", NOW).returncode == 0
    home = site.page("")
    assert home.select(".front-most-read") == [] and "Xem nhiều" not in home.get_text()


def test_without_front_page_settings_the_home_page_is_the_plain_list(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Hội nghị giao ban", "2014-10-02")
    assert site.build().returncode == 0
    home = site.page("")
    assert text_of(home, "h1") == "Tin mới nhất" and home.select("section.front-block") == []
    site.article("content/2014/10/b.md", "Tin tiêu điểm", "2014-10-01", featured="true")
    assert site.build().returncode == 0
    home = site.page("")
    assert [" ".join(h.get_text().split()) for h in home.select("section.front-block > h2")] == ["Tiêu điểm", "Tin mới nhất"]


def test_the_session_and_the_newest_documents_are_blocks_where_site_yaml_puts_them(site: SiteDir) -> None:
    session_site(site)
    site.write("site.yaml", f'''
        title: "HĐND"
        base_url: "{BASE}"
        front_page:
          blocks: [latest, {{documents: , count: 1}}, session]
        ''')
    assert site.build("--now", "2024-07-12T15:00:00+07:00").returncode == 0  # the session's last day, its documents out
    home = site.page("")
    kinds = [node.get("class")[-1] if node.name == "section" else "session" for node in home.select("main > section, main > aside")]
    assert kinds == ["front-latest", "front-documents", "session"]
    documents = home.select_one(".front-documents")
    assert [a.get_text() for a in documents.select(".document-number a")] == ["Nghị quyết số 15/2024/NQ-HĐND"]
    assert documents.select_one("h2 a")["href"] == "/van-ban/"
    assert "Kỳ họp đang diễn ra" in text_of(home, ".session-box")


# --- categories, series, breadcrumbs --------------------------------------------------------------

def _listed(site: SiteDir, url: str) -> set[str]:
    return set(_titles(site.page(url).select_one(".article-list") or BeautifulSoup("", "html.parser")))


def test_a_three_level_tree_lists_each_article_in_its_categories_and_their_parents_only(newsroom: SiteDir) -> None:
    assert _listed(newsroom, "chuyen-muc/tiep-xuc-cu-tri/") == {"Bài số 1 về giao ban"}
    assert _listed(newsroom, "chuyen-muc/ky-hop/") == {"Bài số 1 về giao ban", "Bài số 2 về giao ban", "Bài số 4 về giao ban"}
    assert _listed(newsroom, "chuyen-muc/hoat-dong-hdnd/") == _listed(newsroom, "chuyen-muc/ky-hop/")
    assert _listed(newsroom, "chuyen-muc/tin-dia-phuong/") == {"Bài số 4 về giao ban"}  # its second category
    assert _listed(newsroom, "chuyen-muc/van-hoa/") == {"Bài số 5 về giao ban"}
    # Pinned first on the category's own page too; the description declared in site.yaml is shown.
    ky_hop = newsroom.page("chuyen-muc/ky-hop/")
    assert _titles(ky_hop)[0] == "Bài số 2 về giao ban"
    assert "Tin về hoạt động" in text_of(newsroom.page("chuyen-muc/hoat-dong-hdnd/"), ".term-description")
    index = [(li.get("class"), li.a.get_text()) for li in newsroom.page("chuyen-muc/").select(".terms li")]
    assert index[:4] == [(None, "Hoạt động HĐND"), (["depth-1"], "Kỳ họp"), (["depth-2"], "Tiếp xúc cử tri"),
                         (None, "Văn hóa – Xã hội")]


def _breadcrumb_data(soup: BeautifulSoup) -> dict:
    found = [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]
    [trail] = [d for d in found if d["@type"] == "BreadcrumbList"]
    return trail


def test_breadcrumbs_follow_the_main_category_with_valid_structured_data(newsroom: SiteDir) -> None:
    page = newsroom.page("2014/10/bai-1/")
    shown = [(a.get_text(), a["href"]) for a in page.select("nav.breadcrumbs a")]
    assert shown == [("Trang chủ", "/"), ("Hoạt động HĐND", "/chuyen-muc/hoat-dong-hdnd/"), ("Kỳ họp", "/chuyen-muc/ky-hop/"),
                     ("Tiếp xúc cử tri", "/chuyen-muc/tiep-xuc-cu-tri/"), ("Bài số 1 về giao ban", "/2014/10/bai-1/")]
    assert page.select("nav.breadcrumbs a")[-1]["aria-current"] == "page"
    data = _breadcrumb_data(page)
    assert data["@context"] == "https://schema.org"
    items = data["itemListElement"]
    assert [i["position"] for i in items] == [1, 2, 3, 4, 5] and all(i["@type"] == "ListItem" for i in items)
    assert [i["name"] for i in items] == [title for title, _ in shown]
    for item in items:  # every step is a page of the site
        assert item["item"].startswith(BASE) and newsroom.exists(urlsplit(item["item"]).path)
    series = _breadcrumb_data(newsroom.page("dong-su-kien/giao-ban-2014/"))
    assert [i["name"] for i in series["itemListElement"]] == ["Trang chủ", "Dòng sự kiện", "Giao ban 2014"]


def test_a_series_has_its_page_feed_and_a_box_on_each_article(newsroom: SiteDir) -> None:
    assert _listed(newsroom, "dong-su-kien/giao-ban-2014/") == {f"Bài số {n} về giao ban" for n in (1, 2, 4)}
    feed = feedparser.parse((newsroom.output / "dong-su-kien/giao-ban-2014/feed.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == [f"Bài số {n} về giao ban" for n in (4, 2, 1)]
    box = newsroom.page("2014/10/bai-2/").select_one(".series-box")
    rows = [" ".join(li.get_text().split()) for li in box.select("li")]
    assert rows[0].startswith("Bài số 4") and "(bài đang xem)" in rows[1] and rows[2].startswith("Bài số 1")
    assert box.select_one("[aria-current=page]").get_text() == "Bài số 2 về giao ban"
    assert newsroom.page("2014/10/bai-5/").select(".series-box") == []  # in no series


# --- expiry ---------------------------------------------------------------------------------------

def _everywhere(site: SiteDir, slug: str) -> dict[str, bool]:
    out = site.output
    records = " ".join(p.read_text(encoding="utf-8") for p in (out / "tim-kiem").rglob("*.json"))
    return {"home": slug in (out / "index.html").read_text(encoding="utf-8"),
            "category": slug in (out / "chuyen-muc/ky-hop/index.html").read_text(encoding="utf-8"),
            "feed": slug in (out / "feed.xml").read_text(encoding="utf-8"),
            "sitemap": slug in (out / "sitemap.xml").read_text(encoding="utf-8"),
            "search": slug in records, "page": (out / "2014/10" / slug / "index.html").exists()}


def test_an_expired_article_keeps_its_page_marked_and_leaves_every_list(newsroom: SiteDir) -> None:
    assert _everywhere(newsroom, "bai-3") == {"home": False, "category": False, "feed": False, "sitemap": False,
                                              "search": False, "page": True}
    page = newsroom.page("2014/10/bai-3/")
    assert "đã hết hạn từ" in text_of(page, ".expired-note") and "01/11/2014" in text_of(page, ".expired-note")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_expiry_takes_effect_at_the_first_build_after_its_moment_in_both_modes(tmp_path: Path) -> None:
    site = _newsroom_site(tmp_path / "site")
    assert site.build("--now", "2014-10-31T23:00:00+07:00").returncode == 0
    assert _everywhere(site, "bai-3") == dict.fromkeys(("home", "category", "feed", "sitemap", "search", "page"), True)
    assert site.page("2014/10/bai-3/").select(".expired-note") == []
    assert site.build("--now", "2014-11-01T00:00:00+07:00").returncode == 0  # the moment itself
    assert _everywhere(site, "bai-3")["page"] and not _everywhere(site, "bai-3")["home"]
    site.write("site.yaml", SITE_YAML.replace("expired: notice", "expired: remove"))
    assert site.build("--now", "2014-11-01T00:00:00+07:00").returncode == 0
    assert not any(_everywhere(site, "bai-3").values())


def test_build_reports_what_is_published_or_expires_in_the_next_24_hours(tmp_path: Path) -> None:
    site = _newsroom_site(tmp_path / "site")
    result = site.build("--now", "2014-12-31T12:00:00+07:00")
    assert result.returncode == 0, result.stderr
    assert "Sẽ đăng lúc 01/01/2015 08:00: Bài số 6 về giao ban (content/2014/10/bai-6.md)" in result.stdout
    assert "Sẽ hết hạn lúc" not in result.stdout  # bai-6 expires at 17:00, more than 24 hours ahead
    again = site.build("--now", "2015-01-01T09:00:00+07:00")
    assert "Sẽ hết hạn lúc 01/01/2015 17:00: Bài số 6 về giao ban (content/2014/10/bai-6.md)" in again.stdout
    english = site.build("--now", "2015-01-01T09:00:00+07:00", env={"GIAOBAN_LANG": "en"})
    assert "To expire at 01/01/2015 17:00: Bài số 6 về giao ban" in english.stdout  # nothing to build: from the record
    later = site.build("--now", "2015-01-02T09:00:00+07:00")
    assert "Sẽ hết hạn" not in later.stdout and "Sẽ đăng" not in later.stdout


# --- on an article --------------------------------------------------------------------------------

def test_share_links_are_plain_links_to_the_articles_address(newsroom: SiteDir) -> None:
    page = newsroom.page("2014/10/bai-2/")
    canonical = page.select_one('link[rel="canonical"]')["href"]
    links = {a.get_text(): a["href"] for a in page.select(".share a")}
    assert parse_qs(urlsplit(links["Zalo"]).query)["url"] == [canonical] and links["Zalo"].startswith("https://zalo.me/share?")
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [canonical]
    mail = parse_qs(urlsplit(links["Gửi bài viết qua thư điện tử"]).query)
    assert links["Gửi bài viết qua thư điện tử"].startswith("mailto:?")
    assert mail == {"subject": ["Bài số 2 về giao ban"], "body": [canonical]}
    copy = page.select_one(".share input")
    assert copy["value"] == canonical and copy.has_attr("readonly") and page.select_one(f'label[for="{copy["id"]}"]')
    assert not [s for s in page.select("script[src]")], "no script of another site"


def test_an_embed_is_a_card_linking_out_with_the_sites_own_poster(newsroom: SiteDir) -> None:
    page = newsroom.page("2014/10/bai-1/")
    card = page.select_one(".body figure.embed-card a")
    assert card["href"] == "https://www.youtube.com/watch?v=abc123"
    assert " ".join(card.get_text().split()) == "Toàn cảnh phiên khai mạc Xem trên YouTube"
    assert card.select_one("img")["src"].startswith("/anh/poster-") and card.select_one("img")["alt"] == ""
    assert page.select("iframe") == [] and "youtube" not in " ".join(i["src"] for i in page.select("img"))


def test_an_embed_from_a_host_not_allowed_is_an_error_at_its_line(newsroom: SiteDir, tmp_path: Path) -> None:
    site = _newsroom_site(tmp_path / "site")
    assert site.build("--now", NOW).returncode == 0
    before = tree_digest(site.output)
    site.article("content/2014/10/la.md", "Video lạ", "2014-10-09", "Đoạn đầu.\n\n@[Xem](https://video.example.com/v/1)\n")
    result = site.build("--now", NOW)
    assert result.returncode == 1
    assert "content/2014/10/la.md:8:" in result.stderr and "https://video.example.com/v/1" in result.stderr
    assert "embed_hosts" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site.output) == before
    site.write("site.yaml", SITE_YAML + "embed_hosts: [youtube.com, video.example.com]\n")
    assert site.build("--now", NOW).returncode == 0
    assert site.page("2014/10/video-la/").select_one(".embed-card .embed-host").get_text() == "Xem trên video.example.com"


def test_an_article_shows_its_source_reading_time_and_contents(newsroom: SiteDir) -> None:
    page = newsroom.page("2014/10/bai-4/")
    assert text_of(page, ".news-source") == "Nguồn: Báo Cao Bằng"
    assert page.select_one(".news-source a")["href"] == "https://baocaobang.vn/giao-ban"
    assert "Đọc khoảng 1 phút" in page.get_text()
    assert [a["href"] for a in page.select("nav.toc a")] == ["#khai-mac", "#dien-bien", "#be-mac"]
    assert all(page.select_one(a["href"]) for a in page.select("nav.toc a"))


def test_the_seo_title_is_for_search_engines_and_the_visible_title_stays(newsroom: SiteDir) -> None:
    page = newsroom.page("2014/10/bai-5/")
    assert page.title.get_text() == "Lễ hội Thác Bản Giốc 2014 – tin ngắn – HĐND tỉnh Thử nghiệm"
    assert page.select_one('meta[property="og:title"]')["content"] == "Lễ hội Thác Bản Giốc 2014 – tin ngắn"
    assert page.select_one('meta[name="description"]')["content"] == "Mô tả cho máy tìm kiếm."
    assert text_of(page, "h1") == "Bài số 5 về giao ban"


def test_an_article_that_links_out_leads_there_from_lists_and_feeds(newsroom: SiteDir) -> None:
    item = next(a for a in newsroom.page("").select(".front-latest .item-title a") if a.get_text() == "Bài đăng trên báo tỉnh")
    assert item["href"] == "https://baocaobang.vn/bai-goc" and item["rel"] == ["external"]
    feed = feedparser.parse((newsroom.output / "feed.xml").read_bytes())
    assert next(e for e in feed.entries if e.title == "Bài đăng trên báo tỉnh").link == "https://baocaobang.vn/bai-goc"
    assert text_of(newsroom.page("2014/09/ngoai/"), ".external-link") == "Đọc toàn văn bài viết tại baocaobang.vn"


def test_an_author_page_shows_the_profile_and_has_its_feed(newsroom: SiteDir) -> None:
    page = newsroom.page("tac-gia/tuyet-nhung/")
    profile = page.select_one(".author-profile")
    assert "Nguyễn Thị Tuyết Nhung" in profile.get_text() and "Phóng viên" in profile.get_text()
    assert (newsroom.output / profile.img["src"].lstrip("/")).is_file()
    feed = feedparser.parse((newsroom.output / "tac-gia/tuyet-nhung/feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 4  # bai-1, 2, 4, 5: bai-3 expired, bai-6 not yet
    assert page.select_one('link[type="application/atom+xml"][href="/tac-gia/tuyet-nhung/feed.xml"]')


def test_the_data_file_carries_the_newsrooms_fields_and_leaves_expired_items_out(newsroom: SiteDir) -> None:
    data = json.loads((newsroom.output / "du-lieu/noi-dung.json").read_text(encoding="utf-8"))
    by_url = {item["url"]: item for item in data["items"]}
    item = by_url[BASE + "2014/10/bai-4/"]
    assert item["categories"] == ["Kỳ họp", "Tin địa phương"] and item["series"] == "Giao ban 2014"
    assert (item["source"], item["source_url"]) == ("Báo Cao Bằng", "https://baocaobang.vn/giao-ban")
    assert by_url[BASE + "2014/09/ngoai/"]["external_url"] == "https://baocaobang.vn/bai-goc"
    assert BASE + "2014/10/bai-3/" not in by_url


def test_the_importers_field_names_are_read_as_the_newsrooms(site: SiteDir) -> None:
    site.write("content/2014/10/nhap.md", """
        ---
        title: "Tin nhập từ NukeViet"
        date: 2014-10-02
        category: "Hoạt động"
        chuyen_muc_khac: ["Tin địa phương"]
        dong_su_kien: "Giao ban 2014"
        nguon: "Báo Cao Bằng"
        het_han: 2099-01-01
        ---

        Nội dung.
        """)
    assert site.build().returncode == 0
    assert site.exists("dong-su-kien/giao-ban-2014/") and site.exists("chuyen-muc/tin-dia-phuong/")
    assert text_of(site.page("2014/10/tin-nhap-tu-nukeviet/"), ".news-source") == "Nguồn: Báo Cao Bằng"


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("yaml_text", "line", "words"), [
    ("front_page:\n  blocks:\n    - banner\n", 2, ("banner", "featured, latest")),
    ("categories:\n  ky-hop:\n    title: Kỳ họp\n    parent: hoat-dong\n", 4, ("ky-hop", "hoat-dong")),
    ("categories:\n  a:\n    parent: b\n  b:\n    parent: a\n", 3, ("'a'",)),
    ("expired: hide\n", 1, ("remove, notice",)),
])
def test_newsroom_settings_that_cannot_work_are_errors_at_their_line(site: SiteDir, yaml_text: str, line: int, words: tuple) -> None:
    site.article("content/2014/10/a.md", "Hội nghị", "2014-10-02")
    site.write("site.yaml", yaml_text)
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"site.yaml:{line}:" in result.stderr, result.stderr
    assert all(word in result.stderr for word in words), result.stderr
    assert not site.output.exists()


def test_front_matter_errors_name_the_line_in_english_too(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Hội nghị", "2014-10-02", featured="hai", source_url="baocaobang.vn/x")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/2014/10/a.md:4: 'featured' must be true/false or a rank from 1" in result.stderr, result.stderr


def test_an_authors_photo_that_is_not_there_is_an_error_naming_it(site: SiteDir) -> None:
    site.article("content/2014/10/a.md", "Hội nghị", "2014-10-02", author='"Tuyết Nhung"')
    site.write("authors.yaml", '"Tuyết Nhung":\n  photo: tac-gia/khong-co.jpg\n')
    result = site.build()
    assert result.returncode == 1 and "authors.yaml:1:" in result.stderr and "tac-gia/khong-co.jpg" in result.stderr


# --- accessibility and valid HTML -----------------------------------------------------------------

NEW_PAGES = ["", "2014/10/bai-1/", "2014/10/bai-3/", "chuyen-muc/", "chuyen-muc/ky-hop/", "dong-su-kien/giao-ban-2014/",
             "tac-gia/tuyet-nhung/"]


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", NEW_PAGES)
def test_the_newsrooms_pages_have_no_accessibility_violations(newsroom: SiteDir, browser, url: str, scheme: str) -> None:
    server = StaticServer(newsroom.output)
    context, phone = phone_page(browser, color_scheme=scheme)
    try:
        assert phone.goto(server.url + url).ok
        result = run_axe(phone)
    finally:
        context.close()
        server.close()
    assert result["passes"] > 10 and result["violations"] == [], "\n".join(result["violations"])


@pytest.mark.slow
def test_the_newsrooms_pages_are_valid_html(newsroom: SiteDir) -> None:
    files = [str(newsroom.output / url / "index.html") for url in NEW_PAGES]
    html = subprocess.run(["java", "-jar", str(VNU), "--errors-only", *files], capture_output=True, text=True, timeout=300)
    assert html.returncode == 0, html.stderr + html.stdout


@pytest.mark.slow
def test_the_share_address_can_be_selected_without_javascript(newsroom: SiteDir, browser) -> None:
    server = StaticServer(newsroom.output)
    context, phone = phone_page(browser, java_script_enabled=False)
    try:
        phone.goto(server.url + "2014/10/bai-2/")
        field = phone.get_by_label("Đường dẫn bài viết (chọn để chép)")
        field.select_text()  # as a reader's long press does, scripts off
        assert field.input_value() == BASE + "2014/10/bai-2/" and field.is_editable() is False
    finally:
        context.close()
        server.close()
