"""`giaoban serve` over real HTTP: drafts, rebuild on save, reload signal, errors, recovery, paths, signals."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pytest
from conftest import BENCHMARKS, GIAOBAN, SiteDir, run_giaoban

from giaoban_site.vietnamese import slugify
from giaoban_site.watch import BUILDS_NICENESS

pytestmark = pytest.mark.slow
WAIT = 20.0  # seconds any one expected change may take


class Preview:
    """A `giaoban serve --port 0` subprocess and what it printed."""

    def __init__(self, root: Path, *options: str) -> None:
        env = {**os.environ, "GIAOBAN_LANG": "vi", "PYTHONUNBUFFERED": "1"}
        # A session of its own: after a stop, no process of that group may be left (forked workers included).
        self.proc = subprocess.Popen([*GIAOBAN, *options, "serve", "--source", str(root), "--port", "0"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for_line(lambda text: "http://127.0.0.1:" in text)
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        self.output = root / ".giaoban-cache" / "serve-output"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, wanted: Callable[[str], bool], timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.printed.append(line)
            if wanted(line):
                return line
        raise AssertionError(f"not printed within {timeout} s; printed: {self.printed}")

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        connection.close()
        return response.status, body, {k.lower(): v for k, v in response.getheaders()}

    def raw_status(self, path: str, host: str = "localhost") -> int:
        """Status of a request sent byte for byte, so no client tidies the path first."""
        return int(self.raw(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()).split()[1])

    def raw(self, request: bytes) -> str:
        """The head of the answer to ``request``, sent as it is ("" when the server just closes)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as sock:
            sock.sendall(request)
            return sock.recv(4096).decode("latin-1")

    def group_alive(self) -> bool:
        """Whether any process of the preview's session (the server or a forked worker) still runs."""
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def redirect(self, path: str) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        connection.request("GET", path)
        response = connection.getresponse()
        connection.close()
        assert response.status == 302, (path, response.status)
        return response.getheader("Location")

    def printed_now(self) -> list[str]:
        """Everything printed so far, without waiting."""
        while not self.lines.empty():
            self.printed.append(self.lines.get())
        return self.printed

    def wait_for_page(self, path: str, wanted: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            body = self.get(path)[1]
            if wanted(body):
                return body
            time.sleep(0.05)
        raise AssertionError(f"{path} never matched; last body: {body[:2000]}")

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            if self.group_alive():
                os.killpg(self.proc.pid, signal.SIGKILL)


class ReloadStream:
    """The live-reload event stream, read as the browser's EventSource would."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.connection.request("GET", "/__giaoban/reload")
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_generation(self) -> int:
        while True:
            line = self.response.fp.readline().decode()
            assert line, "the event stream closed"
            if line.startswith("data: "):
                return int(line[6:])

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def preview(site: SiteDir):
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 10", "2024-05-01", body="Nội dung kỳ họp.", draft="true")
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Nội dung giao ban.")
    server = Preview(site.root)
    yield server
    server.stop(signal.SIGKILL)


def test_serves_drafts_and_reloads_after_an_edit(site: SiteDir, preview: Preview) -> None:
    status, page, headers = preview.get("/2024/05/ky-hop-thu-10/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "Bản nháp" in page and "Nội dung kỳ họp." in page
    assert "/__giaoban/reload" in page  # the live-reload script
    assert not (site.root / "output").exists()  # the preview never touches the real output
    stream = ReloadStream(preview.port)
    generation = stream.next_generation()
    site.article("content/2024/05/ky-hop.md", "Kỳ họp thứ 10", "2024-05-01", body="Nội dung đã sửa.", draft="true")
    assert stream.next_generation() > generation
    assert "Nội dung đã sửa." in preview.get("/2024/05/ky-hop-thu-10/")[1]
    stream.close()


def test_an_edit_of_redirects_yaml_is_rebuilt_like_any_other(site: SiteDir, preview: Preview) -> None:
    assert preview.get("/tin-cu/")[0] == 404
    site.write("redirects.yaml", "/tin-cu/: 2024/05/giao-ban-quy-ii/\n")
    page = preview.wait_for_page("/tin-cu/", lambda body: "url=/2024/05/giao-ban-quy-ii/" in body)
    assert "Trang đã chuyển sang địa chỉ mới" in page


def test_an_edit_of_views_csv_is_rebuilt_like_any_other(site: SiteDir, preview: Preview) -> None:
    assert "Xem nhiều" not in preview.get("/")[1]
    site.write("views.csv", "address,views\n/2024/05/giao-ban-quy-ii/,12\n")
    preview.wait_for_page("/", lambda body: "Xem nhiều" in body)


def test_a_first_preview_starts_from_the_documents_the_published_build_parsed(site: SiteDir) -> None:
    for n in range(1, 4):
        site.article(f"content/2024/05/bai-{n}.md", f"Giao ban lần {n}", f"2024-05-0{n}", body=f"Nội dung lần {n}.")
    site.article("content/2024/05/nhap.md", "Kỳ họp sắp tới", "2024-05-09", body="Bản nháp kỳ họp.", draft="true")
    assert site.build().returncode == 0
    preview = Preview(site.root, "-v")
    try:
        assert any(line.startswith("files to parse: 0 of 4 ") for line in preview.printed), preview.printed  # before it serves
        status, page, _ = preview.get("/2024/05/ky-hop-sap-toi/")  # drafts: the preview's own site, from the same documents
        assert status == 200 and "Bản nháp kỳ họp." in page
        assert f'href="http://127.0.0.1:{preview.port}/2024/05/giao-ban-lan-2/"' in preview.get("/2024/05/giao-ban-lan-2/")[1]
        site.article("content/2024/05/bai-2.md", "Giao ban lần 2", "2024-05-02", body="Nội dung đã sửa.")
        preview.wait_for_page("/2024/05/giao-ban-lan-2/", lambda body: "Nội dung đã sửa." in body)
    finally:
        preview.stop(signal.SIGKILL)


def test_the_kept_site_made_again_by_the_server_repeats_none_of_the_builds_warnings(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nkhong_co_truong_nay: 1\n')
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Nội dung giao ban.")
    preview = Preview(site.root)  # the address comes once the kept site is made (after the first build)
    try:
        assert sum("khong_co_truong_nay" in line for line in preview.printed) == 1, preview.printed
    finally:
        preview.stop(signal.SIGKILL)


def test_a_site_without_site_yaml_is_told_so_once_not_on_every_save(site: SiteDir) -> None:
    (site.root / "site.yaml").unlink()
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Nội dung giao ban.")
    site.write("content/2024/05/hong.md", "---\ntitle: Hỏng\ndate: 31/02/2024\n---\n\nHỏng.\n")  # a first build that fails says it too
    preview = Preview(site.root)
    try:
        assert any(line.startswith("Dựng trang thất bại") for line in preview.printed), preview.printed
        (site.root / "content/2024/05/hong.md").unlink()
        for n in range(1, 4):
            site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body=f"Sửa lần {n}.")
            preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body, n=n: f"Sửa lần {n}." in body)
            preview.wait_for_line(lambda line: line.startswith("Đã dựng lại"))
    finally:
        preview.stop(signal.SIGKILL)
    assert sum("không có tệp site.yaml" in line for line in preview.printed) == 1, preview.printed


def test_broken_file_shows_the_error_keeps_the_last_site_and_recovers(site: SiteDir, preview: Preview) -> None:
    site.write("content/2024/05/giao-ban.md", "---\ntitle: Giao ban quý II\ndate: 31/02/2024\n---\n\nBản hỏng.\n")
    page = preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "giaoban-loi" in body)
    assert "content/2024/05/giao-ban.md:3: ngày &#x27;date&#x27; không hợp lệ: &#x27;31/02/2024&#x27;" in page
    assert "Lỗi khi dựng trang" in page
    assert "Nội dung giao ban." in page  # the last good build, under the error
    preview.wait_for_line(lambda line: line.startswith("content/2024/05/giao-ban.md:3: ngày 'date' không hợp lệ"))
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Đã sửa xong.")
    # The new files are in place a moment before the build is recorded as good; the tab reloads then.
    preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "Đã sửa xong." in body and "giaoban-loi" not in body)


def test_first_build_broken_gives_an_error_page_until_fixed(site: SiteDir) -> None:
    site.write("content/2024/05/a.md", "---\ntitle: Kỳ họp\ndate: hôm qua\n---\n\nA.\n")
    server = Preview(site.root)
    try:
        status, page, _ = server.get("/")
        assert status == 500 and "content/2024/05/a.md:3: ngày &#x27;date&#x27; không hợp lệ" in page
        assert "Chưa có bản dựng nào thành công." in page
        site.article("content/2024/05/a.md", "Kỳ họp", "2024-05-01", body="Đã sửa.")
        assert "Đã sửa." in server.wait_for_page("/2024/05/ky-hop/", lambda body: "Đã sửa." in body)
    finally:
        assert server.stop() == 0


def test_nothing_outside_the_output_is_served(site: SiteDir, preview: Preview) -> None:
    (preview.output / "lien-ket.yaml").symlink_to(site.root / "site.yaml")
    (preview.output / "thu-muc").symlink_to(site.root)
    for path in ("/../site.yaml", "/../../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E%2Fsite.yaml", "/static/..%2f..%2fsite.yaml",
                 "/..%5csite.yaml", "/lien-ket.yaml", "/thu-muc/site.yaml", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%00"):
        assert preview.raw_status(path) == 404, path
    status, page, _ = preview.get("/khong-co-trang-nay/")
    assert status == 404 and "/__giaoban/reload" in page  # the site's own 404 page
    assert preview.redirect("/2024/05/giao-ban-quy-ii") == "/2024/05/giao-ban-quy-ii/"
    assert preview.redirect("//2024/05") == "/2024/05/"  # never "//2024/05/", another host to a browser
    assert preview.raw_status("/static/style.css") == 200


def test_a_burst_of_saves_gives_few_builds(site: SiteDir, preview: Preview) -> None:
    stream = ReloadStream(preview.port)
    start = stream.next_generation()
    for i in range(20):
        site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body=f"Lần lưu {i}.")
        time.sleep(0.005)
    preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "Lần lưu 19." in body)
    time.sleep(0.5)  # let any trailing build finish
    stream.close()
    builds = int(ReloadStream(preview.port).next_generation()) - start
    assert 1 <= builds <= 5  # not 20: saves 5 ms apart are coalesced (QUIET is 150 ms)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_cleanly(site: SiteDir, sig: int) -> None:
    site.article("content/2024/05/a.md", "Kỳ họp", "2024-05-01")
    server = Preview(site.root)
    stream = ReloadStream(server.port)  # an open tab must not keep the server alive
    stream.next_generation()
    assert server.stop(sig) == 0
    assert "Đã dừng máy chủ xem trước." in "\n".join(server.printed + list(server.lines.queue))
    assert not any("Traceback" in line for line in list(server.lines.queue))
    stream.close()


def test_an_open_browser_tab_reloads_itself_on_save_and_on_error(site: SiteDir, preview: Preview, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{preview.port}/2024/05/giao-ban-quy-ii/")
        assert "Nội dung giao ban." in page.locator("main").inner_text()
        site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Trình duyệt tự tải lại.")
        page.wait_for_function("document.body.innerText.includes('Trình duyệt tự tải lại.')", timeout=WAIT * 1000)
        site.write("content/2024/05/giao-ban.md", "---\ntitle: Giao ban quý II\n---\n\nThiếu ngày.\n")
        page.wait_for_selector("#giaoban-loi", timeout=WAIT * 1000)
        assert "content/2024/05/giao-ban.md" in page.locator("#giaoban-loi").inner_text()
    finally:
        page.close()


def test_a_port_in_use_is_a_plain_error(site: SiteDir) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_giaoban("serve", "--source", str(site.root), "--port", str(taken.getsockname()[1]), timeout=60)
    assert result.returncode == 1
    assert "cổng đang được chương trình khác dùng; thử --port khác" in result.stderr
    assert "Traceback" not in result.stderr


def test_requests_for_another_host_name_are_refused(preview: Preview) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 must not read the preview."""
    assert preview.raw_status("/", host="evil.example") == 421
    assert preview.raw_status("/", host=f"evil.example:{preview.port}") == 421
    assert preview.raw("GET / HTTP/1.0\r\n\r\n".encode()).split()[1] == "421"  # no Host at all
    for host in (f"localhost:{preview.port}", f"127.0.0.1:{preview.port}", f"[::1]:{preview.port}", "localhost"):
        assert preview.raw_status("/", host=host) == 200, host


def test_files_are_sent_with_their_type_and_nosniff(preview: Preview) -> None:
    for path, kind in (("/", "text/html; charset=utf-8"), ("/static/style.css", "text/css; charset=utf-8"),
                       ("/feed.xml", "application/xml; charset=utf-8")):
        status, _, headers = preview.get(path)
        assert status == 200 and headers["content-type"] == kind, path
        assert headers["x-content-type-options"] == "nosniff"
    assert preview.get("/khong-co/")[2]["x-content-type-options"] == "nosniff"


def test_the_server_survives_rude_clients_and_two_hundred_at_once(site: SiteDir, preview: Preview) -> None:
    for _ in range(20):  # requests cut off half-way, answers dropped half-read
        with socket.create_connection(("127.0.0.1", preview.port)) as sock:
            sock.sendall(b"GET /2024/05/giao-ban-quy-ii/ HT")
        with socket.create_connection(("127.0.0.1", preview.port)) as sock:
            sock.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
            sock.recv(10)
    for request in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", b"\x00\xff\xfe\r\n\r\n",
                    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
                    b"GET / HTTP/1.1\r\nHost: localhost\r\nX: " + b"b" * 70000 + b"\r\n\r\n"):
        head = preview.raw(request)  # an error (as HTTP/0.9, bare, for a request with no version), or nothing
        assert head == "" or "Error response" in head or head.split()[1] in ("400", "414", "431", "505"), head[:80]
    paths = ["/", "/2024/05/giao-ban-quy-ii/", "/static/style.css", "/feed.xml", "/khong-co/"] * 40

    def fetch(path: str) -> int:
        return preview.get(path)[0]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(fetch, paths))
    seconds = time.monotonic() - started
    assert statuses.count(200) == 160 and statuses.count(404) == 40
    print(f"200 concurrent requests answered in {seconds:.2f} s")
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Vẫn dựng lại sau đó.")
    preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "Vẫn dựng lại sau đó." in body)


def test_a_second_preview_of_the_same_site_builds_into_its_own_folder(site: SiteDir, preview: Preview) -> None:
    second = Preview(site.root)
    try:
        assert any("thư mục riêng" in line for line in second.printed)
        site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Cả hai cùng thấy.")
        for server in (preview, second):
            server.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "Cả hai cùng thấy." in body)
    finally:
        assert second.stop(signal.SIGTERM) == 0
    assert preview.get("/")[0] == 200


def test_a_preview_big_enough_to_fork_starts_shows_edits_and_stops_twenty_times(tmp_path: Path) -> None:
    root = tmp_path / "site"
    subprocess.run([sys.executable, str(BENCHMARKS / "corpus.py"), "--n", "300", "--format", "giaoban", "--out", str(root)],
                   check=True, capture_output=True)
    article = sorted((root / "content").rglob("*.md"))[7]
    for attempt in range(20):
        shutil.rmtree(root / ".giaoban-cache", ignore_errors=True)  # a first build that parses 300 files in workers
        server = Preview(root)
        try:
            text = article.read_text(encoding="utf-8")
            article.write_text(text.replace("\n---\n", f"\n---\n\nLần sửa thứ {attempt}.\n", 1), encoding="utf-8")
            page = _page_of(root, article, server)
            edit = f"Lần sửa thứ {attempt}."
            server.wait_for_page(page, lambda body, edit=edit: edit in body)
        finally:
            assert server.stop(signal.SIGTERM) == 0, f"start {attempt}: the preview did not stop"
        deadline = time.monotonic() + WAIT
        while server.group_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not server.group_alive(), f"start {attempt}: processes of the preview were left running"


def test_a_saved_article_is_shown_before_the_rebuild_ends_and_the_rebuild_shows_the_same(tmp_path: Path) -> None:
    root = tmp_path / "site"
    subprocess.run([sys.executable, str(BENCHMARKS / "corpus.py"), "--n", "300", "--format", "giaoban", "--out", str(root)],
                   check=True, capture_output=True)
    article = sorted((root / "content").rglob("*.md"))[7]
    server = Preview(root)
    try:
        page = _page_of(root, article, server)
        for attempt in range(3):  # the first build has ended (the address is printed after it), and each rebuild
            builds = sum(line.startswith("Đã dựng") for line in server.printed_now())
            edit = f"Đoạn văn sửa lần thứ {attempt} ở Trùng Khánh."
            article.write_text(article.read_text(encoding="utf-8") + f"\n{edit}\n", encoding="utf-8")
            quick = server.wait_for_page(page, lambda body, edit=edit: edit in body)
            # A build of 300 articles takes longer than parsing one again: the page came first.
            assert sum(line.startswith("Đã dựng") for line in server.printed_now()) == builds
            server.wait_for_line(lambda line: line.startswith("Đã dựng lại"))
            built = server.get(page)[1]
            assert _without_reload(built) == _without_reload(quick)
    finally:
        assert server.stop() == 0


def test_a_new_tag_shows_the_article_on_its_page_before_the_rebuild_ends_and_the_rebuild_shows_the_same(tmp_path: Path) -> None:
    root = tmp_path / "site"
    subprocess.run([sys.executable, str(BENCHMARKS / "corpus.py"), "--n", "300", "--format", "giaoban", "--out", str(root)],
                   check=True, capture_output=True)
    dated = {path: re.search(r"^date: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
             for path in (root / "content").rglob("*.md")}
    newest = max(dated, key=dated.__getitem__)
    text = newest.read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', text, re.MULTILINE).group(1)
    tags = re.search(r"^tags: \[(.*)\]$", text, re.MULTILINE).group(1)
    tag = next(t for t in ("giám sát", "chất vấn", "ngân sách", "kỳ họp") if f'"{t}"' not in tags)
    page = f"/chu-de/{slugify(tag)}/"  # the newest article leads its first page
    server = Preview(root)
    try:
        assert title not in server.wait_for_page(page, lambda body: "<h1" in body)
        builds = sum(line.startswith("Đã dựng") for line in server.printed_now())
        newest.write_text(text.replace(f"tags: [{tags}]", f'tags: [{tags}, "{unicodedata.normalize("NFD", tag)}"]'), encoding="utf-8")
        quick = server.wait_for_page(page, lambda body: title in body)
        assert sum(line.startswith("Đã dựng") for line in server.printed_now()) == builds  # before the rebuild
        server.wait_for_line(lambda line: line.startswith("Đã dựng lại"))
        assert _without_reload(server.get(page)[1]) == _without_reload(quick)
    finally:
        assert server.stop() == 0


def _without_reload(page: str) -> str:
    """A page without the live-reload script, whose number counts the builds."""
    return re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)


def test_a_rebuild_that_crashes_leaves_the_last_site_served_and_the_next_save_rebuilds(site: SiteDir, preview: Preview) -> None:
    site.write("templates/article.html", '{% extends "base.html" %}{% block main %}{{ 1 // 0 }}{% endblock %}')
    page = preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "giaoban-loi" in body)
    assert "ZeroDivisionError" in page and "Nội dung giao ban." in page  # the error, over the last good site
    assert "Traceback" not in "\n".join(preview.printed_now())
    (site.root / "templates/article.html").unlink()
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Sau lỗi.")
    preview.wait_for_page("/2024/05/giao-ban-quy-ii/", lambda body: "Sau lỗi." in body and "giaoban-loi" not in body)


def test_the_builds_run_in_a_process_of_their_own_and_one_killed_is_started_again(site: SiteDir, preview: Preview) -> None:
    builds = _builds_process(preview)  # the next build's, started as the last one ended
    deadline = time.monotonic() + WAIT  # behind the server for the processor, once it has started
    while os.getpriority(os.PRIO_PROCESS, builds) != BUILDS_NICENESS and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.getpriority(os.PRIO_PROCESS, builds) == BUILDS_NICENESS
    os.kill(builds, signal.SIGKILL)  # out of memory, say, between two saves
    site.article("content/2024/05/giao-ban.md", "Giao ban quý II", "2024-05-02", body="Sau khi tiến trình dựng dừng.")
    preview.wait_for_line(lambda line: line.startswith("Đã dựng lại"))  # not a failure: a new process built it
    assert "Sau khi tiến trình dựng dừng." in (preview.output / "2024/05/giao-ban-quy-ii/index.html").read_text(encoding="utf-8")
    assert _builds_process(preview) not in (builds, preview.proc.pid)


def _builds_process(server: Preview) -> int:
    """The preview's process for its next build (workers.Resident): the server's one running child
    that is not multiprocessing's tracker (the last build's may still be ending)."""
    deadline = time.monotonic() + WAIT
    while True:
        children = [int(child) for task in Path(f"/proc/{server.proc.pid}/task").iterdir()
                    for child in (task / "children").read_text().split()]
        running = [child for child in children if _running(child) and "resource_tracker" not in Path(f"/proc/{child}/cmdline").read_text()]
        if len(running) == 1 or time.monotonic() > deadline:
            assert len(running) == 1, children
            return running[0]
        time.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _page_of(root: Path, article: Path, server: Preview) -> str:
    """The preview URL of ``article``: the page whose file holds its title."""
    title = re.search(r'^title: "(.*)"$', article.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    for page in server.output.glob("20*/*/*/index.html"):
        if f"<h1>{title}</h1>" in page.read_text(encoding="utf-8") or title in page.read_text(encoding="utf-8")[:3000]:
            return "/" + page.parent.relative_to(server.output).as_posix() + "/"
    raise AssertionError(f"no page for {article}")


def test_a_missing_english_page_gets_the_english_404_page(site: SiteDir) -> None:
    site.write("site.yaml", 'title: "Thử"\nlanguages:\n  en:\n    title: "Trial council"\n')
    site.write("content/en/pages/contact.md", "---\ntitle: Contact\n---\n\nThe office.\n")
    server = Preview(site.root)
    try:
        status, page, _ = server.get("/en/no-such-page/")
        assert status == 404 and "Page not found" in page and 'lang="en"' in page
        status, page, _ = server.get("/khong-co/trang-nay/")
        assert status == 404 and "Không tìm thấy trang" in page
    finally:
        assert server.stop() == 0
