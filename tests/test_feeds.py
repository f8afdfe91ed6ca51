"""Atom and RSS feeds read back with feedparser: validity, ids, dates, Vietnamese text, links."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
from conftest import SiteDir

TITLE = "Kỳ họp thứ 7 HĐND tỉnh khóa XVII: Hội đồng thảo luận “ngân sách”"
BODY = "Đại biểu **thảo luận** về [chủ đề](/chu-de/ngan-sach/) và ![ảnh](/anh/ky-hop.jpg) <b>&</b> 5 < 6."


def make_site(site: SiteDir, count: int = 3) -> None:
    site.article("content/2024/05/ky-hop.md", TITLE, "2024-05-20 08:30", body=BODY, tags='["ngân sách", "Kỳ họp"]',
                 category="Hoạt động HĐND tỉnh", author="Thu Hà", updated="2024-05-21 17:00",
                 image="/anh/ky-hop.jpg", image_caption="Toàn cảnh kỳ họp")
    site.photo("static/anh/ky-hop.jpg")
    for i in range(1, count):
        site.article(f"content/2024/04/tin-{i}.md", f"Tin số {i}", f"2024-04-{i:02d}", tags='["ngân sách"]')
    site.article("content/2024/04/nhap.md", "Bản nháp", "2024-04-28", draft="true", tags='["ngân sách"]')
    site.article("content/2099/01/tuong-lai.md", "Bài hẹn giờ", "2099-01-01", tags='["ngân sách"]')


def feeds_of(output: Path) -> list[Path]:
    return sorted(p for name in ("feed.xml", "rss.xml") for p in output.rglob(name))


def test_every_feed_parses_without_error(site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0
    feeds = feeds_of(site.output)
    names = {p.relative_to(site.output).as_posix() for p in feeds}
    assert {"feed.xml", "rss.xml", "chu-de/ngan-sach/feed.xml", "chu-de/ngan-sach/rss.xml", "chu-de/ky-hop/feed.xml",
            "chuyen-muc/hoat-dong-hdnd-tinh/feed.xml", "chuyen-muc/hoat-dong-hdnd-tinh/rss.xml"} <= names
    assert any(n.startswith("tac-gia/") for n in names)  # each author has a feed too
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version in ("atom10", "rss20"), path
        assert parsed.entries, path


def test_entries_newest_first_limited_and_public_only(site: SiteDir) -> None:
    make_site(site, count=6)
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\nfeed_entries: 4\n')
    assert site.build().returncode == 0
    for name in ("feed.xml", "rss.xml", "chu-de/ngan-sach/feed.xml"):
        titles = [e.title for e in feedparser.parse((site.output / name).read_bytes()).entries]
        assert titles == [TITLE, "Tin số 5", "Tin số 4", "Tin số 3"], name


def test_entry_fields_dates_and_vietnamese_text(site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0
    atom = feedparser.parse((site.output / "feed.xml").read_bytes())
    entry = atom.entries[0]
    assert entry.title == TITLE  # Vietnamese and typographic quotes unchanged
    assert entry.link == "https://example.gov.vn/2024/05/ky-hop-thu-7-hdnd-tinh-khoa-xvii-hoi-dong-thao-luan-ngan-sach/"
    assert entry.published == "2024-05-20T08:30:00+07:00" and entry.updated == "2024-05-21T17:00:00+07:00"
    assert entry.author == "Thu Hà"
    assert {t.term for t in entry.tags} == {"ngân sách", "Kỳ họp", "Hoạt động HĐND tỉnh"}
    assert entry.summary.startswith("Đại biểu thảo luận về chủ đề")
    content = entry.content[0].value
    assert "<strong>thảo luận</strong>" in content
    # Every URL in the content is absolute, so it works in a feed reader.
    assert 'href="https://example.gov.vn/chu-de/ngan-sach/"' in content
    assert re.search(r'src="https://example.gov.vn/anh/ky-hop-[0-9a-f]{12}-800.jpg"', content)  # the photo at a width readers show
    assert atom.feed.updated == "2024-05-21T17:00:00+07:00"
    rss = feedparser.parse((site.output / "rss.xml").read_bytes())
    item = rss.entries[0]
    assert item.title == TITLE and item.id == entry.id
    assert item.published == "Mon, 20 May 2024 08:30:00 +0700"
    assert "<strong>thảo luận</strong>" in item.content[0].value
    raw = (site.output / "feed.xml").read_text(encoding="utf-8")
    assert "Kỳ họp thứ 7 HĐND tỉnh khóa XVII" in raw  # UTF-8 text, not character references


def test_entry_ids_survive_a_title_edit_and_a_rebuild(site: SiteDir) -> None:
    path = site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 7", "2024-05-20")
    assert site.build().returncode == 0
    before = feedparser.parse((site.output / "feed.xml").read_bytes()).entries[0]
    before_rss = feedparser.parse((site.output / "rss.xml").read_bytes()).entries[0]
    assert before.id == "tag:example.gov.vn,2024-05-20:/content/2024/05/ky-hop.md" == before_rss.id
    path.write_text(path.read_text(encoding="utf-8").replace("Kỳ họp thứ 7", "Kỳ họp thứ bảy (đã sửa)"), encoding="utf-8")
    assert site.build().returncode == 0
    after = feedparser.parse((site.output / "feed.xml").read_bytes()).entries[0]
    assert after.title == "Kỳ họp thứ bảy (đã sửa)" and after.link != before.link
    assert after.id == before.id


def test_feed_id_can_be_pinned_and_sub_path_is_part_of_the_id(site: SiteDir) -> None:
    site.article("content/2024/05/moved.md", "Bài đã chuyển tệp", "2024-05-20", feed_id="tag:example.gov.vn,2014-01-01:/cu")
    site.article("content/2024/05/b.md", "Bài khác", "2024-05-19")
    assert site.build("--base-url", "https://example.gov.vn/hdnd/").returncode == 0
    ids = [e.id for e in feedparser.parse((site.output / "feed.xml").read_bytes()).entries]
    assert ids == ["tag:example.gov.vn,2014-01-01:/cu", "tag:example.gov.vn,2024-05-19:/hdnd/content/2024/05/b.md"]


def test_feeds_are_byte_identical_across_rebuilds(tmp_path: Path, site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0
    assert site.build("--output", str(tmp_path / "again")).returncode == 0  # its own cache: made again
    first = {p.relative_to(site.output): p.read_bytes() for p in feeds_of(site.output)}
    second = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in feeds_of(tmp_path / "again")}
    assert len(first) > 2 and first == second


def test_pages_link_their_feeds(site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0

    def alternates(url: str) -> dict[str, str]:
        links = site.page(url).select('head link[rel="alternate"]')  # the site's data file is an alternate too
        return {link["href"]: link["type"] for link in links if link["type"] != "application/json"}

    site_feeds = {"/feed.xml": "application/atom+xml", "/rss.xml": "application/rss+xml"}
    assert alternates("") == site_feeds
    assert alternates("2024/04/tin-so-1") == site_feeds
    assert alternates("chu-de/ngan-sach") == {**site_feeds, "/chu-de/ngan-sach/feed.xml": "application/atom+xml",
                                              "/chu-de/ngan-sach/rss.xml": "application/rss+xml"}
    assert "/chuyen-muc/hoat-dong-hdnd-tinh/feed.xml" in alternates("chuyen-muc/hoat-dong-hdnd-tinh")
    for url in ("feed.xml", "rss.xml", "chu-de/ngan-sach/feed.xml"):
        assert (site.output / url).exists()


def test_dates_without_offset_are_vietnam_time_in_feeds(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Tin", "2024-05-31T23:30:00")
    assert site.build().returncode == 0
    entry = feedparser.parse((site.output / "feed.xml").read_bytes()).entries[0]
    assert entry.published == "2024-05-31T23:30:00+07:00"
    assert dt.datetime(*entry.published_parsed[:6]) == dt.datetime(2024, 5, 31, 16, 30)  # UTC
