"""A small HTTP server on 127.0.0.1 for download tests: serves bytes the test gives it, honours
Range requests, and can misbehave on purpose (cut a transfer, answer slowly, drip bytes)."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """`with LocalServer({"/mnist.npz": data}) as server: server.url("mnist.npz")`.

    `modes[path]` picks a behaviour: "cut" sends `cut_at` bytes of the first answer then closes the
    connection; "slow" waits `delay` seconds before answering; "drip" sends 4 KiB every `delay`
    seconds; "no-range" ignores Range headers. `requests` records (path, Range header or None).
    """

    def __init__(self, files: dict[str, bytes], modes: dict[str, str] | None = None,
                 cut_at: int = 1000, delay: float = 2.0) -> None:
        self.files, self.modes = dict(files), dict(modes or {})
        self.cut_at, self.delay = cut_at, delay
        self.requests: list[tuple[str, str | None]] = []
        self.release = threading.Event()  # set on exit so that slow handlers end at once
        self._cut_done: set[str] = set()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name.lstrip('/')}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
                    self._answer()

            def _answer(self) -> None:
                path, range_header = self.path, self.headers.get("Range")
                server.requests.append((path, range_header))
                mode = server.modes.get(path, "ok")
                if path not in server.files:
                    self.send_error(404, "Not Found")
                    return
                if mode == "slow" and server.release.wait(server.delay):
                    return
                data, start = server.files[path], 0
                match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
                if match and mode != "no-range":
                    start = int(match.group(1))
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if mode == "cut" and path not in server._cut_done:
                    server._cut_done.add(path)
                    self.wfile.write(body[:server.cut_at])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if mode == "drip":
                    for i in range(0, len(body), 4096):
                        if server.release.is_set():
                            return
                        self.wfile.write(body[i:i + 4096])
                        self.wfile.flush()
                        time.sleep(server.delay)
                    return
                self.wfile.write(body)

        return Handler
