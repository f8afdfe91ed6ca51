"""The site's data file (du-lieu/noi-dung.json): every public item, as a JSON parser reads it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from conftest import SiteDir


def _site(site: SiteDir) -> None:
    with open(site.root / "site.yaml", "a", encoding="utf-8") as config:
        config.write('agency:\n  name: "Hội đồng nhân dân tỉnh Thử nghiệm"\n'
                     'types:\n  tai-lieu:\n    title: "Văn bản"\n    features: [sitemap, search]\n'
                     '    fields:\n      so_ky_hieu: {type: text, required: true}\n      ngay_ban_hanh: date\n')
    site.article("content/2024/05/ky-hop.md", unicodedata.normalize("NFD", "Kỳ họp thứ 18 HĐND tỉnh"), "2024-05-20T08:30:00",
                 tags='["kỳ họp"]', category='"Hoạt động HĐND tỉnh"', author='"Minh Hòa"')
    site.article("content/2024/05/nhap.md", "Bản nháp", "2024-05-21", draft="true")
    site.article("content/2030/01/tuong-lai.md", "Bài hẹn giờ", "2030-01-01")
    site.write("content/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nVăn phòng.\n")
    (site.root / "content/tai-lieu").mkdir(parents=True)
    (site.root / "content/tai-lieu/nq-15.pdf").write_bytes(b"%PDF-1.4 " + b"x" * 2000)
    site.write("content/tai-lieu/nq-15.md", '---\ntitle: "Nghị quyết về đầu tư công"\nso_ky_hieu: "15/2024/NQ-HĐND"\n'
                                           'ngay_ban_hanh: 2024-07-12\nattachments: [nq-15.pdf]\n---\n')


def test_the_data_file_lists_every_public_item_with_its_fields(site: SiteDir) -> None:
    _site(site)
    assert site.build().returncode == 0
    data = json.loads((site.output / "du-lieu/noi-dung.json").read_text(encoding="utf-8"))
    assert data["format"] == "giaoban-open-data/1" and data["publisher"] == "Hội đồng nhân dân tỉnh Thử nghiệm"
    by_title = {item["title"]: item for item in data["items"]}
    assert set(by_title) == {"Kỳ họp thứ 18 HĐND tỉnh", "Liên hệ", "Nghị quyết về đầu tư công"}  # no draft, nothing future
    article = by_title["Kỳ họp thứ 18 HĐND tỉnh"]  # written in NFD, published in NFC
    assert article["url"] == "https://example.gov.vn/2024/05/ky-hop-thu-18-hdnd-tinh/"
    assert article["date"] == "2024-05-20T08:30:00+07:00" and article["authors"] == ["Minh Hòa"]
    assert article["tags"] == ["kỳ họp"] and article["category"] == "Hoạt động HĐND tỉnh"
    document = by_title["Nghị quyết về đầu tư công"]
    assert document["type"] == "tai-lieu"
    assert document["fields"] == {"so_ky_hieu": "15/2024/NQ-HĐND", "ngay_ban_hanh": "2024-07-12T00:00:00+07:00"}
    [attachment] = document["attachments"]
    assert attachment["url"].endswith("/nq-15.pdf") and attachment["type"] == "PDF" and attachment["size"] == 2009
    assert (site.output / attachment["url"].removeprefix("https://example.gov.vn/")).is_file()


def test_the_data_file_follows_an_edit(site: SiteDir) -> None:
    _site(site)
    assert site.build().returncode == 0
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 (bế mạc)", "2024-05-20T08:30:00")
    assert site.build().returncode == 0
    titles = [item["title"] for item in json.loads((site.output / "du-lieu/noi-dung.json").read_bytes())["items"]]
    assert "Kỳ họp thứ 18 (bế mạc)" in titles and "Kỳ họp thứ 18 HĐND tỉnh" not in titles


def test_a_rebuild_reuses_unchanged_records_and_makes_the_bytes_of_a_clean_build(tmp_path: Path, site: SiteDir) -> None:
    _site(site)
    assert site.build().returncode == 0
    (site.root / "content/tai-lieu/nq-15.pdf").write_bytes(b"%PDF-1.4 " + b"y" * 3000)  # its record's size changes, not its file
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 (bế mạc)", "2024-05-20T08:30:00", tags='["kỳ họp"]')
    assert site.build().returncode == 0
    rebuilt = (site.output / "du-lieu/noi-dung.json").read_bytes()
    by_title = {item["title"]: item for item in json.loads(rebuilt)["items"]}
    assert by_title["Nghị quyết về đầu tư công"]["attachments"][0]["size"] == 3009
    assert "Kỳ họp thứ 18 (bế mạc)" in by_title
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert (tmp_path / "clean/du-lieu/noi-dung.json").read_bytes() == rebuilt
    site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8").replace("https://example.gov.vn/", "https://hdnd.gov.vn/"))
    assert site.build().returncode == 0  # every record's address changes with the site's
    urls = [item["url"] for item in json.loads((site.output / "du-lieu/noi-dung.json").read_bytes())["items"]]
    assert urls and all(url.startswith("https://hdnd.gov.vn/") for url in urls)


def test_items_added_deleted_and_moved_in_time_keep_a_clean_builds_order(tmp_path: Path, site: SiteDir) -> None:
    _site(site)
    for number in range(4):
        site.article(f"content/2023/0{number + 1}/tin-{number}.md", f"Tin Trùng Khánh số {number}", f"2023-0{number + 1}-15")
    assert site.build().returncode == 0
    site.article("content/2024/06/moi.md", "Tin mới nhất về giao ban", "2024-06-01")  # first in the file
    (site.root / "content/2023/02/tin-1.md").unlink()
    site.article("content/2023/03/tin-2.md", "Tin Trùng Khánh số 2", "2022-12-31")  # moves down the file
    assert site.build().returncode == 0
    rebuilt = (site.output / "du-lieu/noi-dung.json").read_bytes()
    titles = [item["title"] for item in json.loads(rebuilt)["items"]]
    assert titles.index("Tin mới nhất về giao ban") == 0 and "Tin Trùng Khánh số 1" not in titles
    assert titles.index("Tin Trùng Khánh số 3") < titles.index("Tin Trùng Khánh số 0") < titles.index("Tin Trùng Khánh số 2")
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert (tmp_path / "clean/du-lieu/noi-dung.json").read_bytes() == rebuilt


def test_a_body_edit_keeps_the_file_and_a_new_summary_changes_it(tmp_path: Path, site: SiteDir) -> None:
    _site(site)
    body = "Kỳ họp khai mạc sáng nay tại Trùng Khánh.\n\n## Kết quả\n\nĐã thông qua 12 nghị quyết."
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 HĐND tỉnh", "2024-05-20T08:30:00", body, tags='["kỳ họp"]')
    assert site.build().returncode == 0
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 HĐND tỉnh", "2024-05-20T08:30:00", body + "\n\nĐoạn thêm.", tags='["kỳ họp"]')
    assert site.build().returncode == 0  # the same record: the file as it was
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert (tmp_path / "clean/du-lieu/noi-dung.json").read_bytes() == (site.output / "du-lieu/noi-dung.json").read_bytes()
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 HĐND tỉnh", "2024-05-20T08:30:00",
                 body.replace("sáng nay", "chiều nay"), tags='["kỳ họp"]')  # its first paragraph is its summary
    assert site.build().returncode == 0
    by_title = {item["title"]: item for item in json.loads((site.output / "du-lieu/noi-dung.json").read_bytes())["items"]}
    assert by_title["Kỳ họp thứ 18 HĐND tỉnh"]["summary"] == "Kỳ họp khai mạc chiều nay tại Trùng Khánh."


def test_a_build_that_failed_after_keeping_the_records_leaves_no_stale_file(site: SiteDir) -> None:
    _site(site)
    assert site.build().returncode == 0
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18 (bế mạc)", "2024-05-20T08:30:00")
    site.write("templates/article.html", "{% if %}")  # the pages fail; the data file's records were kept beside them
    assert site.build().returncode != 0
    (site.root / "templates/article.html").unlink()
    assert site.build().returncode == 0  # the records are as kept, but output/ has the file from before them
    titles = [item["title"] for item in json.loads((site.output / "du-lieu/noi-dung.json").read_bytes())["items"]]
    assert "Kỳ họp thứ 18 (bế mạc)" in titles
