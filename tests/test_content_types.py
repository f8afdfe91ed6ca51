"""Content types as data (content_types.py): a type declared in site.yaml builds, validates and is listed."""

from __future__ import annotations

from conftest import SiteDir, text_of, tree_digest

DOCUMENT_TYPE = """
types:
  tai-lieu:
    folder: tai-lieu
    url: "tai-lieu/{slug}/"
    template: page.html
    title: "Văn bản"
    index: "tai-lieu/"
    features: [sitemap, search, index]
    fields:
      so_ky_hieu: {type: text, required: true}
      ngay_ban_hanh: date
      linh_vuc: list
"""


def document_site(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND tỉnh Thử nghiệm"\nbase_url: "https://example.gov.vn/"\n' + DOCUMENT_TYPE)
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 18", "2024-05-01", tags="[kỳ họp]")
    site.write("content/tai-lieu/nq-15.md", """\
        ---
        title: "Nghị quyết về ngân sách địa phương năm 2025"
        so_ky_hieu: "15/2024/NQ-HĐND"
        ngay_ban_hanh: 2024-12-10
        linh_vuc: [Tài chính, Ngân sách]
        ---

        Toàn văn nghị quyết.
        """)
    site.write("content/tai-lieu/bc-71.md", '---\ntitle: "Báo cáo thẩm tra"\nso_ky_hieu: "71/BC-HĐND"\n---\n')


def test_a_declared_type_gets_its_pages_and_its_own_index(site: SiteDir) -> None:
    document_site(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.page("tai-lieu/nghi-quyet-ve-ngan-sach-dia-phuong-nam-2025")
    assert page.h1.get_text() == "Nghị quyết về ngân sách địa phương năm 2025"
    index = site.page("tai-lieu")
    assert index.h1.get_text() == "Văn bản"
    assert [a.get_text() for a in index.select(".item-title a")] == ["Báo cáo thẩm tra", "Nghị quyết về ngân sách địa phương năm 2025"]
    assert "2 mục" in index.select_one(".count").get_text()


def test_items_of_a_type_join_only_the_features_it_declares(site: SiteDir) -> None:
    document_site(site)
    assert site.build().returncode == 0
    home = site.page("")
    assert [a.get_text() for a in home.select(".item-title a")] == ["Kỳ họp thứ 18"]  # not on the home page
    assert "Nghị quyết" not in (site.output / "feed.xml").read_text(encoding="utf-8")  # nor in feeds
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.gov.vn/tai-lieu/bao-cao-tham-tra/" in sitemap and "https://example.gov.vn/tai-lieu/</loc>" in sitemap
    records = [p.read_text(encoding="utf-8") for p in (site.output / "tim-kiem" / "bai").glob("*.json")]
    assert any("Báo cáo thẩm tra" in r for r in records) and len(records) == 3  # searchable, with the article


def test_a_required_declared_field_missing_names_the_file(site: SiteDir) -> None:
    document_site(site)
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    site.write("content/tai-lieu/bc-71.md", '---\ntitle: "Báo cáo thẩm tra"\n---\n')
    result = site.build()
    assert result.returncode == 1
    assert "content/tai-lieu/bc-71.md:1: thiếu trường 'so_ky_hieu', bắt buộc với loại nội dung 'tai-lieu'" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(site.output) == before


def test_a_declared_field_of_the_wrong_kind_names_its_line(site: SiteDir) -> None:
    document_site(site)
    site.write("content/tai-lieu/bc-71.md", '---\ntitle: "Báo cáo"\nso_ky_hieu: "71/BC-HĐND"\nngay_ban_hanh: 10/12/2024\n---\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/tai-lieu/bc-71.md:4: 'ngay_ban_hanh' is not a date: '10/12/2024'" in result.stderr


def test_a_folder_no_type_claims_is_an_error_naming_it(site: SiteDir) -> None:
    site.article("content/2024/05/ky-hop.md", "Kỳ họp", "2024-05-01")
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    site.write("content/tai-lieu/nq-15.md", '---\ntitle: "Nghị quyết"\n---\n')
    site.write("content/tai-lieu/nq-16.md", '---\ntitle: "Nghị quyết khác"\n---\n')
    site.write("content/ghi-chu.md", '---\ntitle: "Ghi chú"\n---\n')
    result = site.build()
    assert result.returncode == 1
    assert result.stderr.count("content/tai-lieu/: không loại nội dung nào dùng thư mục content/tai-lieu/") == 1
    assert "khai báo loại mới trong 'types' của site.yaml" in result.stderr
    assert "content/ghi-chu.md: tệp nằm ngay trong content/ không thuộc loại nội dung nào" in result.stderr
    assert tree_digest(site.output) == before


def test_a_dated_type_of_its_own_joins_home_feeds_and_archives(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\ntypes:\n'
                            '  hoi-nghi:\n    folder: hoi-nghi\n    dated: true\n    url: "hoi-nghi/{year}/{slug}/"\n'
                            '    features: [home, feeds, archives, sitemap]\n')
    site.write("content/hoi-nghi/thu-18.md", '---\ntitle: "Hội nghị giao ban HĐND tỉnh"\ndate: 2024-07-10\n---\n\nNội dung.\n')
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.exists("hoi-nghi/2024/hoi-nghi-giao-ban-hdnd-tinh")
    assert [a.get_text() for a in site.page("").select(".item-title a")] == ["Hội nghị giao ban HĐND tỉnh"]
    assert "Hội nghị giao ban HĐND tỉnh" in (site.output / "feed.xml").read_text(encoding="utf-8")
    assert site.exists("2024/07")


def test_type_declaration_errors_name_their_line(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\ntypes:\n  tai-lieu:\n    folder: tai-lieu\n    features: [home, sitemap, moi]\n'
                            '  dai-bieu:\n    folder: dai-bieu\n    fields:\n      nhiem_ky: chu\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "site.yaml:5: content type 'tai-lieu' names unknown features: moi" in result.stderr
    assert "site.yaml:5: content type 'tai-lieu' is not dated ('dated: false'), so it cannot have: home" in result.stderr
    assert "site.yaml:9: field 'nhiem_ky' of type 'dai-bieu' must have one of the types" in result.stderr


def test_a_built_in_type_changes_only_where_site_yaml_says(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\ntypes:\n  article:\n    url: "tin/{year}/{slug}/"\n'
                            '    features: [home, feeds, archives, taxonomies, search, sitemap]\n')
    site.article("content/2024/05/a.md", "Kỳ họp thứ 18", "2024-05-01", tags="[kỳ họp]")
    site.article("content/2024/05/b.md", "Kỳ họp thứ 19", "2024-05-02", tags="[kỳ họp]")
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.page("tin/2024/ky-hop-thu-19")
    assert page.select_one(".related") is None  # related left out of its features
    assert page.select_one('a[rel="prev"]')["href"] == "/tin/2024/ky-hop-thu-18/"  # the rest as before
    assert site.exists("chu-de/ky-hop") and site.exists("2024/05")


def test_declared_fields_reach_the_type_s_own_template_as_their_kinds(site: SiteDir) -> None:
    document_site(site)
    config = (site.root / "site.yaml").read_text(encoding="utf-8").replace("template: page.html", "template: tai-lieu.html")
    site.write("site.yaml", config + "      so_trang: number\n      con_hieu_luc: bool\n")
    site.write("templates/tai-lieu.html", '{% extends "page.html" %}{% block main %}{{ super() }}'
               '<p class="meta">{{ item.extra.so_ky_hieu }} · {{ item.extra.ngay_ban_hanh | date_vi }} · '
               '{{ item.extra.linh_vuc | join(", ") }} · {{ item.extra.so_trang + 1 }} · {{ item.extra.con_hieu_luc }}</p>{% endblock %}')
    site.write("content/tai-lieu/nq-15.md", '---\ntitle: "Nghị quyết 15"\nso_ky_hieu: "15/2024/NQ-HĐND"\n'
               'ngay_ban_hanh: 2024-12-10\nlinh_vuc: Tài chính\nso_trang: 11\ncon_hieu_luc: true\n---\n')
    site.write("content/tai-lieu/bc-71.md", '---\ntitle: "Báo cáo"\nso_ky_hieu: "71/BC-HĐND"\nso_trang: mười\n---\n')
    result = site.build()
    assert result.returncode == 1 and "content/tai-lieu/bc-71.md:4: 'so_trang' phải là một số" in result.stderr
    (site.root / "content/tai-lieu/bc-71.md").unlink()
    result = site.build()
    assert result.returncode == 0, result.stderr
    meta = site.page("tai-lieu/nghi-quyet-15").select_one("p.meta").get_text()
    assert meta == "15/2024/NQ-HĐND · Thứ Ba, 10/12/2024 · Tài chính · 12 · True"


def test_features_no_type_takes_part_in_have_no_pages_and_no_links(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\nbase_url: "https://example.gov.vn/"\n'
                            'types:\n  article:\n    features: [home, sitemap, search]\n')
    site.article("content/2024/05/a.md", "Kỳ họp thứ 18", "2024-05-01", tags="[kỳ họp]")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert not any((site.output / path).exists() for path in ("chu-de", "luu-tru", "2024/index.html", "feed.xml", "rss.xml"))
    for page in ("", "2024/05/ky-hop-thu-18", "tim-kiem", "404.html"):
        hrefs = {a["href"] for a in site.page(page).select("a[href], link[href]")}
        assert not hrefs & {"/chu-de/", "/chuyen-muc/", "/tac-gia/", "/luu-tru/", "/feed.xml", "/rss.xml"}, page


def test_a_type_of_the_site_s_own_can_be_a_register_of_documents(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\ntypes:\n  nghi-quyet-cu:\n    folder: nghi-quyet-cu\n    dated: true\n'
                            '    model: document\n    template: document.html\n    url: "nghi-quyet-cu/{slug}/"\n'
                            '    index: "nghi-quyet-cu/"\n    features: [sitemap]\n    fields:\n'
                            '      so_ky_hieu: text\n      loai: text\n      trich_yeu: text\n      ngay_ban_hanh: date\n')
    fields = '---\nso_ky_hieu: "7/NQ-HĐND"\nloai: {kind}\nngay_ban_hanh: 2005-03-01\ntrich_yeu: A\n---\n'
    site.write("content/nghi-quyet-cu/a.md", fields.format(kind="Báo cáo"))
    result = site.build()
    assert result.returncode == 1 and "content/nghi-quyet-cu/a.md:3: số ký hiệu '7/NQ-HĐND' là của Nghị quyết" in result.stderr
    site.write("content/nghi-quyet-cu/a.md", fields.format(kind="Nghị quyết"))
    assert site.build().returncode == 0
    assert text_of(site.page("nghi-quyet-cu/7-nq-hdnd-2005"), "main h1") == "Nghị quyết số 7/NQ-HĐND"
    assert site.exists("nghi-quyet-cu/nam/2005")


def test_an_unknown_model_is_an_error_at_its_line(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\ntypes:\n  kien-nghi:\n    model: petition\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert ("site.yaml:4: content type 'kien-nghi' has an unknown 'model: petition'; "
            "the models are: document, session, delegate") in result.stderr
