"""``giaoban serve``: the preview server. Builds with drafts, serves the output, reloads open tabs.

Only files inside the output directory are ever served, and only to requests that name the
address it serves (a web page elsewhere cannot reach it through a DNS name it controls). Build
errors are shown in the browser on top of the last good build, and in the terminal.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import logging
import mimetypes
import signal
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .build import BuildOptions
from .cache import BuildCache
from .config import load_config
from .errors import BuildFailed, GiaobanError
from .lock import try_lock
from .messages import msg
from .watch import BuildState, Rebuilder, unsaid, watch

log = logging.getLogger(__name__)

RELOAD_PATH = "/__giaoban/reload"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream, so proxies and browsers keep it open
# EventSource reconnects by itself (also after the server restarts); the page reloads when the
# build generation it was served with is no longer the current one.
RELOAD_SCRIPT = ('<script>(function(){{var seen={generation};var s=new EventSource("{path}");'
                 's.onmessage=function(e){{if(Number(e.data)!==seen){{s.close();location.reload();}}}};}})();</script>')
BANNER_STYLE = ("position:relative;z-index:2147483647;margin:0;padding:1em;background:#fff3f3;color:#6b0000;"
                "border:3px solid #b00020;font:16px/1.5 system-ui,sans-serif")


@dataclass
class ServeOptions:
    source: Path
    host: str = "127.0.0.1"
    port: int = 8000
    output: Path | None = None  # default: SOURCE/.giaoban-cache/serve-output, apart from the real output/


PREVIEWS = 9  # previews of one site at once, each with its own output folder
CLIENT_TIMEOUT = 30.0  # seconds a client may take to send its request: idle sockets do not pile up
KEPT_PATIENCE = 60.0  # seconds the address waits for the kept site (preview.py), made after the first build


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server for one output directory and the state of the builds that fill it."""

    daemon_threads = True
    request_queue_size = 256  # a page with many images opens many connections at once

    def __init__(self, address: tuple[str, int], root: Path, state: BuildState, prefix: str = "/") -> None:
        super().__init__(address, PreviewHandler)
        self.root, self.state, self.prefix = root.resolve(), state, prefix

    def handle_error(self, request: object, client_address: tuple) -> None:
        """A dropped connection is routine for a preview; keep the traceback out of the editor's terminal."""
        log.debug("request from %s failed", client_address, exc_info=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}{self.prefix}"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "giaoban-preview"
    timeout = CLIENT_TIMEOUT

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, send_body: bool) -> None:
        if not host_allowed(self.headers.get("Host", ""), self.server.server_address[0]):
            return self._send(421, msg("serve_wrong_host").encode("utf-8"), "text/plain; charset=utf-8", send_body)
        path = urlsplit(self.path).path
        if path == RELOAD_PATH:
            return self._event_stream() if send_body else self._send(200, b"", "text/event-stream")
        state = self.server.state
        if not state.has_site:
            return self._send(500, error_page(state).encode("utf-8"), "text/html; charset=utf-8", send_body)
        if path in ("", "/", self.server.prefix.rstrip("/")) and self.server.prefix != "/":
            return self._redirect(self.server.prefix)
        target = resolve(self.server.root, path, self.server.prefix)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                # One leading slash only: "//host/x" in a Location header would send the browser to another site.
                return self._redirect("/" + path.lstrip("/") + "/")
            target = target / "index.html"
        quick = state.quick_page(target.relative_to(self.server.root).as_posix()) if target is not None else None
        if quick is not None:  # an article saved a moment ago, ahead of the build (preview.py)
            return self._send_data(200, quick, target.name, send_body)
        if target is None or not target.is_file():
            return self._not_found(target, send_body)
        self._send_file(200, target, send_body)

    def _send_file(self, status: int, target: Path, send_body: bool) -> None:
        try:
            data = target.read_bytes()
        except OSError:  # swapped away by a rebuild between the check and the read
            return self._send(404, b"", "text/plain", send_body)
        self._send_data(status, data, target.name, send_body)

    def _send_data(self, status: int, data: bytes, name: str, send_body: bool) -> None:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = decorate(data.decode("utf-8", errors="replace"), self.server.state).encode("utf-8")
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml"):
            kind += "; charset=utf-8"
        self._send(status, data, kind, send_body)

    def _not_found(self, target: Path | None, send_body: bool) -> None:
        """The nearest 404.html above the missing file (as Cloudflare Pages answers): under /en/, the English one."""
        root = self.server.root
        folders = [folder for folder in (target.parents if target else ()) if folder.is_relative_to(root)] or [root]
        page = next((folder / "404.html" for folder in folders if (folder / "404.html").is_file()), None)
        if page is not None:
            return self._send_file(404, page, send_body)
        self._send(404, b"404", "text/plain; charset=utf-8", send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)  # not 301: browsers keep those, and the preview's folders come and go
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, data: bytes, kind: str, send_body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # an edited page must never come from the cache
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away mid-response

    def _event_stream(self) -> None:
        """Server-Sent Events: the current build generation now, then each new one."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.server.state
        seen = -1
        try:
            while not state.closed:
                if state.generation != seen:
                    seen = state.generation
                    self.wfile.write(f"retry: 1000\ndata: {seen}\n\n".encode())
                else:
                    self.wfile.write(b": keepalive\n\n")
                self.wfile.flush()
                state.wait_for_change(seen, KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded


def host_allowed(host: str, bound: str) -> bool:
    """Whether a request's ``Host`` header names this server: a loopback name or address, an IP
    address, or the address it was bound to. A DNS name an attacker controls is none of these."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if not name:
        return False
    if name in ("localhost", bound.lower()) or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def resolve(root: Path, url_path: str, prefix: str = "/") -> Path | None:
    """The file or folder under ``root`` that ``url_path`` names, or None if it would leave ``root``.

    Decoding comes first so that "%2e%2e" is seen as ".."; the final check on the real path also
    stops symbolic links that point outside.
    """
    path = unquote(url_path, errors="replace")
    if not path.startswith(prefix):
        return None
    parts = path[len(prefix):].split("/")
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    candidate = root.joinpath(*[part for part in parts if part])
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return candidate if real == root or real.is_relative_to(root) else None


def decorate(page: str, state: BuildState) -> str:
    """An HTML page with the live-reload script and, after a failed build, the error banner."""
    script = RELOAD_SCRIPT.format(generation=state.generation, path=RELOAD_PATH)
    page = _insert_before(page, "</body>", script)
    if state.problems:
        page = _insert_after_body(page, error_banner(state, stale=True))
    return page


def error_banner(state: BuildState, stale: bool) -> str:
    """The problems of the last build, as the editor's terminal shows them, in a box."""
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in state.problems)
    note = msg("serve_error_stale") if stale else msg("serve_no_build")
    return (f'<div id="giaoban-loi" role="alert" style="{BANNER_STYLE}"><h2 style="margin-top:0">'
            f'{html.escape(msg("serve_error_title"))}</h2><p>{html.escape(msg("serve_error_intro", count=len(state.problems)))}'
            f"</p><ul>{items}</ul><p>{html.escape(note)}</p></div>")


def error_page(state: BuildState) -> str:
    """The whole page shown while no build has succeeded yet."""
    script = RELOAD_SCRIPT.format(generation=state.generation, path=RELOAD_PATH)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(msg("serve_error_title"))}'
            f"</title></head><body>{error_banner(state, stale=False)}{script}</body></html>")


def _insert_before(page: str, marker: str, snippet: str) -> str:
    at = page.lower().rfind(marker)
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


def _insert_after_body(page: str, snippet: str) -> str:
    start = page.lower().find("<body")
    end = page.find(">", start) if start >= 0 else -1
    return snippet + page if end < 0 else page[:end + 1] + snippet + page[end + 1:]


def serve(options: ServeOptions, echo: Callable[[str], None]) -> None:
    """Build, serve and rebuild on change until SIGINT or SIGTERM. Raises ``GiaobanError`` if the port is taken."""
    if not options.source.is_dir():
        raise GiaobanError(msg("no_source", path=options.source))
    state = BuildState()
    prefix = _base_path(options.source)
    output = _own_output(options, echo)
    try:
        httpd = PreviewServer((options.host, options.port), output, state, prefix)
    except OSError as exc:
        raise GiaobanError(msg("serve_port_busy", host=options.host, port=options.port, reason=_reason(exc))) from None
    # Links and canonical URLs stay on the preview; a first preview starts from the published build's documents.
    # The output's lock is this process's, for as long as it runs: its builds, in a process of their own, write under it.
    build_options = BuildOptions(source=options.source, output=httpd.root, drafts=True, base_url=httpd.url,
                                 documents_from=options.source / "output", locked=True)
    rebuilder = Rebuilder(build_options, state, echo)
    stop = _stop_on_signals()
    rebuilder.build_now()
    observer = watch(options.source, rebuilder.request)
    rebuilder.start()
    threading.Thread(target=httpd.serve_forever, name="giaoban-http", daemon=True).start()
    rebuilder.wait_for_kept(KEPT_PATIENCE)  # ready when a save shows at once (the site is served already)
    echo(msg("serve_started", url=httpd.url))
    try:
        while not stop.wait(0.5):
            pass
    finally:
        observer.stop()
        rebuilder.stop()
        state.close()
        httpd.shutdown()
        httpd.server_close()
        observer.join(5)
    echo(msg("serve_stopped"))


def _own_output(options: ServeOptions, echo: Callable[[str], None]) -> Path:
    """An output folder no other preview of the site is using, locked for as long as this one runs."""
    if options.output is not None:
        if try_lock(BuildCache(options.output.resolve()).dir) is None:
            raise GiaobanError(msg("serve_output_busy", output=options.output))
        return options.output
    for number in range(1, PREVIEWS + 1):
        output = (options.source / ".giaoban-cache" / ("serve-output" if number == 1 else f"serve-output-{number}")).resolve()
        if try_lock(BuildCache(output).dir) is not None:
            if number > 1:
                echo(msg("serve_other_preview", output=output))
            return output
    raise GiaobanError(msg("serve_too_many", count=PREVIEWS))


def _reason(exc: OSError) -> str:
    """Why a port could not be opened, in the editor's language where the case is common."""
    known = {errno.EADDRINUSE: "port_in_use", errno.EACCES: "port_denied"}
    return msg(known[exc.errno]) if exc.errno in known else str(exc.strerror or exc)


def _base_path(source: Path) -> str:
    """The base path of ``base_url`` ("/" or "/hdnd/"), so that links written with it work in the preview."""
    try:
        with unsaid():  # what is wrong in site.yaml: the first build says it
            return load_config(source).base_path
    except BuildFailed:
        return "/"  # the first build reports the config problem


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C (SIGINT) or SIGTERM, so that both stop the server the same clean way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop
