"""Markdown conversion: the plain-paragraph fast path changes nothing; summaries; sanitising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giaoban_site.markup import MarkdownRenderer, first_paragraph_summary, shorten
from giaoban_site.sanitize import HtmlPolicy, clean

PIECES = ["Hội đồng nhân dân", "tỉnh Cao Bằng", "*nghiêng*", "**đậm**", "`mã`", "[liên kết](/chu-de/x/)", "a & b",
          "3 < 4", "x_y_z", "\\*", "![ảnh](/a.jpg \"Chú thích\")", "[^1]", "[^1]: chú thích", "  \n", "\n\n", "\n- mục\n",
          "\n## Tiêu đề\n", "# ", "\nTiêu đề\n===\n", "\n---\n", "-", "=", "[TOC]", "\n[TOC]\n", "|", "<h2>Mục</h2>",
          "\n| a | b |\n|---|---|\n| 1 | 2 |\n", "\n```\nmã\n```\n", "\n> trích\n", "<b>x</b>", "http://vi.example", " ",
          "~~~", "\n~~~\nmã\n~~~\n", "&amp;", "&#273;", "&", "[x]", "[x]: /y", "\n[x]: /y\n", ">", "\n    thụt lề\n",
          "#", "\n#Tiêu đề\n", "<!-- c -->", "\n    ===\n", "- Tiêu đề\n    ===\n", "\n=-=\n", "\t", "\n>=\n", "[^1]: chú thích\n    ===\n",
          "&#x1F600;", "&1;", "ĐBQH&HĐND;", "&amp"]


@pytest.fixture(scope="module")
def renderers() -> tuple[MarkdownRenderer, MarkdownRenderer]:
    return MarkdownRenderer(), MarkdownRenderer(quick=False)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_quick_paths_give_the_same_html(renderers, text: str) -> None:
    """Plain paragraphs skip the inline pass, and texts without tables, fenced code, footnotes,
    headings, raw HTML, quotes or link references skip what handles them: the HTML and the table
    of contents must be what every extension and processor gives."""
    quick, reference = renderers
    assert quick.convert(text) == reference.convert(text)


@pytest.mark.parametrize("text", ["> trích\n>=\n", "[^1]: chú thích\n    ===\n", "1. Mục\n\n    Tiêu đề\n    ---\n"])
def test_a_setext_heading_inside_a_quote_list_or_footnote_still_gets_its_anchor(renderers, text: str) -> None:
    quick, reference = renderers
    assert 'id="' in reference.convert(text)[0]
    assert quick.convert(text) == reference.convert(text)


def test_plain_text_fast_path_is_registered_before_the_inline_pass() -> None:
    md = MarkdownRenderer()._markdown(("toc",))
    priorities = {item.name: item.priority for item in md.treeprocessors._priority}
    assert priorities["giaoban_plain_text"] > priorities["inline"]


def test_summary_is_first_paragraph_cut_at_a_word_boundary() -> None:
    html = "<h2>Mở đầu</h2>\n<p>" + "Hội đồng nhân dân tỉnh " * 30 + "</p>"
    summary = first_paragraph_summary(html, limit=50)
    assert summary.endswith("…") and len(summary) <= 51
    assert summary.startswith("Hội đồng nhân dân tỉnh Hội đồng")
    assert shorten("ngắn", 50) == "ngắn"


def test_scripts_and_javascript_links_are_removed() -> None:
    html, _ = MarkdownRenderer().convert('<script>x()</script><a href="javascript:x()" onclick="y()">a</a>')
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert clean("<p>giữ</p>", HtmlPolicy()) == "<p>giữ</p>"
