"""Documents (văn bản): their pages, filters, statuses, relations, errors and search, as a citizen and an editor meet them."""

from __future__ import annotations

import json
import math
import re
import unicodedata

import pytest
from conftest import SiteDir, run_giaoban, text_of, tree_digest

NOW = {"GIAOBAN_NOW": "2024-12-20T09:00:00+07:00"}

# (file, front matter): several types, two issuers, three years, two fields; one replaced, one expired, one pending.
DOCUMENTS = {
    "nq-15": """so_ky_hieu: "15/2024/NQ-HĐND"
loai: Nghị quyết
co_quan_ban_hanh: HĐND tỉnh Cao Bằng
ngay_ban_hanh: 2024-07-12
ngay_hieu_luc: 2024-07-22
nguoi_ky: Triệu Đình Lê
chuc_vu_nguoi_ky: Chủ tịch
trich_yeu: Quy định mức hỗ trợ ngân sách cho hoạt động giám sát
linh_vuc: [Tài chính – Ngân sách]
ky_hop: khoa-xvii-ky-hop-18
thay_the: ["10/2020/NQ-HĐND"]
sua_doi: ["123/NQ-HĐND"]
vbpl: https://vbpl.vn/caobang/Pages/vbpq-toanvan.aspx?ItemID=1
file:
  - file: nq-15-2024.pdf
    title: Toàn văn Nghị quyết (bản ký số)""",
    "nq-10": """so_ky_hieu: "10/2020/NQ-HĐND"
loai: Nghị quyết
co_quan_ban_hanh: HĐND tỉnh Cao Bằng
ngay_ban_hanh: 2020-07-10
ngay_hieu_luc: 2020-07-20
trich_yeu: Quy định mức hỗ trợ cho hoạt động giám sát (đã được thay thế)
linh_vuc: [Tài chính – Ngân sách]""",
    "nq-123-2023": """so_ky_hieu: "123/NQ-HĐND"
loai: Nghị quyết
co_quan_ban_hanh: HĐND tỉnh Cao Bằng
ngay_ban_hanh: 2023-12-08
trich_yeu: Về chương trình giám sát năm 2024""",
    "nq-123-2024": """so_ky_hieu: "123/NQ-HĐND"
loai: Nghị quyết
co_quan_ban_hanh: HĐND tỉnh Cao Bằng
ngay_ban_hanh: 2024-12-10
ngay_hieu_luc: 2025-01-01
trich_yeu: Về chương trình giám sát năm 2025""",
    "bc-71": """so_ky_hieu: "71/BC-HĐND"
loai: báo cáo
co_quan_ban_hanh: Thường trực HĐND tỉnh
ngay_ban_hanh: 2024-07-01
trich_yeu: Kết quả giám sát việc giải quyết kiến nghị cử tri
linh_vuc: [Giám sát]""",
    "ttr-279": """so_ky_hieu: "279/TTr-HĐND"
loai: Tờ trình
co_quan_ban_hanh: Thường trực HĐND tỉnh
ngay_ban_hanh: 2024-06-20
trich_yeu: Đề nghị thông qua nghị quyết về mức hỗ trợ giám sát""",
    "kh-05": """so_ky_hieu: "05/KH-HĐND"
loai: Kế hoạch
co_quan_ban_hanh: Thường trực HĐND tỉnh
ngay_ban_hanh: 2022-02-15
ngay_hieu_luc: 2022-02-15
ngay_het_hieu_luc: 2022-12-31
trich_yeu: Kế hoạch tổ chức kỳ họp năm 2022""",
}


def write_documents(site: SiteDir, documents: dict[str, str] = DOCUMENTS, page_size: int = 2) -> None:
    with open(site.root / "site.yaml", "a", encoding="utf-8") as config:
        config.write(f"page_size: {page_size}\n")
    for name, fields in documents.items():
        body = "\nĐiều 1. Phạm vi điều chỉnh.\n" if name == "nq-15" else ""  # the full text, when the council has it
        site.write(f"content/van-ban/{name}.md", f"---\n{fields}\n---\n{body}")
    (site.root / "content/van-ban/nq-15-2024.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 250_000)
    site.write("content/ky-hop/ky-18.md", "---\nkhoa: XVII\nso: 18\nngay_bat_dau: 2024-07-10\nngay_ket_thuc: 2024-07-12\n---\n")


@pytest.fixture(scope="module")
def documents_site(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    root = tmp_path_factory.mktemp("documents") / "site"
    root.mkdir()
    (root / "site.yaml").write_text('title: "HĐND tỉnh Thử nghiệm"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
    site = SiteDir(root)
    write_documents(site)
    site.article("content/2024/07/tin.md", "Kỳ họp thông qua nghị quyết", "2024-07-12",
                 "HĐND tỉnh thông qua [Nghị quyết số 15](van-ban:15/2024/NQ-HĐND) và "
                 "[Nghị quyết 123 năm 2023](van-ban:123-nq-hdnd-2023).")
    result = site.build(env=NOW)
    assert result.returncode == 0, result.stderr
    return site


def entries(site: SiteDir, url: str) -> list[str]:
    return [" ".join(li.select_one(".document-number").get_text(" ").split()) for li in site.page(url).select(".document-list .document")]


def test_a_document_gets_its_title_and_address_from_its_number(documents_site: SiteDir) -> None:
    page = documents_site.page("van-ban/15-2024-nq-hdnd")
    assert text_of(page, "main h1") == "Nghị quyết số 15/2024/NQ-HĐND"
    assert text_of(page, "main .lead") == "Quy định mức hỗ trợ ngân sách cho hoạt động giám sát"
    # A number without a year is told apart by its year of issue.
    assert documents_site.exists("van-ban/123-nq-hdnd-2023") and documents_site.exists("van-ban/123-nq-hdnd-2024")


def test_the_document_page_shows_its_metadata_in_long_dates(documents_site: SiteDir) -> None:
    rows = {text_of(tr, "th"): text_of(tr, "td") for tr in documents_site.page("van-ban/15-2024-nq-hdnd").select("table.metadata tr")}
    assert rows == {
        "Số ký hiệu": "15/2024/NQ-HĐND", "Loại văn bản": "Nghị quyết", "Cơ quan ban hành": "HĐND tỉnh Cao Bằng",
        "Ngày ban hành": "ngày 12 tháng 7 năm 2024", "Ngày có hiệu lực": "ngày 22 tháng 7 năm 2024",
        "Tình trạng hiệu lực": "Còn hiệu lực", "Người ký": "Triệu Đình Lê, Chủ tịch", "Lĩnh vực": "Tài chính – Ngân sách",
        "Kỳ họp": "Kỳ họp thứ 18, khóa XVII", "Cơ sở dữ liệu quốc gia": "Xem trên Cơ sở dữ liệu quốc gia về văn bản pháp luật",
    }


def test_the_document_page_offers_its_file_with_type_and_size_and_its_full_text(documents_site: SiteDir) -> None:
    page = documents_site.page("van-ban/15-2024-nq-hdnd")
    link = page.select_one(".attachments a")
    assert link.get_text() == "Toàn văn Nghị quyết (bản ký số)" and link["href"] == "/van-ban/15-2024-nq-hdnd/nq-15-2024.pdf"
    assert text_of(page, ".attachments .file-meta") == "(PDF, 250 KB)"
    assert (documents_site.output / "van-ban/15-2024-nq-hdnd/nq-15-2024.pdf").stat().st_size == 250_009
    assert "Điều 1. Phạm vi điều chỉnh." in text_of(page, ".body")


def test_replacement_and_amendment_are_linked_both_ways(documents_site: SiteDir) -> None:
    def relations(url: str) -> dict[str, list[str]]:
        return {text_of(s, "h2"): [a["href"] for a in s.select("a")] for s in documents_site.page(url).select("section.relations")}

    assert relations("van-ban/15-2024-nq-hdnd") == {"Văn bản này thay thế": ["/van-ban/10-2020-nq-hdnd/"],
                                                   "Văn bản này sửa đổi, bổ sung": ["/van-ban/123-nq-hdnd-2023/"]}
    assert relations("van-ban/10-2020-nq-hdnd") == {"Được thay thế bởi": ["/van-ban/15-2024-nq-hdnd/"]}
    assert relations("van-ban/123-nq-hdnd-2023") == {"Được sửa đổi, bổ sung bởi": ["/van-ban/15-2024-nq-hdnd/"]}


def test_a_document_not_in_force_is_marked_wherever_it_is_listed(documents_site: SiteDir) -> None:
    replaced, expired, pending = "Nghị quyết số 10/2020/NQ-HĐND", "Kế hoạch số 05/KH-HĐND", "Nghị quyết số 123/NQ-HĐND"
    pages = ["van-ban/", "van-ban/trang/2/", "van-ban/trang/3/", "van-ban/trang/4/", "van-ban/loai/nghi-quyet/",
             "van-ban/loai/nghi-quyet/trang/2/", "van-ban/nam/2020/", "van-ban/nam/2022/",
             "van-ban/nam/2024/", "van-ban/nam/2024/trang/2/", "van-ban/co-quan/hdnd-tinh-cao-bang/trang/2/",
             "van-ban/linh-vuc/tai-chinh-ngan-sach/", "van-ban/hieu-luc/het-hieu-luc-toan-bo/"]
    listed = [entry for url in pages for entry in entries(documents_site, url)]
    assert listed.count(f"{replaced} Hết hiệu lực toàn bộ") == 6 and replaced not in listed  # never without its mark
    assert listed.count(f"{expired} Hết hiệu lực toàn bộ") == 3 and expired not in listed
    assert f"{pending} Chưa có hiệu lực" in listed  # in force from 1 January 2025, after the build's moment
    assert text_of(documents_site.page("van-ban/10-2020-nq-hdnd"), ".status-note") == "Văn bản này: Hết hiệu lực toàn bộ"
    replacing = documents_site.page("van-ban/15-2024-nq-hdnd").select_one("section.relations li")  # the page of the one replacing it
    assert " ".join(replacing.get_text().split()).startswith(f"{replaced} Hết hiệu lực toàn bộ:")
    search = json.loads((documents_site.output / "tim-kiem/van-ban.json").read_text(encoding="utf-8"))
    assert {d["n"]: d["s"] for d in search}["10/2020/NQ-HĐND"] == "Hết hiệu lực toàn bộ"


def test_the_index_and_every_filter_page_list_their_documents_newest_first_by_page(documents_site: SiteDir) -> None:
    expected = {
        "van-ban/": 7, "van-ban/loai/nghi-quyet/": 4, "van-ban/loai/bao-cao/": 1, "van-ban/loai/to-trinh/": 1,
        "van-ban/loai/ke-hoach/": 1, "van-ban/co-quan/hdnd-tinh-cao-bang/": 4, "van-ban/co-quan/thuong-truc-hdnd-tinh/": 3,
        "van-ban/nam/2024/": 4, "van-ban/nam/2023/": 1, "van-ban/nam/2022/": 1, "van-ban/nam/2020/": 1,
        "van-ban/linh-vuc/tai-chinh-ngan-sach/": 2, "van-ban/linh-vuc/giam-sat/": 1,
        "van-ban/hieu-luc/con-hieu-luc/": 1, "van-ban/hieu-luc/chua-co-hieu-luc/": 1, "van-ban/hieu-luc/het-hieu-luc-toan-bo/": 2,
    }
    for base, count in expected.items():
        pages = math.ceil(count / 2)
        listed = []
        for number in range(1, pages + 1):
            url = base if number == 1 else f"{base}trang/{number}/"
            page = documents_site.page(url)
            listed += [li.select_one("time")["datetime"] for li in page.select(".document-list .document")]
            assert text_of(page, ".count").startswith(f"{count} văn bản"), url
            older = page.select_one('.pager a[rel="next"]')
            assert (older["href"] if older else None) == (f"/{base}trang/{number + 1}/" if number < pages else None), url
        assert len(listed) == count and listed == sorted(listed, reverse=True), base
        assert not documents_site.exists(f"{base}trang/{pages + 1}")
    # The filters are plain links, each value with its count, the page's own marked as current.
    current = documents_site.page("van-ban/nam/2023/").select_one('.filters a[aria-current="page"]')
    assert current.get_text() == "2023" and current.find_next_sibling("span").get_text() == "(1)"


def test_an_article_links_a_document_by_its_number(documents_site: SiteDir) -> None:
    links = [a["href"] for a in documents_site.page("2024/07/ky-hop-thong-qua-nghi-quyet").select(".body a")]
    assert links == ["/van-ban/15-2024-nq-hdnd/", "/van-ban/123-nq-hdnd-2023/"]
    feed = (documents_site.output / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.gov.vn/van-ban/15-2024-nq-hdnd/" in feed and "van-ban:" not in feed
    assert run_giaoban("check", "--source", str(documents_site.root), env=NOW).returncode == 0


def test_a_link_to_a_number_no_document_has_or_two_have_is_a_check_error(site: SiteDir) -> None:
    write_documents(site)
    site.article("content/2024/07/tin.md", "Tin", "2024-07-12", "Xem [nghị quyết](van-ban:16/2024/NQ-HĐND).\n\n"
                 "Và [nghị quyết 123](van-ban:123/NQ-HĐND).")
    assert site.build(env=NOW).returncode == 0  # the page links the documents' index meanwhile
    assert site.page("2024/07/tin").select(".body a")[0]["href"] == "/van-ban/"
    result = run_giaoban("check", "--source", str(site.root), env=NOW)
    assert result.returncode == 1
    assert "content/2024/07/tin.md:6: không có văn bản nào số '16/2024/NQ-HĐND' trên trang tin" in result.stdout + result.stderr
    assert ("content/2024/07/tin.md:8: số '123/NQ-HĐND' là của nhiều văn bản (các năm khác nhau); ghi rõ văn bản nào bằng "
            "một trong các mã: 123-nq-hdnd-2024, 123-nq-hdnd-2023") in result.stdout + result.stderr


def test_status_follows_the_build_s_moment_without_any_file_changing(site: SiteDir) -> None:
    write_documents(site, {"nq-123-2024": DOCUMENTS["nq-123-2024"]})
    assert site.build(env={"GIAOBAN_NOW": "2024-12-31T09:00:00+07:00"}).returncode == 0
    assert entries(site, "van-ban/") == ["Nghị quyết số 123/NQ-HĐND Chưa có hiệu lực"]
    result = site.build(env={"GIAOBAN_NOW": "2025-01-01T09:00:00+07:00"})  # the day it takes effect
    assert result.returncode == 0 and not re.search(r"(?<!\d)0 tệp ghi mới", result.stdout)  # the due build does work
    assert entries(site, "van-ban/") == ["Nghị quyết số 123/NQ-HĐND"]
    assert text_of(site.page("van-ban/123-nq-hdnd-2024"), "table.metadata tr:nth-of-type(6) td") == "Còn hiệu lực"


def test_an_article_follows_a_document_whose_number_changed(site: SiteDir) -> None:
    write_documents(site, {"bc-71": DOCUMENTS["bc-71"]})
    site.article("content/2024/07/tin.md", "Tin", "2024-07-12", "Xem [báo cáo](van-ban:71/BC-HĐND).")
    assert site.build(env=NOW).returncode == 0
    assert site.page("2024/07/tin").select_one(".body a")["href"] == "/van-ban/71-bc-hdnd-2024/"
    moved = DOCUMENTS["bc-71"].replace("ngay_ban_hanh: 2024-07-01", "ngay_ban_hanh: 2023-07-01")
    site.write("content/van-ban/bc-71.md", f"---\n{moved}\n---\n")
    assert site.build(env=NOW).returncode == 0
    assert site.page("2024/07/tin").select_one(".body a")["href"] == "/van-ban/71-bc-hdnd-2023/"


INVALID = [  # (front matter, line, message): each field's error, at its line
    ('loai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 1, "thiếu trường 'so_ky_hieu', bắt buộc với loại nội dung 'van-ban'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 1, "thiếu trường 'loai'"),
    ('so_ky_hieu: "Nghị quyết 15"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 2,
     "số ký hiệu 'Nghị quyết 15' không đúng dạng: viết như '15/2024/NQ-HĐND'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết xyz\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 3,
     "loại văn bản 'Nghị quyết xyz' không có trong danh mục (Nghị định 30/2020); chọn một trong: Nghị quyết, Quyết định"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Báo cáo\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 3,
     "số ký hiệu '1/NQ-HĐND' là của Nghị quyết, nhưng 'loai' ghi 'Báo cáo' (ký hiệu của Báo cáo: BC); sửa một trong hai"),
    ('so_ky_hieu: "1/HĐND-VP"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 3,
     "số ký hiệu '1/HĐND-VP' là của HĐND, nhưng 'loai' ghi 'Nghị quyết' (ký hiệu của Nghị quyết: NQ)"),
    ('so_ky_hieu: "1/2023/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A', 2,
     "số ký hiệu '1/2023/NQ-HĐND' mang năm khác năm ban hành 2024"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 02/01/2024\ntrich_yeu: A', 4,
     "ngày 'ngay_ban_hanh' không hợp lệ: '02/01/2024'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\nngay_hieu_luc: 2024-01-01\ntrich_yeu: A', 5,
     "'ngay_hieu_luc' không thể trước 'ngay_ban_hanh'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\nngay_hieu_luc: 2024-01-10\n'
     'ngay_het_hieu_luc: 2024-01-05\ntrich_yeu: A', 6, "'ngay_het_hieu_luc' không thể trước 'ngay_hieu_luc'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntinh_trang_hieu_luc: còn\ntrich_yeu: A', 5,
     "'tinh_trang_hieu_luc' có giá trị 'còn' không dùng được; chọn một trong: Còn hiệu lực, Hết hiệu lực một phần"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02', 1, "thiếu trường 'trich_yeu'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A\nthay_the: ["9/NQ-HĐND"]', 6,
     "không có văn bản nào số '9/NQ-HĐND' trên trang tin"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A\nfile: nq-1.pdf', 6,
     "không có tệp đính kèm 'nq-1.pdf'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A\nfile: a.pdf\nattachments: [b.pdf]', 7,
     "văn bản có cả 'file' và 'attachments'; gộp các tệp vào 'file'"),
    ('so_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\ntrich_yeu: A\nvbpl: vbpl.vn/1', 6,
     "'vbpl' phải là một địa chỉ web bắt đầu bằng https://"),
]


@pytest.mark.parametrize(("fields", "line", "message"), INVALID, ids=[m.split("'")[1] if "'" in m else m[:20] for _, _, m in INVALID])
def test_an_invalid_field_is_an_error_at_its_line_and_output_is_kept(site: SiteDir, fields: str, line: int, message: str) -> None:
    site.article("content/2024/01/a.md", "Tin", "2024-01-02")
    assert site.build(env=NOW).returncode == 0
    before = tree_digest(site.output)
    site.write("content/van-ban/x.md", f"---\n{fields}\n---\n")
    result = site.build(env=NOW)
    assert result.returncode == 1 and f"content/van-ban/x.md:{line}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and tree_digest(site.output) == before


def test_two_documents_with_one_number_in_one_year_are_an_error_naming_both(site: SiteDir) -> None:
    fields = 'so_ky_hieu: "71/BC-HĐND"\nloai: Báo cáo\nngay_ban_hanh: {date}\ntrich_yeu: Báo cáo'
    site.write("content/van-ban/a.md", "---\n" + fields.format(date="2024-03-01") + "\n---\n")
    site.write("content/van-ban/b.md", "---\n" + fields.format(date="2024-09-01") + "\n---\n")
    site.write("content/van-ban/c.md", "---\n" + fields.format(date="2023-09-01") + "\n---\n")  # another year: no clash
    result = site.build(env={**NOW, "GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/van-ban/a.md:2: number '71/BC-HĐND' is also that of content/van-ban/b.md, of the same year" in result.stderr
    assert "content/van-ban/b.md:2: number '71/BC-HĐND' is also that of content/van-ban/a.md, of the same year" in result.stderr
    assert "c.md" not in result.stderr


def test_a_field_documents_do_not_take_is_reported_not_dropped_silently(site: SiteDir) -> None:
    site.write("content/van-ban/a.md", '---\nso_ky_hieu: "1/NQ-HĐND"\nloai: Nghị quyết\nngay_ban_hanh: 2024-01-02\n'
                                       'trich_yeu: A\nso_trang: 12\n---\n')
    result = site.build(env=NOW)
    assert result.returncode == 0 and "content/van-ban/a.md:6: trường 'so_trang' không dùng được ở đây" in result.stderr


def test_a_document_written_in_nfd_is_published_in_nfc(site: SiteDir) -> None:
    site.write("content/van-ban/a.md", unicodedata.normalize("NFD", '---\nso_ky_hieu: "1/NQ-HĐND"\nloai: nghị quyết\n'
                                                                  'ngay_ban_hanh: 2024-01-02\ntrich_yeu: Về đầu tư công\n---\n'))
    assert site.build(env=NOW).returncode == 0
    assert text_of(site.page("van-ban/1-nq-hdnd-2024"), "main h1") == "Nghị quyết số 1/NQ-HĐND"
    assert site.exists("van-ban/loai/nghi-quyet")


@pytest.fixture(scope="module")
def documents_server(documents_site: SiteDir):
    from conftest import StaticServer

    running = StaticServer(documents_site.output)
    yield running
    running.close()


@pytest.mark.slow
def test_the_button_for_what_typing_shows_leaves_the_results_in_place(documents_server, browser) -> None:
    """Typing searches 200 ms later by itself, the button at once: whichever comes first, the results
    are made once, and a result about to be clicked is never swapped for its twin under the pointer."""
    page = browser.new_page()
    page.goto(documents_server.url + "tim-kiem/")
    form = page.locator("form.document-form")
    form.get_by_label("Số ký hiệu hoặc trích yếu").fill("hỗ trợ giám sát")
    form.get_by_role("button", name="Tra cứu").click()  # before the typing's own search
    first = page.wait_for_selector("#ket-qua-van-ban .document-number a")
    page.wait_for_timeout(500)
    assert first.evaluate("link => link.isConnected")
    form.get_by_role("button", name="Tra cứu").click()  # after it, for what is shown already
    page.wait_for_timeout(500)
    assert first.evaluate("link => link.isConnected")
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize(("typed", "kind", "year", "found"), [
    ("hỗ trợ giám sát", "", "", ["Nghị quyết số 15/2024/NQ-HĐND", "Tờ trình số 279/TTr-HĐND",
                                 "Nghị quyết số 10/2020/NQ-HĐND Hết hiệu lực toàn bộ"]),
    ("ho tro giam sat", "", "", ["Nghị quyết số 15/2024/NQ-HĐND", "Tờ trình số 279/TTr-HĐND",
                                 "Nghị quyết số 10/2020/NQ-HĐND Hết hiệu lực toàn bộ"]),
    ("HO TRO", "Tờ trình", "", ["Tờ trình số 279/TTr-HĐND"]),
    ("123/NQ", "", "2023", ["Nghị quyết số 123/NQ-HĐND"]),
    ("", "Kế hoạch", "", ["Kế hoạch số 05/KH-HĐND Hết hiệu lực toàn bộ"]),
    ("dong xyz", "", "", []),
])
def test_the_search_page_finds_documents_by_number_summary_type_and_year(documents_server, browser, typed: str, kind: str,
                                                                          year: str, found: list[str]) -> None:
    page = browser.new_page()
    page.goto(documents_server.url + "tim-kiem/")
    form = page.locator("form.document-form")
    if typed:
        form.get_by_label("Số ký hiệu hoặc trích yếu").fill(typed)
    if kind:
        form.get_by_label("Loại văn bản").select_option(kind)
    if year:
        form.get_by_label("Năm ban hành").select_option(year)
    form.get_by_role("button", name="Tra cứu").click()
    page.wait_for_selector("#ket-qua-van-ban .search-status")
    shown = [" ".join(t.split()) for t in page.locator("#ket-qua-van-ban .document-number").all_inner_texts()]
    assert shown == found
    if found:
        page.locator("#ket-qua-van-ban .document-number a").first.click()
        page.wait_for_url(lambda url: "/van-ban/" in url)  # the result's page, not the search page still
        assert page.locator("main h1").inner_text() == found[0].split(" Hết")[0]
    page.close()


@pytest.mark.slow
def test_without_javascript_the_search_page_leads_to_the_filter_pages(documents_server, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(documents_server.url + "tim-kiem/")
    assert not page.locator("form.document-form").is_visible()  # it needs the script; the filter pages do not
    page.get_by_role("link", name="Danh sách văn bản, lọc theo loại").click()
    page.get_by_role("link", name="Tờ trình").click()
    assert page.locator("main h1").inner_text() == "Loại văn bản: Tờ trình"
    context.close()


def test_incremental_builds_equal_clean_builds_through_register_edits(site: SiteDir, tmp_path) -> None:
    """Relations, statuses, sessions and links between them live in several pages each: every edit reaches them all."""
    write_documents(site)
    site.article("content/2024/07/tin.md", "Tin", "2024-07-12", "Xem [báo cáo](van-ban:71/BC-HĐND).", tags='["Kỳ họp thứ 18, khóa XVII"]')
    assert site.build(env=NOW).returncode == 0
    doc = site.root / "content/van-ban"
    edits = [
        lambda: (doc / "bc-71.md").write_text((doc / "bc-71.md").read_text(encoding="utf-8").replace(
            "linh_vuc:", 'thay_the: ["279/TTr-HĐND"]\nlinh_vuc:'), encoding="utf-8"),  # a new relation, both ways
        lambda: (doc / "bc-71.md").write_text((doc / "bc-71.md").read_text(encoding="utf-8").replace(
            "71/BC-HĐND", "72/BC-HĐND"), encoding="utf-8"),  # a new number: a new address the article must follow
        lambda: site.article("content/2024/07/tin.md", "Tin", "2024-07-12", "Xem [báo cáo](van-ban:72/BC-HĐND)."),
        lambda: (site.root / "content/ky-hop/ky-18.md").unlink(),  # the documents' session goes
        lambda: ((doc / "nq-10.md").unlink(), (doc / "nq-15.md").write_text((doc / "nq-15.md").read_text(encoding="utf-8").replace(
            'thay_the: ["10/2020/NQ-HĐND"]\n', ""), encoding="utf-8")),  # the replaced document goes, and what named it
    ]
    for number, edit in enumerate(edits):
        edit()
        assert site.build(env=NOW).returncode == 0, number
        clean = tmp_path / f"clean-{number}"
        assert site.build("--output", str(clean), env=NOW).returncode == 0
        assert tree_digest(site.output) == tree_digest(clean), number


def test_an_empty_section_leaves_the_menu_until_it_has_an_item(site: SiteDir) -> None:
    with open(site.root / "site.yaml", "a", encoding="utf-8") as config:
        config.write('menu:\n  - {title: "Trang chủ", url: ""}\n  - {title: "Văn bản", url: "van-ban/"}\n'
                     '  - {title: "Kỳ họp", url: "ky-hop/"}\n')
    site.article("content/2024/01/a.md", "Tin", "2024-01-02", "Xem [văn bản](/van-ban/).")
    assert site.build(env=NOW).returncode == 0
    assert [a.get_text() for a in site.page("").select(".site-nav a")] == ["Trang chủ"]
    assert text_of(site.page("van-ban"), "main p") == "0 văn bản, mới nhất trước"  # a link to it still leads somewhere
    assert run_giaoban("check", "--source", str(site.root), env=NOW).returncode == 0
    write_documents(site, {"bc-71": DOCUMENTS["bc-71"]})
    assert site.build(env=NOW).returncode == 0
    assert [a.get_text() for a in site.page("").select(".site-nav a")] == ["Trang chủ", "Văn bản", "Kỳ họp"]


@pytest.mark.slow
def test_the_article_search_marks_a_document_no_longer_in_force(documents_server, browser) -> None:
    page = browser.new_page()
    page.goto(documents_server.url + "tim-kiem/?q=10/2020")
    page.wait_for_selector("#ket-qua .search-result-list li .status")
    results = [" ".join(t.split()) for t in page.locator("#ket-qua .search-result-list h2").all_inner_texts()]
    assert results == ["Nghị quyết số 10/2020/NQ-HĐND Hết hiệu lực toàn bộ"]
    page.close()


def test_the_data_file_gives_a_document_s_status_and_relations(documents_site: SiteDir) -> None:
    data = json.loads((documents_site.output / "du-lieu/noi-dung.json").read_text(encoding="utf-8"))
    by_number = {item["fields"]["so_ky_hieu"]: item for item in data["items"] if item["type"] == "van-ban"}
    assert by_number["10/2020/NQ-HĐND"]["register"] == {
        "status": "Hết hiệu lực toàn bộ", "session": None, "replaced_by": ["https://example.gov.vn/van-ban/15-2024-nq-hdnd/"]}
    newest = by_number["15/2024/NQ-HĐND"]
    assert newest["register"]["session"] == "https://example.gov.vn/ky-hop/khoa-xvii-ky-hop-18/"
    assert newest["fields"]["loai"] == "Nghị quyết" and newest["fields"]["ngay_ban_hanh"] == "2024-07-12T00:00:00+07:00"
    assert newest["attachments"][0]["url"] == "https://example.gov.vn/van-ban/15-2024-nq-hdnd/nq-15-2024.pdf"
