"""site.yaml: defaults, every problem reported with its line, unknown fields warned about."""

from __future__ import annotations

from conftest import SiteDir, tree_digest


def test_config_errors_are_all_reported_with_lines_and_output_kept(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    site.write("site.yaml", 'title: "Thử"\npage_size: mười\nallow_raw_html: "có"\n')
    result = site.build()
    assert result.returncode == 1
    assert "site.yaml:2: 'page_size' phải là số nguyên dương, không phải 'mười'" in result.stderr
    assert "site.yaml:3: 'allow_raw_html' phải là true hoặc false" in result.stderr
    assert tree_digest(site.output) == before


def test_config_yaml_syntax_error_has_its_line(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nurls:\n  tag: [chu-de\n')
    result = site.build()
    assert result.returncode == 1
    assert "site.yaml:3: lỗi cú pháp YAML trong cấu hình" in result.stderr


def test_bad_timezone_and_url_pattern_are_errors(site: SiteDir) -> None:
    site.write("site.yaml", 'timezone: Asia/Ha_Noi\nurls:\n  article: "bai/{year}/"\n')
    result = site.build()
    assert result.returncode == 1
    assert "site.yaml:1: múi giờ 'Asia/Ha_Noi' không tồn tại" in result.stderr
    assert "site.yaml:3: mẫu địa chỉ 'article' phải chứa {slug}" in result.stderr


def test_unknown_field_is_a_warning_not_an_error(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\ntitel: "gõ nhầm"\n')
    result = site.build()
    assert result.returncode == 0
    assert "site.yaml:2: trường cấu hình không rõ 'titel'" in result.stderr


def test_custom_url_patterns_and_page_size(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\npage_size: 1\nurls:\n  article: "tin/{year}/{slug}/"\n  pagination: "p/{number}/"\n')
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    site.article("content/2024/05/b.md", "Bài B", "2024-05-02")
    assert site.build().returncode == 0
    assert site.exists("tin/2024/bai-a") and site.exists("p/2")
    assert site.page("").select_one('.pager a[rel="next"]')["href"] == "/p/2/"
