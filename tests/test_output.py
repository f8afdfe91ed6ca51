"""The output directory is always one complete version of the site: kills, two builds at once,
a full disk and a read-only folder never leave a mixture or lose the previous site."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BENCHMARKS, GIAOBAN, SiteDir, run_giaoban, tree_digest

from giaoban_site.cache import BuildCache

ARTICLES = 500


def corpus(root: Path, n: int = ARTICLES) -> None:
    subprocess.run([sys.executable, str(BENCHMARKS / "corpus.py"), "--n", str(n), "--format", "giaoban", "--out", str(root)],
                   check=True, capture_output=True)


def second_version(content: Path) -> None:
    """Edit bodies all over the site and some titles (which move list pages, feeds and search)."""
    for index, path in enumerate(sorted(content.rglob("*.md"))):
        if index % 3 == 0:
            text = path.read_text(encoding="utf-8")
            text = text.replace("\n---\n", "\n---\n\nĐoạn mở đầu của phiên bản thứ hai.\n", 1)
            if index % 9 == 0:
                text = text.replace('title: "', 'title: "(Cập nhật) ', 1)
            path.write_text(text, encoding="utf-8")


def use_version(root: Path, versions: Path, name: str) -> None:
    shutil.rmtree(root / "content", ignore_errors=True)
    shutil.copytree(versions / name, root / "content")


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, dict[str, str]]]:
    """A site root, a folder with both versions of its content, and each version's clean build."""
    base = tmp_path_factory.mktemp("versions")
    root = base / "site"
    corpus(root)
    versions = base / "versions"
    shutil.copytree(root / "content", versions / "a")
    shutil.copytree(root / "content", versions / "b")
    second_version(versions / "b")
    clean = {}
    for name in ("a", "b"):
        use_version(root, versions, name)
        out = base / f"clean-{name}"
        assert run_giaoban("build", "--source", str(root), "--output", str(out)).returncode == 0
        clean[name] = tree_digest(out)
        shutil.rmtree(base / ".giaoban-cache" / f"clean-{name}")
    assert clean["a"] != clean["b"]
    shutil.rmtree(root / ".giaoban-cache", ignore_errors=True)
    return root, versions, clean


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([*GIAOBAN, "build", "--source", str(root)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "GIAOBAN_LANG": "vi"})


def lock_held(root: Path) -> bool:
    """Whether a build holds the output's lock."""
    lock = root / ".giaoban-cache" / "output" / "lock"
    if not lock.exists():
        return False
    handle = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(handle)


def wait_until_building(root: Path, build: subprocess.Popen) -> None:
    """Until ``build`` holds the output's lock: a fixed sleep loses the race on a slow first start
    (a fresh environment compiles every module first)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        if lock_held(root):
            return  # the build is under way
        time.sleep(0.02)
    raise AssertionError("the build never took the output's lock")


def timed_build(root: Path) -> float:
    started = time.monotonic()
    process = start_build(root)
    assert process.wait(timeout=600) == 0, process.stderr.read().decode()
    return time.monotonic() - started


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_one_complete_version(two_versions) -> None:
    root, versions, clean = two_versions
    use_version(root, versions, "a")
    full = timed_build(root)  # the first build: output/ made from nothing
    assert tree_digest(root / "output") == clean["a"]
    use_version(root, versions, "b")
    incremental = timed_build(root)
    assert tree_digest(root / "output") == clean["b"]
    chance = random.Random(20141002)  # noqa: S311 - moments to kill at, not secrets
    kills = survived = 0
    current = "b"
    for attempt in range(24):
        target = "a" if current == "b" else "b"
        use_version(root, versions, target)
        from_scratch = attempt % 4 == 3  # now and then with no cache: the full-build path
        if from_scratch:
            shutil.rmtree(root / ".giaoban-cache")
        # Spread over the whole build, from its first instant to just before its end.
        moment = chance.uniform(0.05, 1.0) * (full if from_scratch else incremental)
        process = start_build(root)
        time.sleep(moment)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        found = tree_digest(root / "output")
        assert found in (clean["a"], clean["b"]), f"attempt {attempt}: output/ is a mixture after a kill at {moment:.2f} s"
        survived += 1
        current = "a" if found == clean["a"] else "b"
    print(f"{kills} builds killed in {survived} attempts; output/ was one complete version after every one")
    assert kills >= 20, f"only {kills} builds were still running when killed"
    assert survived == 24
    final = "a" if current == "b" else "b"
    use_version(root, versions, final)
    assert timed_build(root) > 0
    assert tree_digest(root / "output") == clean[final]


def test_a_second_build_waits_for_the_first_and_both_are_right(tmp_path: Path) -> None:
    root = tmp_path / "site"
    corpus(root, 300)
    first = start_build(root)
    wait_until_building(root, first)
    second = start_build(root)
    assert first.wait(timeout=600) == 0 and second.wait(timeout=600) == 0
    message = second.stderr.read().decode()
    assert "đang ghi vào" in message and "đang chờ" in message
    clean = tmp_path / "clean"
    assert run_giaoban("build", "--source", str(root), "--output", str(clean)).returncode == 0
    assert tree_digest(root / "output") == tree_digest(clean)


def test_no_wait_refuses_while_another_build_runs(tmp_path: Path) -> None:
    root = tmp_path / "site"
    corpus(root, 300)
    first = start_build(root)
    wait_until_building(root, first)
    refused = run_giaoban("build", "--source", str(root), "--no-wait", env={"GIAOBAN_LANG": "en"})
    assert first.wait(timeout=600) == 0
    assert refused.returncode == 1
    assert "another build (process" in refused.stderr and "Traceback" not in refused.stderr


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path: Path) -> None:
    root = tmp_path / "site"
    corpus(root, 300)
    process = start_build(root)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    started = time.monotonic()
    result = run_giaoban("build", "--source", str(root), "--no-wait")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 120


def _in_own_mount_namespace(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "-m", "sh", "-e", "-c", script], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "GIAOBAN_LANG": "vi"})


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    return _in_own_mount_namespace("mount -t tmpfs -o size=1m tmpfs /mnt").returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (unshare -m)")


@needs_mount
def test_a_full_disk_fails_clearly_and_keeps_the_previous_site(site: SiteDir, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    site.article("content/2024/05/mot.md", "Bài một", "2024-05-01", "Nội dung thứ nhất.")
    command = f"{sys.executable} -m giaoban_site build --source {site.root} --output {disk}/output"
    # A first build on a roomy tmpfs; then the same folder, nearly full, for an edit that grows the site.
    result = _in_own_mount_namespace(
        f"mount -t tmpfs -o size=8m tmpfs {disk}\n{command}\n"
        f"cp -a {disk} {tmp_path}/before\n"
        f"dd if=/dev/zero of={disk}/filler bs=64k 2>/dev/null || true\n"
        f"printf '%s' \"$(head -c 400000 /dev/urandom | base64)\" >> {site.root}/content/2024/05/mot.md\n"
        f"if {command} 2>{tmp_path}/stderr; then echo BUILT; fi\n"
        f"rm {disk}/filler\n"
        f"diff -r {tmp_path}/before/output {disk}/output && echo SAME\n")
    stderr = (tmp_path / "stderr").read_text(encoding="utf-8")
    assert "BUILT" not in result.stdout, stderr
    assert "không ghi được" in stderr and "được giữ nguyên" in stderr and "Traceback" not in stderr
    assert "SAME" in result.stdout, result.stdout + result.stderr


@needs_mount
def test_a_read_only_output_fails_clearly_and_keeps_the_previous_site(site: SiteDir) -> None:
    site.article("content/2024/05/mot.md", "Bài một", "2024-05-01", "Nội dung thứ nhất.")
    assert site.build().returncode == 0
    before = tree_digest(site.output)
    site.article("content/2024/05/mot.md", "Bài một", "2024-05-01", "Nội dung đã sửa.")
    result = _in_own_mount_namespace(
        f"mount --bind -o ro {site.root} {site.root}\n"
        f"mount -o remount,bind,ro {site.root}\n"
        f"{sys.executable} -m giaoban_site build --source {site.root} || echo FAILED $?")
    assert "FAILED 1" in result.stdout, result.stdout + result.stderr
    assert "không ghi được" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site.output) == before
    assert site.build().returncode == 0  # once the folder is writable again
    assert "Nội dung đã sửa." in site.page("2024/05/bai-mot/").get_text()


def test_a_file_that_becomes_a_folder_and_back_is_rebuilt_right(site: SiteDir, tmp_path: Path) -> None:
    """The spare folder holds the version before last: a path can be a file there and a folder now."""
    site.article("content/2024/05/a.md", "Bài", "2024-05-01")
    static_file = site.root / "static" / "lien-he"
    page = site.root / "content" / "pages" / "lien-he.md"
    # Two builds of each shape in a row, so that the spare always holds the other shape.
    for step, shape in enumerate(["file", "folder", "folder", "file", "file", "folder"]):
        if shape == "file":
            page.unlink(missing_ok=True)
            static_file.parent.mkdir(exist_ok=True)
            static_file.write_text(f"Điện thoại: 0206 3852 {step}", encoding="utf-8")
        else:
            static_file.unlink(missing_ok=True)
            site.write("content/pages/lien-he.md", f"---\ntitle: Liên hệ\nslug: lien-he\n---\n\nVăn phòng HĐND tỉnh {step}.\n")
        result = site.build()
        assert result.returncode == 0, result.stderr
        clean = tmp_path / f"clean-{step}"
        assert site.build("--output", str(clean)).returncode == 0
        assert tree_digest(site.output) == tree_digest(clean), f"step {step}"
        assert (site.output / "lien-he").is_file() == (shape == "file")


def test_check_waits_for_a_running_build_to_end(tmp_path: Path) -> None:
    """check reads the cache the build is rewriting: it takes its turn, and finds nothing damaged."""
    root = tmp_path / "site"
    corpus(root, 300)
    build = start_build(root)
    wait_until_building(root, build)
    check = subprocess.Popen([*GIAOBAN, "check", "--source", str(root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env={**os.environ, "GIAOBAN_LANG": "vi"}, text=True)
    while build.poll() is None:  # the build lets go of its lock a moment before its process ends
        assert check.poll() is None or not lock_held(root), "check finished while the build was still writing"
        time.sleep(0.01)
    assert build.returncode == 0
    printed = check.communicate(timeout=600)[0]
    assert check.returncode == 0, printed
    assert "bị hỏng" not in printed and "Traceback" not in printed, printed


def test_the_spare_folder_told_by_its_differences_follows_added_and_edited_articles(site: SiteDir, tmp_path: Path) -> None:
    """The spare folder is known by how it differs from output/ (SpareFiles): it lacks the pages of an
    article added one build before, and holds the older bytes of an edited one. Each build after
    equals a clean build, and output/'s record names every file it holds."""
    for number in range(6):
        site.article(f"content/2024/05/bai-{number}.md", f"Kỳ họp thứ {number}", f"2024-05-0{number + 1}", tags='["Giám sát"]')
    assert site.build().returncode == 0
    site.article("content/2024/06/moi.md", "Đoàn giám sát làm việc tại Trùng Khánh", "2024-06-02", tags='["Giám sát"]')
    for edit in ["", "Đoạn thêm vào bài thứ nhất.", "Đoạn thêm vào bài thứ hai."]:
        if edit:
            path = site.root / "content/2024/05/bai-1.md"
            path.write_text(path.read_text(encoding="utf-8") + f"\n{edit}\n", encoding="utf-8")
        assert site.build().returncode == 0
        clean = tmp_path / f"clean-{len(edit)}"
        assert site.build("--output", str(clean)).returncode == 0
        assert tree_digest(site.output) == tree_digest(clean)
        assert "Đoàn giám sát làm việc tại Trùng Khánh" in site.page("2024/06/doan-giam-sat-lam-viec-tai-trung-khanh/").get_text()
        recorded = BuildCache(site.output).load_manifest(site.output).paths
        assert sorted(recorded) == sorted(tree_digest(site.output))
