"""The preview's kept site (preview.py): a saved article's own page, made at once, is the page the
build then makes; a save it cannot show as the build will gets no quick page."""

from __future__ import annotations

import os
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import SiteDir, tree_digest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_incremental import EDITS, apply_edit, article_text, initial_site, set_field

from giaoban_site import preview
from giaoban_site.build import BuildOptions, build, prepare_as_built
from giaoban_site.messages import msg
from giaoban_site.preview import KeptSite
from giaoban_site.watch import WATCHED_DIRS, WATCHED_FILES, BuildState, Rebuilder, build_apart
from giaoban_site.workers import Resident

SAME_PAGES = {"body", "title", "touch", "tags"}  # edits whose quick pages are as the build makes them (a move changes more)
IN_PLACE = {"body", "title"}  # edits that leave the article where it was in every list: every page that shows it is quick


def watched_of(root: Path) -> dict[str, bytes]:
    """The files the preview watches (content/, templates/, site.yaml ...), by the names it gives them."""
    paths = [*(path for folder in WATCHED_DIRS for path in (root / folder).rglob("*")), *(root / name for name in WATCHED_FILES)]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(paths) if p.is_file()}


def saved_names(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The files an editor's save touched, as the watcher names them."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def preview_build(root: Path, kept: KeptSite | None = None, names: Sequence[str] = ()) -> KeptSite:
    """Build as the preview does (the same function, there in a process of its own), for saves of
    ``names``; then the site it keeps: ``kept`` where that follows the build, else a new one made
    from the build's output."""
    options = BuildOptions(source=root, drafts=True, jobs=1)
    built = build_apart((options, frozenset()))
    return kept if kept is not None and kept.follows(names, built.pages) else KeptSite(prepare_as_built(options))


def with_fixed_addresses(root: Path) -> None:
    """A ``slug:`` in every article that has none, so that a new title keeps its address (IN_PLACE)."""
    for path in sorted((root / "content/2024").rglob("*.md")):
        if not path.read_text(encoding="utf-8").count("\nslug:"):
            set_field(path, "slug", f"bai-{path.stem}")


@pytest.mark.parametrize(("edit", "follows"), [(("body", 0, 0), True), (("tags", 1, 2), True), (("title", 2, 0), True),
                                               (("add", 0, 3), False), (("delete", 4, 0), False), (("date", 1, 9), False),
                                               (("template", 0, 0), False)])
def test_the_kept_site_goes_on_after_a_build_of_the_saves_it_took_and_only_then(tmp_path: Path, edit: tuple, follows: bool) -> None:
    initial_site(tmp_path)
    with_fixed_addresses(tmp_path)
    kept = preview_build(tmp_path)
    before = watched_of(tmp_path)
    apply_edit(tmp_path, edit, 0)
    names = saved_names(before, watched_of(tmp_path))
    if all(name.startswith("content/") for name in names):  # as the preview asks (watch.py)
        kept.quick_pages(names)
    built = build_apart((BuildOptions(source=tmp_path, drafts=True, jobs=1), frozenset()))
    assert kept.follows(names, built.pages) is follows
    assert KeptSite(prepare_as_built(BuildOptions(source=tmp_path, drafts=True, jobs=1))).follows([], built.pages)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDITS, min_size=1, max_size=5))
@example([("body", 0, 0), ("body", 0, 1), ("title", 1, 0), ("body", 1, 2)])  # the same article saved again, then another
@example([("series", 0, 0), ("series", 1, 0), ("title", 0, 0), ("category", 1, 1), ("title", 1, 3)])  # boxes and lists it is in
@example([("translate", 0, 1), ("body", 0, 0), ("date", 0, 3), ("delete", 1, 0)])  # another language; moved; gone
@example([("rename_tag", 0, 0)])  # several files at once: the first leaves a tag page the last empties
@example([("add", 0, 0), ("alias", 0, 0), ("add", 0, 0), ("title", 0, 0)])  # an old address's page shows the new title
@example([("add", 0, 0), ("add", 0, 0), ("featured", 0, 0), ("title", 12, 0)])  # an added article's title: the same address
def test_a_quick_page_is_the_page_the_build_then_makes_or_there_is_none(edits: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        initial_site(root)
        with_fixed_addresses(root)
        kept = preview_build(root)
        output = root / "output"
        for n, edit in enumerate(edits):
            before, pages_before = watched_of(root), tree_digest(output)
            apply_edit(root, edit, n)
            with_fixed_addresses(root)  # an article added now too: a title edited later leaves its address
            names = saved_names(before, watched_of(root))
            quick = kept.quick_pages(names)
            kept = preview_build(root, kept, names)
            for page in quick:  # never a page at an address the build does not make
                assert (output / page.path).is_file(), (edit, page.path)
            if edit[0] in SAME_PAGES:
                for page in quick:
                    assert page.data == (output / page.path).read_bytes(), (edit, page.path)
            if edit[0] in IN_PLACE:
                pages_after = tree_digest(output)
                changed = {path for path in pages_after if path.endswith(".html") and pages_before.get(path) != pages_after[path]}
                assert changed <= {page.path for page in quick}, (edit, changed - {page.path for page in quick})
                assert quick, edit


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["tags", "body", "title"]), st.integers(0, 20), st.integers(0, 100)), min_size=2, max_size=6))
@example([("tags", 0, 3), ("tags", 0, 4), ("body", 0, 1), ("tags", 1, 2)])  # one article retagged twice, then another
def test_the_quick_pages_of_saves_made_while_no_build_ends_are_the_pages_the_build_then_makes(edits: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        initial_site(root)
        kept = preview_build(root)
        for n, edit in enumerate(edits):  # each save shown from the kept site as the saves before it left it
            before = watched_of(root)
            apply_edit(root, edit, n)
            quick = kept.quick_pages(saved_names(before, watched_of(root)))
        preview_build(root, kept)
        for page in quick:
            assert page.data == (root / "output" / page.path).read_bytes(), (edits, page.path)


def test_a_save_that_changes_tags_shows_the_article_at_once_on_the_tag_pages_it_joins_and_leaves(site: SiteDir) -> None:
    initial_site(site.root)  # "Bài số 1" is in "kỳ họp" and "tiếp xúc cử tri"
    kept = preview_build(site.root)
    article = site.root / "content/2024/05/a1.md"
    nfd = unicodedata.normalize("NFD", "giám sát")  # as some editors save it: the page's name stays NFC
    set_field(article, "tags", f'["kỳ họp", "{nfd}"]')
    quick = {page.path: page.data.decode("utf-8") for page in kept.quick_pages(["content/2024/05/a1.md"])}
    assert "Bài số 1" in quick["chu-de/giam-sat/index.html"]
    assert "Bài số 1" not in quick["chu-de/tiep-xuc-cu-tri/index.html"]
    assert ">giám sát</a>" in quick["2024/05/bai-so-1/index.html"]
    preview_build(site.root, kept)
    for path, html in quick.items():
        assert html == (site.root / "output" / path).read_text(encoding="utf-8"), path


@pytest.mark.parametrize("edit", [("delete", 4, 0), ("add", 0, 3), ("date", 1, 9)])
def test_after_a_save_it_cannot_place_no_save_gets_quick_pages_until_the_next_build(tmp_path: Path, edit: tuple) -> None:
    initial_site(tmp_path)
    for number, path in enumerate(sorted((tmp_path / "content/2024").rglob("*.md"))):
        set_field(path, "slug", f"bai-{number}")
    kept = preview_build(tmp_path)
    before = watched_of(tmp_path)
    apply_edit(tmp_path, edit, 0)
    names = saved_names(before, watched_of(tmp_path))
    kept.quick_pages(names)
    apply_edit(tmp_path, ("body", 0, 0), 1)  # "Bài số 0", in the lists beside the one deleted, added or moved
    assert kept.quick_pages(["content/2024/05/a0.md"]) == []
    assert preview_build(tmp_path, kept, names).quick_pages(["content/2024/05/a0.md"])  # a new build, a new kept site


def test_a_save_whose_quick_pages_fail_leaves_none_for_later_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    initial_site(tmp_path)
    kept = preview_build(tmp_path)
    apply_edit(tmp_path, ("tags", 0, 1), 0)
    with monkeypatch.context() as patched:
        patched.setattr(preview, "related_ranks_of", lambda *args: 1 / 0)  # halfway through moving it between tags
        with pytest.raises(ZeroDivisionError):
            kept.quick_pages(["content/2024/05/a0.md"])
    apply_edit(tmp_path, ("body", 1, 0), 1)
    assert kept.quick_pages(["content/2024/05/a1.md"]) == []


def test_a_body_saved_in_nfd_is_shown_in_nfc_as_the_build_shows_it(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\n')
    path = site.root / "content/2024/05/giao-ban.md"
    path.parent.mkdir(parents=True)
    path.write_text(article_text("Hội nghị giao ban", 2, ["giao ban"], "Tại Trùng Khánh."), encoding="utf-8")
    kept = preview_build(site.root)
    edited = "Hội nghị giao ban Thường trực HĐND tỉnh Cao Bằng và huyện Trùng Khánh."
    path.write_text(article_text("Hội nghị giao ban", 2, ["giao ban"], unicodedata.normalize("NFD", edited)), encoding="utf-8")
    pages = {page.path: page.data for page in kept.quick_pages(["content/2024/05/giao-ban.md"])}
    # Its first paragraph is its summary: the lists that show it are made again with it.
    assert {"2024/05/hoi-nghi-giao-ban/index.html", "2024/05/hoi-nghi-giao-ban/ban-in.html", "index.html",
            "chu-de/giao-ban/index.html", "2024/05/index.html"} <= pages.keys()
    assert edited in pages["2024/05/hoi-nghi-giao-ban/index.html"].decode("utf-8")
    assert edited in pages["index.html"].decode("utf-8")
    preview_build(site.root)
    assert all(data == (site.output / path).read_bytes() for path, data in pages.items())


def test_a_broken_save_or_a_new_file_gets_no_quick_page(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\n')
    site.write("content/2024/05/a.md", article_text("Kỳ họp thứ 10", 1, ["kỳ họp"], "Nội dung."))
    kept = preview_build(site.root)
    site.write("content/2024/05/a.md", "---\ntitle: Kỳ họp thứ 10\ndate: 31/02/2024\n---\n\nHỏng.\n")
    site.write("content/2024/05/b.md", article_text("Bài mới", 2, [], "Mới."))
    assert kept.quick_pages(["content/2024/05/a.md", "content/2024/05/b.md", "content/2024/05/c.md"]) == []


def test_the_kept_site_takes_the_builds_index_of_pages_and_it_is_the_one_its_contexts_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    initial_site(tmp_path)
    report = build(BuildOptions(source=tmp_path, drafts=True, jobs=1))
    with monkeypatch.context() as patched:  # no context is walked: a walk would fail, and leave no index
        patched.setattr(preview, "sources_in", lambda *args: 1 / 0)
        from_build = KeptSite(report.project)
    assert report.project.shown is None  # read once, then let go: the kept site does not hold it
    walked = KeptSite(report.project)
    from_output = KeptSite(prepare_as_built(BuildOptions(source=tmp_path, drafts=True, jobs=1)))  # as the preview makes it
    assert from_build.shown_in and from_build.shown_in == walked.shown_in == from_output.shown_in
    assert len(from_build.shown_in["content/2024/05/a0.md"]) > 2  # its page, the lists and the boxes it is in


def test_a_save_made_while_the_kept_site_is_made_is_taken_by_it_and_the_build_after_it_keeps_it(tmp_path: Path) -> None:
    initial_site(tmp_path)
    state, printed = BuildState(), []
    rebuilder = Rebuilder(BuildOptions(source=tmp_path, drafts=True), state, printed.append)
    try:
        rebuilder.build_now()  # in a process of its own; the kept site is asked for, and made once the threads start
        apply_edit(tmp_path, ("body", 0, 0), 0)
        rebuilder.request(["content/2024/05/a0.md"])  # saved before the kept site is there
        rebuilder.start()
        deadline = time.monotonic() + 60
        while len(printed) < 2 and time.monotonic() < deadline:  # until the build of the save has said it is done
            state.wait_for_change(state.generation, 1)
        rebuilder.wait_for_kept(60)
        # It took the save, and so went on after the build of it: not made again (it would hold no save).
        assert "content/2024/05/a0.md" in rebuilder.kept.saved, printed
    finally:
        rebuilder.stop()


def ended_in_the_middle(_: object) -> None:
    """A builds' process's task that ends its process, as the kernel's out-of-memory killer would."""
    os._exit(9)


def test_a_builds_process_that_ends_in_the_middle_is_a_failed_build_told_in_words(tmp_path: Path) -> None:
    initial_site(tmp_path)
    state, printed = BuildState(), []
    rebuilder = Rebuilder(BuildOptions(source=tmp_path, drafts=True), state, printed.append)
    rebuilder._builder = Resident(ended_in_the_middle, fresh=True)
    try:
        rebuilder.build_now()
    finally:
        rebuilder.stop()
    assert [problem.message for problem in state.problems] == [msg("serve_build_lost", code=9)]
    assert not state.has_site and not any("Traceback" in line for line in printed)
