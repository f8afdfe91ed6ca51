"""What changed since the last build: which pages a template edit reaches (changes.template_prints)."""

from __future__ import annotations

from pathlib import Path

import pytest

from giaoban_site.changes import template_prints
from giaoban_site.config import load_config
from giaoban_site.render import THEME_DIR, make_environment

PAGES = ["article.html", "list.html", "taxonomy.html", "custom.html"]
# A site's own page template that names the list item it renders only at run time.
CUSTOM = '{% extends "base.html" %}{% block main %}{{ fragment(item_template, article) }}{% endblock %}'


def _prints(root: Path) -> dict[str, str]:
    return template_prints(make_environment(load_config(root)), PAGES)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "site.yaml").write_text('title: "HĐND tỉnh Thử nghiệm"\n', encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "custom.html").write_text(CUSTOM, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("edited", "changed"), [
    ("article.html", {"article.html", "custom.html"}),  # custom.html may render any template
    ("_item.html", {"list.html", "custom.html"}),  # list.html renders it by name, as fragment()
    ("_macros.html", set(PAGES)),  # imported by every page template
    ("base.html", set(PAGES)),
    ("_unused.html", {"custom.html"}),  # a new template nothing names
])
def test_a_templates_print_changes_with_each_template_it_uses_and_no_other(root: Path, edited: str, changed: set[str]) -> None:
    before = _prints(root)
    theme = THEME_DIR / edited
    source = theme.read_text(encoding="utf-8") if theme.exists() else ""
    (root / "templates" / edited).write_text(source + "{# sửa #}\n", encoding="utf-8")
    after = _prints(root)
    assert {name for name in PAGES if after[name] != before[name]} == changed


def test_a_template_that_renders_fragments_under_another_name_depends_on_every_template(root: Path) -> None:
    (root / "templates" / "custom.html").write_text('{% set item = fragment %}{{ item("_item.html", article) }}', encoding="utf-8")
    before = _prints(root)
    (root / "templates" / "_social.html").write_text("sửa", encoding="utf-8")
    assert _prints(root)["custom.html"] != before["custom.html"]


def test_a_template_that_cannot_be_read_still_has_a_print(root: Path) -> None:
    (root / "templates" / "article.html").write_text("{% block main %}", encoding="utf-8")  # not closed
    before = _prints(root)
    (root / "templates" / "_social.html").write_text("sửa", encoding="utf-8")
    assert _prints(root)["article.html"] != before["article.html"]  # taken to use every template
