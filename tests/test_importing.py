"""``giaoban import``: the old site's articles become the Markdown an editor would write, and nothing is lost."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from conftest import DATA, REPO, SiteDir, run_giaoban, text_of, tree_digest

SEED = DATA / "000_e84e7c1bee02776d.txt"
HAND_WRITTEN = REPO / "content/2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014.md"  # the seed, as an editor wrote it
IMPORTED = ("content/2014/10/hoi-nghi-giao-ban-giua-thuong-truc-hoi-dong-nhan-dan-tinh-voi-thuong-truc-hdnd-cac-huyen-thanh-pho"
            "-lan-thu-2-nam-2014.md")


def giaoban_import(site: SiteDir, *args: str, env: dict | None = None):
    return run_giaoban("import", *args, "--source", str(site.root), env=env)


def body_of(text: str) -> str:
    return text.split("\n---\n", 1)[1].strip()


def test_the_seed_imports_as_an_editor_wrote_it_by_hand(site: SiteDir) -> None:
    result = giaoban_import(site, str(SEED))
    assert result.returncode == 0, result.stderr
    assert "1 bài mới" in result.stdout
    text = (site.root / IMPORTED).read_text(encoding="utf-8")
    hand = HAND_WRITTEN.read_text(encoding="utf-8")
    assert body_of(text) == body_of(hand)  # every paragraph, the lede once, the typos ("chât lượng") as written
    assert "chât lượng" in text and "tổ chưc stham quan" in text and "Tác giả bài viết" not in body_of(text)
    head = text.split("\n---\n", 1)[0]
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for line in (f'title: "{lines[0]}"', "date: 2014-10-02", 'author: "Tuyết Nhung"', f'summary: "{lines[2]}"',
                 'image_caption: "Đồng chí Hà Ngọc Chiến, phát biểu khai mạc Hội nghị."'):
        assert line in head.split("\n"), line


def test_the_imported_article_builds_into_its_page(site: SiteDir) -> None:
    assert giaoban_import(site, str(SEED)).returncode == 0
    assert site.build().returncode == 0
    page = site.page("2014/10/" + Path(IMPORTED).stem)
    assert text_of(page, "main h1").startswith("Hội nghị giao ban giữa Thường trực")
    assert "Tuyết Nhung" in text_of(page, ".meta") and "02/10/2014" in text_of(page, ".meta")
    assert len(page.select(".body p")) == 10  # the lede once, the caption and signature not body text


def test_importing_again_changes_nothing_and_an_editor_s_change_is_kept(site: SiteDir) -> None:
    assert giaoban_import(site, str(SEED)).returncode == 0
    before = tree_digest(site.root / "content")
    again = giaoban_import(site, str(SEED))
    assert again.returncode == 0 and "1 bài giữ nguyên" in again.stdout and tree_digest(site.root / "content") == before
    path = site.root / IMPORTED
    edited = path.read_text(encoding="utf-8").replace('author: "Tuyết Nhung"', 'author: "Tuyết Nhung"\ncategory: "Hoạt động HĐND tỉnh"')
    path.write_text(edited, encoding="utf-8")
    kept = giaoban_import(site, str(SEED))
    assert kept.returncode == 0 and "đã được sửa sau lần nhập trước, giữ nguyên" in kept.stderr
    assert path.read_text(encoding="utf-8") == edited
    forced = giaoban_import(site, str(SEED), "--force")
    assert forced.returncode == 0 and "1 bài cập nhật" in forced.stdout and "category:" not in path.read_text(encoding="utf-8")


def test_a_dry_run_reports_and_writes_nothing(site: SiteDir) -> None:
    result = giaoban_import(site, str(SEED), "--dry-run")
    assert result.returncode == 0 and "1 bài mới" in result.stdout and "không ghi tệp nào" in result.stdout
    assert not (site.root / "content").exists() and not (site.root / ".giaoban-import.json").exists()


def test_other_date_forms_sources_and_markdown_signs_are_read_as_written(site: SiteDir) -> None:
    site.write("old/a.txt", unicodedata.normalize("NFD", """\
        Tiếp xúc cử tri tại xã Đình Phong

        \u00a0 \u00a0Sáng ngày 5/3/2020, Tổ đại biểu HĐND tỉnh tiếp xúc cử tri.

        \u00a0 \u00a01. Cử tri kiến nghị *sửa* đường_liên_xã [gấp].

        \u00a0 \u00a0# Không phải tiêu đề, <b>không phải thẻ</b> | - 2) > 1

        Nguồn tin: Báo Cao Bằng
        """))
    site.write("old/b.txt", "Hội nghị khác\n\n\u00a0Ngày 02-10-2014, tại huyện Hà Quảng.\n\nTác giả: Minh Hòa\n")
    result = giaoban_import(site, str(site.root / "old"))
    assert result.returncode == 0, result.stderr
    text = (site.root / "content/2020/03/tiep-xuc-cu-tri-tai-xa-dinh-phong.md").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text) and 'nguon: "Báo Cao Bằng"' in text and "date: 2020-03-05" in text
    assert (site.root / "content/2014/10/hoi-nghi-khac.md").read_text(encoding="utf-8").count('author: "Minh Hòa"') == 1
    assert site.build().returncode == 0
    paragraphs = [p.get_text() for p in site.page("2020/03/tiep-xuc-cu-tri-tai-xa-dinh-phong").select(".body p")]
    assert paragraphs == ["Sáng ngày 5/3/2020, Tổ đại biểu HĐND tỉnh tiếp xúc cử tri.",
                          "1. Cử tri kiến nghị *sửa* đường_liên_xã [gấp].",
                          "# Không phải tiêu đề, <b>không phải thẻ</b> | - 2) > 1"]


def test_a_file_that_cannot_be_read_stops_the_import_before_anything_is_written(site: SiteDir) -> None:
    site.write("old/a.txt", "Tin không có ngày\n\nHội nghị được tổ chức tại huyện.\n")
    (site.root / "old/b.txt").write_bytes(b"Tin c\xe3\n\nNg\xe0y 2/10/2014, t\xe1i huy\xean.\n")  # a one-byte encoding
    site.write("old/c.pdf", "%PDF")
    (site.root / "old/d.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # a good one too
    result = giaoban_import(site, str(site.root / "old"), env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "old/a.txt:3: no date found in the opening paragraph" in result.stderr
    assert "old/b.txt:1: the file is not UTF-8" in result.stderr
    assert "old/c.pdf: cannot read this file" in result.stderr
    assert "Import failed: 3 problem(s). content/ is as it was." in result.stderr
    assert not (site.root / "content").exists()
