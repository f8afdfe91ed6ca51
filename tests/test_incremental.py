"""Incremental builds: after any edits, the output equals a clean build's, byte for byte."""

from __future__ import annotations

import logging
import os
import pickle
import re
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import SiteDir, run_giaoban, tree_digest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from giaoban_site.build import BuildOptions, build
from giaoban_site.cache import BuildCache
from giaoban_site.render import THEME_DIR

TAGS = ["giám sát", "kỳ họp", "tiếp xúc cử tri", "ngân sách", "Đại biểu HĐND"]
TEMPLATE_EDIT = '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1><p>Bản sửa {{ n }}</p>{% endblock %}'
ITEM_TEMPLATE = (THEME_DIR / "_item.html").read_text(encoding="utf-8")  # a list's item, which list.html renders by name


def article_text(title: str, day: int, tags: list[str], body: str) -> str:
    tag_list = ", ".join(f'"{t}"' for t in tags)
    return f'---\ntitle: "{title}"\ndate: 2024-05-{day:02d} 08:00\ntags: [{tag_list}]\n---\n\n{body}\n'


SITE_YAML = 'title: "Thử"\npage_size: {size}\nlanguages:\n  en:\n    title: "Trial"\n' + """
expired: notice
front_page:
  featured: 2
  blocks: [featured, latest, {{category: hoat-dong}}, most_read, {{series: giao-ban}}]
categories:
  hoat-dong: {{title: "Hoạt động"}}
  ky-hop: {{title: "Kỳ họp", parent: hoat-dong}}
"""
CATEGORIES = ["Kỳ họp", "Hoạt động", "Tin địa phương"]

def initial_site(root: Path) -> None:
    (root / "site.yaml").write_text(SITE_YAML.format(size=2), encoding="utf-8")
    for i in range(5):
        write(root, f"content/2024/05/a{i}.md", article_text(f"Bài số {i}", i + 1, TAGS[i % 3: i % 3 + 2], f"Thân bài {i}."))
    write(root, "content/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nVề chúng tôi.\n")


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def articles(root: Path) -> list[Path]:
    return sorted((root / "content/2024").rglob("*.md"))


def apply_edit(root: Path, edit: tuple, n: int) -> None:
    kind, index, value = edit
    existing = articles(root)
    target = existing[index % len(existing)] if existing else None
    if kind == "add" or target is None:
        write(root, f"content/2024/05/new{n}.md", article_text(f"Bài mới {n}", value % 28 + 1, [TAGS[value % 5]], "Mới."))
    elif kind == "body":
        target.write_text(target.read_text(encoding="utf-8") + f"\nĐoạn thêm {n}.\n", encoding="utf-8")
    elif kind == "title":
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace('title: "', f'title: "Sửa {n} ', 1), encoding="utf-8")
    elif kind == "date":
        text = target.read_text(encoding="utf-8").splitlines(keepends=True)
        target.write_text("".join(f"date: 2024-05-{value % 28 + 1:02d} 09:00\n" if line.startswith("date:") else line
                                  for line in text), encoding="utf-8")
    elif kind == "tags":
        text = target.read_text(encoding="utf-8").splitlines(keepends=True)
        tags = ", ".join(f'"{t}"' for t in TAGS[value % 5: value % 5 + 1 + value % 2])
        target.write_text("".join(f"tags: [{tags}]\n" if line.startswith("tags:") else line for line in text), encoding="utf-8")
    elif kind == "delete":
        target.unlink()
    elif kind == "rename_tag":
        old, new = TAGS[value % 5], f"chủ đề {n}"
        for path in articles(root):
            path.write_text(path.read_text(encoding="utf-8").replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
    elif kind == "template":
        write(root, "templates/article.html", TEMPLATE_EDIT.replace("{{ n }}", str(n)))
    elif kind == "item_template":
        write(root, "templates/_item.html", ITEM_TEMPLATE.replace('<li class="item">', f'<li class="item" data-n="{n}">'))
    elif kind == "page_size":
        (root / "site.yaml").write_text(SITE_YAML.format(size=value % 4 + 1), encoding="utf-8")
    elif kind == "touch":
        os.utime(target)
    elif kind == "alias":  # a new old address, each edit its own, replacing the article's earlier one
        set_field(target, "aliases", f'["/cu/{n}.html", "/tin-cu/{n}/"]')
    elif kind == "translate":  # an English version of the article, joined by its path: hreflang, switch, /en/ lists
        write(root, target.relative_to(root).as_posix().replace("content/", "content/en/", 1),
              article_text(f"Article {n}", value % 28 + 1, ["budget"], "In English."))
    elif kind == "untranslate":
        english = sorted((root / "content/en").rglob("*.md"))
        if english:
            english[value % len(english)].unlink()
    elif kind == "featured":  # into the lead block, by rank or not, or out of it
        set_field(target, "featured", ["false", "true", "1", "2"][value % 4])
    elif kind == "pinned":  # at the top of its categories: until a date past or to come, or not at all
        set_field(target, "pinned", ["false", "true", "2024-01-01", "2099-01-01"][value % 4])
    elif kind == "series":
        set_field(target, "series", ["Giao ban", "Kỳ họp thứ 9"][value % 2])
    elif kind == "category":  # a child of a declared category, a parent, one no one declared; and more than one
        set_field(target, "category", f'"{CATEGORIES[value % 3]}"')
        set_field(target, "categories", f'["{CATEGORIES[(value + 1) % 3]}"]' if value % 2 else "[]")
    elif kind == "expires":  # past (its page stays, marked, out of lists) or to come
        set_field(target, "expires", ["2024-06-01", "2099-06-01"][value % 2])
    elif kind == "views":  # the most read block's data file
        write(root, "views.csv", "address,views\n" + "".join(f"{p.relative_to(root).as_posix()},{(i * value) % 7}\n"
                                                            for i, p in enumerate(articles(root))))
    elif kind == "attach":  # the shared attachment gets new bytes, and one more article lists it
        (root / "content/2024/05/tep.pdf").write_bytes(b"%PDF-" + str(n).encode() * (value + 1))
        set_field(target, "attachments", '[{file: tep.pdf, title: "Tệp đính kèm"}]')


def set_field(path: Path, name: str, value: str) -> None:
    """Set one front matter field of an article, adding it after the title when it is not there."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith(f"{name}:")]
    lines.insert(2, f"{name}: {value}\n")
    path.write_text("".join(lines), encoding="utf-8")


EDITS = st.tuples(st.sampled_from(["add", "body", "title", "date", "tags", "delete", "rename_tag", "template", "item_template",
                                   "page_size", "touch", "alias", "attach", "translate", "untranslate", "featured",
                                   "pinned", "series", "category", "expires", "views"]),
                  st.integers(0, 20), st.integers(0, 100))


def assert_incremental_equals_clean(root: Path, scratch: Path) -> None:
    build(BuildOptions(source=root, jobs=1))
    clean = scratch / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.rmtree(scratch / ".giaoban-cache", ignore_errors=True)
    build(BuildOptions(source=root, output=clean, jobs=1))
    assert tree_digest(root / "output") == tree_digest(clean)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDITS, min_size=1, max_size=6))
@example([("alias", 0, 1), ("attach", 1, 2), ("alias", 0, 3), ("attach", 2, 5), ("delete", 1, 0)])  # old URLs and files move
@example([("translate", 0, 1), ("translate", 1, 2), ("title", 0, 0), ("untranslate", 0, 0), ("delete", 1, 0)])  # languages come and go
@example([("category", 0, 1), ("featured", 1, 3), ("series", 2, 0), ("expires", 0, 0), ("views", 0, 3), ("pinned", 3, 1)])  # the newsroom
def test_incremental_build_equals_clean_build_after_any_edits(edits: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, scratch = Path(tmp) / "site", Path(tmp) / "scratch"
        root.mkdir()
        scratch.mkdir()
        initial_site(root)
        build(BuildOptions(source=root, jobs=1))
        for n, edit in enumerate(edits):
            apply_edit(root, edit, n)
            assert_incremental_equals_clean(root, scratch)


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    initial_site(site.root)
    assert site.build().returncode == 0
    return site


def test_rebuild_with_no_change_writes_nothing(built: SiteDir) -> None:
    mtimes = {p: p.stat().st_mtime_ns for p in built.output.rglob("*") if p.is_file()}
    result = built.build()
    assert result.returncode == 0
    assert "0 tệp ghi mới" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in built.output.rglob("*") if p.is_file()} == mtimes


@pytest.mark.parametrize("jobs", ["1", "2"])  # the lookup of deleted files runs in its own process beside the scan, or in line
def test_a_file_deleted_from_the_output_is_back_after_the_next_build_and_stays(built: SiteDir, jobs: str) -> None:
    apply_edit(built.root, ("body", 1, 0), 1)
    assert built.build("--jobs", jobs).returncode == 0  # the spare folder holds the version before
    page = built.output / "gioi-thieu/index.html"
    original = page.read_bytes()
    page.unlink()
    assert built.build("--jobs", jobs).returncode == 0  # nothing else changed
    assert page.read_bytes() == original
    for n in range(2, 5):  # the folder it was deleted from is the spare now, then the output again ...
        apply_edit(built.root, ("body", 1, 0), n)
        assert built.build("--jobs", jobs).returncode == 0
        assert page.read_bytes() == original, n


def test_editing_one_body_rewrites_only_pages_that_show_it(built: SiteDir) -> None:
    before = tree_digest(built.output)
    path = built.root / "content/2024/05/a0.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Thân bài 0.", "Thân bài đã sửa."), encoding="utf-8")
    result = built.build()
    assert result.returncode == 0
    after = tree_digest(built.output)
    changed = {p for p in after if before.get(p) != after[p]}
    assert "2024/05/bai-so-0/index.html" in changed
    assert "gioi-thieu/index.html" not in changed and "404.html" not in changed
    assert "Thân bài đã sửa." in (built.output / "2024/05/bai-so-0/index.html").read_text(encoding="utf-8")


def test_editing_one_body_does_not_remake_tag_pages_that_do_not_show_it(site: SiteDir) -> None:
    """A tag's other pages show its count and name, not this article: their inputs are unchanged."""
    (site.root / "site.yaml").write_text('title: "Thử"\npage_size: 2\n', encoding="utf-8")
    for i in range(6):
        write(site.root, f"content/2024/05/a{i}.md", article_text(f"Bài số {i}", i + 1, ["giám sát"], f"Thân bài {i}."))
    assert site.build().returncode == 0
    keys_before = {path: key for path, (key, _) in BuildCache(site.output).load_manifest(site.output).files.items()}
    oldest = site.root / "content/2024/05/a0.md"  # on the tag's last page only
    oldest.write_text(oldest.read_text(encoding="utf-8").replace("Thân bài 0.", "Thân bài đã sửa."), encoding="utf-8")
    assert site.build().returncode == 0
    keys_after = {path: key for path, (key, _) in BuildCache(site.output).load_manifest(site.output).files.items()}
    remade = {path for path in keys_after if keys_before.get(path) != keys_after[path]}
    assert "chu-de/giam-sat/trang/3/index.html" in remade
    assert {"chu-de/giam-sat/index.html", "chu-de/giam-sat/trang/2/index.html", "chu-de/index.html"}.isdisjoint(remade)


def test_search_index_follows_edits_of_two_articles_in_turn(tmp_path: Path, built: SiteDir) -> None:
    """The second edit adds a word the first one brought: its postings must still gain the second article."""
    for n, edit in enumerate([("body", 0, 0), ("body", 1, 0), ("title", 2, 0)]):
        apply_edit(built.root, edit, n)
        assert_incremental_equals_clean(built.root, tmp_path)


def test_incremental_cli_build_equals_a_clean_build(tmp_path: Path, built: SiteDir) -> None:
    """With the default workers: feeds, sitemap and search files made beside the pages land too."""
    path = built.root / "content/2024/05/a1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Bài số 1", "Bài số một"), encoding="utf-8")
    assert built.build().returncode == 0
    assert "Bài số một" in (built.output / "feed.xml").read_text(encoding="utf-8")
    assert built.build("--output", str(tmp_path / "clean")).returncode == 0
    assert tree_digest(built.output) == tree_digest(tmp_path / "clean")


def wordy_site(root: Path) -> None:
    """Few pages but many distinct words: the search index takes longer than the pages."""
    initial_site(root)
    for i in range(40):
        words = " ".join(f"tu{i}x{j}" for j in range(3000))
        write(root, f"content/2022/01/w{i}.md", article_text(f"Nhiều từ {i}", i % 28 + 1, ["kỳ họp"], words))


def test_files_made_beside_the_pages_are_counted_and_kept(site: SiteDir) -> None:
    wordy_site(site.root)
    result = site.build()
    files = sum(1 for p in site.output.rglob("*") if p.is_file())
    assert f": {files} tệp ghi mới, 0 tệp giữ nguyên" in result.stdout
    path = site.root / "content/2022/01/w3.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nchuoimoi\n", encoding="utf-8")
    assert site.build().returncode == 0
    assert (site.output / "tim-kiem/chi-muc/chu.json").exists()


def test_deleted_article_and_unused_tag_pages_disappear(built: SiteDir) -> None:
    assert built.exists("2024/05/bai-so-2") and built.exists("chu-de/ngan-sach") and built.exists("trang/3")
    (built.root / "content/2024/05/a2.md").unlink()  # the only article tagged "ngân sách"
    assert built.build().returncode == 0
    assert not (built.output / "2024/05/bai-so-2").exists()
    assert not (built.output / "chu-de/ngan-sach").exists()
    assert not built.exists("trang/3")  # 4 articles, 2 a page


def test_corrupt_cache_is_ignored_with_a_warning(built: SiteDir) -> None:
    cache = built.root / ".giaoban-cache" / "output"
    kept = [path for path in cache.iterdir() if path.suffix in (".pickle", ".sqlite")]
    assert {"bodies.sqlite", "search.sqlite"} <= {p.name for p in kept}
    assert any(p.name.startswith("manifest-") for p in kept)
    for path in kept:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\0garbage" * 64)
    before = tree_digest(built.output)
    result = built.build()
    assert result.returncode == 0
    assert "bộ nhớ đệm" in result.stderr and "bị hỏng" in result.stderr
    assert tree_digest(built.output) == before


def test_damaged_document_store_is_rebuilt_when_an_edit_needs_it(tmp_path: Path, built: SiteDir) -> None:
    store = built.root / ".giaoban-cache" / "output" / "bodies.sqlite"
    store.write_bytes(store.read_bytes()[:4096] + b"\0garbage" * 64)
    apply_edit(built.root, ("body", 1, 0), 7)
    result = built.build()
    assert result.returncode == 0
    assert "bộ nhớ đệm" in result.stderr and "bị hỏng" in result.stderr
    clean = tmp_path / "clean"
    assert run_giaoban("build", "--source", str(built.root), "--output", str(clean)).returncode == 0
    assert tree_digest(built.output) == tree_digest(clean)


def test_stored_documents_of_another_version_are_dropped_without_a_warning(built: SiteDir) -> None:
    """After an upgrade the store holds rows the new code never asks for, whose fields may differ."""
    store = built.root / ".giaoban-cache" / "output" / "bodies.sqlite"
    with sqlite3.connect(store) as connection:
        connection.execute("INSERT INTO documents VALUES (?, ?)", ("0" * 32, pickle.dumps(("trường", "cũ"))))
    apply_edit(built.root, ("body", 1, 0), 8)
    result = built.build()
    assert result.returncode == 0 and "bị hỏng" not in result.stderr
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM documents WHERE digest = ?", ("0" * 32,)).fetchone() == (0,)


def _clean_build(site: SiteDir, output: Path) -> Path:
    assert site.build("--output", str(output)).returncode == 0
    return output


def _as_if_another_version_wrote(cache: Path) -> None:
    """Every cache file's header names another version of giaoban-site (its payload stays whole)."""
    for path in cache.glob("*.pickle"):
        header, _, payload = path.read_bytes().partition(b"\n")
        magic, _, checksum = header.split(b" ")
        path.write_bytes(b" ".join([magic, b"0" * 32, checksum]) + b"\n" + payload)


def test_after_an_upgrade_the_build_rewrites_no_file_whose_bytes_are_the_same(tmp_path: Path, built: SiteDir) -> None:
    apply_edit(built.root, ("body", 1, 0), 8)
    assert built.build().returncode == 0  # the spare folder now holds the version before
    files = {p: p.stat().st_ino for p in built.output.rglob("*") if p.is_file()}
    _as_if_another_version_wrote(built.root / ".giaoban-cache" / "output")
    apply_edit(built.root, ("body", 2, 0), 9)
    result = built.build()
    assert result.returncode == 0 and "bị hỏng" not in result.stderr
    rewritten = {p for p, inode in files.items() if p.stat().st_ino != inode}
    assert 0 < len(rewritten) < len(files) // 3, sorted(str(p.relative_to(built.output)) for p in rewritten)
    written = int(re.search(r"(\d+) tệp ghi mới", result.stdout).group(1))  # bytes that differ from the output's before
    assert 0 < written <= len(rewritten)
    assert tree_digest(built.output) == tree_digest(_clean_build(built, tmp_path / "clean"))
    apply_edit(built.root, ("body", 3, 0), 10)  # the build after it: the spare's record, of the other version, is taken too
    assert built.build().returncode == 0
    assert tree_digest(built.output) == tree_digest(_clean_build(built, tmp_path / "again"))


@pytest.mark.parametrize(("published", "parsed"), [("https://example.gov.vn/", 0), ("https://example.gov.vn/hdnd/", 6)])
def test_a_build_started_from_another_outputs_documents_makes_the_same_site(tmp_path: Path, built: SiteDir, caplog,
                                                                            published: str, parsed: int) -> None:
    """The preview's first build takes the published build's store; where its path differs from the
    preview's (/hdnd/ against /), no row matches, and every file is parsed as without it."""
    assert built.build("--base-url", published).returncode == 0
    preview = {"source": built.root, "drafts": True, "base_url": "http://127.0.0.1:9000/", "jobs": 1}
    with caplog.at_level(logging.DEBUG, logger="giaoban_site.build"):
        build(BuildOptions(output=tmp_path / "seeded", documents_from=built.output, **preview))
    assert f"files to parse: {parsed} of 6 " in caplog.text
    build(BuildOptions(output=tmp_path / "parsed", **preview))
    assert tree_digest(tmp_path / "seeded") == tree_digest(tmp_path / "parsed")
    assert '<link rel="canonical" href="http://127.0.0.1:9000/">' in (tmp_path / "seeded" / "index.html").read_text(encoding="utf-8")


def _as_if_another_version_stored(store: Path) -> None:
    with closing(sqlite3.connect(store)) as connection, connection:  # every row as another version of giaoban-site left it
        connection.execute("UPDATE documents SET digest = 'cu-' || digest")
        connection.execute("UPDATE bodies SET digest = 'cu-' || digest")


@pytest.mark.parametrize(("published_upgraded", "parsed"), [(True, 1), (False, 6)])
def test_after_an_upgrade_the_previews_store_starts_again_from_the_published_builds(
        tmp_path: Path, built: SiteDir, caplog, published_upgraded: bool, parsed: int) -> None:
    """The preview's store, of the version before, is not parsed again file by file when the
    published build (made since with this version) holds the documents; it is when that has none."""
    preview = {"source": built.root, "drafts": True, "base_url": "http://127.0.0.1:9000/", "jobs": 1,
               "output": tmp_path / "preview", "documents_from": built.output}
    build(BuildOptions(**preview))
    _as_if_another_version_stored(tmp_path / ".giaoban-cache" / "preview" / "bodies.sqlite")
    if not published_upgraded:
        _as_if_another_version_stored(built.root / ".giaoban-cache" / "output" / "bodies.sqlite")
    apply_edit(built.root, ("body", 1, 0), 8)  # a build to do
    with caplog.at_level(logging.DEBUG, logger="giaoban_site.build"):
        build(BuildOptions(**preview))
    assert f"files to parse: {parsed} of 6 " in caplog.text
    build(BuildOptions(**{**preview, "output": tmp_path / "clean", "documents_from": None}))
    assert tree_digest(tmp_path / "preview") == tree_digest(tmp_path / "clean")


@pytest.mark.parametrize(("template", "remade"), [("article.html", "article"), ("_item.html", "list")])
def test_a_template_edit_makes_again_only_the_pages_that_use_it(tmp_path: Path, built: SiteDir, caplog,
                                                                 template: str, remade: str) -> None:
    """article.html: the articles' pages and nothing else; _item.html, which list.html renders by
    name for each article: the lists, not the articles' own pages. Both as a clean build makes them."""
    apply_edit(built.root, ("body", 1, 0), 8)  # an edit of a document too, in the same build
    apply_edit(built.root, ("template" if template == "article.html" else "item_template", 0, 0), 9)
    with caplog.at_level(logging.DEBUG, logger="giaoban_site.build"):
        build(BuildOptions(source=built.root, jobs=1))
    made = int(re.search(r"page keys worked out: (\d+) of (\d+) pages", caplog.text).group(1))
    assert f"the pages of {remade}.html: a template they use was edited" in caplog.text
    home = (built.output / "index.html").read_text(encoding="utf-8")
    article = next(built.output.glob("2024/05/*/index.html")).read_text(encoding="utf-8")
    assert ("Bản sửa 9" in article) == (remade == "article")
    assert ('data-n="9"' in home) == (remade == "list")
    articles_pages = len(list(built.output.glob("2024/05/*/index.html")))
    assert made < len(list(built.output.rglob("*.html"))) - articles_pages if remade == "article" else made > articles_pages
    assert tree_digest(built.output) == tree_digest(_clean_build(built, tmp_path / "clean"))


def test_after_an_upgrade_the_document_store_is_made_again_not_doubled(site: SiteDir) -> None:
    (site.root / "site.yaml").write_text(SITE_YAML.format(size=10), encoding="utf-8")
    for i in range(300):
        body = f"Thân bài {i}. " * 40
        write(site.root, f"content/2024/05/b{i}.md", article_text(f"Bài số {i}", i % 28 + 1, TAGS[i % 3: i % 3 + 2], body))
    assert site.build().returncode == 0
    store = site.root / ".giaoban-cache" / "output" / "bodies.sqlite"
    size = store.stat().st_size
    _as_if_another_version_stored(store)
    write(site.root, "content/2024/05/b0.md", article_text("Bài số 0", 1, TAGS[:2], "Thân bài đã sửa."))  # a build to do
    assert site.build().returncode == 0
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM documents WHERE digest LIKE 'cu-%'").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (300,)
    assert store.stat().st_size < size * 1.3  # row by row, the old rows left it twice its size


def test_cache_from_a_deleted_output_is_not_trusted(built: SiteDir) -> None:
    before = tree_digest(built.output)
    shutil.rmtree(built.output / "2024")
    assert built.build().returncode == 0
    assert tree_digest(built.output) == before


def test_parallel_and_single_process_builds_are_identical(tmp_path: Path, built: SiteDir) -> None:
    for i in range(300):  # enough pages for the build to use worker processes
        write(built.root, f"content/2023/{i % 12 + 1:02d}/p{i}.md", article_text(f"Tin {i}", i % 28 + 1, [TAGS[i % 5]], f"Số {i}."))
    assert built.build("--output", str(tmp_path / "one"), "--jobs", "1").returncode == 0
    assert built.build("--output", str(tmp_path / "two"), "--jobs", "2").returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_broken_template_fails_a_parallel_build_cleanly(tmp_path: Path, built: SiteDir) -> None:
    for i in range(300):  # enough pages for worker processes and the background extras
        write(built.root, f"content/2023/{i % 12 + 1:02d}/p{i}.md", article_text(f"Tin {i}", i % 28 + 1, [TAGS[i % 5]], f"Số {i}."))
    assert built.build("--jobs", "2").returncode == 0
    before = tree_digest(built.output)
    built.write("templates/article.html", '{% extends "base.html" %}{% block main %}{{ article.title | khong_co }}{% endblock %}')
    result = built.build("--jobs", "2")
    assert result.returncode == 1
    assert "article.html" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(built.output) == before
    assert [p.name for p in built.root.iterdir() if ".staging-" in p.name] == []


@pytest.mark.slow
def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(built: SiteDir) -> None:
    """Unchanged files are not read again, judged by size and times; a restored mtime must not hide an edit."""
    path = built.root / "content/2024/05/a2.md"
    time.sleep(3.2)  # older than the clock margin, so an unchanged file would be trusted without reading
    assert built.build().returncode == 0
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Thân bài 2.", "Thân bài X."), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or `touch -r` would
    assert path.stat().st_size == before.st_size
    assert built.build().returncode == 0
    assert "Thân bài X." in (built.output / "2024/05/bai-so-2/index.html").read_text(encoding="utf-8")
