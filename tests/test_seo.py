"""Sharing and search-engine tags: canonical, description, Open Graph, Twitter card, NewsArticle JSON-LD."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from conftest import SiteDir

HOSTILE = 'Kỳ họp </script><script>alert("x")</script> & “HĐND”'


def meta(page: BeautifulSoup) -> dict[str, str]:
    found = {}
    for tag in page.select("head meta[property], head meta[name]"):
        found.setdefault(tag.get("property") or tag.get("name"), tag["content"])
    return found


def json_ld(page: BeautifulSoup, kind: str = "NewsArticle") -> list[dict]:
    return [data for s in page.select('script[type="application/ld+json"]') if (data := json.loads(s.string))["@type"] == kind]


def test_article_has_open_graph_twitter_and_news_article(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Kỳ họp thứ 7 HĐND tỉnh", "2024-05-20 08:30", author="Thu Hà",
                 summary="Tóm tắt kỳ họp.", image="/anh/ky-hop.jpg", image_caption="Toàn cảnh", updated="2024-05-21",
                 tags='["kỳ họp"]')
    site.photo("static/anh/ky-hop.jpg", (1600, 900))
    assert site.build("--base-url", "https://example.gov.vn/hdnd/").returncode == 0
    page = site.page("2024/05/ky-hop-thu-7-hdnd-tinh")
    url = "https://example.gov.vn/hdnd/2024/05/ky-hop-thu-7-hdnd-tinh/"
    tags = meta(page)
    assert page.select_one('link[rel="canonical"]')["href"] == url
    assert tags["description"] == "Tóm tắt kỳ họp."
    assert tags["og:title"] == "Kỳ họp thứ 7 HĐND tỉnh" and tags["og:type"] == "article"
    assert tags["og:locale"] == "vi_VN" and tags["og:url"] == url and tags["og:description"] == "Tóm tắt kỳ họp."
    # The photo as made for sharing: the largest JPEG, without its metadata, with its size for the preview.
    assert re.fullmatch(r"https://example.gov.vn/hdnd/anh/ky-hop-[0-9a-f]{12}-1600.jpg", tags["og:image"])
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1600", "900")
    assert (site.output / tags["og:image"].removeprefix("https://example.gov.vn/hdnd/")).is_file()
    assert tags["twitter:card"] == "summary_large_image"
    # X falls back to og:title, og:description and og:image (developer.x.com/cards/markup): not repeated.
    assert not {"twitter:title", "twitter:description", "twitter:image"} & tags.keys()
    assert tags["article:published_time"] == "2024-05-20T08:30:00+07:00"
    [ld] = json_ld(page)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "Kỳ họp thứ 7 HĐND tỉnh"
    assert ld["datePublished"] == "2024-05-20T08:30:00+07:00" and ld["dateModified"] == "2024-05-21T00:00:00+07:00"
    assert ld["author"] == [{"@type": "Person", "name": "Thu Hà"}]
    assert ld["publisher"]["name"] == "HĐND tỉnh Thử nghiệm"
    assert ld["image"] == [tags["og:image"]]
    assert ld["mainEntityOfPage"] == url
    assert "Kỳ họp thứ 7" in page.select_one('script[type="application/ld+json"]').string  # UTF-8, not \u escapes


def test_listing_pages_are_websites_without_image_or_json_ld(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Tin", "2024-05-20")
    assert site.build().returncode == 0
    for url in ("", "chu-de/", "luu-tru/", "tim-kiem/"):
        page = site.page(url)
        tags = meta(page)
        assert tags["og:type"] == "website" and tags["og:locale"] == "vi_VN", url
        assert tags["og:title"] and tags["og:description"] and tags["description"], url
        assert "og:image" not in tags and tags["twitter:card"] == "summary", url
        assert page.select_one('link[rel="canonical"]')["href"] == "https://example.gov.vn/" + url
        assert json_ld(page) == [], url


def test_article_without_image_or_author_uses_the_publisher(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Tin ngắn", "2024-05-20")
    assert site.build().returncode == 0
    page = site.page("2024/05/tin-ngan")
    assert "og:image" not in meta(page)
    [ld] = json_ld(page)
    assert "image" not in ld and ld["author"] == [ld["publisher"]]


def test_json_ld_cannot_be_broken_out_of_by_a_title(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", HOSTILE, "2024-05-20", slug="hostile")
    assert site.build().returncode == 0
    html = (site.output / "2024/05/hostile/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert len(page.select("script")) == 2  # only the JSON-LD, the article's and its breadcrumbs'; no injected script element
    [ld] = json_ld(page)
    assert ld["headline"] == HOSTILE
    [trail] = json_ld(page, "BreadcrumbList")
    assert trail["itemListElement"][-1]["name"] == HOSTILE
    assert meta(page)["og:title"] == HOSTILE
    head = html.split("</head>")[0]
    assert head.count("</script>") == 2
