"""Work in forked processes: results in order or as done, and a build error comes back with its problems;
work in a process of its own, kept from call to call (Resident), beside a process that has threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from giaoban_site.workers import Background, ProcessLost, Resident, run_parallel

# Each in a process of its own: pytest-xdist's worker runs threads, where run_parallel and
# Background do not fork but run the work in the same process.
_ORDER = """
import os, time
from giaoban_site.workers import run_parallel

def square(n):
    time.sleep(0.002)  # long enough for both workers to be busy: otherwise either might do all
    return n * n, os.getpid()

results = list(run_parallel(square, list(range(500)), jobs=2, min_items=10))
pids = {pid for _, pid in results}
print([value for value, _ in results] == [n * n for n in range(500)], len(pids), os.getpid() in pids)
"""


def test_parallel_results_keep_item_order_from_two_forked_workers() -> None:
    done = subprocess.run([sys.executable, "-c", _ORDER], capture_output=True, text=True, check=True)
    in_order, workers, in_parent = done.stdout.split()
    assert in_order == "True" and workers == "2" and in_parent == "False"


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


_AS_DONE = """
import os, time
from giaoban_site.workers import run_parallel_as_done

def pid_after_a_while(n):
    time.sleep(0.002)
    return n * n, os.getpid()

# 300 items in one batch (about 0.6 s), while the other worker does the 300 after them in small ones
results = list(run_parallel_as_done(pid_after_a_while, list(range(600)), jobs=2, min_items=10, together=300))
positions = [position for position, _ in results]
print(sorted(positions) == list(range(600)), all(value == p * p for p, (value, _) in results),
      positions.index(0) > positions.index(300), os.getpid() in {pid for _, (_, pid) in results})
"""


def test_results_as_done_come_with_their_positions_before_a_long_first_batch_ends() -> None:
    done = subprocess.run([sys.executable, "-c", _AS_DONE], capture_output=True, text=True, check=True)
    every_item_once, right_values, later_came_first, in_parent = done.stdout.split()
    assert every_item_once == right_values == "True"
    assert later_came_first == "True"  # not held back until the first batch was done (memory, at 100,000 articles)
    assert in_parent == "False"


_BACKGROUND = """
import os
from giaoban_site.errors import BuildFailed, Problem
from giaoban_site.workers import Background

def fail():
    raise BuildFailed([Problem("content/2024/05/a.md", os.getpid(), "ngày 'date' không hợp lệ")])

try:
    Background(fail).result()
except BuildFailed as exc:
    [problem] = exc.problems
    print(problem.path, problem.message == "ngày 'date' không hợp lệ", problem.line != os.getpid())
print(Background(lambda: {"pid": os.getpid()}).result()["pid"] != os.getpid())
"""


def test_build_error_in_a_background_process_reaches_the_parent_whole() -> None:
    done = subprocess.run([sys.executable, "-c", _BACKGROUND], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["content/2024/05/a.md", "True", "True", "True"]  # raised in, and came from, a child


def test_background_work_runs_in_this_process_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()  # forking a process with threads is not safe (the preview server has some)
    try:
        assert Background(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        other.join()


def pid_or_exit(code: int | None) -> int:
    """A Resident's task: its process's id, or (given a code) that process's end."""
    if code is not None:
        os._exit(code)
    return os.getpid()


def workers_pids(items: int) -> tuple[int, set[int]]:
    """A Resident's task: its process's id, and those of the workers it forks for ``items`` items."""
    return os.getpid(), set(run_parallel(pid_after_a_while, [None] * items, jobs=2, min_items=10))


def pid_after_a_while(_: object) -> int:
    time.sleep(0.002)  # long enough for both workers to be busy: otherwise either might do all
    return os.getpid()


def test_a_resident_process_is_kept_from_call_to_call_and_started_again_when_it_died() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()  # as in the preview's server: this process could not fork
    resident = Resident(pid_or_exit)
    try:
        first = resident.call(None)
        assert first != os.getpid() and resident.call(None) == first
        with pytest.raises(ProcessLost) as lost:
            resident.call(7)  # ended in the middle of a call
        assert lost.value.exitcode == 7
        second = resident.call(None)
        assert second not in (first, os.getpid())
        os.kill(second, signal.SIGKILL)  # ended between calls: the next call does not see it
        while Path(f"/proc/{second}/stat").read_text().split()[2] != "Z":
            time.sleep(0.01)
        assert resident.call(None) not in (second, os.getpid())
        with pytest.raises(TypeError):  # what the task raised, raised here
            resident.call("bảy")
    finally:
        resident.stop()
        stop.set()
        other.join()


def test_a_fresh_resident_process_answers_one_call() -> None:
    resident = Resident(pid_or_exit, fresh=True)
    try:
        first, second = resident.call(None), resident.call(None)
        assert first != second and os.getpid() not in (first, second)
    finally:
        resident.stop()


def test_a_resident_process_forks_workers_of_its_own() -> None:
    resident = Resident(workers_pids)
    try:
        own, workers = resident.call(300)
        assert len(workers) == 2 and own not in workers and os.getpid() not in workers
    finally:
        resident.stop()
