"""Work in forked processes: results in order, and a build error comes back with its problems."""

from __future__ import annotations

import pytest

from giaoban_site.errors import BuildFailed, Problem
from giaoban_site.workers import Background, run_parallel


def test_parallel_results_keep_item_order() -> None:
    assert list(run_parallel(lambda n: n * n, list(range(500)), jobs=2, min_items=10)) == [n * n for n in range(500)]


def fail() -> None:
    raise BuildFailed([Problem("content/2024/05/a.md", 4, "ngày 'date' không hợp lệ")])


def test_build_error_in_a_background_process_reaches_the_parent_whole() -> None:
    with pytest.raises(BuildFailed) as caught:
        Background(fail).result()
    assert caught.value.problems == [Problem("content/2024/05/a.md", 4, "ngày 'date' không hợp lệ")]
    assert Background(lambda: {"x": 1}).result() == {"x": 1}
