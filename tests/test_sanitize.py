"""Raw HTML in Markdown: a hostile snippet is removed on its own, with a warning at its line;
nothing outside it is lost or left unconverted; safe formatting survives."""

from __future__ import annotations

import pytest
from conftest import SiteDir, run_giaoban

from giaoban_site.markup import MarkdownRenderer
from giaoban_site.sanitize import HtmlPolicy, url_allowed

# Each of these once wrecked or silently deleted the rest of the article (issue 12).
WRECKERS = ["<style>", "<math><mtext><table><mglyph><style>", "<textarea>", "<title>", "<noscript>", "<xmp>",
            "<iframe>", "<div class=\"khung\">", "<table>", "<p>Đoạn <b>đậm", "<script>", "<plaintext>", "<noembed>"]
HOSTILE = [
    ("<script>alert(1)</script>", "script"),
    ('<img src="/anh.png" alt="Ảnh" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">bấm</a>', "javascript:alert(1)"),
    ('<a href="jav&#x09;ascript:alert(1)">bấm</a>', "ascript:alert(1)"),
    ('<a href="data:text/html,<script>alert(1)</script>">bấm</a>', "data:text/html"),
    ("[bấm](javascript:alert(1))", "javascript:alert(1"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', "svg"),
    ('<div style="background:url(javascript:alert(1))">ô</div>', "style"),
    ('<form action="https://evil.example/"><input name="mat-khau"></form>', "form"),
    ("<object data=\"x.swf\"></object>", "object"),
]
AFTER = "Đoạn sau có **chữ đậm**.\n\n| Cột A | Cột B |\n|---|---|\n| một | hai |\n"


def convert(snippet: str, policy: HtmlPolicy | None = None) -> tuple[str, list]:
    html, _, removals = MarkdownRenderer(policy=policy).convert_checked("Đoạn đầu.\n\n" + snippet + "\n\n" + AFTER)
    return html, removals


@pytest.mark.parametrize("snippet", WRECKERS)
def test_an_unclosed_element_is_closed_where_its_block_ends_with_a_warning(snippet: str) -> None:
    html, removals = convert(snippet)
    assert "<p>Đoạn sau có <strong>chữ đậm</strong>.</p>" in html  # converted, not swallowed or shown as source
    assert "<td>một</td>" in html and "|" not in html
    assert any("không được đóng" in r.message for r in removals)
    assert all(r.line == 3 for r in removals)


@pytest.mark.parametrize(("snippet", "named"), HOSTILE)
def test_each_hostile_snippet_is_removed_alone_and_reported(snippet: str, named: str) -> None:
    html, removals = convert(snippet)
    assert "<p>Đoạn sau có <strong>chữ đậm</strong>.</p>" in html and "<td>một</td>" in html
    for trace in ("<script", "onerror", "onload", "javascript:", "data:text", "<iframe", "<svg", "<form", "<object", "url("):
        assert trace not in html
    assert removals and all(r.line == 3 for r in removals)
    assert any(named in r.message for r in removals), [r.message for r in removals]


def test_safe_formatting_survives_without_a_warning() -> None:
    snippet = ('<figure><img src="/static/hoi-nghi.jpg" alt="Hội nghị"><figcaption>Quang cảnh hội nghị</figcaption></figure>\n\n'
               'H<sub>2</sub>O, m<sup>2</sup>, <abbr title="Hội đồng nhân dân">HĐND</abbr>, <mark>lưu ý</mark>, <del>cũ</del>\n\n'
               '<table><tr><th scope="col">Huyện</th></tr><tr><td style="text-align: center" colspan="2">Trùng Khánh</td></tr></table>')
    html, removals = convert(snippet)
    assert removals == []
    for kept in ("<figure>", "<figcaption>Quang cảnh hội nghị</figcaption>", "<sub>2</sub>", "<sup>2</sup>",
                 '<abbr title="Hội đồng nhân dân">HĐND</abbr>', "<mark>lưu ý</mark>", '<th scope="col">',
                 'style="text-align:center"', 'colspan="2"'):
        assert kept in html, kept


def test_html_spanning_blank_lines_and_code_are_not_touched() -> None:
    html, removals = convert("<div>\n\nGiữa hai dòng trống\n\n</div>\n\nMã: `<style>` và\n\n    <textarea> trong khối mã")
    assert removals == []
    assert "Giữa hai dòng trống" in html and "<code>&lt;style&gt;</code>" in html and "&lt;textarea&gt;" in html


def test_embeds_from_named_hosts_are_kept_and_others_removed() -> None:
    policy = HtmlPolicy(embed_hosts=("www.youtube-nocookie.com",))
    kept, removals = convert('<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Kỳ họp" width="560"></iframe>', policy)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/abc"' in kept and removals == []
    gone, removals = convert('<iframe src="https://evil.example/x" onload="alert(1)"></iframe>', policy)
    assert "evil.example" not in gone and "onload" not in gone
    assert any("embeds" in r.message for r in removals) and any("onload" in r.message for r in removals)


def test_urls_with_hidden_schemes_are_refused() -> None:
    for bad in ("javascript:x", "JAVASCRIPT:x", " java\nscript:x", "vbscript:x", "data:text/html,x", "java\x00script:x"):
        assert not url_allowed(bad), bad
    for good in ("/chu-de/", "https://caobang.gov.vn/", "mailto:vanphong@caobang.gov.vn", "tel:02063852", "#muc-1", "bai.html"):
        assert url_allowed(good), good


def _hostile_site(site: SiteDir) -> None:
    (site.root / "static").mkdir()
    site.photo("static/anh.png", image_format="PNG")
    body = "\n\n".join(f"{snippet}\n\nSau mẫu số {i}." for i, (snippet, _) in enumerate(HOSTILE + [(w, "") for w in WRECKERS]))
    site.article("content/2024/05/doc-hai.md", "Bài có mã độc", "2024-05-01", body + "\n\n" + AFTER)


def test_a_build_reports_each_removal_at_its_file_and_line_and_check_strict_fails(site: SiteDir) -> None:
    _hostile_site(site)
    result = site.build()
    assert result.returncode == 0
    assert "cảnh báo: content/2024/05/doc-hai.md:6: đã bỏ thẻ <script>" in result.stderr  # line 6: front matter is 4 lines
    assert "cảnh báo: content/2024/05/doc-hai.md:10: đã bỏ thuộc tính onerror của thẻ <img>" in result.stderr
    assert run_giaoban("check", "--source", str(site.root)).returncode == 0
    strict = run_giaoban("check", "--source", str(site.root), "--strict", env={"GIAOBAN_LANG": "en"})
    assert strict.returncode == 1
    assert "doc-hai.md:6: warning: removed <script> and what it holds" in strict.stdout + strict.stderr


@pytest.mark.slow
def test_hostile_snippets_do_nothing_in_chromium_and_every_paragraph_is_shown(site: SiteDir, browser, serve_directory) -> None:
    _hostile_site(site)
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(server.url + "2024/05/bai-co-ma-doc/")
        page.wait_for_timeout(500)
        text = page.locator("main").inner_text()
        for i in range(len(HOSTILE) + len(WRECKERS)):
            assert f"Sau mẫu số {i}." in text
        assert "Đoạn sau có chữ đậm." in text and page.locator("main table td", has_text="một").count() == 1
        assert "|" not in text
        assert dialogs == []
        found = page.evaluate("""() => {
            const bad = [];
            for (const el of document.querySelectorAll('main *')) {
                for (const a of el.attributes) {
                    if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
                    if (/^\\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(el.tagName + ' ' + a.value);
                }
                if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'STYLE', 'TEXTAREA'].includes(el.tagName)) bad.push(el.tagName);
            }
            return bad;
        }""")
        assert found == []
    finally:
        page.close()
