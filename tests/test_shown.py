"""Which pages show which files (shown.py): after a body's edit a build works out the keys of the
pages that show it alone, and the site is still the clean build's, byte for byte."""

from __future__ import annotations

import pickle
import re
from array import array
from pathlib import Path
from typing import Callable

from conftest import Result, SiteDir, run_giaoban, tree_digest
from test_incremental import SITE_YAML, article_text, write

from giaoban_site.cache import BuildCache
from giaoban_site.content import Document
from giaoban_site.shown import ShownIndex, ShownIndexMaker

ARTICLE = "content/2024/05/a0.md"


def verbose_build(site: SiteDir, *args: str) -> Result:
    result = run_giaoban("-v", "build", "--source", str(site.root), *args)
    assert result.returncode == 0, result.stderr
    return result


def keyed(result: Result) -> tuple[int, int]:
    """How many page keys the build worked out, of how many pages (``giaoban -v``)."""
    found = re.search(r"page keys worked out: (\d+) of (\d+) pages", result.stderr)
    assert found, result.stderr
    return int(found[1]), int(found[2])


def make_site(site: SiteDir) -> None:
    (site.root / "site.yaml").write_text(SITE_YAML.format(size=2), encoding="utf-8")
    for i in range(8):
        tags = ["giám sát" if i % 2 else "kỳ họp"]
        write(site.root, f"content/2024/05/a{i}.md", article_text(f"Bài số {i}", i + 1, tags, f"Thân bài {i}."))
    write(site.root, "content/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nVề chúng tôi.\n")
    assert site.build().returncode == 0


def edit(site: SiteDir, old: str, new: str, relative: str = ARTICLE) -> None:
    path = site.root / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def assert_same_as_clean_build(site: SiteDir, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    assert site.build("--output", str(clean)).returncode == 0
    assert tree_digest(site.output) == tree_digest(clean)


def test_a_body_edit_works_out_the_keys_of_the_pages_that_show_it_alone(site: SiteDir, tmp_path: Path) -> None:
    make_site(site)
    before = BuildCache(site.output).load_manifest(site.output)
    edit(site, "Thân bài 0.", "Thân bài đã sửa: kỳ họp thứ mười một.")
    result = verbose_build(site)
    worked_out, pages = keyed(result)
    assert 0 < worked_out < pages / 2
    showing = before.shown.pages_showing({ARTICLE}, before.shown_paths())
    assert len(showing) == worked_out
    assert "2024/05/bai-so-0/index.html" in showing and "gioi-thieu/index.html" not in showing
    after = BuildCache(site.output).load_manifest(site.output)
    remade = {path for path, (key, _) in after.files.items() if path.endswith(".html") and before.files.get(path, ("",))[0] != key}
    assert "2024/05/bai-so-0/index.html" in remade and remade <= showing
    assert "Thân bài đã sửa: kỳ họp thứ mười một." in site.page("2024/05/bai-so-0/").get_text()
    assert_same_as_clean_build(site, tmp_path)


def test_edits_that_move_an_article_or_change_the_site_work_out_every_key(site: SiteDir, tmp_path: Path) -> None:
    make_site(site)
    for old, new, relative in [('title: "Bài số 0"', 'title: "Bài số không"', ARTICLE),  # orders undated pages: a move
                               ('tags: ["kỳ họp"]', 'tags: ["giám sát"]', ARTICLE),
                               ("Về chúng tôi.", "Về Hội đồng nhân dân tỉnh.", "content/pages/gioi-thieu.md")]:
        edit(site, old, new, relative)
        if relative.startswith("content/pages"):  # a body again, with site.yaml changed beside it
            (site.root / "site.yaml").write_text(SITE_YAML.format(size=3), encoding="utf-8")
        result = verbose_build(site)
        worked_out, pages = keyed(result)
        assert worked_out == pages, old
    assert_same_as_clean_build(site, tmp_path)


def test_a_page_an_edit_did_not_reach_is_made_again_when_its_file_is_gone(site: SiteDir, tmp_path: Path) -> None:
    make_site(site)
    (site.output / "gioi-thieu/index.html").unlink()
    edit(site, "Thân bài 0.", "Thân bài sửa lần nữa.")
    assert site.build().returncode == 0
    assert "Về chúng tôi." in site.page("gioi-thieu/").get_text()
    assert_same_as_clean_build(site, tmp_path)


def test_an_article_that_becomes_due_works_out_every_key(site: SiteDir, tmp_path: Path) -> None:
    make_site(site)
    write(site.root, "content/2024/06/hen.md", article_text("Bài hẹn giờ", 1, ["kỳ họp"], "Sắp đăng.").replace("2024-05-01", "2024-06-01"))
    assert site.build("--now", "2024-05-20T00:00:00+07:00").returncode == 0
    edit(site, "Thân bài 0.", "Thân bài sửa khi bài hẹn đến giờ.")
    result = verbose_build(site, "--now", "2024-06-02T00:00:00+07:00")
    worked_out, pages = keyed(result)
    assert worked_out == pages
    assert "Bài hẹn giờ" in site.page("").get_text()


def test_after_a_template_edit_the_index_is_the_one_a_clean_build_keeps(site: SiteDir, tmp_path: Path) -> None:
    """A page shows the files of its template context, which no template changes: an article.html
    that shows the article alone leaves the index of every page as it was."""
    make_site(site)
    edit(site, "Thân bài 0.", "Thân bài đã sửa.")  # a body edit in the same build: the index's quick path
    write(site.root, "templates/article.html", '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>{% endblock %}')
    assert "the pages of article.html" in verbose_build(site).stderr
    clean = tmp_path / "clean"
    assert site.build("--output", str(clean)).returncode == 0
    edited = BuildCache(site.output).load_manifest(site.output).shown
    assert edited.pages_by_file() == BuildCache(clean).load_manifest(clean).shown.pages_by_file()
    assert tree_digest(site.output) == tree_digest(clean)


def test_after_articles_come_and_go_the_index_is_the_one_a_clean_build_keeps(site: SiteDir, tmp_path: Path) -> None:
    """Pages move when an article comes or goes: each page whose key is unchanged takes its files from where
    it was in the last index, numbered again, and the index is a clean build's."""
    make_site(site)
    for change in (lambda: write(site.root, "content/2024/05/moi.md", article_text("Bài mới", 20, ["kỳ họp"], "Tin mới.")),
                   lambda: (site.root / "content/2024/05/a3.md").unlink()):
        change()
        worked_out, pages = keyed(verbose_build(site))
        assert worked_out == pages
        clean = tmp_path / f"clean-{pages}"
        assert site.build("--output", str(clean)).returncode == 0
        kept, fresh = (BuildCache(folder).load_manifest(folder) for folder in (site.output, clean))
        assert kept.shown.pages_by_file() == fresh.shown.pages_by_file()
        assert (kept.shown.names, kept.shown.placings) == (fresh.shown.names, fresh.shown.placings)
        assert kept.shown_paths() == fresh.shown_paths()
    assert "content/2024/05/a3.md" not in kept.shown.names and "content/2024/05/moi.md" in kept.shown.names


def numbered_documents(count: int) -> dict[str, Document]:
    """``count`` articles by their files, "content/2024/05/a0.md" ..., each with a digest of its own."""
    return {f"content/2024/05/a{i}.md": Document(f"content/2024/05/a{i}.md", "article", f"Bài số {i}", f"bai-so-{i}", "",
                                                 digest=f"{i:032x}") for i in range(count)}


def index_of(paths: list[str], documents: dict[str, Document], shows: Callable[[int], set[str]]) -> ShownIndex:
    """The index of ``paths``, the page at each position showing ``shows(position)``."""
    maker = ShownIndexMaker(None, paths, documents)
    for position in range(len(paths)):
        maker.add(position, shows(position))
    return maker.finish("frame", documents)


def test_the_index_is_the_same_whichever_page_the_workers_send_first() -> None:
    """Pages come from the workers as each batch is done: the index depends on the pages, not on that order."""
    documents = numbered_documents(4)
    paths = ["index.html", "2024/05/bai-so-0/index.html", "the/trang-2/index.html", "gioi-thieu/index.html"]
    shows = [set(documents), {"content/2024/05/a0.md", "content/2024/05/a1.md"}, {"content/2024/05/a3.md"}, set()]

    def index(order: list[int]) -> ShownIndex:
        maker = ShownIndexMaker(None, paths, documents)
        for position in order:
            maker.add(position, shows[position])
        return maker.finish("frame", documents)

    forward, backward = index([0, 1, 2, 3]), index([3, 2, 1, 0])
    assert forward == backward
    assert forward.pages_showing({"content/2024/05/a3.md"}, paths) == {"index.html", "the/trang-2/index.html"}
    assert forward.pages_showing({"content/2024/05/a1.md"}, paths) == {"index.html", "2024/05/bai-so-0/index.html"}
    assert list(forward.pages_by_file()["content/2024/05/a2.md"]) == [0]


def test_a_workers_pages_send_their_files_as_numbers_and_make_the_same_index() -> None:
    """A worker sends the numbers of the files a page shows (pickled as bytes, not as strings), or their
    names where a file has no number in the index it was forked with: the index is the one names make."""
    documents = numbered_documents(4)
    paths = ["index.html", "2024/05/bai-so-0/index.html", "the/trang-2/index.html", "gioi-thieu/index.html"]
    shows = [set(documents), {"content/2024/05/a0.md", "content/2024/05/a1.md"}, {"content/2024/05/a3.md", "content/khac.md"}, set()]
    maker = ShownIndexMaker(None, paths, documents)
    sent = [pickle.loads(pickle.dumps(maker.numbered(files))) for files in shows]
    assert sent[1] == array("I", [0, 1]) and sorted(sent[2]) == ["content/2024/05/a3.md", "content/khac.md"]
    for position in (3, 2, 1, 0):
        maker.add(position, sent[position])
    assert maker.finish("frame", documents) == index_of(paths, documents, shows.__getitem__)


def test_the_files_pages_show_are_named_by_the_documents_text_itself() -> None:
    """Files are numbered in the order of the documents: their names are the documents' sources, one text
    kept and read once (at 100,000 articles, 11 MB), followed by any file that is no document."""
    documents = numbered_documents(3)
    index = index_of(["a/index.html", "b/index.html"], documents, lambda position: {f"content/2024/05/a{position}.md"})
    kept = pickle.loads(pickle.dumps(index, pickle.HIGHEST_PROTOCOL))  # as the cache saves it
    assert index.names is index.sources and kept.names is kept.sources
    other = index_of(["a/index.html"], documents, lambda position: {"content/khac.md"})
    assert other.names == other.sources + "\0content/khac.md"
    assert other.pages_showing({"content/khac.md"}, ["a/index.html"]) == {"a/index.html"}


def test_an_index_tells_edits_only_for_the_same_pages_in_the_same_order() -> None:
    """The pages' paths are compared a piece at a time: a page added, gone or moved anywhere means no edit is told apart."""
    documents = numbered_documents(3)
    paths = [f"2024/05/trang-{n}/index.html" for n in range(20_000)]
    index = index_of(paths, documents, lambda position: {f"content/2024/05/a{position % 3}.md"})
    edited = {**documents, "content/2024/05/a1.md": Document("content/2024/05/a1.md", "article", "Bài số 1", "bai-so-1", "",
                                                             summary="Tóm tắt mới.", digest="f" * 32)}
    assert index.edited("frame", edited, paths) == {"content/2024/05/a1.md"}
    assert index.edited("frame", edited, [*paths[:-1], "2024/05/trang-moi/index.html"]) is None
    assert index.edited("frame", edited, paths[:-1]) is None and index.edited("frame", edited, [*paths, "them.html"]) is None
    assert index.edited("frame", edited, [paths[1], paths[0], *paths[2:]]) is None


def test_a_body_edit_keeps_the_files_made_from_places_alone_and_a_date_edit_makes_them_again(site: SiteDir, tmp_path: Path) -> None:
    make_site(site)
    edit(site, "Thân bài 0.", "Thân bài đã sửa sau kỳ họp.")
    assert re.search(r"kept as they were \(no document moved\): .*sitemap\.xml", verbose_build(site).stderr)
    assert_same_as_clean_build(site, tmp_path)
    edit(site, "\n---\n", "\nupdated: 2024-06-30 08:00\n---\n")  # the article's lastmod in the sitemap
    result = verbose_build(site)
    assert "kept as they were" not in result.stderr
    assert "2024-06-30T08:00:00+07:00" in (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, tmp_path)


def test_the_index_is_read_without_its_pages_paths_which_are_read_when_asked(site: SiteDir) -> None:
    """At 100,000 articles the paths are 36 MB: a build whose pages are the same (a body's edit) compares
    them by a hash, and the paths are read from the file only where pages came or went."""
    make_site(site)
    manifest = BuildCache(site.output).load_manifest(site.output)
    assert manifest.shown.paths == ()  # not read with the index
    paths = manifest.shown_paths()
    assert "2024/05/bai-so-0/index.html" in paths and "gioi-thieu/index.html" in paths and len(paths) == len(set(paths))
    assert manifest.shown.has_pages(paths) and not manifest.shown.has_pages(paths[1:])
    showing = manifest.shown.pages_showing({ARTICLE}, paths)
    assert "2024/05/bai-so-0/index.html" in showing and "gioi-thieu/index.html" not in showing


def test_the_pages_showing_a_file_are_found_across_runs_of_the_index() -> None:
    """The index is searched a run of numbers at a time: a page found in any run, at any place in it."""
    paths = [f"trang-{n}/index.html" for n in range(1_000)]

    def shows(position: int) -> set[str]:
        return {f"content/2024/05/a{position % 5}.md", f"content/2024/05/a{position % 3}.md"}

    index = index_of(paths, numbered_documents(5), shows)
    for wanted in ({"content/2024/05/a4.md"}, {"content/2024/05/a0.md", "content/2024/05/a2.md"}, {"content/khong-co.md"}):
        expected = {path for position, path in enumerate(paths) if shows(position) & wanted}
        for run in (7, 64, 1 << 20):
            assert index.pages_showing(wanted, paths, run) == expected, (wanted, run)
