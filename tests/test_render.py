"""The Jinja environment: link helpers with the site's base path, globals every template sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from giaoban_site.build import BuildOptions, list_pages_in_order, prepare
from giaoban_site.config import load_config
from giaoban_site.render import FRAGMENTS_KEPT, PageKind, PageRenderer, make_environment
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


def _news_site(root: Path) -> None:
    """40 articles over two years, in three tags and two categories, two to a list page: 60 list pages."""
    (root / "site.yaml").write_text('title: "HĐND tỉnh Cao Bằng"\npage_size: 2\n', encoding="utf-8")
    tags = ["kỳ họp", "giám sát", "tiếp xúc cử tri"]
    for i in range(40):
        year, month, day = 2023 + i % 2, i % 12 + 1, i % 27 + 1
        path = root / f"content/{year}/{month:02d}/bai-{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'---\ntitle: "Tin số {i} về Trùng Khánh"\ndate: {year}-{month:02d}-{day:02d} 08:00\n'
                        f'tags: ["{tags[i % 3]}", "{tags[(i + 1) % 3]}"]\ncategory: "{"Kỳ họp" if i % 2 else "Hoạt động"}"\n---\n\n'
                        f"Thân bài {i}: Thường trực HĐND tỉnh làm việc.\n", encoding="utf-8")


def test_list_pages_come_newest_items_first_and_keep_few_items_yet_make_the_same_pages(tmp_path: Path, monkeypatch) -> None:
    """The process making the lists keeps only the last items used (at 100,000 articles, 80 MiB every one):
    taken newest first, every listing together, its pages are the same bytes as with every item kept."""
    _news_site(tmp_path)
    project = prepare(BuildOptions(source=tmp_path, jobs=1))
    renderers = [PageRenderer(project.site, project.env, project.store)]
    planned = [n for n, job in enumerate(project.jobs) if job.kind is PageKind.LIST]
    lists = [project.jobs[n] for n in list_pages_in_order(planned, project.jobs, [0] * len(project.jobs), renderers, [project])]
    firsts = [renderers[0].listing(job.key)[(job.number - 1) * 2].date for job in lists]
    assert len(lists) >= 60 and firsts == sorted(firsts, reverse=True)

    def pages(kept: int) -> list[str]:
        monkeypatch.setattr(PageRenderer, "fragments_kept", kept)
        renderer = PageRenderer(project.site, project.env, MemoryStore())
        made = [renderer.render(job, renderer.context(job)) for job in lists]
        assert len(renderer._fragments) <= kept
        return made

    assert pages(3) == pages(FRAGMENTS_KEPT)
