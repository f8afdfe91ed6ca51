"""The Jinja environment: link helpers with the site's base path, globals every template sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from giaoban_site.config import load_config
from giaoban_site.render import PageRenderer, make_environment
from giaoban_site.site import build_site
from giaoban_site.store import MemoryStore


def _site_root(tmp_path: Path) -> Path:
    (tmp_path / "site.yaml").write_text('title: "HĐND tỉnh Cao Bằng"\nbase_url: "https://tin.example.vn/hdnd/"\n',
                                        encoding="utf-8")
    return tmp_path


def test_url_as_filter_and_as_function_gives_the_same_link_under_the_base_path(tmp_path: Path) -> None:
    env = make_environment(load_config(_site_root(tmp_path)))
    page = env.from_string("{{ 'chu-de/' | url }} {{ url('chu-de/') }} {{ x | url }} {{ '' | url }}").render(x="/luu-tru/")
    assert page == "/hdnd/chu-de/ /hdnd/chu-de/ /hdnd/luu-tru/ /hdnd/"


def test_a_template_loaded_before_the_renderer_still_sees_fragment(tmp_path: Path) -> None:
    """Templates keep their globals in a plain dict (render._Environment): one loaded earlier must be reloaded."""
    config = load_config(_site_root(tmp_path))
    env = make_environment(config)
    assert "fragment" not in env.get_template("list.html").globals
    PageRenderer(build_site([], config, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), False), env, MemoryStore())
    assert "fragment" in env.get_template("list.html").globals


def test_compiled_templates_are_kept_and_follow_a_new_base_path(tmp_path: Path) -> None:
    """A filter of constants is folded into the compiled code: a template compiled for another address is not reused."""
    root, compiled = _site_root(tmp_path), tmp_path / "cache" / "templates"
    (root / "templates").mkdir()
    (root / "templates" / "thu.html").write_text("{{ 'chu-de/' | url }}", encoding="utf-8")
    assert make_environment(load_config(root), compiled=compiled).get_template("thu.html").render() == "/hdnd/chu-de/"
    kept = list(compiled.glob("*.cache"))
    assert len(kept) == 1  # compiled once, kept for the next build
    assert make_environment(load_config(root), compiled=compiled).get_template("thu.html").render() == "/hdnd/chu-de/"
    assert list(compiled.glob("*.cache")) == kept

    (root / "site.yaml").write_text('title: "HĐND tỉnh Cao Bằng"\nbase_url: "https://tin.example.vn/"\n', encoding="utf-8")
    assert make_environment(load_config(root), compiled=compiled).get_template("thu.html").render() == "/chu-de/"
    assert len(list(compiled.glob("*.cache"))) == 1 and list(compiled.glob("*.cache")) != kept  # the other address's let go
