"""Photos (photos.py): a camera's photo made light for a phone, upright, without its GPS; galleries; the cache; errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import SiteDir, text_of, tree_digest
from PIL import Image, ImageCms
from test_theme import AXE, AXE_TAGS, VNU

PAGE = "2014/10/hoi-nghi-giao-ban/"
CAMERA = (4000, 3000)


def camera_photo(site: SiteDir, relative: str, size: tuple[int, int] = CAMERA) -> Path:
    """A photo as a camera gives it: 5 MB of JPEG, held sideways (EXIF orientation 6: shown a quarter
    turn round), with the place it was taken (GPS), an XMP packet, a comment and a colour profile."""
    gradient = Image.linear_gradient("L").resize(size)
    scene = Image.merge("RGB", (gradient, Image.radial_gradient("L").resize(size), gradient.transpose(Image.Transpose.ROTATE_180)))
    scene = Image.blend(scene, Image.effect_noise(size, 60).convert("RGB"), 0.25)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Máy ảnh"
    exif[0x8825] = {1: "N", 2: (22.0, 39.0, 50.0), 3: "E", 4: (106.0, 15.0, 30.0)}
    path = site.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    scene.save(path, "JPEG", quality=92, exif=exif.tobytes(), icc_profile=icc, comment=b"Trung Khanh", xmp=b"<x:xmpmeta>GPS</x:xmpmeta>")
    return path


def photo_site(site: SiteDir) -> None:
    camera_photo(site, "static/uploads/hoi-nghi.jpg")
    site.photo("content/2014/10/phat-bieu.jpg", (1200, 900))
    for n in range(1, 4):
        site.photo(f"content/2014/10/su-kien-{n}.jpg", (1000, 750))
    site.write("content/2014/10/giao-ban.md", """\
        ---
        title: Hội nghị giao ban
        date: 2014-10-02
        image: uploads/hoi-nghi.jpg
        image_caption: Quang cảnh Hội nghị giao ban tại Trùng Khánh
        gallery:
          - file: su-kien-1.jpg
            caption: Đại biểu dự Hội nghị
          - file: su-kien-2.jpg
            caption: Đồng chí Chủ tịch HĐND tỉnh phát biểu
          - su-kien-3.jpg
        ---

        Sáng ngày 02/10/2014, Thường trực HĐND tỉnh tổ chức Hội nghị giao ban.

        ![Đại biểu huyện Trùng Khánh phát biểu](phat-bieu.jpg)

        Hội nghị thống nhất các nội dung.
        """)


def made(site: SiteDir, stem: str) -> dict[str, Path]:
    """The files made of one photo, by name without the key: {"960.webp": path ...}."""
    return {re.sub(rf"^{stem}-[0-9a-f]{{12}}-", "", p.name): p for p in (site.output / "anh").glob(f"{stem}-*")}


def test_a_camera_photo_is_made_small_upright_and_without_its_metadata(site: SiteDir) -> None:
    photo_site(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    files = made(site, "hoi-nghi")
    widths = (240, 480, 960, 1600)  # the defaults, and the thumbnail of list pages
    assert sorted(files) == sorted(f"{w}.{ext}" for w in widths for ext in ("avif", "webp", "jpg"))
    for name, path in files.items():
        with Image.open(path) as image:
            width = int(name.split(".")[0])
            assert image.size == (width, width * 4 // 3), name  # upright: the camera was held sideways, never enlarged
            assert {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg"}[image.format] == name.split(".")[1]
            assert not image.getexif() and "xmp" not in image.info and "comment" not in image.info, name
            assert image.info.get("icc_profile"), name  # the colour profile stays: colours look the same
        data = path.read_bytes()
        assert b"Exif" not in data and b"GPS" not in data and b"Trung Khanh" not in data, name
    # The photo's own address answers with the copy made without metadata: an old link keeps working.
    with Image.open(site.output / "uploads/hoi-nghi.jpg") as original:
        assert original.size == (1600, 2133) and not original.getexif()
    assert (site.root / "static/uploads/hoi-nghi.jpg").stat().st_size > 4_000_000
    assert files["960.webp"].stat().st_size < 60_000
    assert sorted(made(site, "phat-bieu")) == sorted(f"{w}.{e}" for w in (240, 480, 960, 1200) for e in ("avif", "webp", "jpg"))


def test_pages_show_pictures_with_srcset_sizes_width_and_height(site: SiteDir) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    page = site.page(PAGE)
    lead = page.select_one(".lead-figure picture")
    assert [s["type"] for s in lead.select("source")] == ["image/avif", "image/webp"]
    image = lead.select_one("img")
    assert re.fullmatch(r"/anh/hoi-nghi-[0-9a-f]{12}-960\.jpg", image["src"])
    assert [entry.split()[1] for entry in image["srcset"].split(", ")] == ["240w", "480w", "960w", "1600w"]
    assert image["sizes"] == lead.select_one("source")["sizes"] == "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
    assert (image["width"], image["height"]) == ("960", "1280")  # its own file's: the page does not move while it loads
    assert image.get("loading") is None and image["fetchpriority"] == "high"  # the first screen's photo does not wait
    assert image["alt"] == "" and text_of(page, ".lead-figure figcaption").startswith("Quang cảnh")  # the caption says it
    body = page.select_one(".body figure picture img")
    assert body["alt"] == "Đại biểu huyện Trùng Khánh phát biểu" and body["loading"] == "lazy" and body["decoding"] == "async"
    assert (body["width"], body["height"]) == ("960", "720")
    for attribute in (image["src"], body["src"], *(e.split()[0] for e in image["srcset"].split(", "))):
        assert (site.output / attribute.lstrip("/")).is_file(), attribute
    thumbnail = site.page("").select_one(".item .thumb")  # list pages: a small photo, which names only small files
    assert thumbnail["alt"] == "" and thumbnail["sizes"] == "6rem" and thumbnail["loading"] == "lazy"
    assert all(int(e.split()[1][:-1]) <= 480 for e in thumbnail["srcset"].split(", "))
    shared = page.select_one('meta[property="og:image"]')["content"]
    assert re.fullmatch(r"https://example\.gov\.vn/anh/hoi-nghi-[0-9a-f]{12}-1600\.jpg", shared)


def test_a_gallery_is_a_grid_of_small_photos_each_a_link_to_its_large_one(site: SiteDir) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    gallery = site.page(PAGE).select_one("section.gallery")
    assert text_of(gallery, "h2") == "Ảnh sự kiện"
    items = gallery.select("li")
    assert [text_of(li, "figcaption") if li.figcaption else "" for li in items] == [
        "Đại biểu dự Hội nghị", "Đồng chí Chủ tịch HĐND tỉnh phát biểu", ""]
    assert [li.select_one("img")["alt"] for li in items] == [
        "Đại biểu dự Hội nghị", "Đồng chí Chủ tịch HĐND tỉnh phát biểu", "Ảnh 3 – xem ảnh lớn"]
    for li in items:
        large = li.select_one("a")["href"]
        assert re.fullmatch(r"/anh/su-kien-\d-[0-9a-f]{12}-1000\.jpg", large) and (site.output / large.lstrip("/")).is_file()
        assert li.select_one("img")["sizes"] == "(min-width: 46rem) 14rem, calc(50vw - 1.5rem)"


@pytest.mark.slow
def test_chromium_on_a_phone_picks_a_small_file_and_the_page_stays_light(site: SiteDir, serve_directory, browser) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    tab = phone.new_page()
    sizes: list[int] = []
    tab.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    tab.goto(server.url + PAGE, wait_until="load")
    picked = tab.locator(".lead-figure img").evaluate("img => img.currentSrc")
    assert re.search(r"/anh/hoi-nghi-[0-9a-f]{12}-960\.(avif|webp)$", picked), picked  # 328 px at 2x: the 960 px file
    total = sum(sizes)
    assert total < 150_000, f"{total} bytes"  # against 5.6 MB of the camera's file alone
    print(f"\nphone: {total} bytes for the page, its styles and the photo it picked ({picked.rsplit('/', 1)[1]})")
    phone.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = desktop.new_page()
    tab.goto(server.url + PAGE, wait_until="load")
    assert re.search(r"-960\.(avif|webp)$", tab.locator(".lead-figure img").evaluate("img => img.currentSrc"))  # 704 px at 1x
    desktop.close()
    retina = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    tab = retina.new_page()
    tab.goto(server.url + PAGE, wait_until="load")
    assert re.search(r"-1600\.(avif|webp)$", tab.locator(".lead-figure img").evaluate("img => img.currentSrc"))
    retina.close()


@pytest.mark.slow
def test_the_gallery_works_without_javascript_and_passes_axe_and_the_nu_checker(site: SiteDir, serve_directory, browser) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    server = serve_directory(site.output)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(server.url + PAGE)
    with tab.expect_response(re.compile(r"su-kien-1-[0-9a-f]{12}-1000\.jpg$")) as opened:
        tab.locator(".gallery a").first.click()
    assert opened.value.status == 200 and opened.value.headers["content-type"] == "image/jpeg"
    context.close()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(server.url + PAGE)
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map(v => v.id))",
                              AXE_TAGS)
    context.close()
    assert violations == []
    for page in (site.output / PAGE / "index.html", site.output / "index.html"):
        checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", str(page)], capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0, checked.stderr


def test_photos_are_made_once_and_follow_their_files(tmp_path, site: SiteDir) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    cached = {p: p.stat().st_mtime_ns for p in (site.root / ".giaoban-cache/photos").rglob("*.*")}
    assert len(cached) == 4 * 3 * 5 + 1  # four widths, three formats, five photos; the lead's own address
    site.write("content/2014/10/giao-ban.md", (site.root / "content/2014/10/giao-ban.md").read_text(encoding="utf-8")
               .replace("Hội nghị thống nhất", "Hội nghị đã thống nhất"))
    before = {p.name: p.stat().st_ino for p in (site.output / "anh").iterdir()}
    again = site.build()
    assert again.returncode == 0 and re.search(r"(?<!\d)[1-9]\d* tệp ghi mới", again.stdout)  # the page, at least
    assert {p.name: p.stat().st_ino for p in (site.output / "anh").iterdir()} == before  # no photo made again, none copied
    # A new output folder (a clean build) takes the photos from the cache: none is made again.
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in (site.root / ".giaoban-cache/photos").rglob("*.*")} == cached
    assert tree_digest(tmp_path / "clean") == tree_digest(site.output)
    # One photo changed: its files, and only its, are new; the old ones leave the output.
    site.photo("content/2014/10/su-kien-2.jpg", (900, 600))
    assert site.build().returncode == 0
    now = {p.name for p in (site.output / "anh").iterdir()}
    assert {n for n in before if n.startswith("su-kien-2-")}.isdisjoint(now)
    assert {n for n in before if not n.startswith("su-kien-2-")} <= now
    assert sorted(made(site, "su-kien-2")) == sorted(f"{w}.{e}" for w in (240, 480, 900) for e in ("avif", "webp", "jpg"))
    site.write("content/2014/10/giao-ban.md", (site.root / "content/2014/10/giao-ban.md").read_text(encoding="utf-8")
               .replace("  - su-kien-3.jpg\n", ""))
    assert site.build().returncode == 0
    assert not made(site, "su-kien-3")
    assert site.build("--output", str(tmp_path / "clean")).returncode == 0
    assert tree_digest(tmp_path / "clean") == tree_digest(site.output)


def test_a_missing_broken_or_too_large_photo_is_an_error_at_its_line(site: SiteDir) -> None:
    photo_site(site)
    assert site.build().returncode == 0
    built = tree_digest(site.output)
    (site.root / "content/2014/10/phat-bieu.jpg").unlink()
    (site.root / "content/2014/10/su-kien-2.jpg").write_text("không phải ảnh", encoding="utf-8")
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/2014/10/giao-ban.md:9: photo 'su-kien-2.jpg' cannot be read: the file is damaged or not an image" in result.stderr
    site.photo("content/2014/10/su-kien-2.jpg", (1000, 750))
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    assert "content/2014/10/giao-ban.md:16: image phat-bieu.jpg does not exist" in result.stderr
    site.photo("content/2014/10/phat-bieu.jpg", (1200, 900))
    site.write("site.yaml", 'title: Thử\nbase_url: "https://example.gov.vn/"\nimages:\n  max_pixels: 2000000\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1  # 12 million pixels: refused before it is decoded
    assert "content/2014/10/giao-ban.md:4: photo 'uploads/hoi-nghi.jpg' is too large" in result.stderr
    site.write("site.yaml", 'title: Thử\nbase_url: "https://example.gov.vn/"\nimages:\n  max_megabytes: 2\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1  # 5.6 MB: refused before it is read
    assert "content/2014/10/giao-ban.md:4: photo 'uploads/hoi-nghi.jpg' is too large" in result.stderr
    assert tree_digest(site.output) == built  # the site as it was


def test_images_settings_choose_widths_and_formats_and_are_checked(site: SiteDir) -> None:
    photo_site(site)
    site.write("site.yaml", 'title: Thử\nbase_url: "https://example.gov.vn/"\nimages:\n  widths: [400, 800]\n  formats: [webp]\n'
                            "  quality: 60\n")
    assert site.build().returncode == 0
    assert sorted(made(site, "phat-bieu")) == ["240.jpg", "240.webp", "400.jpg", "400.webp", "800.jpg", "800.webp"]
    site.write("site.yaml", 'title: Thử\nimages:\n  widths: [0]\n  formats: [bmp]\n  quality: 200\n  size: 3\n')
    result = site.build(env={"GIAOBAN_LANG": "en"})
    assert result.returncode == 1
    for line, text in ((3, "'images.widths' must be a list of widths"), (4, "'images.formats' must be a list of avif, webp, jpeg"),
                       (5, "'images.quality' must be a positive whole number"), (6, "'images' has no setting 'size'")):
        assert f"site.yaml:{line}: {text}" in result.stderr, text


def test_a_delegate_s_portrait_beside_their_file_is_made_small_too(site: SiteDir) -> None:
    site.photo("content/dai-bieu/nguyen-van-a.jpg", (1200, 1600))
    site.write("content/dai-bieu/a.md", "---\ntitle: Nguyễn Văn A\nkhoa: XVII\ndon_vi_bau_cu: Đơn vị số 1\nimage: nguyen-van-a.jpg\n---\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    portrait = site.page("dai-bieu/nguyen-van-a").select_one("picture img.portrait")
    assert portrait["alt"] == "Ảnh đại biểu Nguyễn Văn A" and (portrait["width"], portrait["height"]) == ("240", "320")
    assert all(int(e.split()[1][:-1]) <= 480 for e in portrait["srcset"].split(", "))
    assert (site.output / portrait["src"].lstrip("/")).is_file() and "tệp này không được bài nào dùng" not in result.stderr
