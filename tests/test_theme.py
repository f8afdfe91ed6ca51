"""The default theme holds to the "citizens first" standard in a real browser and validator.

One small but representative site (Vietnamese titles, taxonomies, a wide table, code, a footnote, a photo
with a caption, long unbroken words, enough articles to paginate) is built on top of the repository's own
content; every kind of page is then checked the way a citizen meets it: with a screen reader (axe-core),
on a 360 px phone with large text, without JavaScript, on slow data (page weight) and on paper (print).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SiteDir, StaticServer, run_giaoban

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SEED_URL = "2014/10/hoi-nghi-giao-ban-thuong-truc-hdnd-lan-thu-2-nam-2014/"
RICH_URL = "2024/05/bao-cao-ket-qua-giam-sat-chuyen-de-nam-2024/"
LONG_WORD = "Nghịquyếtsố" * 8  # pasted copy sometimes loses its spaces
LONG_URL = "https://hdndcaobang.gov.vn/van-ban/" + "nghi-quyet-ve-ke-hoach-dau-tu-cong-trung-han-" * 4 + "2021-2025.pdf"
PHONE = {"width": 360, "height": 740}
OLD_URL = "vi/news/hoat-dong/bao-cao-giam-sat-2024-321.html"  # an alias of the rich article

# A wide photo as SVG: no image library needed, and it is wider than any phone.
PHOTO = ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" viewBox="0 0 1200 600">'
         '<rect width="1200" height="600" fill="#7a8b6f"/><circle cx="600" cy="300" r="200" fill="#c9b458"/></svg>')

RICH_BODY = f"""
Sáng ngày 20/5/2024, Ban Kinh tế – Ngân sách HĐND tỉnh báo cáo kết quả giám sát chuyên đề.[^1]

## Kết quả giám sát

Đoàn giám sát đã làm việc với các huyện theo bảng dưới đây.

| Huyện | Số cuộc giám sát | Kiến nghị | Đã giải quyết | Đang giải quyết | Chưa giải quyết | Ghi chú của đoàn giám sát |
|---|---:|---:|---:|---:|---:|---|
| Trùng Khánh | 4 | 12 | 9 | 2 | 1 | Đề nghị UBND huyện báo cáo tiến độ trước kỳ họp cuối năm |
| Hà Quảng | 3 | 8 | 6 | 1 | 1 | Cần bổ sung hồ sơ đất đai |
| Bảo Lạc | 2 | 5 | 5 | 0 | 0 | Hoàn thành |

### Ý kiến của cử tri

> Cử tri đề nghị sớm hoàn thành tuyến đường liên xã trước mùa mưa lũ.

1. Tiếp tục theo dõi việc giải quyết kiến nghị.
2. Báo cáo tại kỳ họp thường lệ cuối năm.

Văn bản gốc: {LONG_URL}

Từ dài không có dấu cách: {LONG_WORD}

![Quang cảnh buổi giám sát tại huyện Trùng Khánh](/anh/giam-sat.svg "Quang cảnh buổi giám sát tại huyện Trùng Khánh.")

<table class="bang-cu"><tr><td>Bảng dán từ trang cũ</td><td>{LONG_URL}</td><td>{"Nghịquyết" * 6}</td></tr></table>

Mẫu báo cáo số liệu gửi về Văn phòng:

```python
def tong_kien_nghi(bang):
    return sum(dong["kien_nghi"] for dong in bang)  # tổng số kiến nghị của tất cả các huyện trong kỳ giám sát
```

[^1]: Theo Kế hoạch số 15/KH-HĐND ngày 10/4/2024.
"""

TOPICS = ["giám sát", "kỳ họp", "tiếp xúc cử tri", "Đại biểu HĐND", "Ủy ban MTTQ"]


# After session 18, before session 19 (announced on the home page) and before Nghị quyết 15 takes effect.
THEME_NOW = "2024-07-15T08:00:00+07:00"


@pytest.fixture(scope="module")
def theme_site(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The repository's site.yaml and content plus fourteen articles and a page written here."""
    site = SiteDir(tmp_path_factory.mktemp("theme") / "site")
    shutil.copytree(REPO / "content", site.root / "content")
    shutil.copy(REPO / "site.yaml", site.root / "site.yaml")
    site.write("static/anh/giam-sat.svg", PHOTO)
    site.article("content/2024/05/giam-sat.md", "Báo cáo kết quả giám sát chuyên đề năm 2024", "2024-05-20T08:30:00",
                 RICH_BODY, tags='["giám sát", "Đại biểu HĐND"]', category='"Hoạt động HĐND tỉnh"',
                 author='["Minh Hòa", "Đức Anh"]', updated="2024-05-21T10:00:00",
                 image="anh/giam-sat.svg", image_caption='"Đoàn giám sát làm việc tại huyện Trùng Khánh."',
                 aliases=f'["/{OLD_URL}"]')
    site.write("content/van-ban/nq-15.md", """
        ---
        so_ky_hieu: "15/2024/NQ-HĐND"
        loai: Nghị quyết
        co_quan_ban_hanh: HĐND tỉnh Cao Bằng
        ngay_ban_hanh: 2024-07-12
        ngay_hieu_luc: 2024-07-22
        trich_yeu: "Về kế hoạch đầu tư công trung hạn giai đoạn 2021–2025"
        linh_vuc: [Đầu tư công]
        ky_hop: khoa-xvii-ky-hop-18
        thay_the: ["10/2020/NQ-HĐND"]
        file:
          - file: nq-15-2024.pdf
            title: "Toàn văn Nghị quyết số 15/2024/NQ-HĐND (bản ký số)"
          - phu-luc-danh-muc-du-an-dau-tu-cong-trung-han.xlsx
        ---

        Nghị quyết được thông qua tại kỳ họp thứ 18.
        """)
    site.write("content/van-ban/nq-10.md", """
        ---
        so_ky_hieu: "10/2020/NQ-HĐND"
        loai: Nghị quyết
        co_quan_ban_hanh: HĐND tỉnh Cao Bằng
        ngay_ban_hanh: 2020-07-10
        ngay_hieu_luc: 2020-07-20
        trich_yeu: "Về kế hoạch đầu tư công trung hạn giai đoạn 2016–2020"
        linh_vuc: [Đầu tư công]
        ---
        """)
    site.write("content/ky-hop/ky-18.md", """
        ---
        khoa: XVII
        nhiem_ky: 2021–2026
        so: 18
        hinh_thuc: thường lệ
        ngay_bat_dau: 2024-07-10
        ngay_ket_thuc: 2024-07-12
        dia_diem: Hội trường HĐND tỉnh
        the: kỳ họp
        ---

        1. Khai mạc kỳ họp.
        2. Thảo luận tại tổ.
        """)
    site.write("content/ky-hop/ky-19.md", "---\nkhoa: XVII\nso: 19\nhinh_thuc: chuyên đề\nngay_bat_dau: 2024-08-20\n"
                                          "dia_diem: Hội trường HĐND tỉnh\n---\n")
    for name, unit, role in (("Nguyễn Thị Ánh", "Đơn vị bầu cử số 2", "Phó Chủ tịch HĐND tỉnh"),
                             ("Hoàng Văn Bình", "Đơn vị bầu cử số 1", ""), ("Đàm Văn An", "Đơn vị bầu cử số 1", "")):
        site.write(f"content/dai-bieu/{name.split()[-1].lower()}.md",
                   f"---\ntitle: {name}\nkhoa: XVII\ndon_vi_bau_cu: {unit}\nchuc_vu: '{role}'\n---\n")
    (site.root / "content/van-ban/nq-15-2024.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 250_000)
    (site.root / "content/van-ban/phu-luc-danh-muc-du-an-dau-tu-cong-trung-han.xlsx").write_bytes(b"PK" + b"0" * 40_000)
    for i in range(1, 14):
        title = f"Kỳ họp thứ {i} HĐND tỉnh khóa XVII: {LONG_WORD}" if i == 7 else f"Tiếp xúc cử tri đợt {i} trước kỳ họp"
        site.article(f"content/2024/{(i % 4) + 1:02d}/bai-{i}.md", title, f"2024-{(i % 4) + 1:02d}-{i:02d}T07:00:00",
                     f"Đại biểu HĐND tỉnh tiếp xúc cử tri tại xã số {i}.\n\nNội dung thứ hai.",
                     tags=json.dumps([TOPICS[i % 5], TOPICS[(i + 2) % 5]], ensure_ascii=False),
                     category='"Hoạt động HĐND tỉnh"' if i % 2 else '"Tin địa phương"',
                     author='"Tuyết Nhung"' if i % 3 else '"Văn phòng HĐND tỉnh"')
    site.write("content/pages/co-cau-to-chuc.md", """
        ---
        title: "Cơ cấu tổ chức"
        slug: co-cau-to-chuc
        ---

        ## Thường trực HĐND tỉnh

        Gồm Chủ tịch, các Phó Chủ tịch và Ủy viên Thường trực.

        ### Các Ban của HĐND tỉnh

        - Ban Kinh tế – Ngân sách
        - Ban Văn hóa – Xã hội
        - Ban Pháp chế
        - Ban Dân tộc
        """)
    result = site.build(env={"GIAOBAN_NOW": THEME_NOW})
    assert result.returncode == 0, result.stderr
    return site


# One page of every kind the theme renders.
PAGES = {
    "home": "",
    "home page 2": "trang/2/",
    "seed article": SEED_URL,
    "article with table, code, footnote, photo": RICH_URL,
    "tag": "chu-de/giam-sat/",
    "tag index": "chu-de/",
    "category": "chuyen-muc/hoat-dong-hdnd-tinh/",
    "category index": "chuyen-muc/",
    "author": "tac-gia/tuyet-nhung/",
    "author index": "tac-gia/",
    "year": "2024/",
    "month": "2024/05/",
    "archive index": "luu-tru/",
    "standing page": "co-cau-to-chuc/",
    "documents": "van-ban/",
    "documents of a year": "van-ban/nam/2024/",
    "document with attachments": "van-ban/15-2024-nq-hdnd/",
    "document no longer in force": "van-ban/10-2020-nq-hdnd/",
    "sessions": "ky-hop/",
    "session": "ky-hop/khoa-xvii-ky-hop-18/",
    "delegates": "dai-bieu/",
    "delegate": "dai-bieu/nguyen-thi-anh/",
    "article to print or keep": SEED_URL + "ban-in.html",
    "search, with the document search": "tim-kiem/",
    "404": "404.html",
    "English home": "en/",
    "English standing page": "en/organisation/",
    "English 404": "en/404.html",
}


def test_every_kind_of_page_was_built(theme_site: SiteDir) -> None:
    missing = [url for url in PAGES.values() if not (url.endswith(".html") or theme_site.exists(url))]
    assert missing == [] and (theme_site.output / "404.html").exists()


@pytest.fixture(scope="module")
def server(theme_site: SiteDir):
    running = StaticServer(theme_site.output)
    yield running
    running.close()


def phone_page(browser, **options):
    """A 360x740 phone page in a fresh browser context, JavaScript on (axe needs it)."""
    context = browser.new_context(viewport=PHONE, **options)
    return context, context.new_page()


@pytest.fixture
def phone(browser):
    context, page = phone_page(browser)
    yield page
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_accessibility_violations(server, browser, url: str, scheme: str) -> None:
    context, phone = phone_page(browser, color_scheme=scheme)
    assert phone.goto(server.url + url).ok
    result = run_axe(phone)
    context.close()
    assert result["passes"] > 10  # axe really looked at the page
    assert result["violations"] == [], f"/{url} ({scheme}):\n" + "\n".join(result["violations"])


def run_axe(phone) -> dict:
    """axe-core on the page ``phone`` shows: how many checks passed, and each violation with the first elements it found."""
    phone.add_script_tag(path=str(AXE))
    return phone.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => ({
        passes: r.passes.length,
        violations: r.violations.map(v => `${v.id} (${v.help}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 5)}`)}))""",
                          AXE_TAGS)


@pytest.mark.slow
def test_old_address_page_has_no_accessibility_violations(theme_site: SiteDir, server, browser) -> None:
    """Checked as a reader whose browser does not follow the refresh sees it: with the refresh taken out."""
    refresh = re.compile(r'<meta http-equiv="refresh"[^>]*>')
    assert refresh.search((theme_site.output / OLD_URL).read_text(encoding="utf-8"))

    def without_refresh(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=refresh.sub("", response.text()))

    context, phone = phone_page(browser)
    old = server.url + OLD_URL
    phone.route(old, without_refresh)
    assert phone.goto(old).ok and phone.url == old
    phone.add_script_tag(path=str(AXE))
    result = phone.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map(v => v.id))",
                            AXE_TAGS)
    context.close()
    assert result == []


@pytest.mark.slow
@pytest.mark.parametrize("text_zoom", ["100%", "200%"])
def test_no_page_scrolls_sideways_on_a_360px_phone(server, phone, text_zoom: str) -> None:
    too_wide = {}
    for url in PAGES.values():
        phone.goto(server.url + url)
        # The phone's "large text" setting scales the root font size; the theme sizes everything in rem/em.
        phone.add_style_tag(content=f"html{{font-size:{text_zoom}}}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
    assert too_wide == {}


@pytest.mark.slow
def test_wide_table_scrolls_inside_its_own_box(server, phone) -> None:
    phone.goto(server.url + RICH_URL)
    boxes = phone.locator(".body table").evaluate_all("""tables => tables.map(t => { const b = t.parentElement;
        return {box: b.className, scroll: b.scrollWidth, client: b.clientWidth, overflow: getComputedStyle(b).overflowX,
                focusable: b.tabIndex === 0, display: getComputedStyle(t).display}; })""")
    assert len(boxes) == 2  # the Markdown table and the one pasted as raw HTML
    assert boxes[0]["scroll"] > boxes[0]["client"], "the Markdown table is wider than a phone: the box must scroll"
    for box in boxes:
        assert (box["box"], box["overflow"], box["focusable"]) == ("table-scroll", "auto", True), box
        assert box["display"] == "table", box  # not display:block, which hides table semantics from screen readers
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb()``/``rgba()`` colours."""
    def luminance(colour: str) -> float:
        channels = [int(float(c)) / 255 for c in colour[colour.index("(") + 1:-1].split(",")[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


FOCUS_RING = """e => { let bg = e.parentElement;
    while (bg && ['transparent', 'rgba(0, 0, 0, 0)'].includes(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
    const s = getComputedStyle(e);
    return {text: e.innerText, style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor,
            background: bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)'}; }"""


@pytest.mark.slow
def test_keyboard_user_sees_the_skip_link_and_where_focus_is(server, phone) -> None:
    phone.goto(server.url + SEED_URL)
    phone.keyboard.press("Tab")
    skip = phone.locator(":focus")
    assert skip.inner_text() == "Chuyển đến nội dung chính"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    # The next stops are on the red header, then in the article: the ring must stand out (3:1) on both.
    rings = []
    for _ in range(8):
        phone.keyboard.press("Tab")
        rings.append(phone.locator(":focus").evaluate(FOCUS_RING))
    for ring in rings:
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert contrast(ring["colour"], ring["background"]) >= 3, ring


@pytest.mark.slow
def test_site_works_without_javascript(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(server.url)
    assert page.locator("main h1").inner_text() == "Tin mới nhất"
    page.locator('.pager a[rel="next"]').click()
    assert page.url == server.url + "trang/2/"
    page.locator(".article-list h2 a").first.click()
    assert page.locator("main h1").inner_text() != "Tin mới nhất"
    assert page.locator("article .meta time").count() >= 1
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Lưu trữ").click()
    assert page.locator("main h1").inner_text() == "Lưu trữ"
    page.locator(".archive-year h2 a").first.click()
    assert page.locator("main h1").inner_text() == "Lưu trữ năm 2024"
    context.close()


def test_pages_carry_no_script_except_structured_data(theme_site: SiteDir) -> None:
    """The search page alone loads a script, and its form works without it (tests/test_search.py)."""
    scripts = {}
    for path in theme_site.output.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found = [str(s)[:60] for s in soup.find_all("script") if s.get("type") != "application/ld+json"
                 and not (path.parent.name == "tim-kiem" and s.get("src", "").endswith("/static/search.js"))]
        found += [f"{tag.name}[{name}]" for tag in soup.find_all(True) for name in tag.attrs if name.startswith("on")]
        found += [a["href"] for a in soup.find_all("a", href=True) if a["href"].lower().startswith("javascript:")]
        if found:
            scripts[path.relative_to(theme_site.output).as_posix()] = found
    assert scripts == {}


def test_lead_photo_is_described_once_by_its_caption(theme_site: SiteDir) -> None:
    figure = theme_site.page(RICH_URL).select_one("figure.lead-figure")
    assert figure.img["alt"] == ""  # the caption below says what the photo shows; no need to hear it twice
    assert figure.figcaption.get_text() == "Đoàn giám sát làm việc tại huyện Trùng Khánh."


def test_theme_uses_no_web_fonts_and_no_remote_assets(theme_site: SiteDir) -> None:
    css = (theme_site.output / "static" / "style.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css and "url(" not in css


def test_every_page_is_in_its_language_with_labelled_landmarks(theme_site: SiteDir) -> None:
    for url in PAGES.values():
        page = theme_site.page(url)
        assert page.html["lang"] == ("en" if url.startswith("en/") else "vi"), url
        assert len(page.find_all("main")) == 1, url
        assert all(nav.get("aria-label") for nav in page.find_all("nav")), url
        assert len(page.find_all("h1")) == 1, url


@pytest.mark.slow
def test_seed_article_weighs_under_30_kb_and_looks_right_on_a_phone(browser, tmp_path_factory, serve_directory) -> None:
    out = tmp_path_factory.mktemp("seed") / "out"
    assert run_giaoban("build", "--source", str(REPO), "--output", str(out)).returncode == 0
    server = serve_directory(out)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server.url + SEED_URL, wait_until="load")
    loaded = [(r.request.resource_type, r.url, len(r.body())) for r in responses]
    total = sum(size for _, _, size in loaded)
    print(f"seed article: HTML + CSS = {total} bytes uncompressed; {loaded}")
    # No fonts, scripts or trackers: the page, its stylesheet, and the emblem (as the header's image and the tab's icon).
    assert {kind for kind, _, _ in loaded} <= {"document", "stylesheet", "image", "other"}, loaded
    assert {url for kind, url, _ in loaded if kind in ("image", "other")} == {server.url + "static/logo.svg"}, loaded
    assert total < 30_000
    shots = tmp_path_factory.mktemp("screenshots")
    page.screenshot(path=str(shots / "seed-article-360-first-screen.png"))  # what a reader sees first
    page.screenshot(path=str(shots / "seed-article-360-full.png"), full_page=True)
    print(f"screenshots: {shots}")
    context.close()


@pytest.mark.slow
def test_printed_article_keeps_the_text_and_drops_navigation(server, phone) -> None:
    phone.emulate_media(media="print")
    phone.goto(server.url + RICH_URL)
    assert not phone.locator(".site-nav").is_visible()
    assert not phone.locator(".neighbours").is_visible()
    assert phone.locator("main h1").is_visible()
    assert phone.locator(".body table").first.is_visible()
    # Paper carries the article's address, so a printed copy can be traced back to the site.
    assert phone.get_by_text("Nguồn: https://hdndcaobang.gov.vn/" + RICH_URL).is_visible()
    phone.emulate_media(media="screen")
    assert not phone.get_by_text("Nguồn: https://hdndcaobang.gov.vn/" + RICH_URL).is_visible()


@pytest.mark.slow
def test_built_html_and_css_are_valid(theme_site: SiteDir) -> None:
    html = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(theme_site.output)],
                          capture_output=True, text=True, timeout=300)
    assert html.returncode == 0, html.stderr + html.stdout
    css = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--css",
                          str(theme_site.output / "static" / "style.css")], capture_output=True, text=True, timeout=300)
    assert css.returncode == 0, css.stderr + css.stdout


# Links that stand alone (not inside a sentence) and the pages that show them.
TAP_TARGETS = {
    "": [".site-nav a", ".pager a", ".site-footer li a"],
    RICH_URL: [".tags a"],
    "chu-de/": [".terms a"],
    "luu-tru/": [".months a"],
    "2024/05/": [".archive-list a"],
}


@pytest.mark.slow
def test_standalone_links_are_big_enough_for_a_thumb(server, phone) -> None:
    small = []
    for url, selectors in TAP_TARGETS.items():
        phone.goto(server.url + url)
        for selector in selectors:
            heights = phone.locator(selector).evaluate_all("links => links.map(a => a.getBoundingClientRect().height)")
            assert heights, f"{url}: nothing matches {selector}"
            small += [(url, selector, round(h)) for h in heights if h < 44]
    assert small == []


def test_footer_names_the_agency_and_leaves_placeholders_unlinked(theme_site: SiteDir) -> None:
    footer = theme_site.page("/").select_one("footer")
    text = footer.get_text(" ", strip=True)
    assert "Hội đồng nhân dân tỉnh Cao Bằng" in text and "Chịu trách nhiệm nội dung:" in text and "Ghi rõ nguồn" in text
    assert "[ĐIỀN: số điện thoại]" in text  # marked for the office to fill in, never an invented number
    assert not footer.select('a[href^="tel:"], a[href^="mailto:"]')  # a placeholder is no link


def test_every_page_names_an_icon_that_is_there(theme_site: SiteDir) -> None:
    """Without one, every page view also asked the server for a /favicon.ico that does not exist."""
    for path in theme_site.output.rglob("*.html"):
        icon = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one('link[rel="icon"]')
        if "http-equiv" in path.read_text(encoding="utf-8")[:600]:
            continue  # an old address's redirect page
        assert icon is not None, path
        # The copy to keep names it by its full address, as it opens away from the site.
        href = re.sub(r"^https://[^/]+/", "", icon["href"]).lstrip("/")
        assert (theme_site.output / href).is_file(), path


def test_article_carries_dublin_core_metadata(theme_site: SiteDir) -> None:
    page = theme_site.page("2024/05/bao-cao-ket-qua-giam-sat-chuyen-de-nam-2024/")
    meta = {tag["name"]: tag["content"] for tag in page.select('meta[name^="dcterms."]')}
    assert meta["dcterms.title"] == "Báo cáo kết quả giám sát chuyên đề năm 2024"
    assert meta["dcterms.creator"] == "Minh Hòa, Đức Anh"
    assert meta["dcterms.date"].startswith("2024-05-20T08:30:00+07:00")
    assert meta["dcterms.publisher"] == "Hội đồng nhân dân tỉnh Cao Bằng" and meta["dcterms.language"] == "vi"
    assert meta["dcterms.identifier"].endswith("/2024/05/bao-cao-ket-qua-giam-sat-chuyen-de-nam-2024/")


def test_every_article_and_document_offers_print_and_keep_without_script(theme_site: SiteDir) -> None:
    pages = [p for p in theme_site.output.rglob("index.html") if (p.parent / "ban-in.html").exists()]
    assert len(pages) == 17  # 15 articles and 2 documents
    for path in pages:
        actions = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select(".keep-actions a")
        assert [a.get_text() for a in actions] == ["In", "Lưu"], path
        copy = theme_site.output / actions[1]["href"].lstrip("/")
        assert copy == path.parent / "ban-in.html" and actions[1]["download"] == path.parent.name + ".html", path


@pytest.mark.slow
def test_the_kept_copy_opens_offline_with_text_date_author_and_source(theme_site: SiteDir, server, browser, tmp_path) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(server.url + RICH_URL)
    with page.expect_download() as download:
        page.get_by_role("link", name="Lưu", exact=True).click()
    kept = tmp_path / download.value.suggested_filename
    download.value.save_as(kept)
    assert kept.name == "bao-cao-ket-qua-giam-sat-chuyen-de-nam-2024.html"
    assert kept.read_bytes() == (theme_site.output / RICH_URL / "ban-in.html").read_bytes()
    head = BeautifulSoup(kept.read_text(encoding="utf-8"), "html.parser")  # a copy: not for search engines, who get the page
    assert head.select_one('meta[name="robots"]')["content"] == "noindex"
    assert head.select_one('link[rel="canonical"]')["href"] == "https://hdndcaobang.gov.vn/" + RICH_URL
    # Opened on its own, away from the site and with no network: everything needed is in the file.
    offline = browser.new_context(viewport=PHONE, java_script_enabled=False, offline=True)
    reader = offline.new_page()
    asked = []
    reader.on("request", lambda request: asked.append(request.url) if not request.url.startswith("file:") else None)
    reader.goto(kept.as_uri())
    assert reader.locator("h1").inner_text() == "Báo cáo kết quả giám sát chuyên đề năm 2024"
    footer = reader.locator("footer").inner_text()
    assert "https://hdndcaobang.gov.vn/" + RICH_URL in footer and "ngày 20 tháng 5 năm 2024" in footer
    assert "Minh Hòa, Đức Anh" in footer
    assert "Ban Kinh tế – Ngân sách HĐND tỉnh báo cáo kết quả giám sát chuyên đề" in reader.locator("main").inner_text()
    assert reader.evaluate("getComputedStyle(document.body).maxWidth") != "none"  # its styles came with it
    assert not [url for url in asked if "/static/" in url and url.endswith(".css")]  # no stylesheet to fetch
    reader.emulate_media(media="print")
    assert not reader.locator(".screen-only").is_visible()
    offline.close()
    context.close()
