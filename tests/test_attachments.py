"""Attachments (attachments.py): published beside their page, listed with type and size, followed by rebuilds."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

from conftest import SiteDir, tree_digest

PDF = b"%PDF-1.4\n" + b"0" * 1_234_567
PAGE = "van-ban/nghi-quyet-15/"


def attached_site(site: SiteDir) -> None:
    site.write("content/pages/nghi-quyet.md", """\
        ---
        title: Nghị quyết 15
        slug: nghi-quyet-15
        attachments:
          - file: nq-15-2024.pdf
            title: "Toàn văn Nghị quyết số 15/2024/NQ-HĐND"
          - Phụ lục kèm theo.docx
        ---

        Nghị quyết về ngân sách.
        """)
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\nurls:\n  page: "van-ban/{slug}/"\n')
    (site.root / "content/pages/nq-15-2024.pdf").write_bytes(PDF)
    (site.root / "content/pages/Phụ lục kèm theo.docx").write_bytes(b"PK" + b"1" * 3_000)


def test_attachments_are_listed_with_title_type_and_size(site: SiteDir) -> None:
    attached_site(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    items = [" ".join(li.get_text(" ").split()) for li in site.page(PAGE).select(".attachments li")]
    assert items == ["Toàn văn Nghị quyết số 15/2024/NQ-HĐND (PDF, 1,2 MB)", "Phụ lục kèm theo.docx (DOCX, 3 KB)"]


def test_attachments_download_from_beside_the_page(site: SiteDir, serve_directory) -> None:
    attached_site(site)
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    links = [a["href"] for a in site.page(PAGE).select(".attachments a")]
    assert links == ["/" + PAGE + "nq-15-2024.pdf", "/" + PAGE + quote("Phụ lục kèm theo.docx")]
    with urllib.request.urlopen(server.url + links[0].lstrip("/")) as response:
        assert response.read() == PDF
    with urllib.request.urlopen(server.url + links[1].lstrip("/")) as response:
        assert response.read().startswith(b"PK")


def test_a_missing_attachment_names_the_file_and_line(site: SiteDir) -> None:
    attached_site(site)
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    (site.root / "content/pages/nq-15-2024.pdf").unlink()
    result = site.build()
    assert result.returncode == 1
    assert "content/pages/nghi-quyet.md:4: không có tệp đính kèm 'nq-15-2024.pdf' (tìm ở content/pages/nq-15-2024.pdf)" in result.stderr
    assert tree_digest(site.output) == before


def test_a_replaced_attachment_is_copied_again_and_its_size_shown(tmp_path, site: SiteDir) -> None:
    attached_site(site)
    assert site.build().returncode == 0
    (site.root / "content/pages/nq-15-2024.pdf").write_bytes(b"%PDF-1.7\n" + b"1" * 350_000)
    assert site.build().returncode == 0
    assert (site.output / PAGE / "nq-15-2024.pdf").read_bytes().startswith(b"%PDF-1.7")
    assert "(PDF, 350 KB)" in site.page(PAGE).select_one(".attachments li").get_text()
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert tree_digest(site.output) == tree_digest(tmp_path / "clean")


def test_a_file_no_document_lists_is_reported(site: SiteDir) -> None:
    attached_site(site)
    (site.root / "content/pages/bien-ban.pdf").write_bytes(b"%PDF")
    result = site.build()
    assert result.returncode == 0
    assert "content/pages/bien-ban.pdf: tệp này không được bài nào dùng làm tệp đính kèm" in result.stderr
    assert not (site.output / PAGE / "bien-ban.pdf").exists()


def test_attachments_field_of_the_wrong_shape_is_an_error(site: SiteDir) -> None:
    site.article("content/2024/05/a.md", "Tin", "2024-05-01", attachments="[{tieu_de: x}]")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    expected = "content/2024/05/a.md:4: each item of 'attachments' must be a file name or 'file: ..., title: ...', not a mapping"
    assert expected in result.stderr


def test_two_files_for_one_address_is_an_error(site: SiteDir) -> None:
    attached_site(site)
    (site.root / "content/pages/cu").mkdir()
    (site.root / "content/pages/cu/nq-15-2024.pdf").write_bytes(b"%PDF-old")
    site.write("content/pages/nghi-quyet.md", "---\ntitle: Nghị quyết 15\nslug: nghi-quyet-15\n"
                                              "attachments: [nq-15-2024.pdf, cu/nq-15-2024.pdf]\n---\n")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert ("content/pages/nghi-quyet.md:4: attachment content/pages/cu/nq-15-2024.pdf would be published at "
            "/van-ban/nghi-quyet-15/nq-15-2024.pdf, where content/pages/nq-15-2024.pdf already is") in result.stderr


def test_a_draft_s_attachment_is_not_reported_unused(site: SiteDir) -> None:
    attached_site(site)
    site.write("content/pages/nghi-quyet.md", "---\ntitle: Nghị quyết 15\ndraft: true\nattachments: nq-15-2024.pdf\n---\n")
    result = site.build()
    assert result.returncode == 0
    assert "nq-15-2024.pdf: tệp này không được bài nào dùng" not in result.stderr
    assert "Phụ lục kèm theo.docx: tệp này không được bài nào dùng" in result.stderr
