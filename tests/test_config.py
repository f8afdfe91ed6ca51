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


def internal_links(output) -> dict[str, set[str]]:
    """Every site-internal href/src of every HTML page of ``output``, by page, as site paths."""
    from urllib.parse import unquote, urljoin, urlsplit

    from bs4 import BeautifulSoup

    found = {}
    for path in output.rglob("*.html"):
        page = "/" + path.relative_to(output).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        targets = set()
        for element in soup.select("[href], [src]"):
            url = urlsplit(urljoin("https://example.gov.vn" + page, element.get("href") or element.get("src")))
            if url.netloc == "example.gov.vn" and url.scheme == "https":
                targets.add(unquote(url.path))
        found[page] = targets
    return found


def test_moved_taxonomy_and_index_urls_move_every_link(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nbase_url: "https://example.gov.vn/"\nurls:\n  tag: "the/{slug}/"\n'
                            '  archive: "kho/"\n  search: "tra-cuu/"\n  feed: "atom.xml"\n')
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01", tags="[Kỳ họp, Giám sát]", category="Hoạt động")
    site.write("content/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nVề [chủ đề](/the/).\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.exists("the") and site.exists("the/ky-hop") and site.exists("kho") and site.exists("tra-cuu")
    assert (site.output / "atom.xml").exists() and (site.output / "the/ky-hop/atom.xml").exists()
    assert not any((site.output / old).exists() for old in ("chu-de", "luu-tru", "tim-kiem", "feed.xml"))
    assert list((site.output / "tra-cuu" / "chi-muc").glob("*.json"))  # the search index moved with its page
    assert site.page("tra-cuu").select_one("form")["data-index"] == "/tra-cuu/"
    links = internal_links(site.output)
    broken = {page: sorted(t for t in targets if not (site.output / t.lstrip("/")).is_file()
                           and not (site.output / t.lstrip("/") / "index.html").is_file())
              for page, targets in links.items()}
    assert {page: targets for page, targets in broken.items() if targets} == {}
    assert "/the/" in links["/index.html"] and "/kho/" in links["/index.html"] and "/atom.xml" in links["/index.html"]


def test_an_unknown_url_name_is_a_warning(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nurls:\n  tags: "the/{slug}/"\n')
    result = site.build()
    assert result.returncode == 0
    assert "site.yaml:3: trường cấu hình không rõ 'urls.tags'" in result.stderr


def test_a_url_placeholder_with_no_value_is_an_error_not_a_crash(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nurls:\n  page: "{year}/{slug}/"\n  tag: "the/{name}/"\n'
                            'types:\n  tai-lieu:\n    url: "tai-lieu/{so}/{slug}/"\n')
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site.yaml:3: URL pattern 'page' has a placeholder it cannot fill: '{year}/{slug}/'; use only {slug}" in result.stderr
    assert "site.yaml:4: URL pattern 'tag' must contain {slug}" in result.stderr
    assert "site.yaml:7: URL pattern 'types.tai-lieu.url' has a placeholder it cannot fill" in result.stderr


def test_two_generated_pages_at_one_address_is_an_error(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nurls:\n  archive: "chu-de/"\ntypes:\n  tai-lieu:\n    index: "tim-kiem/"\n')
    site.article("content/2024/05/a.md", "Bài A", "2024-05-01")
    site.write("content/tai-lieu/a.md", "---\ntitle: Nghị quyết\n---\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "site.yaml: two pages giaoban makes itself share the address /chu-de/" in result.stderr
    assert "site.yaml: two pages giaoban makes itself share the address /tim-kiem/" in result.stderr


def test_agency_details_fill_the_footer_with_working_links(site: SiteDir) -> None:
    site.write("site.yaml", """
        title: "HĐND tỉnh Thử nghiệm"
        agency:
          name: "Hội đồng nhân dân tỉnh Thử nghiệm"
          address: "Số 1, đường Hoàng Đình Giong"
          phone: "0206 3852 123"
          email: "vanphong@example.gov.vn"
          responsible: "Nguyễn Văn A, Chánh Văn phòng"
          so_fax: "0206 3852 124"
        """)
    site.article("content/2024/05/a.md", "Bài", "2024-05-01")
    result = site.build()
    assert result.returncode == 0
    assert "site.yaml:8: trường cấu hình không rõ 'agency.so_fax' (bỏ qua)" in result.stderr  # not dropped silently
    footer = site.page("/").select_one("footer")
    assert footer.select_one('a[href="tel:02063852123"]').get_text() == "0206 3852 123"
    assert footer.select_one('a[href="mailto:vanphong@example.gov.vn"]') is not None
    assert "Chịu trách nhiệm nội dung: Nguyễn Văn A, Chánh Văn phòng" in footer.get_text(" ", strip=True)


def test_the_monitoring_script_is_one_opt_in_https_script(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Bài", "2024-05-01")
    assert site.build().returncode == 0
    assert not site.page("/").select("script[src]")  # off by default: no script at all
    url = "https://giamsat.example.gov.vn/tracking.js"
    site.write("site.yaml", f'title: "HĐND"\nbase_url: "https://example.gov.vn/"\nmonitoring_script: "{url}"\n')
    assert site.build().returncode == 0
    for page in ("/", "2024/05/bai/", "404.html"):
        assert [tag["src"] for tag in site.page(page).select("script[src]")] == [url]
    site.write("site.yaml", 'title: "HĐND"\nmonitoring_script: "http://giamsat.example/x.js"\n')
    result = site.build()
    assert result.returncode == 1 and "site.yaml:2: 'monitoring_script' phải là một địa chỉ https://" in result.stderr
