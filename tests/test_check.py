"""`giaoban check` and `giaoban build --check-links`: broken links, missing images, alt text, lengths."""

from __future__ import annotations

from conftest import SiteDir, run_giaoban, tree_digest

BODY_WITH_LINKS = """Đoạn mở đầu.

Xem thêm [bài kỳ họp](/2024/05/ky-hop/) và [liên hệ](/lien-he/).

![Toàn cảnh hội nghị](/anh/toan-canh.jpg "Toàn cảnh")
"""


def clean_site(site: SiteDir) -> None:
    site.article("content/2024/05/ky-hop.md", "Kỳ họp", "2024-05-01", body="Nội dung kỳ họp.")
    site.article("content/2024/05/giao-ban.md", "Giao ban", "2024-05-02", body=BODY_WITH_LINKS)
    site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nVề [trang chủ](../) hoặc [kỳ họp](../2024/05/ky-hop/#muc-1).\n")
    site.photo("static/anh/toan-canh.jpg")


def check(site: SiteDir, *args: str):
    return run_giaoban("check", "--source", str(site.root), *args)


def test_clean_site_passes_and_writes_nothing(site: SiteDir) -> None:
    clean_site(site)
    result = check(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert "3 bài và trang: 0 lỗi, 0 cảnh báo" in result.stdout
    assert not site.output.exists()


def test_broken_link_to_another_article_names_its_line(site: SiteDir) -> None:
    clean_site(site)
    site.article("content/2024/05/giao-ban.md", "Giao ban", "2024-05-02", body=BODY_WITH_LINKS.replace("ky-hop/)", "ky-hop-cu/)"))
    result = check(site)
    assert result.returncode == 1
    # front matter: lines 1-4, blank line 5, body from line 6: the link is on line 8.
    assert "content/2024/05/giao-ban.md:8: liên kết tới /2024/05/ky-hop-cu/ không dẫn tới trang hay tệp nào" in result.stderr
    assert "1 lỗi, 0 cảnh báo" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_image_and_relative_links(site: SiteDir) -> None:
    clean_site(site)
    (site.root / "static/anh/toan-canh.jpg").unlink()
    site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nDòng một.\n\nVề [kỳ họp](../2024/05/khong-co/).\n")
    result = check(site)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "content/2024/05/giao-ban.md:10: không có ảnh /anh/toan-canh.jpg; đặt ảnh vào thư mục static/ hoặc sửa đường dẫn" in lines
    assert any(line.startswith("content/pages/lien-he.md:7: liên kết tới ../2024/05/khong-co/") for line in lines)


def test_missing_alt_text_warns_and_strict_fails(site: SiteDir) -> None:
    clean_site(site)
    site.article("content/2024/05/giao-ban.md", "Giao ban", "2024-05-02", body=BODY_WITH_LINKS.replace("[Toàn cảnh hội nghị]", "[]"))
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert "content/2024/05/giao-ban.md:10: cảnh báo: ảnh /anh/toan-canh.jpg thiếu mô tả (alt)" in result.stderr
    strict = check(site, "--strict")
    assert strict.returncode == 1
    assert "--strict" in strict.stderr


def test_long_title_and_summary_warn_at_their_lines(site: SiteDir) -> None:
    site.article("content/2024/05/dai.md", "Hội nghị " * 20, "2024-05-01", summary=repr("Tóm tắt rất dài " * 30))
    result = check(site)
    assert result.returncode == 0
    assert "content/2024/05/dai.md:2: cảnh báo: tiêu đề dài 179 ký tự, quá 150 ký tự" in result.stderr
    assert "content/2024/05/dai.md:4: cảnh báo: tóm tắt 'summary' dài 479 ký tự" in result.stderr


def test_content_errors_are_reported_like_build(site: SiteDir) -> None:
    site.write("content/2024/05/ky-hop.md", "---\ntitle: Kỳ họp\n\ndate: 31/02/2024\n---\n\nNội dung.\n")
    result = check(site)
    assert result.returncode == 1
    assert "content/2024/05/ky-hop.md:4: ngày 'date' không hợp lệ: '31/02/2024'" in result.stderr


def test_draft_targets_count_only_with_drafts(site: SiteDir) -> None:
    site.article("content/2024/05/nhap.md", "Bản nháp", "2024-05-01", draft="true")
    site.article("content/2024/05/bai.md", "Bài", "2024-05-02", body="Xem [bản nháp](/2024/05/ban-nhap/).")
    assert check(site).returncode == 1
    assert check(site, "--drafts").returncode == 0


def test_base_path_front_matter_image_and_menu(site: SiteDir) -> None:
    site.write("site.yaml", 'title: Thử\nbase_url: "https://example.gov.vn/hdnd/"\nmenu:\n'
                            '  - title: Trang chủ\n    url: ""\n  - title: Giới thiệu\n    url: "gioi-thieu/"\n')
    site.article("content/2024/05/a.md", "Bài", "2024-05-01", image="anh/khong-co.jpg",
                 body="[Đúng](/hdnd/2024/05/bai/) [ngoài trang](/khac/) [trang khác](https://example.org/x/)")
    result = check(site)
    assert result.returncode == 1
    assert "content/2024/05/a.md:4: không có ảnh /hdnd/anh/khong-co.jpg" in result.stderr
    # Editors write root links as if the site were at the host's root: /khac/ means /hdnd/khac/.
    assert "content/2024/05/a.md:7: liên kết tới /hdnd/khac/ không dẫn tới trang" in result.stderr
    assert "site.yaml:7: liên kết tới /hdnd/gioi-thieu/" in result.stderr
    assert "/hdnd/2024/05/bai/ " not in result.stderr and "example.org" not in result.stderr


def test_build_check_links(site: SiteDir) -> None:
    clean_site(site)
    assert site.build("--check-links").returncode == 0
    site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nXem [bài cũ](/2014/10/khong-co/).\n")
    result = site.build("--check-links")
    assert result.returncode == 1
    assert "content/pages/lien-he.md:5: liên kết tới /2014/10/khong-co/" in result.stderr
    assert "1 liên kết hỏng" in result.stderr
    assert site.exists("lien-he")  # the build itself succeeded; only the links fail it


def test_check_leaves_the_build_cache_byte_for_byte_as_it_was(site: SiteDir) -> None:
    clean_site(site)
    assert site.build().returncode == 0
    cache = site.root / ".giaoban-cache"
    before = tree_digest(cache)
    site.article("content/2024/05/moi.md", "Bài mới", "2024-05-03", body="Một bài chưa dựng.")  # so check parses something
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert tree_digest(cache) == before


def test_check_on_a_site_never_built_creates_no_cache(site: SiteDir) -> None:
    clean_site(site)
    assert check(site).returncode == 0
    assert not (site.root / ".giaoban-cache").exists()


def test_check_reads_what_the_last_build_parsed_instead_of_parsing_again(site: SiteDir, monkeypatch) -> None:
    from giaoban_site import build as build_module
    from giaoban_site.build import BuildOptions
    from giaoban_site.check import check_site

    clean_site(site)
    assert site.build().returncode == 0
    before = tree_digest(site.root / ".giaoban-cache")
    parsed: list[str] = []
    load = build_module.DocumentLoader.load
    monkeypatch.setattr(build_module.DocumentLoader, "load", lambda self, item: parsed.append(item[0]) or load(self, item))
    assert check_site(BuildOptions(source=site.root, jobs=1)).errors == []
    assert parsed == []
    site.article("content/2024/05/ky-hop.md", "Kỳ họp", "2024-05-01", body="Nội dung kỳ họp, đã sửa.")
    report = check_site(BuildOptions(source=site.root, jobs=1))
    assert report.errors == [] and report.documents == 3 and parsed == ["content/2024/05/ky-hop.md"]
    assert tree_digest(site.root / ".giaoban-cache") == before
