"""Work in forked processes: results in order, and a build error comes back with its problems."""

from __future__ import annotations

import subprocess
import sys

import pytest

from giaoban_site.errors import BuildFailed, Problem
from giaoban_site.workers import Background, run_parallel


def test_parallel_results_keep_item_order() -> None:
    assert list(run_parallel(lambda n: n * n, list(range(500)), jobs=2, min_items=10)) == [n * n for n in range(500)]


# In a process of its own: pytest-xdist's worker runs threads, where run_parallel does not fork.
_TOGETHER = """
import os, time
from giaoban_site.workers import run_parallel

def pid_after_a_while(_):
    time.sleep(0.002)  # long enough for both workers to be busy: otherwise either might do all
    return os.getpid()

pids = list(run_parallel(pid_after_a_while, list(range(600)), jobs=2, min_items=10, together=300))
print(len(set(pids[:300])), len(set(pids[300:]) - set(pids[:300])), os.getpid() in pids)
"""


def test_the_first_items_asked_to_stay_together_run_in_one_process() -> None:
    done = subprocess.run([sys.executable, "-c", _TOGETHER], capture_output=True, text=True, check=True)
    together, others, in_parent = done.stdout.split()
    assert together == "1" and others == "1" and in_parent == "False"  # the other worker went on meanwhile


def fail() -> None:
    raise BuildFailed([Problem("content/2024/05/a.md", 4, "ngày 'date' không hợp lệ")])


def test_build_error_in_a_background_process_reaches_the_parent_whole() -> None:
    with pytest.raises(BuildFailed) as caught:
        Background(fail).result()
    assert caught.value.problems == [Problem("content/2024/05/a.md", 4, "ngày 'date' không hợp lệ")]
    assert Background(lambda: {"x": 1}).result() == {"x": 1}
