"""``giaoban import``: the old site's articles become the Markdown an editor would write, and nothing is lost."""

from __future__ import annotations

import csv
import unicodedata
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
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


# --- NukeViet database exports ---------------------------------------------------------------

# Small exports written for the tests: NukeViet 4 (phpMyAdmin, with column lists; three articles: one
# published in two categories with tags, a source and a topic, a draft, one scheduled with an expiry), and
# NukeViet 3.4 (mysqldump, keywords in the rows, the body in a table of its own).
NUKEVIET_4 = (DATA / "nukeviet4.sql").read_text(encoding="utf-8")
NUKEVIET_3 = (DATA / "nukeviet3.sql").read_text(encoding="utf-8")

NEW_URL = "2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014/"


def test_a_nukeviet_4_export_becomes_articles_with_everything_kept(site: SiteDir) -> None:
    site.write("old/nv4.sql", NUKEVIET_4)
    result = giaoban_import(site, str(site.root / "old/nv4.sql"))
    assert result.returncode == 0, result.stderr
    assert "3 bài mới" in result.stdout
    text = (site.root / "content/2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014.md").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    for line in ('date: 2014-10-02T08:10:00+07:00', 'author: "Tuyết Nhung"', 'category: "Hoạt động HĐND tỉnh"',
                 'tags: ["giao ban", "Trùng Khánh"]', 'nguon: "Báo Cao Bằng"', 'dong_su_kien: "Giao ban Thường trực HĐND năm 2014"',
                 'chuyen_muc_khac: ["Tin địa phương"]', "luot_xem: 1520", "nukeviet_id: 321"):
        assert line in head.split("\n"), line
    assert body.strip().split("\n\n")[:2] == ["Phát biểu khai mạc, đồng chí Hà Ngọc Chiến nhấn mạnh: 'chất lượng'.", "Đoạn chép từ Word."]
    assert "| Trùng Khánh | 4 |" in body and "## Kết quả" in body and "- Một\n- Hai" in body
    assert "Xem [tin sau](/2030/01/tin-hen-gio/)." in body  # a link to the old site's address now leads to the new page
    assert "<font" not in body and "style=" not in body and "&nbsp;" not in body and "o:p" not in body
    assert "draft: true" in (site.root / "content/2014/10/ban-nhap.md").read_text(encoding="utf-8")  # status 0
    scheduled = (site.root / "content/2030/01/tin-hen-gio.md").read_text(encoding="utf-8")
    assert "draft:" not in scheduled and "date: 2030-01-01T07:00:00+07:00" in scheduled  # it waits for its date
    assert 'het_han: "2031-01-01T07:00:00+07:00"' in scheduled  # its expiry (read as expires:)
    # The view counts (hitstotal), by content file, for the "Xem nhiều" block.
    assert (site.root / "views.csv").read_text(encoding="utf-8").startswith(
        "address,views\ncontent/2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014.md,1520\n")
    assert len(list((site.root / "content").rglob("*.md"))) == 3  # the per-category copy (nv4_vi_news_1) is not read again
    again = giaoban_import(site, str(site.root / "old/nv4.sql"))
    assert again.returncode == 0 and "3 bài giữ nguyên" in again.stdout
    (site.root / ".giaoban-cache/import.sqlite").write_bytes(b"not a database")  # the memo of converted bodies, broken
    (site.root / "content/2014/10/ban-nhap.md").unlink()
    broken = giaoban_import(site, str(site.root / "old/nv4.sql"))
    assert broken.returncode == 0 and "1 bài mới" in broken.stdout and "3 bài giữ nguyên" not in broken.stdout


def test_a_nukeviet_3_export_reads_keywords_and_bodies_of_its_own(site: SiteDir) -> None:
    site.write("old/nv3.sql", NUKEVIET_3)
    assert giaoban_import(site, str(site.root / "old/nv3.sql")).returncode == 0
    text = (site.root / "content/2010/01/ky-hop-thu-13.md").read_text(encoding="utf-8")
    assert 'tags: ["kỳ họp", "Đại biểu HĐND"]' in text and 'category: "Kỳ họp"' in text
    assert text.rstrip().endswith("Kỳ họp diễn ra trong hai ngày.")
    assert '"/vi/news/Ky-hop/ky-hop-thu-13-15.html"' in text and '"/Ky-hop/ky-hop-thu-13-15/"' in text  # and NukeViet 3's own form
    assert site.build().returncode == 0
    assert 'url=/2010/01/ky-hop-thu-13/"' in (site.output / "Ky-hop/ky-hop-thu-13-15/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_old_address_of_an_article_and_its_lists_reaches_its_new_page(site: SiteDir, serve_directory, browser) -> None:
    assert import_nukeviet_4(site).returncode == 0
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    page = browser.new_page()
    for old in ("vi/news/hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html",
                "news/hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html",
                "vi/hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html",
                "hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html"):
        with urllib.request.urlopen(server.url + old) as response:
            assert response.status == 200 and f'url=/{NEW_URL}"' in response.read().decode("utf-8")
        page.goto(server.url + old)
        page.wait_for_url(server.url + NEW_URL)
        assert page.locator("main h1").inner_text() == "Hội nghị giao ban lần thứ 2 năm 2014", old
    for old, new in (("vi/news/print/hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html", NEW_URL),
                     ("index.php?language=vi&nv=news&op=hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-2-nam-2014-321.html", NEW_URL),
                     ("vi/news/hoat-dong-hdnd-tinh/", "chuyen-muc/hoat-dong-hdnd-tinh/"),
                     ("vi/news/tag/" + quote("trùng-khánh"), "chu-de/trung-khanh/"), ("vi/news/", "")):
        page.goto(server.url + old)
        page.wait_for_url(server.url + new, timeout=10_000)
        assert page.locator("main h1").count() == 1, old
    page.goto(server.url + "vi/news/rss/")
    page.wait_for_url(server.url + "rss.xml", timeout=10_000)
    page.close()


def test_a_cut_off_export_is_an_error_at_its_statement_and_nothing_is_written(site: SiteDir) -> None:
    site.write("old/nv4.sql", NUKEVIET_4[: NUKEVIET_4.index("(322, 2,")] + "(322, 2, '2")
    site.write("old/khac.sql", "CREATE TABLE `users` (`id` int);\n")
    result = giaoban_import(site, str(site.root / "old"), env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = NUKEVIET_4[: NUKEVIET_4.index("INSERT INTO `nv4_vi_news_rows`")].count("\n") + 1
    assert f"old/nv4.sql:{line}: the database export is broken or incomplete: the dump ends inside a text value" in result.stderr
    assert "old/khac.sql:1: the database export has no NukeViet news table" in result.stderr
    assert not (site.root / "content").exists()
    site.write("old/nv4.sql", NUKEVIET_4[: NUKEVIET_4.index("CREATE TABLE `nv4_vi_news_detail`")])
    result = giaoban_import(site, str(site.root / "old/nv4.sql"), env={"GIAOBAN_LANG": "en"})
    assert "old/nv4.sql:1: the database export has no table nv4_vi_news_detail" in result.stderr and result.returncode == 1


# "Hội nghị giao ban giữa Thường trực Hội đồng nhân dân tỉnh với ..." as typed with a .VnTime font (TCVN3):
# each byte is the character a Latin-1 reading shows.
TCVN3_TITLE = "Héi nghÞ giao ban gi÷a Th\u00adêng trùc Héi ®ång nh©n d©n tØnh"
TCVN3_LEDE = "Ngµy 02 th¸ng 10 n¨m 2014, t¹i huyÖn Trïng Kh¸nh, Th\u00adêng trùc H§ND tØnh tæ chøc giao ban."


def test_text_typed_in_tcvn3_is_converted_to_unicode_and_reported(site: SiteDir) -> None:
    (site.root / "old").mkdir()
    (site.root / "old/cu.txt").write_bytes(f"{TCVN3_TITLE}\n\n{TCVN3_LEDE}\n".encode("latin-1"))  # one byte a letter
    dump = NUKEVIET_3.replace("Kỳ họp thứ 13 HĐND tỉnh khóa XIV", TCVN3_TITLE).replace(
        "<p>Kỳ họp diễn ra trong hai ngày.</p>", f"<p>{TCVN3_LEDE}</p>")
    site.write("old/nv3.sql", dump)  # TCVN3 bytes that a migration stored as UTF-8 characters
    result = giaoban_import(site, str(site.root / "old"))
    assert result.returncode == 0, result.stderr
    assert "old/cu.txt: chữ gõ bằng bảng mã TCVN3, đã chuyển sang Unicode" in result.stdout
    assert "old/nv3.sql (id 15): chữ gõ bằng bảng mã TCVN3, đã chuyển sang Unicode" in result.stdout
    title = "Hội nghị giao ban giữa Thường trực Hội đồng nhân dân tỉnh"
    text = (site.root / "content/2014/10/hoi-nghi-giao-ban-giua-thuong-truc-hoi-dong-nhan-dan-tinh.md").read_text(encoding="utf-8")
    assert f'title: "{title}"' in text and "tại huyện Trùng Khánh, Thường trực HĐND tỉnh tổ chức giao ban." in text
    imported = (site.root / "content/2010/01/ky-hop-thu-13.md").read_text(encoding="utf-8")
    assert f'title: "{title}"' in imported and imported.rstrip().endswith("Thường trực HĐND tỉnh tổ chức giao ban.")


def test_a_row_with_a_value_that_cannot_be_read_is_an_error_naming_it(site: SiteDir) -> None:
    site.write("old/nv4.sql", NUKEVIET_4.replace("'1,2', 3, 'Tuyết Nhung', 1, 1412212200, 1, 1412212200,",
                                                 "'1,2', 3, 'Tuyết Nhung', 1, 1412212200, 1, 'hôm qua',"))
    result = giaoban_import(site, str(site.root / "old/nv4.sql"), env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "old/nv4.sql: the article with id 321 has a value that cannot be read" in result.stderr
    assert not (site.root / "content").exists()


# --- photos and attached files, from the old site's uploads/ --------------------------------------

def old_uploads(site: SiteDir, photos: tuple[str, ...] = ("hoi-nghi.jpg", "dai-bieu.jpg", "khong-co.jpg")) -> Path:
    """The old site's uploads/ with the files the NukeViet 4 export uses, but its attached thieu.docx
    (and any of ``photos`` left out)."""
    folder = site.root / "old/uploads/news/2014_10"
    for name in photos:
        site.photo(f"old/uploads/news/2014_10/{name}")
    (folder / "bao-cao.pdf").write_bytes(b"%PDF-1.4 report")
    return site.root / "old/uploads"


def import_nukeviet_4(site: SiteDir):
    site.write("old/nv4.sql", NUKEVIET_4)
    return giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", str(old_uploads(site)))


def test_photos_and_files_are_copied_from_uploads_and_missing_ones_reported(site: SiteDir) -> None:
    site.write("old/nv4.sql", NUKEVIET_4)
    result = giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", str(old_uploads(site, ("hoi-nghi.jpg", "dai-bieu.jpg"))))
    assert result.returncode == 0, result.stderr
    for name in ("hoi-nghi.jpg", "dai-bieu.jpg"):  # where their old addresses (/uploads/news/...) keep working
        copied = (site.root / "static/uploads/news/2014_10" / name).read_bytes()
        assert copied == (site.root / "old/uploads/news/2014_10" / name).read_bytes()
    assert (site.root / "content/2014/10/bao-cao.pdf").read_bytes() == b"%PDF-1.4 report"  # beside its article
    text = (site.root / "content/2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014.md").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    for line in ('image: "uploads/news/2014_10/hoi-nghi.jpg"', 'image_caption: "Quang cảnh Hội nghị giao ban"',
                 'attachments: ["bao-cao.pdf"]', 'tep_dinh_kem_thieu: ["uploads/news/2014_10/thieu.docx"]'):
        assert line in head.split("\n"), line
    assert "![Đại biểu dự hội nghị](/uploads/news/2014_10/dai-bieu.jpg)" in body  # the old host's link made the site's own
    for name in ("uploads/news/2014_10/khong-co.jpg", "uploads/news/2014_10/thieu.docx"):
        assert f"old/nv4.sql (id 321): không tìm thấy tệp {name}" in result.stderr
    assert "old/nv4.sql (id 324): bỏ qua, bài không có tiêu đề" in result.stderr
    assert ("Trong đó: 1 bản nháp, 1 bài hẹn giờ đăng, 0 bài đổi bảng mã; 3 tệp ảnh, đính kèm đã chép, 2 tệp không tìm thấy; "
            "1 dòng bỏ qua;") in result.stdout
    failed = site.build()  # a photo still missing: the editor is told where, and finds it
    assert failed.returncode == 1 and "không có ảnh /uploads/news/2014_10/khong-co.jpg" in failed.stderr
    site.photo("static/uploads/news/2014_10/khong-co.jpg")
    assert site.build().returncode == 0
    page = site.page("2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014")
    assert page.select_one("figure.lead-figure img")["src"].startswith("/anh/hoi-nghi-")  # the photo made for phones
    assert "bao-cao.pdf" in page.select_one(".attachments a")["href"]
    assert (site.output / "uploads/news/2014_10/dai-bieu.jpg").exists()
    again = giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", str(site.root / "old/uploads/news"))  # either folder
    assert again.returncode == 0 and "3 bài giữ nguyên" in again.stdout and "0 tệp ảnh, đính kèm đã chép" in again.stdout


def test_two_files_of_one_name_attached_in_one_month_are_both_kept(site: SiteDir) -> None:
    draft_attaching = "(322, '', '<p>Nháp.</p>', '', '2014_09/bao-cao.pdf')"  # the draft of the same month
    site.write("old/nv4.sql", NUKEVIET_4.replace("(322, '', '<p>Nháp.</p>', '', '')", draft_attaching))
    uploads = old_uploads(site)
    (uploads / "news/2014_09").mkdir()
    (uploads / "news/2014_09/bao-cao.pdf").write_bytes(b"%PDF-1.4 another report")
    assert giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", str(uploads)).returncode == 0
    assert (site.root / "content/2014/10/bao-cao.pdf").read_bytes() == b"%PDF-1.4 report"
    assert (site.root / "content/2014/10/ban-nhap-bao-cao.pdf").read_bytes() == b"%PDF-1.4 another report"
    assert 'attachments: ["ban-nhap-bao-cao.pdf"]' in (site.root / "content/2014/10/ban-nhap.md").read_text(encoding="utf-8")


# --- old list addresses: categories, their pages, tags, topics, feeds -----------------------------

def test_old_list_addresses_are_added_to_redirects_yaml_and_lead_to_the_new_lists(site: SiteDir) -> None:
    site.write("redirects.yaml", "# Địa chỉ do văn phòng thêm\n/vi/gioi-thieu/: /\n")
    result = import_nukeviet_4(site)
    assert result.returncode == 0, result.stderr
    redirects = (site.root / "redirects.yaml").read_text(encoding="utf-8")
    assert redirects.startswith("# Địa chỉ do văn phòng thêm\n/vi/gioi-thieu/: /\n")  # an editor's lines stay
    for line in ('"/vi/news/": "/"', '"/vi/news/rss/": "rss.xml"', '"/vi/news/hoat-dong-hdnd-tinh/": "chuyen-muc/hoat-dong-hdnd-tinh/"',
                 '"/vi/news/rss/hoat-dong-hdnd-tinh/": "chuyen-muc/hoat-dong-hdnd-tinh/rss.xml"',
                 '"/vi/news/tag/trùng-khánh": "chu-de/trung-khanh/"',  # NukeViet's tag address keeps its diacritics
                 '"/vi/news/topic/giao-ban-thuong-truc-hdnd-nam-2014": "dong-su-kien/giao-ban-thuong-truc-hdnd-nam-2014/"',
                 # The other category holds the published article as its second one (chuyen_muc_khac): its page now.
                 '"/vi/news/tin-dia-phuong/": "chuyen-muc/tin-dia-phuong/"'):
        assert line in redirects.split("\n"), line
    assert site.build().returncode == 0
    assert site.exists("dong-su-kien/giao-ban-thuong-truc-hdnd-nam-2014/") and site.exists("chuyen-muc/tin-dia-phuong/")
    refresh = site.page("vi/news/tag/trùng-khánh/").select_one('meta[http-equiv="refresh"]')["content"]
    assert refresh == "0; url=/chu-de/trung-khanh/"
    again = import_nukeviet_4(site)
    assert again.returncode == 0 and (site.root / "redirects.yaml").read_text(encoding="utf-8") == redirects  # added once


def test_the_old_category_tree_goes_to_site_yaml_and_the_views_to_views_csv(site: SiteDir) -> None:
    # "Tin địa phương" under "Hoạt động HĐND tỉnh", as NukeViet's parentid says.
    # And its group of news "Tin tiêu điểm" (the old front page's lead) holds the first article.
    groups = ("CREATE TABLE `nv4_vi_news_block_cat` (`bid` int, `title` varchar(250));\n"
              "INSERT INTO `nv4_vi_news_block_cat` VALUES (1, 'Tin mới'), (2, 'Tin tiêu điểm');\n"
              "CREATE TABLE `nv4_vi_news_block` (`bid` int, `id` int, `weight` int);\n"
              "INSERT INTO `nv4_vi_news_block` VALUES (1, 324, 1), (2, 321, 1);\n")
    site.write("old/nv4.sql", NUKEVIET_4.replace("(2, 0, 'Tin địa phương'", "(2, 1, 'Tin địa phương'") + groups)
    uploads = str(old_uploads(site))
    assert giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", uploads).returncode == 0
    config = (site.root / "site.yaml").read_text(encoding="utf-8")
    assert config.startswith('title: "HĐND tỉnh Thử nghiệm"')  # the editor's lines stay, the tree comes after them
    assert '  tin-dia-phuong: {title: "Tin địa phương", parent: "hoat-dong-hdnd-tinh"}' in config.split("\n")
    result = site.build("--now", "2015-01-01T00:00:00+07:00")
    assert result.returncode == 0, result.stderr
    trail = [a.get_text() for a in site.page("chuyen-muc/tin-dia-phuong/").select("nav.breadcrumbs a")]
    assert trail == ["Trang chủ", "Chuyên mục", "Hoạt động HĐND tỉnh", "Tin địa phương"]
    lead = site.page("").select_one(".front-featured")
    assert [a.get_text() for a in lead.select(".item-title a")] == ["Hội nghị giao ban lần thứ 2 năm 2014"]
    most_read = site.page("").select_one(".front-most-read")  # from views.csv, which hitstotal filled
    assert [a.get_text() for a in most_read.select("a")] == ["Hội nghị giao ban lần thứ 2 năm 2014"]
    assert giaoban_import(site, str(site.root / "old/nv4.sql"), "--uploads", uploads).returncode == 0
    assert (site.root / "site.yaml").read_text(encoding="utf-8") == config  # declared now: not added twice


def test_an_old_category_page_leads_to_the_new_page_with_the_same_articles(site: SiteDir) -> None:
    def row(n: int) -> str:  # a day apart, each published
        time = 1412212200 + n * 86400
        return f"({n}, 1, '1', 0, '', 0, {time}, 1, {time}, 0, 'Tin số {n}', 'tin-so-{n}', '', 0, '', '')"

    rows = ",\n".join(row(n) for n in range(1, 46))
    tables = NUKEVIET_4[: NUKEVIET_4.index("INSERT INTO `nv4_vi_news_rows`")]
    detail = NUKEVIET_4[NUKEVIET_4.index("CREATE TABLE `nv4_vi_news_detail`"): NUKEVIET_4.index("INSERT INTO `nv4_vi_news_detail`")]
    bodies = ", ".join(f"({n}, '', '<p>Tin số {n}.</p>', '', '')" for n in range(1, 46))
    site.write("old/nv4.sql", tables + "INSERT INTO `nv4_vi_news_rows` VALUES " + rows + ";\n"  # noqa: S608 (a dump's text)
               + detail + "INSERT INTO `nv4_vi_news_detail` VALUES " + bodies + ";\n")
    assert giaoban_import(site, str(site.root / "old/nv4.sql")).returncode == 0
    redirects = (site.root / "redirects.yaml").read_text(encoding="utf-8").split("\n")
    # NukeViet showed 20 a page, this site 10: the old page 2 began with the 21st newest, on the new page 3.
    assert '"/vi/news/hoat-dong-hdnd-tinh/page-2": "chuyen-muc/hoat-dong-hdnd-tinh/trang/3/"' in redirects
    assert '"/vi/news/hoat-dong-hdnd-tinh/page-3": "chuyen-muc/hoat-dong-hdnd-tinh/trang/5/"' in redirects
    assert site.build().returncode == 0
    old_page = site.page("vi/news/hoat-dong-hdnd-tinh/page-2/")
    new_page = site.page(old_page.select_one("main a")["href"].lstrip("/"))
    assert text_of(new_page, "main article h2") == "Tin số 25"  # the 21st newest of 45, as on the old page 2


# --- saved pages, CSV exports, legacy encodings ---------------------------------------------------

def test_a_saved_page_of_the_old_site_keeps_the_article_and_drops_the_rest(site: SiteDir) -> None:
    (site.root / "old").mkdir()
    (site.root / "old/trang.html").write_bytes((DATA / "nukeviet4-page.html").read_bytes())
    result = giaoban_import(site, str(site.root / "old"))
    assert result.returncode == 0, result.stderr
    text = (site.root / "content/2014/12/hoi-nghi-giao-ban-lan-thu-3-nam-2014.md").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    for line in ('date: 2014-12-12T09:30:00+07:00', 'author: "Tuyết Nhung"', 'nguon: "Văn phòng HĐND tỉnh"',
                 'category: "Hoạt động HĐND tỉnh"', 'tags: ["giao ban", "Hà Quảng"]', 'image: "uploads/news/2014_12/hoi-nghi-3.jpg"',
                 'image_caption: "Quang cảnh hội nghị tại Hà Quảng"', "nukeviet_id: 412",
                 'summary: "Ngày 12/12/2014, tại huyện Hà Quảng, Thường trực HĐND tỉnh tổ chức giao ban lần thứ 3."'):
        assert line in head.split("\n"), line
    assert '"/vi/news/hoat-dong-hdnd-tinh/hoi-nghi-giao-ban-lan-thu-3-nam-2014-412.html"' in head
    assert body.strip().split("\n\n") == ["Đồng chí Chủ tịch HĐND tỉnh chủ trì hội nghị.",
                                         "Các huyện báo cáo kết quả **giám sát** năm 2014."]
    for dropped in ("Tin xem nhiều", "Bình luận", "Bản quyền", "Liên hệ", "Tác giả bài viết", "Kỳ họp thứ 12", "nv_base_siteurl"):
        assert dropped not in text, dropped
    assert "old/trang.html (id 412): không tìm thấy tệp uploads/news/2014_12/hoi-nghi-3.jpg" not in result.stderr


def test_a_folder_of_csv_tables_imports_like_the_dump(site: SiteDir) -> None:
    folder = site.root / "old/csv"
    folder.mkdir(parents=True)
    tables = {"nv4_vi_news_cat": [("catid", "parentid", "title", "alias"), (1, 0, "Hoạt động HĐND tỉnh", "hoat-dong-hdnd-tinh")],
              "nv4_vi_news_rows": [("id", "catid", "listcatid", "author", "status", "publtime", "exptime", "title", "alias", "hometext"),
                                   (321, 1, "1", "Tuyết Nhung", 1, 1412212200, 0, "Hội nghị giao ban lần thứ 2 năm 2014",
                                    "hoi-nghi-giao-ban-lan-thu-2-nam-2014", "Ngày 02/10/2014, giao ban.")],
              "nv4_vi_news_detail": [("id", "bodyhtml", "sourcetext"),
                                     (321, "<p>Đoạn một, có dấu phẩy.</p>\n<p>Đoạn \"hai\".</p>", "NULL")]}
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
    result = giaoban_import(site, str(site.root / "old"))
    assert result.returncode == 0, result.stderr
    text = (site.root / "content/2014/10/hoi-nghi-giao-ban-lan-thu-2-nam-2014.md").read_text(encoding="utf-8")
    assert 'category: "Hoạt động HĐND tỉnh"' in text and "nukeviet_id: 321" in text and "nguon" not in text
    assert text.split("\n---\n", 1)[1].strip() == 'Đoạn một, có dấu phẩy.\n\nĐoạn "hai".'


def windows_1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: the letter with its shape (â, ơ ...), then its tone as a mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    letters = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        letters.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + "".join(c for c in parts if c in tones))
    return "".join(letters).encode("cp1258")


def test_windows_1258_and_viqr_text_is_converted_and_reported(site: SiteDir) -> None:
    (site.root / "old").mkdir()
    (site.root / "old/a.txt").write_bytes(windows_1258("Kỳ họp thứ mười hai\n\nNgày 10 tháng 12 năm 2019, HĐND tỉnh khai mạc kỳ họp.\n"))
    typed = "Tie^'p xu'c cu+? tri\n\nNga`y 5/3/2020, ddo^`ng chi' Chu? ti.ch HDDND tie^'p cu+? tri. Ai ho?i\\?\n"
    (site.root / "old/b.txt").write_text(typed, encoding="ascii")
    result = giaoban_import(site, str(site.root / "old"))
    assert result.returncode == 0, result.stderr
    assert "old/a.txt: chữ gõ bằng bảng mã WINDOWS-1258, đã chuyển sang Unicode" in result.stdout
    assert "old/b.txt: chữ gõ bằng bảng mã VIQR, đã chuyển sang Unicode" in result.stdout
    assert 'title: "Kỳ họp thứ mười hai"' in (site.root / "content/2019/12/ky-hop-thu-muoi-hai.md").read_text(encoding="utf-8")
    viqr = (site.root / "content/2020/03/tiep-xuc-cu-tri.md").read_text(encoding="utf-8")
    assert 'title: "Tiếp xúc cử tri"' in viqr and "Ngày 5/3/2020, đồng chí Chủ tịch HĐND tiếp cử tri. Ai hỏi?" in viqr
