"""Delegates (đại biểu): a directory per term grouped by constituency in Vietnamese order, a page each, only official data."""

from __future__ import annotations

import json
import unicodedata

from conftest import SiteDir, run_giaoban, text_of

DELEGATES = [  # name, constituency, terms, position
    ("Nguyễn Thị Ánh", "Đơn vị bầu cử số 2: huyện Trùng Khánh", "XVII", "Phó Chủ tịch HĐND tỉnh"),
    ("Hoàng Văn Bình", "Đơn vị bầu cử số 1: thành phố Cao Bằng", "[XVI, XVII]", ""),
    ("Đàm Văn An", "Đơn vị bầu cử số 1: thành phố Cao Bằng", "XVII", "Trưởng Ban Dân tộc"),
    ("Lê Thị Đào", "Đơn vị bầu cử số 2: huyện Trùng Khánh", "XVII", ""),
    ("Trần Văn Dũng", "Đơn vị bầu cử số 2: huyện Trùng Khánh", "XVII", ""),
    ("Ân Văn Ba", "Đơn vị bầu cử số 1: thành phố Cao Bằng", "XVI", ""),
]


def delegate_site(site: SiteDir) -> SiteDir:
    for number, (name, unit, terms, role) in enumerate(DELEGATES):
        fields = f"title: {name}\nkhoa: {terms}\ndon_vi_bau_cu: '{unit}'\nchuc_vu: '{role}'\nto_dai_bieu: Tổ số {number % 2 + 1}\n"
        if name == "Trần Văn Dũng":
            fields += ("bien_dong:\n  - ngay: 2022-03-01\n    noi_dung: Được bầu bổ sung\n"
                       "  - ngay: 2024-05-10\n    noi_dung: Thôi làm nhiệm vụ đại biểu\n")
        site.write(f"content/dai-bieu/{number}.md", unicodedata.normalize("NFD", f"---\n{fields}---\n"))
    return site


def test_the_directory_groups_delegates_by_constituency_in_vietnamese_order(site: SiteDir) -> None:
    delegate_site(site)
    assert site.build().returncode == 0
    page = site.page("dai-bieu")
    assert text_of(page, "main h1") == "Đại biểu HĐND khóa XVII"  # the newest term
    groups = {text_of(s, "h2"): [a.get_text() for a in s.select(".delegate-list a")] for s in page.select("main section")}
    # Constituencies in order, and people by their given name, then the whole name: An < Ánh < Bình < Dũng < Đào.
    assert groups == {"Đơn vị bầu cử số 1: thành phố Cao Bằng": ["Đàm Văn An", "Hoàng Văn Bình"],
                      "Đơn vị bầu cử số 2: huyện Trùng Khánh": ["Nguyễn Thị Ánh", "Trần Văn Dũng", "Lê Thị Đào"]}
    assert "(thôi làm nhiệm vụ đại biểu 10/05/2024)" in " ".join(page.select(".delegate-list li")[3].get_text().split())
    older = site.page("dai-bieu/khoa-xvi")
    assert [a.get_text() for a in older.select(".delegate-list a")] == ["Ân Văn Ba", "Hoàng Văn Bình"]
    assert [a.get_text() for a in page.select('nav[aria-label="Các khóa"] a')] == ["Khóa XVII", "Khóa XVI"]


def test_a_delegate_s_page_shows_position_constituency_terms_and_changes(site: SiteDir) -> None:
    delegate_site(site)
    assert site.build().returncode == 0
    page = site.page("dai-bieu/tran-van-dung")
    rows = {text_of(tr, "th"): text_of(tr, "td") for tr in page.select("table.metadata tr")}
    assert rows == {"Đơn vị bầu cử": "Đơn vị bầu cử số 2: huyện Trùng Khánh", "Tổ đại biểu": "Tổ số 1", "Khóa": "XVII"}
    assert [" ".join(li.get_text().split()) for li in page.select("#bien-dong ~ ul li")] == [
        "ngày 01 tháng 3 năm 2022: Được bầu bổ sung", "ngày 10 tháng 5 năm 2024: Thôi làm nhiệm vụ đại biểu"]


def test_personal_data_beyond_the_official_fields_is_reported_and_not_published(site: SiteDir) -> None:
    site.write("content/dai-bieu/a.md", "---\ntitle: Nguyễn Văn A\nkhoa: XVII\ndon_vi_bau_cu: Đơn vị số 1\n"
                                        "ngay_sinh: 1970-01-01\ndien_thoai: '0912345678'\n---\n")
    result = site.build()
    assert result.returncode == 0
    assert "content/dai-bieu/a.md:5: trường 'ngay_sinh' không dùng được ở đây nên không được đăng" in result.stderr
    assert "content/dai-bieu/a.md:6: trường 'dien_thoai' không dùng được" in result.stderr
    assert "0912345678" not in (site.output / "dai-bieu/nguyen-van-a/index.html").read_text(encoding="utf-8")
    check = run_giaoban("check", "--strict", "--source", str(site.root))
    assert check.returncode == 1 and "ngay_sinh" in check.stdout + check.stderr


def test_a_change_without_a_date_is_an_error_showing_the_form(site: SiteDir) -> None:
    site.write("content/dai-bieu/a.md", "---\ntitle: Nguyễn Văn A\nkhoa: XVII\ndon_vi_bau_cu: Đơn vị số 1\n"
                                        "bien_dong:\n  - Được bầu bổ sung\n---\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/dai-bieu/a.md:5: 'bien_dong' must be a list of items with 'ngay' (a date) and 'noi_dung' (text)" in result.stderr


def test_a_term_that_is_not_a_roman_numeral_is_an_error(site: SiteDir) -> None:
    site.write("content/dai-bieu/a.md", "---\ntitle: Nguyễn Văn A\nkhoa: [XVII, 18]\ndon_vi_bau_cu: Đơn vị số 1\n---\n")
    result = site.build()
    assert result.returncode == 1 and "content/dai-bieu/a.md:3: khóa '18' phải viết bằng số La Mã" in result.stderr


def test_the_data_file_gives_a_delegate_s_changes(site: SiteDir) -> None:
    delegate_site(site)
    assert site.build().returncode == 0
    data = json.loads((site.output / "du-lieu/noi-dung.json").read_text(encoding="utf-8"))
    person = next(item for item in data["items"] if item["title"] == "Trần Văn Dũng")
    assert person["register"] == {"changes": [{"date": "2022-03-01T00:00:00+07:00", "text": "Được bầu bổ sung"},
                                              {"date": "2024-05-10T00:00:00+07:00", "text": "Thôi làm nhiệm vụ đại biểu"}]}
    assert person["fields"]["khoa"] == ["XVII"]
