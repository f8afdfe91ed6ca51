"""Sessions (kỳ họp): the session page gathers its documents and news; the index by term; the home page's next session."""

from __future__ import annotations

import json

import pytest
from conftest import SiteDir, text_of

SESSIONS = {
    "ky-18": "khoa: XVII\nnhiem_ky: 2021–2026\nso: 18\nhinh_thuc: thường lệ\nngay_bat_dau: 2024-07-10\nngay_ket_thuc: 2024-07-12\n"
             "dia_diem: Hội trường HĐND tỉnh\nthe: Kỳ họp thứ 18",
    "ky-20": "khoa: XVII\nso: 20\nhinh_thuc: bất thường\nngay_bat_dau: 2024-09-05",
    "ky-1": "khoa: xviii\nnhiem_ky: 2026–2031\nso: 1\nngay_bat_dau: 2026-06-20\nngay_ket_thuc: 2026-06-21",
}


def session_site(site: SiteDir) -> SiteDir:
    for name, fields in SESSIONS.items():
        site.write(f"content/ky-hop/{name}.md", f"---\n{fields}\n---\n\n1. Khai mạc.\n2. Thảo luận.\n")
    site.write("content/van-ban/nq-15.md", '---\nso_ky_hieu: "15/2024/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-07-12\n'
                                           'trich_yeu: Về đầu tư công\nky_hop: khoa-xvii-ky-hop-18\n---\n')
    site.write("content/van-ban/nq-16.md", '---\nso_ky_hieu: "16/2024/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-07-12\n'
                                           'ngay_hieu_luc: 2024-07-22\nngay_het_hieu_luc: 2024-08-01\n'
                                           'trich_yeu: Về giá đất\nky_hop: "Kỳ họp thứ 18, khóa XVII"\n---\n')  # named by its title
    site.article("content/2024/07/khai-mac.md", "Khai mạc kỳ họp thứ 18", "2024-07-10", tags='["Kỳ họp thứ 18"]')
    site.article("content/2024/07/khac.md", "Tiếp xúc cử tri", "2024-07-20", tags='["tiếp xúc cử tri"]')
    return site


def test_the_session_page_gathers_its_documents_and_news(site: SiteDir) -> None:
    session_site(site)
    assert site.build(env={"GIAOBAN_NOW": "2024-12-01T09:00:00+07:00"}).returncode == 0
    page = site.page("ky-hop/khoa-xvii-ky-hop-18")
    assert text_of(page, "main h1") == "Kỳ họp thứ 18, khóa XVII"
    rows = {text_of(tr, "th"): text_of(tr, "td") for tr in page.select("table.metadata tr")}
    assert rows == {"Khóa": "XVII (nhiệm kỳ 2021–2026)", "Hình thức": "Kỳ họp thường lệ",
                    "Thời gian": "Từ thứ Tư, ngày 10 tháng 7 năm 2024 đến thứ Sáu, ngày 12 tháng 7 năm 2024",
                    "Địa điểm": "Hội trường HĐND tỉnh"}
    assert [" ".join(p.get_text(" ").split()) for p in page.select(".document-number")] == [
        "Nghị quyết số 15/2024/NQ-HĐND", "Nghị quyết số 16/2024/NQ-HĐND Hết hiệu lực toàn bộ"]
    assert [a.get_text() for a in page.select("#tin-ky-hop ~ ul a")] == ["Khai mạc kỳ họp thứ 18"]
    assert "Khai mạc." in text_of(page, ".body")


def test_the_index_lists_sessions_by_term_newest_first(site: SiteDir) -> None:
    session_site(site)
    assert site.build(env={"GIAOBAN_NOW": "2026-12-01T09:00:00+07:00"}).returncode == 0
    page = site.page("ky-hop")
    assert [text_of(h, "h2") for h in page.select("main section")] == ["Khóa XVIII (2026–2031)", "Khóa XVII (2021–2026)"]
    assert [a.get_text() for a in page.select(".session-list a")] == [
        "Kỳ họp thứ 1, khóa XVIII", "Kỳ họp thứ 20, khóa XVII", "Kỳ họp thứ 18, khóa XVII"]
    assert [li.select_one(".meta").get_text() for li in page.select(".session-list li")] == [
        "(thường lệ, 20/06/2026–21/06/2026)", "(bất thường, 05/09/2024)", "(thường lệ, 10/07/2024–12/07/2024)"]


@pytest.mark.parametrize(("now", "shown"), [
    ("2024-07-01T09:00:00+07:00",
     "Kỳ họp sắp tới Kỳ họp thứ 18, khóa XVII: thứ Tư, ngày 10 tháng 7 năm 2024 đến thứ Sáu, ngày 12 tháng 7 năm 2024"),
    ("2024-07-11T15:00:00+07:00", "Kỳ họp đang diễn ra Kỳ họp thứ 18, khóa XVII"),
    ("2024-07-13T09:00:00+07:00", "Kỳ họp sắp tới Kỳ họp thứ 20, khóa XVII: thứ Năm, ngày 05 tháng 9 năm 2024"),
    ("2026-07-01T09:00:00+07:00", None),
])
def test_the_home_page_shows_the_session_under_way_or_the_next(site: SiteDir, now: str, shown: str | None) -> None:
    session_site(site)
    assert site.build(env={"GIAOBAN_NOW": now}).returncode == 0
    box = site.page("").select_one(".session-box")
    assert (box is None) if shown is None else " ".join(box.get_text().split()).startswith(shown)


def test_the_home_page_changes_when_a_session_ends_without_any_file_changing(site: SiteDir) -> None:
    session_site(site)
    assert site.build(env={"GIAOBAN_NOW": "2024-07-12T20:00:00+07:00"}).returncode == 0
    assert "Kỳ họp thứ 18" in text_of(site.page(""), ".session-box")
    assert site.build(env={"GIAOBAN_NOW": "2024-07-13T00:30:00+07:00"}).returncode == 0  # the next day
    assert "Kỳ họp thứ 20" in text_of(site.page(""), ".session-box")


@pytest.mark.parametrize(("fields", "message"), [
    ("so: 3\nngay_bat_dau: 2024-01-02", ":1: thiếu trường 'khoa', bắt buộc với loại nội dung 'ky-hop'"),
    ("khoa: 17\nso: 3\nngay_bat_dau: 2024-01-02", ":2: khóa '17' phải viết bằng số La Mã, như 'XVII'"),
    ("khoa: XVII\nso: ba\nngay_bat_dau: 2024-01-02", ":3: 'so' phải là một số"),
    ("khoa: XVII\nso: 3\nngay_bat_dau: 2024-01-02\nhinh_thuc: khẩn",
     ":5: 'hinh_thuc' có giá trị 'khẩn' không dùng được; chọn một trong: thường lệ"),
    ("khoa: XVII\nso: 3\nngay_bat_dau: 2024-01-05\nngay_ket_thuc: 2024-01-02", ":5: 'ngay_ket_thuc' không thể trước 'ngay_bat_dau'"),
])
def test_an_invalid_session_field_is_an_error_at_its_line(site: SiteDir, fields: str, message: str) -> None:
    site.write("content/ky-hop/x.md", f"---\n{fields}\n---\n")
    result = site.build()
    assert result.returncode == 1 and "content/ky-hop/x.md" + message in result.stderr, result.stderr


def test_two_files_of_one_session_are_an_error(site: SiteDir) -> None:
    site.write("content/ky-hop/a.md", "---\nkhoa: XVII\nso: 3\nngay_bat_dau: 2022-01-02\n---\n")
    site.write("content/ky-hop/b.md", "---\nkhoa: XVII\nso: 3\nngay_bat_dau: 2022-01-02\nslug: ky-3-ban-sao\n---\n")
    result = site.build()
    assert result.returncode == 1
    assert "kỳ họp thứ 3 khóa XVII đã có ở content/ky-hop/" in result.stderr


def test_the_data_file_gives_a_session_s_documents_and_news(site: SiteDir) -> None:
    session_site(site)
    assert site.build(env={"GIAOBAN_NOW": "2024-12-01T09:00:00+07:00"}).returncode == 0
    data = json.loads((site.output / "du-lieu/noi-dung.json").read_text(encoding="utf-8"))
    session = next(item for item in data["items"] if item["title"] == "Kỳ họp thứ 18, khóa XVII")
    assert session["register"] == {
        "documents": ["https://example.gov.vn/van-ban/15-2024-nq-hdnd/", "https://example.gov.vn/van-ban/16-2024-nq-hdnd/"],
        "articles": ["https://example.gov.vn/2024/07/khai-mac-ky-hop-thu-18/"]}
