"""sitemap.xml read with an XML parser, and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SiteDir

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(site: SiteDir) -> dict[str, str]:
    root = ET.parse(site.output / "sitemap.xml").getroot()
    return {url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS) for url in root.findall("s:url", NS)}


def make_site(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\npage_size: 2\n')
    for i in range(1, 6):
        site.article(f"content/2024/05/tin-{i}.md", f"Tin số {i}", f"2024-05-{i:02d} 08:00", tags='["giám sát"]')
    site.article("content/2024/05/sua.md", "Tin đã sửa", "2024-05-06", updated="2024-06-01 10:00", category="Kỳ họp")
    site.article("content/2024/05/nhap.md", "Bản nháp", "2024-05-07", draft="true")
    site.article("content/2099/01/sau.md", "Bài hẹn giờ", "2099-01-01")
    site.write("content/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nNội dung.\n")
    site.write("content/pages/an.md", "---\ntitle: Trang nháp\ndraft: true\n---\n\nNội dung.\n")


def test_every_public_page_is_listed_with_lastmod(site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0
    urls = sitemap(site)
    base = "https://example.gov.vn/"
    for i in range(1, 6):
        assert urls[f"{base}2024/05/tin-so-{i}/"] == f"2024-05-{i:02d}T08:00:00+07:00"
    assert urls[base + "2024/05/tin-da-sua/"] == "2024-06-01T10:00:00+07:00"
    for listing in ("", "trang/2/", "trang/3/", "chu-de/", "chu-de/giam-sat/", "chu-de/giam-sat/trang/2/",
                    "chuyen-muc/ky-hop/", "2024/", "2024/05/", "luu-tru/", "gioi-thieu/"):
        assert base + listing in urls, listing
    assert urls[base + "chu-de/giam-sat/"] == "2024-05-05T08:00:00+07:00"  # its newest article
    assert urls[base] == "2024-06-01T10:00:00+07:00"
    assert all(value for value in urls.values())
    # Every article page that was built is in the sitemap.
    built = {p.parent.relative_to(site.output).as_posix() + "/" for p in site.output.glob("2024/05/*/index.html")}
    assert {base + u for u in built} <= set(urls)


def test_drafts_future_articles_and_404_are_never_listed(site: SiteDir) -> None:
    make_site(site)
    assert site.build("--drafts").returncode == 0  # drafts are rendered for preview ...
    assert site.exists("2024/05/ban-nhap")
    urls = " ".join(sitemap(site))  # ... but never announced
    assert "ban-nhap" not in urls and "bai-hen-gio" not in urls and "trang-nhap" not in urls
    assert "404" not in urls
    assert site.build().returncode == 0
    urls = " ".join(sitemap(site))
    assert "ban-nhap" not in urls and "bai-hen-gio" not in urls and "404" not in urls


def test_sitemap_is_sorted_and_byte_identical_across_rebuilds(tmp_path: Path, site: SiteDir) -> None:
    make_site(site)
    assert site.build().returncode == 0
    first = (site.output / "sitemap.xml").read_bytes()
    assert list(sitemap(site)) == sorted(sitemap(site))
    assert site.build("--output", str(tmp_path / "again")).returncode == 0  # its own cache: made again
    assert (tmp_path / "again" / "sitemap.xml").read_bytes() == first


def test_robots_txt_points_to_the_sitemap(site: SiteDir) -> None:
    make_site(site)
    assert site.build("--base-url", "https://example.gov.vn/hdnd/").returncode == 0
    robots = (site.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert "Sitemap: https://example.gov.vn/hdnd/sitemap.xml" in robots
    assert all(loc.startswith("https://example.gov.vn/hdnd/") for loc in sitemap(site))


@pytest.mark.slow
def test_a_site_beyond_50000_urls_gets_a_sitemap_index_of_parts_within_the_limit(site: SiteDir) -> None:
    # One page per list page: each article adds its own page and one to the home, year, month, category and tag lists.
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\npage_size: 1\n')
    for i in range(10_500):
        month = i % 12 + 1
        site.article(f"content/2024/{month:02d}/tin-{i}.md", f"Tin hoạt động số {i}", f"2024-{month:02d}-{i % 28 + 1:02d} 08:00",
                     tags=f'["giám sát", "khóa {i % 5}"]', category="Kỳ họp")
    assert site.build().returncode == 0
    index = ET.parse(site.output / "sitemap.xml").getroot()
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    parts = {s.findtext("s:loc", namespaces=NS): s.findtext("s:lastmod", namespaces=NS) for s in index.findall("s:sitemap", NS)}
    assert list(parts) == [f"https://example.gov.vn/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    urls: dict[str, str] = {}
    for loc, lastmod in parts.items():
        part = ET.parse(site.output / loc.rsplit("/", 1)[1]).getroot()
        entries = {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS) for u in part.findall("s:url", NS)}
        assert 0 < len(entries) <= 50_000
        assert max(entries.values()) == lastmod  # the index tells a crawler which part changed
        assert not urls.keys() & entries.keys()
        urls.update(entries)
    assert len(urls) > 50_000 and list(urls) == sorted(urls)
    built = {p.parent.relative_to(site.output).as_posix() + "/" for p in site.output.glob("**/index.html")}
    assert {"https://example.gov.vn/" + u.removeprefix("./") for u in built} == set(urls)
    assert "Sitemap: https://example.gov.vn/sitemap.xml" in (site.output / "robots.txt").read_text(encoding="utf-8")
