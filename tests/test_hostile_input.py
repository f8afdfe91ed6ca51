"""Hostile content: YAML that would run code or explode, paths that would leave the site, and
arbitrary front matter and Markdown, each a clean error at file:line or a site, never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import SiteDir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaoban_site.build import BuildOptions, build
from giaoban_site.errors import GiaobanError

PWNED = Path(tempfile.gettempdir()) / "giaoban-pwned"  # what the YAML payloads below would make, were they run
_LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
BILLION_LAUGHS = 'l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]\n' + _LAUGHS + "tags: *l9\n"

# Each: the front matter after "date:" (file line 2), the line the error must name, and a word of it.
HOSTILE_FRONT_MATTER = {
    "python_object": (f"title: !!python/object/apply:os.system ['touch {PWNED}']\n", 3, "!!python/object/apply:os.system"),
    "python_name": ("title: T\nx: !!python/name:os.system\n", 4, "!!python/name:os.system"),
    "billion_laughs": ("title: T\n" + BILLION_LAUGHS, 8, "quá lớn hoặc lồng quá sâu"),  # l4 is the first over the bound
    "alias_in_other_field": ("title: T\n" + BILLION_LAUGHS.replace("tags: *l9", "ghi_chu: *l9"), 8, "quá lớn hoặc lồng quá sâu"),
    "deeply_nested": ("title: T\nx: " + "[" * 500 + "]" * 500 + "\n", 4, "lồng quá sâu"),
    "nested_past_the_parser": ("title: T\nx: " + "[" * 20000 + "]" * 20000 + "\n", 4, "YAML"),
    "huge": ('title: T\nx: "' + "a" * 2_000_000 + '"\n', 2, "quá giới hạn"),
    "slug_climbing": ("title: T\nslug: ../../etc\n", 4, "'slug'"),
    "alias_climbing": ("title: T\naliases: [/../../../tmp/x.html]\n", 4, "không thuộc trang này"),
    "alias_backslash": ('title: T\naliases: ["/a\\\\..\\\\..\\\\b"]\n', 4, "không thuộc trang này"),
    "alias_encoded_backslash": ("title: T\naliases: [/a%5c..%5c..%5cb]\n", 4, "không thuộc trang này"),
    "alias_nul": ('title: T\naliases: ["/a\\0b.html"]\n', 4, "không thuộc trang này"),
    "attachment_climbing": ("title: T\nattachments: [../../../../etc/passwd]\n", 4, "'attachments'"),
    "attachment_absolute": ("title: T\nattachments: [/etc/passwd]\n", 4, "nằm ngoài thư mục content/"),
    "attachment_backslash": ('title: T\nattachments: ["..\\\\..\\\\x.pdf"]\n', 4, "'attachments'"),
    "image_climbing": ("title: T\nimage: ../../../etc/passwd\n", 4, "'image'"),
    "template_climbing": ("title: T\ntemplate: ../../../etc/passwd\n", 4, "không có mẫu"),
    "tag_without_letters": ('title: T\ntags: ["../.."]\n', 4, "'tags'"),
    "control_character": ("title: T\nx: a\x1fb\n", 4, "U+001F"),  # found by the fuzzing below
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FRONT_MATTER))
def test_hostile_front_matter_is_refused_at_its_line_in_bounded_time(site: SiteDir, case: str) -> None:
    front, line, named = HOSTILE_FRONT_MATTER[case]
    site.write("content/2024/05/doc.md", "---\ndate: 2024-05-01\n" + front + "---\n\nThân bài.\n")
    started = time.monotonic()
    result = site.build()
    assert time.monotonic() - started < 30
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"content/2024/05/doc.md:{line}: " in result.stderr, result.stderr[-500:]
    assert named in result.stderr, result.stderr[-500:]
    assert not site.output.exists()
    assert not PWNED.exists()


def test_hostile_site_yaml_is_refused_at_its_line(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "HĐND"\n' + BILLION_LAUGHS.replace("tags:", "extra:"))
    site.article("content/2024/05/a.md", "Bài", "2024-05-01")
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "site.yaml:6: " in result.stderr and "'l4' quá lớn" in result.stderr  # l4 is the first over the bound
    site.write("site.yaml", f"title: !!python/object/apply:os.system ['touch {PWNED}']\n")
    result = site.build()
    assert result.returncode == 1 and "site.yaml:1: " in result.stderr and "Traceback" not in result.stderr
    assert not PWNED.exists()


def test_a_content_file_linked_to_a_file_outside_the_site_is_not_published(site: SiteDir, tmp_path: Path) -> None:
    secret = tmp_path / "bi-mat.pdf"
    secret.write_bytes(b"%PDF bi mat")
    (site.root / "content/2024/05").mkdir(parents=True)
    (site.root / "content/2024/05/to-trinh.pdf").symlink_to(secret)
    site.article("content/2024/05/a.md", "Bài", "2024-05-01", attachments="[to-trinh.pdf]")
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/2024/05/to-trinh.pdf" in result.stderr
    assert not any(b"bi mat" in p.read_bytes() for p in site.root.rglob("*") if p.is_file() and p != secret and not p.is_symlink()
                   and "output" in p.parts)


# --- fuzzing -------------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT
                      | st.dates().map(dt.date.isoformat),
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=12)
_FIELDS = st.sampled_from(["title", "date", "updated", "slug", "tags", "category", "author", "summary", "image",
                           "draft", "template", "aliases", "attachments", "ghi_chu"])
_FRONT = st.dictionaries(_FIELDS, _VALUE, max_size=8)
_MARKDOWN_PIECES = st.sampled_from([
    "# Tiêu đề\n", "Đoạn văn có **đậm** và *nghiêng*.\n", "\n", "- mục\n", "1. mục\n", "> trích\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "```\nmã <style>\n```\n", "    thụt lề\n", "<div>", "</div>", "<style>", "<script>alert(1)</script>", "<textarea>",
    "<b>", "</b>", "<!--", "-->", "[liên kết](javascript:x)", "![ảnh](/a.png)", "[^1]\n\n[^1]: chú thích\n", "&amp;", "\\",
    "<a href='java\tscript:x'>", "<iframe src=//x>", "<math><mtext><table><mglyph><style>", "`", "***", "---\n", "<", ">",
])
_YAML_CHARACTERS = "title: date:2024-05-01 tags[],{}&*!|>-'\"\n\t#%@`?ÂĐđ\\\x00\x1f\x85\ufeff"
_BODY = st.lists(_MARKDOWN_PIECES | _TEXT, max_size=25).map("".join)


def _one_article_build(root: Path, front: str, body: str) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "content/2024/05").mkdir(parents=True)
    (root / "site.yaml").write_text('title: "HĐND"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
    (root / "content/2024/05/bai.md").write_text("---\n" + front + "---\n\n" + body, encoding="utf-8")
    try:
        build(BuildOptions(source=root, jobs=1, now=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)))
    except GiaobanError as exc:  # a content error, which the CLI prints as file:line: message
        assert "bai.md" in str(exc) or "site.yaml" in str(exc), str(exc)


@settings(max_examples=150, deadline=10_000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(front=_FRONT, body=_BODY)
def test_any_front_matter_and_markdown_give_a_site_or_a_content_error(tmp_path: Path, front: dict, body: str) -> None:
    text = yaml.safe_dump(front, allow_unicode=True) if front else ""
    _one_article_build(tmp_path / "fuzz", text, body)


@settings(max_examples=100, deadline=10_000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(front=st.text(st.sampled_from(_YAML_CHARACTERS), max_size=120), body=_BODY)
def test_any_front_matter_text_gives_a_site_or_a_content_error(tmp_path: Path, front: str, body: str) -> None:
    _one_article_build(tmp_path / "fuzz", "title: T\ndate: 2024-05-01\n" + front + "\n", body)
