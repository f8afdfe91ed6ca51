"""A site in Vietnamese and English: editions under /en/, hreflang both ways, the language switch,
English words and dates from the catalogue, feeds, search and sitemap each within their language."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SiteDir, StaticServer, run_giaoban, text_of, tree_digest
from test_theme import VNU, phone_page, run_axe

from giaoban_site import vietnamese
from giaoban_site.languages import Catalogue, load_catalogue, missing_strings

BASE = "https://hdnd.example.gov.vn/"
SITE_YAML = f"""
title: "HĐND tỉnh Thử nghiệm"
base_url: "{BASE}"
languages:
  en:
    title: "Provincial People's Council"
    description: "The council's website in English"
"""


def _two_languages(root: Path) -> SiteDir:
    site = SiteDir(root)
    site.write("site.yaml", SITE_YAML)
    # A translated article (same path under content/en/, its own English slug), one in Vietnamese only
    # (its title decomposed, NFD, as some editors paste it), one in English only; eleven more for a second page.
    site.article("content/2014/10/giao-ban.md", "Hội nghị giao ban Thường trực HĐND tỉnh", "2014-10-02T08:30:00",
                 "Hội nghị giao ban tại huyện Trùng Khánh.", tags='["Giao ban"]', slug="giao-ban")
    site.article("content/en/2014/10/giao-ban.md", "Briefing of the Standing Committee", "2014-10-02T08:30:00",
                 'The briefing was held in Trung Khanh, the <span lang="vi">Hội nghị giao ban</span>.',
                 tags='["Briefing"]', slug="standing-committee-briefing")
    site.article("content/2014/11/chi-tieng-viet.md", unicodedata.normalize("NFD", "Tiếp xúc cử tri huyện Hà Quảng"),
                 "2014-11-05", "Đại biểu tiếp xúc cử tri.")
    site.article("content/en/2014/12/investment.md", "Investment conference", "2014-12-01", "Partners from Guangxi attended.",
                 tags='["Investment"]')
    for number in range(11):
        site.article(f"content/en/2015/01/news-{number}.md", f"English news {number}", f"2015-01-{number + 1:02d}", "Budget hearing.")
    site.write("content/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\nslug: gioi-thieu\n---\n\nHội đồng nhân dân tỉnh.\n")
    site.write("content/en/pages/about.md",
               "---\ntitle: About the council\nslug: about\ntranslation_key: pages/gioi-thieu.md\n---\n\nThe council.\n")
    return site


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = _two_languages(tmp_path_factory.mktemp("languages") / "site")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def _html_pages(site: SiteDir) -> dict[str, BeautifulSoup]:
    """Every HTML page of the output by its site-relative URL ("en/", "2014/10/giao-ban/")."""
    pages = {}
    for path in site.output.rglob("*.html"):
        relative = path.relative_to(site.output).as_posix()
        url = relative.removesuffix("index.html")
        pages[url] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return pages


def _hreflang(page: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"][hreflang]')}


def _relative(url: str) -> str:
    assert url.startswith(BASE), url
    return url[len(BASE):]


def test_every_hreflang_pair_points_both_ways_and_resolves(bilingual: SiteDir) -> None:
    pages = _html_pages(bilingual)
    pairs = 0
    for url, page in pages.items():
        alternates = _hreflang(page)
        if not alternates:
            continue
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert alternates[page.html["lang"]] == canonical, url  # the page names itself among its versions
        assert alternates["x-default"] == alternates["vi"], url
        for code, href in alternates.items():
            other = pages.get(_relative(href))
            assert other is not None, f"{url}: {code} leads to {href}, which is not built"
            assert other.html["lang"] == (code if code != "x-default" else "vi")
            assert _hreflang(other)[page.html["lang"]] == canonical, f"{href} does not point back to {url}"
            pairs += 1
    assert pairs >= 10  # article, page, home, search, archive, topics ... each both ways


def test_the_switch_leads_to_the_translation_or_to_the_other_home_page(bilingual: SiteDir) -> None:
    def switch(url: str) -> tuple[str, str, str]:
        link = bilingual.page(url).select_one(".language-switch a")
        return link["href"], link["lang"], link.get_text()

    assert switch("2014/10/giao-ban/") == ("/en/2014/10/standing-committee-briefing/", "en", "English")
    assert switch("en/2014/10/standing-committee-briefing/") == ("/2014/10/giao-ban/", "vi", "Tiếng Việt")
    assert switch("gioi-thieu/") == ("/en/about/", "en", "English")
    # Without a translation: that language's home page, and no alternate for search engines.
    assert switch("2014/11/tiep-xuc-cu-tri-huyen-ha-quang/") == ("/en/", "en", "English")
    assert _hreflang(bilingual.page("2014/11/tiep-xuc-cu-tri-huyen-ha-quang/")) == {}
    assert switch("en/2014/12/investment-conference/") == ("/", "vi", "Tiếng Việt")
    assert switch("chu-de/giao-ban/")[0] == "/en/"  # a topic of one language only


def test_english_pages_carry_english_words_dates_and_language(bilingual: SiteDir) -> None:
    article = bilingual.page("en/2014/10/standing-committee-briefing/")
    assert article.html["lang"] == "en"
    assert text_of(article, ".skip-link") == "Skip to main content"
    assert text_of(article, ".article .meta time") == "Thursday, 2 October 2014, 08:30"
    assert text_of(article, ".tags") == "Topics: Briefing"
    assert article.select_one('meta[property="og:locale"]')["content"] == "en_GB"
    assert article.select_one('span[lang="vi"]').get_text() == "Hội nghị giao ban"  # a Vietnamese quotation, marked
    assert text_of(article, ".site-title") == "Provincial People's Council"
    home = bilingual.page("en/")
    assert text_of(home, "h1") == "Latest news"
    assert text_of(home, ".pager") == "Page 1 of 2 Older →"
    assert home.select_one(".pager a")["href"] == "/en/page/2/"
    assert [a.get_text() for a in home.select(".site-nav a")] == ["Home", "Topics", "Archive"]
    assert text_of(bilingual.page("en/archive/"), ".archive-year h2") == "2015 (11 articles)"
    assert text_of(bilingual.page("en/2014/"), ".archive-month h2") == "December 2014 (1 article)"
    assert text_of(bilingual.page("en/404.html"), "h1") == "Page not found"
    # The Vietnamese edition is as it was: Vietnamese words and dates.
    vietnamese_article = bilingual.page("2014/10/giao-ban/")
    assert vietnamese_article.html["lang"] == "vi"
    assert text_of(vietnamese_article, ".article .meta time") == "Thứ Năm, 02/10/2014 08:30"
    assert text_of(bilingual.page(""), "h1") == "Tin mới nhất"


def test_feeds_stay_within_their_language(bilingual: SiteDir) -> None:
    english = feedparser.parse((bilingual.output / "en" / "feed.xml").read_bytes())
    vietnamese_feed = feedparser.parse((bilingual.output / "feed.xml").read_bytes())
    assert not english.bozo and not vietnamese_feed.bozo
    assert english.feed.title == "Provincial People's Council" and english.feed.language == "en"
    assert all(urlsplit(e.link).path.startswith("/en/") for e in english.entries) and len(english.entries) == 13
    assert sorted(e.title for e in vietnamese_feed.entries) == ["Hội nghị giao ban Thường trực HĐND tỉnh", "Tiếp xúc cử tri huyện Hà Quảng"]
    topic = feedparser.parse((bilingual.output / "en" / "topics" / "investment" / "feed.xml").read_bytes())
    assert topic.feed.title == "Topics: Investment – Provincial People's Council"
    assert bilingual.page("en/").select_one('link[type="application/atom+xml"]')["href"] == "/en/feed.xml"


def _search_records(site: SiteDir, folder: str) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((site.output / folder / "bai").glob("*.json"))]


def test_search_indexes_stay_within_their_language(bilingual: SiteDir) -> None:
    english = _search_records(bilingual, "en/search")
    assert {r["u"] for r in english} >= {"en/2014/10/standing-committee-briefing/", "en/2014/12/investment-conference/"}
    assert all(r["u"].startswith("en/") for r in english) and len(english) == 13
    assert next(r["d"] for r in english if r["u"].endswith("investment-conference/")) == "Monday, 1 December 2014"
    assert all(not r["u"].startswith("en/") for r in _search_records(bilingual, "tim-kiem"))
    shards = " ".join(p.read_text(encoding="utf-8") for p in (bilingual.output / "en" / "search" / "chi-muc").glob("*.json"))
    assert "briefing" in shards and '"cu"' not in shards and "tri" not in shards  # "cử tri": a Vietnamese-only article's words


def test_sitemap_lists_each_page_once_with_its_translations(bilingual: SiteDir) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(bilingual.output / "sitemap.xml").getroot()
    entries = {_relative(u.find("s:loc", ns).text): {a.get("hreflang"): _relative(a.get("href")) for a in u.findall("x:link", ns)}
               for u in root.findall("s:url", ns)}
    assert entries["2014/10/giao-ban/"] == {"vi": "2014/10/giao-ban/", "en": "en/2014/10/standing-committee-briefing/"}
    assert entries["en/2014/10/standing-committee-briefing/"] == entries["2014/10/giao-ban/"]
    assert entries["en/"] == {"vi": "", "en": "en/"}
    assert entries["2014/11/tiep-xuc-cu-tri-huyen-ha-quang/"] == {}
    assert "en/404.html" not in entries


@pytest.mark.slow
def test_english_search_finds_english_articles_only(bilingual: SiteDir, browser) -> None:
    server = StaticServer(bilingual.output)
    context, phone = phone_page(browser)
    try:
        phone.goto(server.url + "en/search/")
        phone.fill("#tu-khoa", "briefing")
        phone.locator(".search-result-list li").first.wait_for()
        assert phone.locator(".search-results").inner_text().startswith("1 article found for «briefing».")
        phone.fill("#tu-khoa", "cu tri")
        phone.get_by_text("No article found for «cu tri».").wait_for()
        phone.goto(server.url + "tim-kiem/")
        phone.fill("#tu-khoa", "cu tri")
        phone.get_by_text("Tìm thấy 1 bài viết cho «cu tri».").wait_for()
    finally:
        context.close()
        server.close()


@pytest.mark.slow
@pytest.mark.parametrize("url", ["en/", "en/2014/10/standing-committee-briefing/", "en/archive/", "en/search/", "en/404.html"])
def test_english_pages_have_no_accessibility_violations(bilingual: SiteDir, browser, url: str) -> None:
    server = StaticServer(bilingual.output)
    context, phone = phone_page(browser)
    try:
        assert phone.goto(server.url + url).ok
        result = run_axe(phone)
    finally:
        context.close()
        server.close()
    assert result["passes"] > 10 and result["violations"] == [], "\n".join(result["violations"])


@pytest.mark.slow
def test_both_editions_are_valid_html(bilingual: SiteDir) -> None:
    html = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(bilingual.output)],
                          capture_output=True, text=True, timeout=300)
    assert html.returncode == 0, html.stderr + html.stdout


def test_declaring_a_language_without_its_content_changes_no_byte(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    shutil.rmtree(site.root / "content" / "en")
    site.write("site.yaml", f'title: "HĐND tỉnh Thử nghiệm"\nbase_url: "{BASE}"\n')
    assert site.build().returncode == 0
    alone = tree_digest(site.output)
    site.write("site.yaml", SITE_YAML)
    assert site.build("--output", str(tmp_path / "declared")).returncode == 0
    assert tree_digest(tmp_path / "declared") == alone
    assert not (tmp_path / "declared" / "en").exists()
    assert not any(_hreflang(page) or page.select(".language-switch") for page in _html_pages(site).values())


def test_a_language_with_pages_only_gets_no_empty_archives(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    shutil.rmtree(site.root / "content" / "en" / "2014")
    shutil.rmtree(site.root / "content" / "en" / "2015")
    assert site.build().returncode == 0
    english = sorted(p.relative_to(site.output / "en").as_posix() for p in (site.output / "en").rglob("*") if p.is_file())
    assert english == ["404.html", "about/index.html", "data/content.json", "index.html"]
    home = site.page("en/")
    assert [a.get_text() for a in home.select(".article-list a")] == ["About the council"]
    assert not home.select('link[type="application/atom+xml"]') and not home.select('a[href^="/en/topics"]')


def test_one_string_of_the_theme_can_be_changed_in_site_yaml(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    assert site.build().returncode == 0  # then each change below rebuilds from this one
    site.write("site.yaml", SITE_YAML + '    strings:\n      skip_link: "Go to the content"\nstrings:\n  skip_link: "Đọc nội dung"\n')
    assert site.build().returncode == 0
    assert text_of(site.page("en/"), ".skip-link") == "Go to the content"
    assert text_of(site.page(""), ".skip-link") == "Đọc nội dung"
    site.write("templates/i18n/en.yaml", 'back_to_top: "↑ Top"\n')  # the site's own catalogue file
    assert site.build().returncode == 0
    assert text_of(site.page("en/2014/12/investment-conference/"), 'a[href="#dau-trang"]') == "↑ Top"


def test_check_finds_a_broken_link_in_the_english_menu(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("site.yaml", SITE_YAML + '    menu:\n      - title: Contact\n        url: "en/contact/"\n')
    result = run_giaoban("check", "--source", str(site.root), env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0
    assert "site.yaml:9: link to /en/contact/ leads to no page or file of the site" in result.stderr


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_undeclared_language_is_an_error_at_its_line_and_output_stays(bilingual: SiteDir, tmp_path: Path, lang: str) -> None:
    site = _two_languages(tmp_path / "site")
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    site.write("content/2014/12/phap.md", "---\ntitle: Bài tiếng Pháp\ndate: 2014-12-02\nlang: fr\n---\n\nTexte.\n")
    result = site.build(env={"GIAOBAN_LANG": lang})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    expected = "language 'fr' is not declared in site.yaml" if lang == "en" else "ngôn ngữ 'fr' chưa khai báo trong site.yaml"
    assert f"content/2014/12/phap.md:4: {expected}" in result.stderr
    assert tree_digest(site.output) == before


def test_a_lang_field_that_contradicts_the_folder_is_an_error_at_its_line(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("content/en/2014/12/mixed.md", "---\ntitle: Mixed\ndate: 2014-12-02\nlang: vi\n---\n\nText.\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert ("content/en/2014/12/mixed.md:4: the file is in the folder of language 'en' but says 'lang: vi'; "
            "remove the 'lang' line or move the file") in result.stderr


def test_a_default_language_without_a_whole_catalogue_is_an_error_at_its_line(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Conseil"\nlanguage: fr\n')
    site.article("content/2024/05/a.md", "Séance", "2024-05-01")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert re.search(r"site\.yaml:2: language 'fr' lacks \d+ theme string\(s\) .*: add them to templates/i18n/fr\.yaml", result.stderr)
    english = (REPO / "src/giaoban_site/templates/i18n/en.yaml").read_text(encoding="utf-8").replace("English", "Français")
    site.write("templates/i18n/fr.yaml", english)  # a whole catalogue (here the English words): the site builds
    assert site.build().returncode == 0
    assert site.page("").html["lang"] == "fr"


def test_two_items_claiming_one_translation_are_both_named(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("content/en/pages/about-too.md", "---\ntitle: About again\ntranslation_key: pages/gioi-thieu.md\n---\n\nAgain.\n")
    result = site.build()
    assert result.returncode != 0
    claimed = "bản dịch 'pages/gioi-thieu.md' sang ngôn ngữ 'en' đã có ở"
    assert f"content/en/pages/about-too.md: {claimed} content/en/pages/about.md" in result.stderr
    assert "content/en/pages/about.md: bản dịch" in result.stderr


def test_a_language_without_a_catalogue_is_an_error_naming_site_yaml(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("site.yaml", SITE_YAML + "  fr:\n    title: Conseil\n  Tiếng-Anh:\n    title: x\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert re.search(r"site\.yaml:7: language 'fr' lacks \d+ theme string\(s\) \(.*\): add them to templates/i18n/fr\.yaml", result.stderr)
    assert "site.yaml:9: 'Tiếng-Anh' is not a language code" in result.stderr


def test_a_string_a_template_asks_for_and_no_catalogue_has_is_an_error_naming_it(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("templates/page.html", "{% extends 'base.html' %}{% block main %}{{ t('council_hours') }}{% endblock %}")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "page.html: the template uses the theme string 'council_hours', which the 'vi' catalogue lacks" in result.stderr
    # Given in Vietnamese only, the English catalogue lacks it: said before any page is made.
    site.write("templates/i18n/vi.yaml", 'council_hours: "Giờ làm việc"\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert "site.yaml:4: language 'en' lacks 1 theme string(s) (council_hours ...)" in result.stderr
    site.write("templates/i18n/en.yaml", 'council_hours: "Office hours"\n')
    assert site.build().returncode == 0
    assert site.page("en/about/").select_one("main").get_text().strip() == "Office hours"


def test_the_english_catalogue_has_every_string_of_the_vietnamese_one() -> None:
    vi, _ = load_catalogue("vi", Path("/nonexistent"))
    en, _ = load_catalogue("en", Path("/nonexistent"))
    assert missing_strings(en, vi) == []
    assert en.date_full(dt.date(2014, 10, 2)) == "Thursday, 2 October 2014"
    assert en.file_size(1_234_567) == "1.2 MB" and vi.file_size(1_234_567) == "1,2 MB"


def test_vietnamese_dates_from_the_catalogue_are_those_of_vietnamese_py() -> None:
    vi, _ = load_catalogue("vi", Path("/nonexistent"))
    day = dt.datetime(2020, 1, 1, 7, 5, tzinfo=dt.timezone.utc)
    for _ in range(400):
        assert vi.date_full(day) == vietnamese.format_date(day)
        assert vi.date_time(day) == vietnamese.format_date(day, with_time=True)
        assert vi.date_long(day) == vietnamese.format_date_long(day)
        assert vi.weekday_in_text(day) == vietnamese.weekday_in_text(day)
        day += dt.timedelta(days=1, hours=5)


def test_a_date_format_that_shows_the_time_shows_each_moments_own() -> None:
    """Dates are kept by day where the format shows no time, not where a site's catalogue shows it."""
    vi, _ = load_catalogue("vi", Path("/nonexistent"))
    morning, evening = (dt.datetime(2014, 10, 2, hour, 30, tzinfo=dt.timezone.utc) for hour in (8, 19))
    assert vi.date_full(morning) == vi.date_full(evening) == "Thứ Năm, 02/10/2014"
    with_time = Catalogue("vi", {**vi.strings, "date_full": "{dd}/{mm}/{yyyy} lúc {HH}:{MM}"})
    assert with_time.date_full(morning) == "02/10/2014 lúc 08:30"
    assert with_time.date_full(evening) == "02/10/2014 lúc 19:30"
    assert with_time.date_time(evening) == "02/10/2014 lúc 19:30 19:30"  # date_time is "{date} {HH}:{MM}"


def test_the_repository_site_has_the_english_pages_the_decree_asks_for(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_giaoban("build", "--source", str(REPO), "--output", str(out)).returncode == 0
    pages = {url: BeautifulSoup((out / url / "index.html").read_text(encoding="utf-8"), "html.parser")
             for url in ("en/organisation", "en/leadership", "en/contact")}
    assert "Functions, tasks and powers" in pages["en/organisation"].get_text()
    assert "[TO FILL IN" in pages["en/leadership"].get_text()  # the placeholders are marked, never made up
    contact = pages["en/contact"].select_one("table").get_text()
    assert all(column in contact for column in ("Name", "Position and unit", "Telephone", "Fax", "E-mail"))
    assert _hreflang(pages["en/organisation"])["vi"] == "https://hdndcaobang.gov.vn/gioi-thieu/"


def test_a_register_item_in_the_english_folder_is_told_where_files_can_go(tmp_path: Path) -> None:
    site = _two_languages(tmp_path / "site")
    site.write("content/en/van-ban/nq-15.md", "---\nso_ky_hieu: 15/2024/NQ-HĐND\n---\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode != 0
    assert "content/en/van-ban/: no content type uses folder content/en/van-ban/" in result.stderr
    assert "(content/en/[0-9][0-9][0-9][0-9]/, content/en/pages/)" in result.stderr
    (site.root / "content/en/van-ban/nq-15.md").unlink()
    # A register's item with ``lang: en`` in the Vietnamese folder: registers are the default language's.
    site.write("content/van-ban/nq-15.md", "---\nso_ky_hieu: 15/2024/NQ-HĐND\nloai: Nghị quyết\ntrich_yeu: Về ngân sách\n"
                                           "ngay_ban_hanh: 2024-07-12\nlang: en\n---\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert "content/van-ban/nq-15.md:6: 'van-ban' items are published in the default language only; remove the line 'lang: en'" \
        in result.stderr
