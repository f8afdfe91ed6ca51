"""Content errors: every one named as path:line: message, all listed, output/ left exactly as it was."""

from __future__ import annotations

import pytest
from conftest import SiteDir, tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaoban_site.content import split_front_matter
from giaoban_site.errors import ContentError

GOOD = "---\ntitle: Bài tốt\ndate: 2024-05-01\n---\n\nNội dung.\n"

BROKEN = {
    "no front matter": ("Chỉ có nội dung, không có phần đầu.\n", 1, "thiếu phần đầu"),
    "front matter never closed": ("---\ntitle: Bài\ndate: 2024-05-01\n\nNội dung.\n", 1, "không có dòng '---' đóng lại"),
    "YAML syntax error": ("---\ntitle: Bài\ndate: 2024-05-01\ntags: [giám sát\n---\n\nNội dung.\n", 4, "lỗi cú pháp YAML"),
    "missing title": ("---\ndate: 2024-05-01\n---\n\nNội dung.\n", 1, "thiếu tiêu đề"),
    "empty title": ("---\ntitle: \"  \"\ndate: 2024-05-01\n---\n\nNội dung.\n", 2, "'title' đang để trống"),
    "title is a list": ("---\ntitle: [a, b]\ndate: 2024-05-01\n---\n", 2, "phải là chữ, không phải danh sách"),
    "missing date": ("---\ntitle: Bài\n---\n\nNội dung.\n", 1, "thiếu ngày đăng"),
    "date not a date": ("---\ntitle: Bài\ntags: []\ndate: 31/02/2024\n---\n", 4,
                        "ngày 'date' không hợp lệ: '31/02/2024'; dùng dạng 2024-02-29 hoặc 2024-02-29 08:30"),
    "impossible ISO date": ("---\ntitle: Bài\ndate: 2024-02-31\n---\n", 3, "ngày 'date' không hợp lệ: '2024-02-31'"),
    "tags not a list": ("---\ntitle: Bài\ndate: 2024-05-01\ntags: giám sát\n---\n", 4, "'tags' phải là một danh sách"),
    "draft not true/false": ("---\ntitle: Bài\ndate: 2024-05-01\ndraft: có\n---\n", 4, "'draft' phải là true hoặc false"),
    "front matter is a list": ("---\n- title\n- date\n---\n", 2, "phải là các dòng 'trường: giá trị'"),
}


@pytest.fixture
def built_site(site: SiteDir) -> SiteDir:
    site.write("content/2024/05/good.md", GOOD)
    assert site.build().returncode == 0
    return site


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_content_error_names_file_and_line_and_keeps_output(built_site: SiteDir, case: str) -> None:
    text, line, message = BROKEN[case]
    before = tree_digest(built_site.output)
    built_site.write("content/2024/05/loi.md", text)
    result = built_site.build()
    assert result.returncode == 1
    assert f"content/2024/05/loi.md:{line}: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(built_site.output) == before


def test_file_that_is_not_utf8_is_reported_with_its_line(built_site: SiteDir) -> None:
    before = tree_digest(built_site.output)
    path = built_site.root / "content/2024/05/cp1258.md"
    # Windows-1258, as an old Vietnamese Windows editor saves it: decomposed tones, one byte each.
    path.write_bytes(b"---\ntitle: B\xe0i\ndate: 2024-05-01\n---\n\nH\xf4\xf2i \xf0\xf4\xccng\n")
    result = built_site.build()
    assert result.returncode == 1
    assert "content/2024/05/cp1258.md:2: tệp không phải UTF-8" in result.stderr
    assert tree_digest(built_site.output) == before


def test_all_errors_of_a_build_are_listed_together(built_site: SiteDir) -> None:
    built_site.write("content/2024/05/a.md", BROKEN["missing title"][0])
    built_site.write("content/2024/05/b.md", BROKEN["tags not a list"][0])
    built_site.write("content/pages/c.md", BROKEN["no front matter"][0])
    result = built_site.build()
    assert result.returncode == 1
    assert "content/2024/05/a.md:1:" in result.stderr
    assert "content/2024/05/b.md:4:" in result.stderr
    assert "content/pages/c.md:1:" in result.stderr
    assert "3 lỗi" in result.stderr


def test_two_articles_with_the_same_url_are_an_error_naming_both(built_site: SiteDir) -> None:
    before = tree_digest(built_site.output)
    built_site.write("content/2024/05/mot.md", "---\ntitle: Đại biểu HĐND\ndate: 2024-05-02\n---\n")
    built_site.write("content/2024/05/hai.md", "---\ntitle: Đại biểu hđnd\ndate: 2024-05-03\n---\n")
    result = built_site.build()
    assert result.returncode == 1
    assert "content/2024/05/mot.md: địa chỉ /2024/05/dai-bieu-hdnd/ bị trùng với content/2024/05/hai.md" in result.stderr
    assert "content/2024/05/hai.md: địa chỉ /2024/05/dai-bieu-hdnd/ bị trùng với content/2024/05/mot.md" in result.stderr
    assert tree_digest(built_site.output) == before


def test_page_taking_a_generated_url_is_an_error(built_site: SiteDir) -> None:
    built_site.write("content/pages/tim-kiem.md", "---\ntitle: Tìm kiếm riêng\nslug: tim-kiem\n---\n")
    result = built_site.build()
    assert result.returncode == 1
    assert "content/pages/tim-kiem.md: địa chỉ /tim-kiem/ bị trùng với một trang giaoban tự tạo" in result.stderr


def test_unknown_template_is_an_error_at_its_line(built_site: SiteDir) -> None:
    before = tree_digest(built_site.output)
    built_site.write("content/pages/a.md", "---\ntitle: Trang A\ntemplate: trang-dac-biet.html\n---\n")
    result = built_site.build()
    assert result.returncode == 1
    assert "content/pages/a.md:3: không có mẫu trang (template) 'trang-dac-biet.html'" in result.stderr
    assert tree_digest(built_site.output) == before


def test_broken_site_template_is_reported_with_file_and_line(built_site: SiteDir) -> None:
    before = tree_digest(built_site.output)
    built_site.write("templates/article.html", '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n')
    result = built_site.build()
    assert result.returncode == 1
    assert "article.html:3: lỗi mẫu trang" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(built_site.output) == before


@pytest.mark.parametrize("template", ["article.html", "_social.html"])  # a page's own template, and one it includes
def test_a_template_not_in_utf8_is_reported_at_its_line(built_site: SiteDir, template: str) -> None:
    before = tree_digest(built_site.output)
    (built_site.root / "templates").mkdir(exist_ok=True)
    (built_site.root / "templates" / template).write_bytes("{# Mẫu #}\n".encode() + b"Tr\xf9ng Kh\xe1nh\n")  # saved as Windows-1252
    result = built_site.build()
    assert result.returncode == 1
    assert f"templates/{template}:2: lỗi mẫu trang: tệp không phải UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(built_site.output) == before


def test_english_messages_on_request(built_site: SiteDir) -> None:
    built_site.write("content/2024/05/a.md", BROKEN["date not a date"][0])
    result = built_site.build(env={"GIAOBAN_LANG": "en"})
    assert "content/2024/05/a.md:4: 'date' is not a date: '31/02/2024'" in result.stderr


def test_hostile_yaml_tags_are_refused_not_executed(built_site: SiteDir) -> None:
    built_site.write("content/2024/05/a.md", "---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\ndate: 2024-05-01\n---\n")
    result = built_site.build()
    assert result.returncode == 1
    assert "content/2024/05/a.md:2: thẻ YAML '!!python/object/apply:os.system' không được dùng" in result.stderr


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("-:\n []{}'\"#&*!|>%@`tiêlđ12 ,.\t"), max_size=80))
def test_front_matter_parser_never_fails_with_anything_but_a_content_error(head: str) -> None:
    try:
        fields, body, line, _ = split_front_matter("---\n" + head + "\n---\nthân bài\n", "x.md")
    except ContentError as exc:
        assert exc.problem.path == "x.md" and exc.problem.line and exc.problem.line >= 1
    else:
        assert isinstance(fields, dict)
