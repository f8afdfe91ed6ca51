"""`giaoban new`: a draft article or page with its front matter, never overwriting a file."""

from __future__ import annotations

from conftest import SiteDir, run_giaoban, text_of

NOW = {"GIAOBAN_NOW": "2024-05-31T23:30:00+00:00"}  # 1 June 06:30 in Vietnam


def test_new_article_goes_in_its_vietnamese_month_with_front_matter(site: SiteDir) -> None:
    site.write("site.yaml", 'title: Thử\nauthor: "Văn phòng HĐND tỉnh"\n')
    result = run_giaoban("new", "Kỳ họp thứ 10: HĐND tỉnh # khoá XVI", "--source", str(site.root), env=NOW)
    assert result.returncode == 0, result.stderr
    path = site.root / "content/2024/06/ky-hop-thu-10-hdnd-tinh-khoa-xvi.md"
    assert result.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: \"Kỳ họp thứ 10: HĐND tỉnh # khoá XVI\"\n")
    for line in ("date: 2024-06-01T06:30:00+07:00", 'author: "Văn phòng HĐND tỉnh"', "tags: []", "draft: true"):
        assert f"\n{line}\n" in text
    # The file is valid content: a drafts build shows it, marked as a draft.
    assert site.build("--drafts", env=NOW).returncode == 0
    page = site.page("2024/06/ky-hop-thu-10-hdnd-tinh-khoa-xvi")
    assert page.select_one("h1").get_text() == "Kỳ họp thứ 10: HĐND tỉnh # khoá XVI"
    assert page.select_one(".draft-note") is not None


def test_author_option_and_page(site: SiteDir) -> None:
    result = run_giaoban("new", "Bài mới", "--author", "Tuyết Nhung", "--source", str(site.root), env=NOW)
    assert 'author: "Tuyết Nhung"' in (site.root / result.stdout.strip()).read_text(encoding="utf-8")
    result = run_giaoban("new", "--page", "Liên hệ", "--source", str(site.root))
    assert result.returncode == 0, result.stderr
    path = site.root / "content/pages/lien-he.md"
    assert result.stdout.strip() == str(path)
    assert path.read_text(encoding="utf-8") == '---\ntitle: "Liên hệ"\ndraft: true\n---\n\n'


def test_new_never_overwrites(site: SiteDir) -> None:
    path = site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nĐịa chỉ của văn phòng.\n")
    result = run_giaoban("new", "--page", "Liên hệ", "--source", str(site.root))
    assert result.returncode == 1
    assert "tệp đã có" in result.stderr and "lien-he.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Địa chỉ của văn phòng." in path.read_text(encoding="utf-8")


def test_title_without_letters_is_refused(site: SiteDir) -> None:
    result = run_giaoban("new", "!!!", "--source", str(site.root))
    assert result.returncode == 1 and "tiêu đề" in result.stderr
    assert not (site.root / "content").exists()


def test_relative_path_printed_from_the_site_root(site: SiteDir) -> None:
    result = run_giaoban("new", "Tiếp xúc cử tri", cwd=site.root, env=NOW)
    assert result.stdout.strip() == "content/2024/06/tiep-xuc-cu-tri.md"


def test_new_item_of_a_declared_type_goes_in_its_folder_with_its_fields_to_fill(site: SiteDir) -> None:
    site.write("site.yaml", 'title: Thử\ntypes:\n  tai-lieu:\n    fields:\n      so_ky_hieu: {type: text, required: true}\n'
                            '      linh_vuc: list\n      hieu_luc: {type: text, default: "còn hiệu lực"}\n')
    result = run_giaoban("new", "--type", "tai-lieu", "Nghị quyết về ngân sách năm 2025", "--source", str(site.root), env=NOW)
    assert result.returncode == 0, result.stderr
    path = site.root / "content/tai-lieu/nghi-quyet-ve-ngan-sach-nam-2025.md"
    assert result.stdout.strip() == str(path)
    assert path.read_text(encoding="utf-8") == ('---\ntitle: "Nghị quyết về ngân sách năm 2025"\nso_ky_hieu: ""\nlinh_vuc: []\n'
                                                'hieu_luc: "còn hiệu lực"\ndraft: true\n---\n\n')
    # The required field is there to fill in: until it is, the build says where.
    failed = site.build("--drafts")
    assert failed.returncode == 1 and "content/tai-lieu/nghi-quyet-ve-ngan-sach-nam-2025.md:3: thiếu trường 'so_ky_hieu'" in failed.stderr
    path.write_text(path.read_text(encoding="utf-8").replace('so_ky_hieu: ""', 'so_ky_hieu: "15/2024/NQ-HĐND"'), encoding="utf-8")
    assert site.build("--drafts").returncode == 0
    assert site.exists("tai-lieu/nghi-quyet-ve-ngan-sach-nam-2025")


def test_new_with_an_unknown_type_names_the_types(site: SiteDir) -> None:
    result = run_giaoban("new", "--type", "vanban", "Nghị quyết", "--source", str(site.root), env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "there is no content type 'vanban'; the types are: article, page" in result.stderr


def test_new_document_takes_its_summary_and_leaves_the_number_type_and_date_to_fill(site: SiteDir) -> None:
    result = run_giaoban("new", "--type", "van-ban", "Về giá đất năm 2025", "--source", str(site.root), env=NOW)
    assert result.returncode == 0, result.stderr
    path = site.root / "content/van-ban/ve-gia-dat-nam-2025.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\ntrich_yeu: "Về giá đất năm 2025"\nso_ky_hieu: ""\nloai: ""\n') and "\ndate:" not in text
    failed = site.build("--drafts", env=NOW)
    assert failed.returncode == 1 and "content/van-ban/ve-gia-dat-nam-2025.md:3: thiếu trường 'so_ky_hieu'" in failed.stderr
    text = text.replace('so_ky_hieu: ""', 'so_ky_hieu: "20/2024/NQ-HĐND"').replace('loai: ""', "loai: Nghị quyết")
    path.write_text(text.replace('ngay_ban_hanh: ""', "ngay_ban_hanh: 2024-05-30").replace("draft: true", "draft: false"), encoding="utf-8")
    assert site.build(env=NOW).returncode == 0
    assert text_of(site.page("van-ban/20-2024-nq-hdnd"), "main .lead") == "Về giá đất năm 2025"


def test_new_english_article_goes_under_content_en_and_builds_under_en(site: SiteDir) -> None:
    site.write("site.yaml", 'title: Thử\nlanguages:\n  en:\n    title: "Trial council"\n')
    result = run_giaoban("new", "Visit of the Guangxi delegation", "--lang", "en", "--source", str(site.root), env=NOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(site.root / "content/en/2024/06/visit-of-the-guangxi-delegation.md")
    assert site.build("--drafts", env=NOW).returncode == 0
    page = site.page("en/2024/06/visit-of-the-guangxi-delegation")
    assert page.html["lang"] == "en" and text_of(page, ".draft-note") == "Draft – not published"
    unknown = run_giaoban("new", "Visite", "--lang", "fr", "--source", str(site.root), env=NOW)
    assert unknown.returncode == 1 and "ngôn ngữ 'fr' chưa khai báo trong site.yaml; các ngôn ngữ của trang: vi, en" in unknown.stderr
