"""Articles the old site showed, as saved from it: copied as plain text (as the seed in tests/data), or
saved as HTML pages (a folder of ``.html`` files), of which only the article is kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError
from .imported import Batch, Imported
from .legacy_text import ConversionMemo, decode_legacy, html_to_markdown
from .messages import msg
from .nukeviet import VIETNAM, old_addresses, uploads_in
from .vietnamese import nfc

_MONTHS = r"(?P<month>\d{1,2})"
_DATES = (  # "Ngày 02 tháng 10 năm 2014", "ngày 2/10/2014", "Ngày 02-10-2014"
    re.compile(rf"[Nn]gày\s+(?P<day>\d{{1,2}})\s+tháng\s+{_MONTHS}\s+năm\s+(?P<year>\d{{4}})"),
    re.compile(rf"[Nn]gày\s+(?P<day>\d{{1,2}})\s*[/.-]\s*{_MONTHS}\s*[/.-]\s*(?P<year>\d{{4}})"),
)
# The closing line that names who wrote it or where it came from: not body text.
_SIGNATURES = (("author", re.compile(r"^(?:Tác giả bài viết|Tác giả)\s*:\s*(?P<value>.+)$")),
               ("nguon", re.compile(r"^(?:Nguồn tin|Nguồn)\s*:\s*(?P<value>.+)$")))
_INDENT = re.compile(r"^[\s\u00a0]+")
CAPTION_LENGTH = 200  # a photo caption is a line of its own, short, not indented


class PlainTextArticle:
    """An article copied as text from the old site: the title on the first line, the lede, the body
    paragraphs (indented), maybe a photo caption, and "Tác giả bài viết: ..." at the end."""

    def knows(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in (".txt", "")

    def read(self, path: Path, display: str, memo: ConversionMemo) -> Batch:
        text, converted = decode_legacy(path, display)
        lines = [line.rstrip() for line in text.split("\n")]
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        if len(numbered) < 2:
            raise ContentError(display, msg("import_text_too_short"), 1)
        (_, title), *rest = numbered
        signatures: dict[str, str] = {}
        while rest and (found := _signature(rest[-1][1])):
            signatures.setdefault(*found)
            rest.pop()
        blocks = [(n, line, bool(_INDENT.match(line))) for n, line in rest]
        lede, caption, paragraphs = _arrange(blocks)
        date = _date_in(lede or " ".join(p for p in paragraphs[:2]))
        if date is None:
            raise ContentError(display, msg("import_no_date"), rest[0][0] if rest else 1)
        extra = {"nguon": signatures["nguon"]} if "nguon" in signatures else {}
        return Batch([Imported(display, " ".join(title.split()), date, tuple(paragraphs), summary=lede,
                               author=signatures.get("author", ""), image_caption=caption, extra=extra, converted_from=converted)])


def _signature(line: str) -> tuple[str, str] | None:
    for name, pattern in _SIGNATURES:
        found = pattern.match(line.strip())
        if found:
            return name, found.group("value").strip()
    return None


def _arrange(blocks: list[tuple[int, str, bool]]) -> tuple[str, str, list[str]]:
    """(lede, photo caption, body paragraphs) from the lines after the title.

    NukeViet shows its summary ("hometext") above the body and the copy keeps both: a first line
    that is not indented and that the next paragraph repeats is the summary, kept once. A short line
    of its own, not indented, right after the opening, is the caption of the photo that stood there.
    """
    texts = [_INDENT.sub("", line) for _, line, _ in blocks]
    lede = ""
    if len(blocks) > 1 and not blocks[0][2] and texts[1].startswith(texts[0][: max(20, len(texts[0]) // 2)]):
        lede, blocks, texts = texts[0], blocks[1:], texts[1:]
    caption = ""
    for index in (1, 0):  # after the first body paragraph, or first of all
        if index < len(blocks) and not blocks[index][2] and len(texts[index]) <= CAPTION_LENGTH and len(blocks) > 1:
            caption = texts.pop(index)
            break
    return lede, caption, texts


def _date_in(text: str) -> dt.date | None:
    for pattern in _DATES:
        found = pattern.search(text)
        if found:
            try:
                return dt.date(int(found.group("year")), int(found.group("month")), int(found.group("day")))
            except ValueError:
                continue
    return None


class SavedPage:
    """An article page of the old site saved as HTML ("Save page as" or a crawler's copy). The
    article is found by NukeViet's own marks (``itemprop="headline"``, ``#news-bodyhtml``, the
    author's and source's lines) or by the page's Open Graph data; menus, blocks, comments and
    scripts are left behind."""

    def knows(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in (".html", ".htm")

    def read(self, path: Path, display: str, memo: ConversionMemo) -> Batch:
        from bs4 import BeautifulSoup  # markdownify's own dependency

        text, converted = decode_legacy(path, display)
        page = BeautifulSoup(text, "html.parser")
        title = _first_text(page, "h1[itemprop=headline]", "h1.title", "article h1", "h1") or _meta(page, "og:title")
        body = page.select_one("#news-bodyhtml, [itemprop=articleBody], .bodytext, article")
        if not title or body is None:
            raise ContentError(display, msg("import_no_article"), 1)
        signatures = {}
        for line in page.select("p.h5, .author, .source"):
            found = _signature(" ".join(line.get_text(" ").split()))
            if found:
                signatures.setdefault(*found)
                line.decompose()
        summary = _first_text(page, ".hometext", "[itemprop=description]") or _meta(page, "og:description")
        figure = page.select_one("figure.article, .hometext ~ figure, figure")
        image = caption = ""
        if figure is not None and figure.find("img") is not None and not figure.find_parent(id="news-bodyhtml"):
            image = _site_path(figure.find("img").get("src", ""))
            caption = " ".join((figure.find("figcaption").get_text(" ") if figure.find("figcaption") else "").split())
        address = urlsplit(_link(page, "canonical") or _meta(page, "og:url") or path.name).path
        old = re.search(r"(?:^|/)(?P<category>[^/]+)/(?P<alias>[^/]+)-(?P<id>\d+)\.html?$", address) or \
            re.search(r"(?P<alias>[^/]+)-(?P<id>\d+)\.html?$", address)
        date = _page_date(page) or _date_in(summary) or _date_in(body.get_text(" "))
        if date is None:
            raise ContentError(display, msg("import_no_date"), 1)
        tags = [" ".join(a.get_text(" ").split()) for a in page.select('a[href*="/tag/"]')]
        crumbs = [" ".join(a.get_text(" ").split()) for a in page.select(".breadcrumbs a, .breadcrumb a")]
        markdown = html_to_markdown(body.decode_contents())
        category = old.groupdict().get("category") if old else None
        extra = {"nguon": signatures["nguon"]} if "nguon" in signatures else {}
        if old:
            extra["nukeviet_id"] = int(old.group("id"))
        return Batch([Imported(display, nfc(" ".join(title.split())), date, (), summary=nfc(" ".join(summary.split())),
                               author=signatures.get("author", ""), image=image, image_caption=caption, extra=extra,
                               aliases=old_addresses(category or "", old.group("alias"), old.group("id")) if old else (),
                               body=markdown, category=crumbs[-1] if len(crumbs) > 1 else "",
                               tags=tuple(dict.fromkeys(t for t in tags if t)), old_slug=old.group("alias") if old else "",
                               converted_from=converted, uploads=uploads_in(markdown) + _uploads_of(image))])


def _first_text(page, *selectors: str) -> str:
    for selector in selectors:
        found = page.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return " ".join(found.get_text(" ").split())
    return ""


def _meta(page, name: str) -> str:
    found = page.find("meta", attrs={"property": name}) or page.find("meta", attrs={"name": name})
    return str(found.get("content", "")).strip() if found else ""


def _link(page, rel: str) -> str:
    found = page.find("link", rel=rel)
    return str(found.get("href", "")).strip() if found else ""


def _site_path(src: str) -> str:
    """An image of the old site's uploads/ as a path of the new site; any other as it was."""
    found = re.match(r"(?:https?://[^/]+)?/(uploads/.+)$", src.strip())
    return found.group(1) if found else src.strip()


def _uploads_of(image: str) -> tuple[str, ...]:
    return (image.removeprefix("uploads/"),) if image.startswith("uploads/") else ()


_PUBLISHED = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\D{1,4}(?P<hour>\d{2}):(?P<minute>\d{2})")
_SHOWN = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?")


def _page_date(page) -> dt.date | dt.datetime | None:
    """When the page says the article was published: its ``article:published_time`` (NukeViet writes
    "2014-10-02ICT08:10:00"), or the date it shows under the title ("Thứ năm - 02/10/2014 08:10")."""
    for text, pattern in ((_meta(page, "article:published_time"), _PUBLISHED),
                          (_first_text(page, "[itemprop=datePublished]", "time", ".panel-body span.h5", "span.h5"), _SHOWN)):
        found = pattern.search(text)
        if found:
            numbers = {k: int(v) for k, v in found.groupdict().items() if v is not None}
            try:
                day = dt.date(numbers["year"], numbers["month"], numbers["day"])
                if "hour" in numbers:
                    return dt.datetime.combine(day, dt.time(numbers["hour"], numbers["minute"]), VIETNAM)
                return day
            except ValueError:
                continue
    return None
